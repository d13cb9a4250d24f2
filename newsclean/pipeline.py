"""Pipeline: an extractor, document stages and corpus stages, run lazily over a stream.

``Pipeline.plan()`` is the one place where a pipeline is cut into what runs per document (the
extractor and the document stages before the first corpus stage, under one time budget) and
the corpus steps after it (a corpus stage, then the document stages up to the next one). Every
engine (``Pipeline.run``, the process pool, Dask, the Runner) runs that plan.
"""

from __future__ import annotations

import itertools
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Union

import attrs

from newsclean import options
from newsclean.engine.budget import Clock, DocumentTimeout, time_limit
from newsclean.engine.corpus import apply_one, observe_all
from newsclean.engine.spill import Spill, Timed, read_spill_line, spill_line
from newsclean.errors import ConfigError, StageError
from newsclean.model import Article, Drop, RawDocument, returned_article
from newsclean.rulepack import compile_loaded
from newsclean.stages import Extract
from newsclean.stages.base import CorpusStage

ON_ERROR = ("drop", "raise")

log = logging.getLogger(__name__)


__all__ = [
    "CorpusStage", "CorpusStep", "DocumentStep", "DocumentTimeout", "Pipeline", "Plan", "Spill", "Stage", "Timed",
    "read_spill_line", "spill_line", "stage_name", "time_limit",
]

# A document stage: a DocumentStage (newsclean.stages.base), or any callable with a ``name``.
DocumentStep = Callable[[Article], Article]
# Runs a corpus step's later document stages over a stream (``Pipeline.apply_step``).
Finish = Callable[["CorpusStep", Iterable[Timed]], Iterator[Timed]]
# What a pipeline's ``stages`` hold.
Stage = Union[DocumentStep, CorpusStage[Any, Any]]


@attrs.frozen
class CorpusStep:
    """A corpus stage and the document stages that follow it, up to the next corpus stage."""

    stage: CorpusStage[Any, Any]
    after: tuple[DocumentStep, ...]


@attrs.frozen
class Plan:
    """How a pipeline runs: ``head`` (document stages run with the extractor, per document),
    then each corpus step in order."""

    head: tuple[DocumentStep, ...]
    steps: tuple[CorpusStep, ...]


def stage_name(stage: Any) -> str:
    return getattr(stage, "name", None) or getattr(stage, "__name__", None) or type(stage).__name__


def _to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)




@attrs.frozen(kw_only=True)
class Pipeline:
    """Extract, then document stages (``Article -> Article``) in order, with corpus stages
    (:class:`newsclean.engine.corpus.CorpusStage`) among them.

    ``run`` yields one Article per input, dropped ones included (``article.drop`` says why),
    so nothing leaves silently. A stage that raises on a document drops that document with
    reason ``error`` (``on_error="drop"``) or raises :class:`StageError` (``on_error="raise"``).
    A document that a reader could not read (``RawDocument.error``) is rejected before any
    extractor sees it. Pipelines are immutable: ``then``, ``without`` and ``replace`` return
    new ones. A stage with a ``prepare()`` method has it called before each document, outside
    the time budget (for one-off loading; it must be cheap once done). Stages that declare
    ``requires``/``provides`` (``newsclean.stages.base``) are checked when the pipeline is built:
    one placed before a stage that sets what it requires is a ``ConfigError`` naming both.
    """

    extract: Callable[[RawDocument], Article] = attrs.field(factory=Extract)
    stages: tuple[Stage, ...] = attrs.field(default=(), converter=_to_tuple)
    on_error: str = attrs.field(default="drop")
    # Seconds extraction and the document stages together may spend on one document; over
    # it, the document is dropped with reason ``timeout`` and the run goes on. None: no
    # limit. See ``newsclean.engine.budget`` for the caveats.
    time_budget: float | None = attrs.field(default=60.0, converter=lambda value: options.budget(value, "time_budget"))
    _plan: Plan = attrs.field(init=False, eq=False, repr=False)
    # What ``process`` runs: every document stage, corpus stages left out.
    _document_stages: tuple[DocumentStep, ...] = attrs.field(init=False, eq=False, repr=False)
    # The process that ran ``prepare`` (``clean`` runs it before a process's first document;
    # a pickled or forked copy prepares again).
    _prepared_in: int | None = attrs.field(init=False, default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        check_order((self.extract, *self.stages))
        plan = _plan_of(self.stages)
        object.__setattr__(self, "_plan", plan)
        object.__setattr__(self, "_document_stages", plan.head + tuple(s for step in plan.steps for s in step.after))

    @on_error.validator
    def _check_on_error(self, _attribute: Any, value: str) -> None:
        if value not in ON_ERROR:
            raise ConfigError(f"on_error must be one of {ON_ERROR}, not {value!r}")

    @property
    def names(self) -> tuple[str, ...]:
        return (stage_name(self.extract),) + tuple(stage_name(s) for s in self.stages)

    def plan(self) -> Plan:
        """The per-document head and the corpus steps (see the module docstring)."""
        return self._plan

    def then(self, stage: Any) -> Pipeline:
        """A new pipeline with ``stage`` appended."""
        return attrs.evolve(self, stages=self.stages + (stage,))

    def without(self, name: str) -> Pipeline:
        """A new pipeline without the stage called ``name``."""
        self._index(name)
        return attrs.evolve(self, stages=tuple(s for s in self.stages if stage_name(s) != name))

    def replace(self, name: str, stage: Any) -> Pipeline:
        """A new pipeline with the stage called ``name`` (``"extract"`` included) swapped."""
        if name == stage_name(self.extract):
            return attrs.evolve(self, extract=stage)
        index = self._index(name)
        return attrs.evolve(self, stages=self.stages[:index] + (stage,) + self.stages[index + 1 :])

    def _index(self, name: str) -> int:
        for i, stage in enumerate(self.stages):
            if stage_name(stage) == name:
                return i
        raise ConfigError(f"no stage named {name!r}; stages: {', '.join(self.names)}")

    def prepare(self) -> None:
        """Every stage's one-off loading (``prepare()``), done before the first document. What
        only some documents need loads on first use, uncharged to the document
        (``budget.not_charged``: a rule pattern's compiled form)."""
        for stage in (self.extract, *self._document_stages):
            prepare = getattr(stage, "prepare", None)
            if prepare is not None:
                prepare()
        object.__setattr__(self, "_prepared_in", os.getpid())

    def warm_up(self) -> None:
        """``prepare``, and what a run of many documents is better off loading before the
        first: the built-in extractor cleans a tiny page once (trafilatura loads parts of
        itself on its first pages, which is not the first document's time), and every loaded
        rule pattern is compiled (once before worker processes fork, not once in each). A run
        of one document skips it: it would load more than that document uses. Our own
        loading stays uncharged there, but trafilatura's first-page loading (about 0.1 s, on
        a page that reaches its justext fallback) counts in that one document's time."""
        self.prepare()
        if isinstance(self.extract, Extract):
            self.extract(RawDocument(id="warm-up", content=_WARM_UP_PAGE, format="html"))
        compile_loaded()

    def process(self, document: RawDocument | Article) -> Article:
        """Extract and run every document stage on one input; corpus stages need a corpus
        and are skipped."""
        return self.clean(document, self._document_stages)[0]

    def process_head(self, document: RawDocument | Article) -> Timed:
        """The plan's head on one input (what an engine runs per document before the corpus
        steps), and the seconds it took of the time budget."""
        return self.clean(document, self._plan.head)

    def run(self, documents: Iterable[RawDocument | Article]) -> Iterator[Article]:
        """Lazily clean a stream. Yields every document, kept or dropped, in input order
        (corpus stages such as dedup and site_repeat hold the stream back until its end, in
        temporary spill files). Each item must be a RawDocument or an Article (TypeError
        otherwise)."""
        if isinstance(documents, (str, bytes)):
            raise TypeError("documents must be an iterable of RawDocument or Article, not a single str; use clean() for one text")
        documents = self.warmed_for(documents)
        if not self._plan.steps:
            return (self.process(d) for d in documents)
        return self.run_steps(self.process_head(d) for d in documents)

    def warmed_for(self, documents: Iterable[RawDocument | Article]) -> Iterator[RawDocument | Article]:
        """``documents`` again, lazily, with ``warm_up()`` run once a second one is in sight
        (not for a run of a single document, nor when this process has prepared already)."""
        iterator = iter(documents)
        first = list(itertools.islice(iterator, 2))
        if len(first) > 1 and self._prepared_in != os.getpid():
            self.warm_up()
        yield from first
        yield from iterator

    def run_steps(self, stream: Iterable[Timed]) -> Iterator[Article]:
        """The corpus steps over the head's output."""
        for step in self._plan.steps:
            stream = self.spilled_step(step, stream)
        return (article for article, _ in stream)

    def spilled_step(
        self, step: CorpusStep, stream: Iterable[Timed], progress: Callable[[str, int], Any] | None = None,
        finish: Finish | None = None,
    ) -> Iterator[Timed]:
        """``step`` over a stream, which waits in a temporary spill file."""
        with tempfile.TemporaryFile("w+b") as handle:
            spill = Spill(handle)
            for item in stream:
                spill.write(*item)
            yield from self.corpus_step(step, spill.replay, progress, finish)

    def corpus_step(
        self, step: CorpusStep, replay: Callable[[], Iterator[Timed]], progress: Callable[[str, int], Any] | None = None,
        finish: Finish | None = None,
    ) -> Iterator[Timed]:
        """One corpus step over a stream that ``replay()`` gives again for each pass: observe
        it whole, decide, then apply and run the document stages after the stage (``finish``,
        see ``apply_step``). ``progress(pass, n)`` hears of every ``n`` articles a pass gets
        through."""
        stage = step.stage
        observed = (lambda n: progress(f"{stage.name}: observe", n)) if progress else None
        started = time.monotonic()
        state = observe_all(stage, (article for article, _ in replay()), observed)
        decided = time.monotonic()
        model = stage.decide(state)
        log.info("%s: observed in %.1f s, decided in %.1f s", stage.name, decided - started, time.monotonic() - decided)
        applied = (lambda n: progress(f"{stage.name}: apply", n)) if progress else None
        yield from self.apply_step(step, model, replay(), progress=applied, finish=finish)

    def apply_step(
        self, step: CorpusStep, model: Any, stream: Iterable[Timed], start: int = 0, progress: Callable[[int], Any] | None = None,
        finish: Finish | None = None,
    ) -> Iterator[Timed]:
        """A corpus step's second half: its stage's ``apply`` with ``model`` on a stream whose
        first article has key ``start``, then the document stages after the stage:
        ``finish(step, stream)`` when given (an engine's killable workers,
        ``killable.DocumentPool.finish``), else ``finish_step`` here."""
        applied = ((self._apply(step.stage, key, article, model), spent) for key, (article, spent) in enumerate(stream, start))
        for item in (finish or self.finish_step)(step, applied):
            if progress:
                progress(1)
            yield item

    def finish_step(self, step: CorpusStep, stream: Iterable[Timed]) -> Iterator[Timed]:
        """The document stages after ``step``'s corpus stage, on each kept article, under
        what is left of its time budget."""
        for article, spent in stream:
            if step.after and article.kept:
                article, more = self.clean(article, step.after, spent)
                spent += more
            yield article, spent

    def _apply(self, stage: CorpusStage[Any, Any], key: int, article: Article, model: Any) -> Article:
        try:
            return apply_one(stage, key, article, model)
        except Exception as exc:
            if self.on_error == "raise":
                raise StageError(stage.name, article.id, exc) from exc
            return attrs.evolve(article, drop=Drop(stage=stage.name, reason="error", detail=f"{type(exc).__name__}: {exc}"))

    def clean(self, item: RawDocument | Article, stages: Sequence[Any], spent: float = 0.0) -> Timed:
        """Extract (when ``item`` is raw) and ``stages`` on one document, under what is left
        of the ``time_budget`` after ``spent`` seconds; a stage that raises or runs out of
        time drops the document. Returns the article and the seconds taken."""
        if not isinstance(item, (RawDocument, Article)):
            raise TypeError(f"documents must be RawDocument or Article, not {type(item).__name__}; wrap text in RawDocument(id=..., content=...)")
        if isinstance(item, RawDocument) and item.error is not None:
            # A reader's reject stands whatever extractor the pipeline has.
            return attrs.evolve(_as_article(item), drop=item.error.drop(stage_name(self.extract))), 0.0
        article = _as_article(item)
        current: Any = self.extract
        if self._prepared_in != os.getpid():
            # One-off loading (language profiles, compiled rules) is not the document's time.
            self.prepare()
        budget = None if self.time_budget is None else max(self.time_budget - spent, 1e-3)
        started = time.monotonic()
        clock = None
        try:
            with time_limit(budget) as clock:
                if isinstance(item, RawDocument):
                    article = self._call(self.extract, item)
                for stage in stages:
                    if not article.kept:
                        break
                    current = stage
                    article = self._call(stage, article)
        except DocumentTimeout:
            detail = f"over the time budget of {self.time_budget:g} s"
            drop = Drop(stage=stage_name(current), reason="timeout", detail=detail)
            return attrs.evolve(article, drop=drop), _charged(started, clock)
        return article, _charged(started, clock)

    def _call(self, stage: Callable[[Any], Article], item: RawDocument | Article) -> Article:
        try:
            return returned_article(stage_name(stage), stage(item))
        except Exception as exc:
            name = stage_name(stage)
            if self.on_error == "raise":
                raise StageError(name, item.id, exc) from exc
            drop = Drop(stage=name, reason="error", detail=f"{type(exc).__name__}: {exc}")
            return attrs.evolve(_as_article(item), drop=drop)


def _charged(started: float, clock: Clock | None) -> float:
    """Seconds since ``started``, less the one-off loading the document was not charged for."""
    return time.monotonic() - started - (clock.excluded if clock is not None else 0.0)


_WARM_UP_PAGE = "<html><head><title>Quay</title></head><body><article><p>" + "The quay reopened on Friday, the harbour master said. " * 3 + "</p></article></body></html>"


def check_order(stages: Sequence[Any]) -> None:
    """Raise ``ConfigError`` when a stage comes before one that sets a fact it ``requires``
    (``newsclean.stages.base``), naming both and the fact."""
    facts = [(_facts(stage, "requires"), _facts(stage, "provides")) for stage in stages]
    for i, (required, _) in enumerate(facts):
        earlier = set().union(*(provided for _, provided in facts[:i]))
        for fact in sorted(required - earlier):
            later = next((stages[j] for j in range(i + 1, len(stages)) if fact in facts[j][1]), None)
            if later is not None:
                name, setter = stage_name(stages[i]), stage_name(later)
                raise ConfigError(
                    f"stage {name!r} needs {fact!r}, which stage {setter!r} sets after it: put {setter!r} before {name!r}"
                )


def _facts(stage: Any, kind: str) -> frozenset[str]:
    value = getattr(stage, kind, None) or ()
    if isinstance(value, str) or not all(isinstance(fact, str) for fact in value):
        raise ConfigError(f"stage {stage_name(stage)!r}: {kind} must be a set of fact names, not {value!r}")
    return frozenset(value)


def _plan_of(stages: Sequence[Stage]) -> Plan:
    head: list[DocumentStep] = []
    steps: list[CorpusStep] = []
    for stage in stages:
        if isinstance(stage, CorpusStage):
            steps.append(CorpusStep(stage, ()))
        elif steps:
            steps[-1] = CorpusStep(steps[-1].stage, steps[-1].after + (stage,))
        else:
            head.append(stage)
    return Plan(tuple(head), tuple(steps))


def _as_article(item: RawDocument | Article) -> Article:
    return item if isinstance(item, Article) else Article(id=item.id, url=item.url)
