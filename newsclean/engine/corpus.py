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

The base class, ``CorpusStage``, is in ``newsclean.stages.base`` beside the document stage
bases. The local drivers are here: ``observe_all`` folds observations over a stream with
bounded state lists, ``apply_one`` applies the model to one article, ``run_alone`` runs one
stage over a plain iterable through a temporary spill file (``CorpusStage.run``). This module
imports no stage and no pipeline, so no import cycle goes through it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from newsclean.batching import batched
from newsclean.model import Article, returned_article
from newsclean.engine.spill import Spill

if TYPE_CHECKING:
    from newsclean.stages.base import CorpusStage

State = TypeVar("State")
Model = TypeVar("Model")
Keyed = tuple[int, Article]

# Observations made per call, and states held before they are merged into one.
BATCH = 256
MERGE_EVERY = 32


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
    after = returned_article(stage.name, stage.apply(key, article, model))
    return attrs.evolve(after, trace=after.trace + (stage.name,))



def run_alone(stage: CorpusStage[Any, Any], articles: Iterable[Article]) -> Iterator[Article]:
    """Every article of a stream after ``stage`` alone, in order: observe, decide, apply,
    the stream waiting in a temporary spill file, not in memory. A stage's exception is raised."""
    with tempfile.TemporaryFile("w+b") as handle:
        spill = Spill(handle)
        for article in articles:
            if not isinstance(article, Article):
                raise TypeError(f"a corpus stage runs over Articles, not {type(article).__name__}")
            spill.write(article, 0.0)
        model = stage.decide(observe_all(stage, (article for article, _ in spill.replay())))
        for key, (article, _) in enumerate(spill.replay()):
            yield apply_one(stage, key, article, model)


def __getattr__(name: str) -> Any:
    if name == "CorpusStage":  # its old home: it is newsclean.stages.base.CorpusStage
        from newsclean.stages.base import CorpusStage

        return CorpusStage
    raise AttributeError(f"module 'newsclean.engine.corpus' has no attribute {name!r}")
