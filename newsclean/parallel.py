"""Run a pipeline's document stages in worker processes; same output, same order as one process.

The extractor and the document stages up to the first corpus stage (the costly part: HTML
extraction, language detection, rules) run in ``jobs`` processes on batches of documents; the
corpus stages (site-learned junk, dedup) and any stage after them run in this process, in input
order, exactly as ``Pipeline.run`` would. At most ``2 * jobs`` batches are in flight, so memory
stays bounded however long the input is.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

import attrs

from newsclean.batching import batched
from newsclean.model import Article, RawDocument
from newsclean.pipeline import CorpusStage, Pipeline

_WORKER_PIPELINE: Pipeline | None = None


def split_pipeline(pipeline: Pipeline) -> tuple[Pipeline, Pipeline]:
    """(head, tail): the extractor and document stages before the first corpus stage, and the
    rest (run on the head's articles; its extractor is never called)."""
    stages = pipeline.stages
    cut = next((i for i, stage in enumerate(stages) if isinstance(stage, CorpusStage)), len(stages))
    return attrs.evolve(pipeline, stages=stages[:cut]), attrs.evolve(pipeline, stages=stages[cut:])


def _init_worker(pipeline: Pipeline) -> None:
    global _WORKER_PIPELINE
    _WORKER_PIPELINE = pipeline
    # A forked worker inherits the parent's handlers; the pool stops its workers with SIGTERM,
    # which must end them, not raise in them (the CLI turns SIGTERM into KeyboardInterrupt).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _context():
    """fork when this process runs no other thread: workers start at once with everything
    loaded. Otherwise forkserver: forking a process that runs other threads (a test runner, a
    web server) can copy a held lock into the child and hang it; the server imports newsclean
    and its extractors once, and workers fork from it."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["newsclean.api", "newsclean.parallel"])
    return context


def _process_batch(batch: list[Any]) -> list[Article]:
    assert _WORKER_PIPELINE is not None
    return [_WORKER_PIPELINE.process(document) for document in batch]


def run_parallel(
    pipeline: Pipeline, documents: Iterable[RawDocument | Article], jobs: int, *, batch_size: int = 16
) -> Iterator[Article]:
    """What ``pipeline.run(documents)`` yields, with the document stages in ``jobs`` processes."""
    iterator = iter(documents)
    # Starting processes costs more than a handful of documents: those run here.
    first = list(islice(iterator, batch_size * jobs))
    if jobs <= 1 or len(first) < batch_size * jobs:
        yield from pipeline.run(chain(first, iterator))
        return
    head, tail = split_pipeline(pipeline)
    with _context().Pool(jobs, initializer=_init_worker, initargs=(head,)) as pool:
        processed = _ordered(pool, batched(chain(first, iterator), batch_size), max_in_flight=2 * jobs)
        yield from tail.run(processed) if tail.stages else processed


def _ordered(pool, batches: Iterator[list[Any]], max_in_flight: int) -> Iterator[Article]:
    pending: deque = deque()
    for batch in batches:
        pending.append(pool.apply_async(_process_batch, (batch,)))
        if len(pending) >= max_in_flight:
            yield from pending.popleft().get()
    while pending:
        yield from pending.popleft().get()
