"""Pipeline: an extractor, document stages and corpus stages, run lazily over a stream."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

import attrs

from newsclean import options
from newsclean.errors import ConfigError, StageError
from newsclean.model import Article, Drop, RawDocument
from newsclean.stages import Extract

ON_ERROR = ("drop", "raise")


@runtime_checkable
class CorpusStage(Protocol):
    """A stage that needs the stream (dedup): ``run(articles) -> articles``."""

    name: str

    def run(self, articles: Iterable[Article]) -> Iterator[Article]: ...


class DocumentTimeout(BaseException):
    """A document ran over its time budget. A BaseException, so that a library's broad
    ``except Exception`` inside the stage cannot swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in this thread after ``seconds``. Uses SIGALRM, so it is active
    only in a process's main thread on POSIX (the CLI and its worker processes); a long call
    inside C code (a parser) is interrupted when it returns to Python. A timer the caller had
    set is put back afterwards, less the time spent (due meanwhile, it fires at once)."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _expire(_signum: int, _frame: Any) -> None:
        raise DocumentTimeout(f"over the time budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _expire)
    started = time.monotonic()
    pending, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if pending > 0:
            left = pending - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), interval)


def stage_name(stage: Any) -> str:
    return getattr(stage, "name", None) or getattr(stage, "__name__", None) or type(stage).__name__


def _to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Pipeline:
    """Extract, then document stages (``Article -> Article``) in order, then corpus stages.

    ``run`` yields one Article per input, dropped ones included (``article.drop`` says why),
    so nothing leaves silently. A stage that raises on a document drops that document with
    reason ``error`` (``on_error="drop"``) or raises :class:`StageError` (``on_error="raise"``).
    Pipelines are immutable: ``then``, ``without`` and ``replace`` return new ones. A stage
    with a ``prepare()`` method has it called before each document, outside the time budget
    (for one-off loading; it must be cheap once done).
    """

    extract: Callable[[RawDocument], Article] = attrs.field(factory=Extract)
    stages: tuple[Any, ...] = attrs.field(default=(), converter=_to_tuple)
    on_error: str = attrs.field(default="drop")
    # Seconds extraction and the document stages together may spend on one document; over
    # it, the document is dropped with reason ``timeout`` and the run goes on. None: no
    # limit. See ``time_limit`` for the caveats.
    time_budget: float | None = attrs.field(default=60.0, converter=lambda value: options.budget(value, "time_budget"))
    # The stages ``process`` runs: a protocol isinstance check is slow to repeat per document.
    _document_stages: tuple[Any, ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        document_stages = tuple(s for s in self.stages if not isinstance(s, CorpusStage))
        object.__setattr__(self, "_document_stages", document_stages)

    @on_error.validator
    def _check_on_error(self, _attribute: Any, value: str) -> None:
        if value not in ON_ERROR:
            raise ConfigError(f"on_error must be one of {ON_ERROR}, not {value!r}")

    @property
    def names(self) -> tuple[str, ...]:
        return (stage_name(self.extract),) + tuple(stage_name(s) for s in self.stages)

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

    def process(self, document: RawDocument | Article) -> Article:
        """Extract and run the document stages on one input (no corpus stages)."""
        return self._clean(document, self._document_stages)

    def run(self, documents: Iterable[RawDocument | Article]) -> Iterator[Article]:
        """Lazily clean a stream. Yields every document, kept or dropped, in input order
        (corpus stages such as dedup and site_repeat hold the stream back until its end).
        Each item must be a RawDocument or an Article (TypeError otherwise)."""
        if isinstance(documents, (str, bytes)):
            raise TypeError("documents must be an iterable of RawDocument or Article, not a single str; use clean() for one text")
        if any(isinstance(s, CorpusStage) for s in self.stages):
            return self._run_with_corpus_stages(documents)
        return (self.process(d) for d in documents)

    def _run_with_corpus_stages(self, documents: Iterable[RawDocument | Article]) -> Iterator[Article]:
        # Document stages between corpus stages run in segments, so order is respected.
        stream: Iterable[Article] = (self._clean(d, ()) for d in documents)
        segment: list[Any] = []
        for stage in self.stages:
            if isinstance(stage, CorpusStage):
                stream = stage.run(self._segment(stream, tuple(segment)))
                segment = []
            else:
                segment.append(stage)
        return iter(self._segment(stream, tuple(segment)))

    def _segment(self, stream: Iterable[Article], stages: tuple[Any, ...]) -> Iterator[Article]:
        for article in stream:
            yield self._clean(article, stages)

    def _clean(self, item: RawDocument | Article, stages: tuple[Any, ...]) -> Article:
        """Extract (when ``item`` is raw) and ``stages`` on one document, all under one
        ``time_budget``; a stage that raises or runs out of time drops the document."""
        if not isinstance(item, (RawDocument, Article)):
            raise TypeError(f"documents must be RawDocument or Article, not {type(item).__name__}; wrap text in RawDocument(id=..., content=...)")
        article: RawDocument | Article = item
        current: Any = self.extract
        for stage in stages:
            # A stage's one-off loading (language profiles) is not the document's time.
            prepare = getattr(stage, "prepare", None)
            if prepare is not None:
                prepare()
        try:
            with time_limit(self.time_budget):
                if isinstance(item, RawDocument):
                    article = self._call(self.extract, item)
                for stage in stages:
                    if not article.kept:
                        break
                    current = stage
                    article = self._call(stage, article)
        except DocumentTimeout as exc:
            drop = Drop(stage=stage_name(current), reason="timeout", detail=str(exc))
            return attrs.evolve(_as_article(article), drop=drop)
        return article

    def _call(self, stage: Callable[[Any], Article], item: RawDocument | Article) -> Article:
        try:
            return stage(item)
        except Exception as exc:
            name = stage_name(stage)
            if self.on_error == "raise":
                raise StageError(name, item.id, exc) from exc
            drop = Drop(stage=name, reason="error", detail=f"{type(exc).__name__}: {exc}")
            return attrs.evolve(_as_article(item), drop=drop)


def _as_article(item: RawDocument | Article) -> Article:
    return item if isinstance(item, Article) else Article(id=item.id, url=item.url)
