"""Run a pipeline's document stages in worker processes; same output, same order as one process.

The plan's head (``Pipeline.plan()``: the extractor and the document stages up to the first
corpus stage, the costly part: HTML extraction, language detection, rules) runs in ``jobs``
processes on batches of documents; the corpus steps run in this process, in input order,
exactly as ``Pipeline.run`` runs them. At most ``2 * jobs`` batches are in flight, so memory
stays bounded however long the input is. A worker that dies is replaced (``run_parallel``).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from typing import Any

import attrs

from newsclean.batching import batched
from newsclean.model import Article, Drop, RawDocument
from newsclean.pipeline import Pipeline, Timed, _as_article

log = logging.getLogger(__name__)

# The reject reason of a document whose worker died twice.
WORKER_DIED = "worker_died"

_WORKER_PIPELINE: Pipeline | None = None


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


def _process_batch(batch: Sequence[Any]) -> list[Timed]:
    assert _WORKER_PIPELINE is not None
    return [_WORKER_PIPELINE.process_head(document) for document in batch]


def run_parallel(
    pipeline: Pipeline, documents: Iterable[RawDocument | Article], jobs: int, *, batch_size: int = 16
) -> Iterator[Article]:
    """What ``pipeline.run(documents)`` yields, with the plan's head in ``jobs`` processes."""
    processed = process_parallel(pipeline, documents, jobs, batch_size=batch_size)
    if pipeline.plan().steps:
        return pipeline.run_steps(processed)
    return (article for article, _ in processed)


def process_parallel(
    pipeline: Pipeline, documents: Iterable[RawDocument | Article], jobs: int, *, batch_size: int = 16
) -> Iterator[Timed]:
    """``pipeline.process_head`` of each document, in input order, in ``jobs`` processes.

    A worker that dies (the OOM killer, a crash in C code) does not stop the run: the
    documents it was given, and those of the batches lost with it, are run again one at a time
    in a fresh worker, and one that kills that worker too is rejected as ``worker_died``."""
    iterator = iter(documents)
    # Starting processes costs more than a handful of documents: those run here.
    first = list(islice(iterator, batch_size * jobs))
    if jobs <= 1 or len(first) < batch_size * jobs:
        yield from (pipeline.process_head(d) for d in chain(first, iterator))
        return
    context = _context()

    def pool(workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker, initargs=(pipeline,))

    yield from _ordered(pool, jobs, batched(chain(first, iterator), batch_size), max_in_flight=2 * jobs)


def _ordered(pool: Callable[[int], ProcessPoolExecutor], jobs: int, batches: Iterator[Sequence[Any]], max_in_flight: int) -> Iterator[Timed]:
    executor = pool(jobs)
    pending: deque[tuple[Sequence[Any], Future[list[Timed]]]] = deque()
    try:
        for batch in chain(batches, [None]):
            if batch is not None:
                try:
                    future = executor.submit(_process_batch, batch)
                except BrokenProcessPool as broken:
                    # The pool broke after the last result was taken: this batch is lost with the
                    # ones in flight, and is run again with them below.
                    future = _failed(broken)
                pending.append((batch, future))
            while pending and (batch is None or len(pending) >= max_in_flight):
                done, future = pending.popleft()
                try:
                    articles = future.result()
                except BrokenProcessPool:
                    # Every batch in flight is lost with the pool, not only the dead worker's.
                    lost = [done, *(b for b, _ in pending)]
                    log.warning("a worker process died; its %d documents in flight run again one at a time", sum(map(len, lost)))
                    pending.clear()
                    _stop(executor)
                    yield from _retry(pool, [document for b in lost for document in b])
                    executor = pool(jobs)
                    continue
                yield from articles
    finally:
        _stop(executor)


def _failed(error: BaseException) -> Future[list[Timed]]:
    future: Future[list[Timed]] = Future()
    future.set_exception(error)
    return future


def _retry(pool: Callable[[int], ProcessPoolExecutor], documents: list[Any]) -> Iterator[Timed]:
    """``documents`` one at a time in a fresh worker; one whose worker dies is rejected."""
    executor = pool(1)
    try:
        for document in documents:
            try:
                [timed] = executor.submit(_process_batch, [document]).result()
            except BrokenProcessPool:
                _stop(executor)
                executor = pool(1)
                detail = "the worker process cleaning it died twice (killed, or out of memory)"
                timed = (attrs.evolve(_as_article(document), drop=Drop(stage="worker", reason=WORKER_DIED, detail=detail)), 0.0)
            yield timed
    finally:
        _stop(executor)


def _stop(executor: ProcessPoolExecutor) -> None:
    """Stop ``executor`` at once: its workers are ended, not waited for."""
    # The executor has no public way to end busy workers; after an interruption they would
    # otherwise finish their batches first.
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()
    executor.shutdown(wait=True, cancel_futures=True)
