"""Run a pipeline's document stages in worker processes; same output, same order as one process.

The plan's head (``Pipeline.plan()``: the extractor and the document stages up to the first
corpus stage, the costly part: HTML extraction, language detection, rules) runs in ``jobs``
worker processes (``newsclean.killable.DocumentPool``), one document a task, a few per worker
in flight, so memory stays bounded however long the input is. A worker that overruns the time
budget is killed and replaced; one that dies costs only its document. The corpus steps run in
this process, in input order, exactly as ``Pipeline.run`` runs them.

With a time budget every document runs in a worker, ``jobs=1`` included: only a process can be
stopped inside C code. Without one, ``jobs=1`` (and an input too short to pay for starting
processes) runs here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice

from newsclean.killable import WORKER_DIED, DocumentPool
from newsclean.model import Article, RawDocument
from newsclean.pipeline import Pipeline, Timed

__all__ = ["WORKER_DIED", "process_parallel", "run_parallel"]

# Without a time budget, an input shorter than this many documents a job runs in this process.
SMALL = 16


def run_parallel(pipeline: Pipeline, documents: Iterable[RawDocument | Article], jobs: int, *, batch_size: int = SMALL) -> Iterator[Article]:
    """What ``pipeline.run(documents)`` yields, with the plan's head in ``jobs`` processes."""
    processed = process_parallel(pipeline, documents, jobs, batch_size=batch_size)
    if pipeline.plan().steps:
        return pipeline.run_steps(processed)
    return (article for article, _ in processed)


def process_parallel(
    pipeline: Pipeline, documents: Iterable[RawDocument | Article], jobs: int, *, batch_size: int = SMALL
) -> Iterator[Timed]:
    """``pipeline.process_head`` of each document, in input order, in ``jobs`` processes (see
    the module docstring for when they run here). ``batch_size``: without a budget, an input
    of fewer than ``batch_size * jobs`` documents runs here."""
    iterator = iter(documents)
    if pipeline.time_budget is None:
        first = list(islice(iterator, batch_size * jobs))
        if jobs <= 1 or len(first) < batch_size * jobs:
            yield from (pipeline.process_head(d) for d in chain(first, iterator))
            return
        iterator = chain(first, iterator)
    with DocumentPool(pipeline, max(jobs, 1)) as pool:
        yield from pool.head(iterator)
