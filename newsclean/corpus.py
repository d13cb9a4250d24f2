"""Corpus stages: stages that decide from the whole stream, written once for every engine.

A corpus stage (dedup, site-learned junk) is four calls, and every engine drives only these:

- ``observe(batch) -> state``: what the stage needs of a batch of ``(key, article)`` pairs (kept
  articles only). Small and picklable: it may travel between processes.
- ``merge(states) -> state``: one state from several. Associative and blind to order, so an
  engine may merge in any tree (a process's fold, a Dask tree reduction).
- ``decide(state) -> model``: once, from the merged state of the whole corpus.
- ``apply(key, article, model) -> article``: per kept article; the model is what goes to the
  workers, so it holds only decisions, not the corpus.

``key`` is the article's position in the stream the stage sees (0, 1, ...), the same on every
engine. Dropped articles are neither observed nor applied; the driver, not the stage, records
the stage in a kept article's ``trace``.

The local drivers are here: ``observe_all`` folds observations over a stream with bounded
state lists, ``apply_one`` applies the model to one article. ``CorpusStage.run`` runs the stage
alone over a plain iterable, through ``Pipeline.run``'s spill file.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar, Generic, TypeVar

import attrs

from newsclean.batching import batched
from newsclean.model import Article

State = TypeVar("State")
Model = TypeVar("Model")
Keyed = tuple[int, Article]

# Observations made per call, and states held before they are merged into one.
BATCH = 256
MERGE_EVERY = 32


class CorpusStage(abc.ABC, Generic[State, Model]):
    """A stage that decides from the whole stream (see the module docstring)."""

    name: ClassVar[str]

    @abc.abstractmethod
    def observe(self, batch: Sequence[Keyed]) -> State:
        """What the stage needs of these kept articles."""

    @abc.abstractmethod
    def merge(self, states: Sequence[State]) -> State:
        """One state from several (associative; the order of ``states`` must not matter)."""

    @abc.abstractmethod
    def decide(self, state: State) -> Model:
        """The model ``apply`` uses, from the state of the whole corpus."""

    @abc.abstractmethod
    def apply(self, key: int, article: Article, model: Model) -> Article:
        """The kept article at ``key`` after the stage (dropped, or with lines removed)."""

    def run(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Every article of a stream after the stage, in order (the stream waits in a
        temporary spill file, not in memory)."""
        from newsclean.pipeline import Pipeline  # the pipeline drives corpus stages

        return Pipeline(stages=(self,), on_error="raise", time_budget=None).run(articles)


def keyed(articles: Iterable[Article], start: int = 0) -> Iterator[Keyed]:
    return enumerate(articles, start)


def observe_batch(stage: CorpusStage[State, Any], batch: Iterable[Keyed]) -> State:
    """``stage.observe`` of the kept articles in ``batch``."""
    return stage.observe([(key, article) for key, article in batch if article.kept])


def observe_all(
    stage: CorpusStage[State, Any], articles: Iterable[Article], progress: Callable[[int], Any] | None = None, start: int = 0
) -> State:
    """The merged state of a stream whose first article has key ``start`` (a local fold: at
    most ``MERGE_EVERY`` states wait)."""
    states: list[State] = []
    for batch in batched(keyed(articles, start), BATCH):
        states.append(observe_batch(stage, batch))
        if len(states) >= MERGE_EVERY:
            states = [stage.merge(states)]
        if progress is not None:
            progress(len(batch))
    return stage.merge(states) if states else stage.observe([])


def apply_one(stage: CorpusStage[Any, Model], key: int, article: Article, model: Model) -> Article:
    """``stage.apply`` on a kept article, recorded in its trace; a dropped one as it is."""
    if not article.kept:
        return article
    after = stage.apply(key, article, model)
    return attrs.evolve(after, trace=after.trace + (stage.name,))

