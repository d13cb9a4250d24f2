"""Documents cleaned in worker processes that are killed and replaced when they overrun.

The hard half of the time budget (``newsclean.engine.budget``). A :class:`DocumentPool` sends each
document to a worker process of a ``pebble.ProcessPool`` as its own task with a timeout (small
documents a few to a task, done again one by one when the task overruns or its worker dies): the
worker's soft limit (SIGALRM in its main thread) drops a document stuck in Python code at its
budget, naming the stage; a document stuck in C code (a runaway regex, Unicode normalisation of a
crafted text) is stopped by killing its worker ``HARD_FACTOR`` times its budget after the task
started, and the pool starts a fresh worker. Either way the document is rejected ``timeout``
and the run goes on. A worker that dies (the OOM killer, a crash in C code) costs only the
document it held: that document runs once more, and is rejected ``worker_died`` if its worker
dies again.

pebble, not ``concurrent.futures``: a ProcessPoolExecutor cannot end one busy worker without
breaking the whole pool, and has no per-task timeout.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from typing import Any

import attrs
from pebble import ProcessExpired, ProcessPool

from newsclean.errors import ConfigError
from newsclean.model import Article, Drop, RawDocument
from newsclean.pipeline import CorpusStep, Pipeline, Timed, _as_article

log = logging.getLogger(__name__)

# The reject reason of a document whose worker died twice.
WORKER_DIED = "worker_died"
# A worker still busy this many times the document's budget after it took the document is
# killed. Over 1, so that the soft limit, which names the stage, comes first when it can.
HARD_FACTOR = 1.5

_WORKER_PIPELINE: Pipeline | None = None


def _init_worker(pipeline: Pipeline, warm: bool) -> None:
    global _WORKER_PIPELINE
    _WORKER_PIPELINE = pipeline
    # The pool stops a worker with SIGTERM: it must end the process at once, even inside C
    # code, where a Python handler would wait for the call to return.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # One-off loading (language profiles) before the first task: a task's timeout starts when
    # the worker takes it, and loading is not a document's time.
    pipeline.warm_up() if warm else pipeline.prepare()


def worker_pipeline() -> Pipeline:
    """The pipeline of this worker process, for a task given to ``DocumentPool.schedule``."""
    assert _WORKER_PIPELINE is not None, "not in a DocumentPool worker"
    return _WORKER_PIPELINE


def _process_head(document: RawDocument | Article) -> Timed:
    assert _WORKER_PIPELINE is not None
    return _WORKER_PIPELINE.process_head(document)


def _process_batch(documents: list[RawDocument | Article]) -> list[Timed]:
    """``process_head`` of each document, one after the other, each under its own soft limit."""
    assert _WORKER_PIPELINE is not None
    return [_WORKER_PIPELINE.process_head(document) for document in documents]


# Documents of at most this many characters go to a worker several to a task (up to
# ``BATCH`` of them, ``BATCH_CHARS`` in all): a task's own cost (pickling, the pool's pipes and
# threads, about a millisecond) is a large part of a small document's.
SMALL_DOCUMENT = 20_000
BATCH = 8
BATCH_CHARS = 60_000


def _size(document: RawDocument | Article) -> int:
    content = document.text if isinstance(document, Article) else document.content
    return len(content) if isinstance(content, (str, bytes)) else 0


def batches(documents: Iterable[RawDocument | Article]) -> Iterator[list[RawDocument | Article]]:
    """``documents`` in order, cut into lists: runs of small documents (``SMALL_DOCUMENT``)
    of up to ``BATCH`` and ``BATCH_CHARS``, every other document alone."""
    batch: list[RawDocument | Article] = []
    chars = 0
    for document in documents:
        size = _size(document)
        if batch and (size > SMALL_DOCUMENT or len(batch) == BATCH or chars + size > BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        if size > SMALL_DOCUMENT:
            yield [document]
            continue
        batch.append(document)
        chars += size
    if batch:
        yield batch


def _finish(step_number: int, article: Article, spent: float) -> Timed:
    assert _WORKER_PIPELINE is not None
    step = _WORKER_PIPELINE.plan().steps[step_number]
    article, more = _WORKER_PIPELINE.clean(article, step.after, spent)
    return article, spent + more


def context() -> Any:
    """fork when this process runs no other thread: workers start at once with everything
    loaded. Otherwise forkserver: forking a process that runs other threads (a test runner, a
    web server, a Dask worker) can copy a held lock into the child and hang it; the server
    imports newsclean and its extractors once, and workers fork from it."""
    methods = multiprocessing.get_all_start_methods()
    if threading.active_count() == 1 and "fork" in methods:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(["newsclean.api", "newsclean.engine.killable"])
    return forkserver


def hard_timeout(pipeline: Pipeline) -> float | None:
    """Seconds after which a document's worker is killed (None: never)."""
    return None if pipeline.time_budget is None else pipeline.time_budget * HARD_FACTOR


class DocumentPool:
    """``workers`` processes that run ``pipeline.process_head`` on one document at a time,
    each under the hard limit. Use as a context manager, or ``close()`` it. ``warm``: the
    workers start from ``pipeline.warm_up()`` (False for a single document: ``prepare()``)."""

    def __init__(self, pipeline: Pipeline, workers: int, warm: bool = True):
        if multiprocessing.current_process().daemon:
            raise ConfigError(
                "the time budget runs each document in a worker process, and this process is daemonic and may not "
                "start one: on Dask set the config distributed.worker.daemon to False (or run without a time budget)"
            )
        self.pipeline = pipeline
        self.workers = workers
        self.timeout = hard_timeout(pipeline)
        start = context()
        if start.get_start_method() == "fork":
            # once here, not in every worker forked to replace a killed one
            pipeline.warm_up() if warm else pipeline.prepare()
        self._pool = ProcessPool(max_workers=workers, initializer=_init_worker, initargs=(pipeline, warm), context=start)

    def __enter__(self) -> DocumentPool:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """End the workers at once (busy ones are not waited for)."""
        self._pool.stop()
        self._pool.join()

    def schedule(self, function: Any, args: tuple[Any, ...], timeout: float | None = None) -> Future[Any]:
        """``function(*args)`` in a worker (a module-level function; it may read
        ``worker_pipeline()``), killed ``timeout`` seconds after it starts."""
        return self._pool.schedule(function, args, timeout=timeout)

    def head(self, documents: Iterable[RawDocument | Article], window: int | None = None) -> Iterator[Timed]:
        """``process_head`` of each document, in input order, with at most ``window`` (default:
        a few per worker) tasks in flight. Small documents go several to a task (``batches``),
        each under its own soft limit, the task under one document's hard limit: a task
        stopped at it, or whose worker died, is done again a document at a time, so only a
        document that overruns on its own is rejected ``timeout``."""

        def submit(document: RawDocument | Article) -> Future[Timed]:
            return self._pool.schedule(_process_head, (document,), timeout=self.timeout)

        def submit_batch(batch: list[RawDocument | Article]) -> Future[list[Timed]]:
            return self._pool.schedule(_process_batch, (batch,), timeout=self.timeout)

        def singly(batch: list[RawDocument | Article]) -> list[Timed]:
            futures = [submit(document) for document in batch]
            return [self._result(document, (document, 0.0), submit, future) for document, future in zip(batch, futures)]

        window = window or 4 * self.workers + 4
        pending: deque[tuple[list[RawDocument | Article], Future[Any]]] = deque()

        def results(batch: list[RawDocument | Article], future: Future[Any]) -> list[Timed]:
            if len(batch) == 1:
                return [self._result(batch[0], (batch[0], 0.0), submit, future)]
            try:
                return list(future.result())
            except (TimeoutError, ProcessExpired) as exc:
                log.warning("a task of %d documents (%s ...) %s; running them one at a time", len(batch), batch[0].id,
                            "overran" if isinstance(exc, TimeoutError) else "lost its worker")
                return singly(batch)

        for batch in batches(documents):
            pending.append((batch, submit(batch[0]) if len(batch) == 1 else submit_batch(batch)))
            if len(pending) >= window:
                yield from results(*pending.popleft())
        while pending:
            yield from results(*pending.popleft())

    def finish(self, step: CorpusStep, stream: Iterable[Timed], window: int | None = None) -> Iterator[Timed]:
        """``Pipeline.finish_step``: the document stages after ``step``'s corpus stage on each
        kept article, in the workers, under what is left of its budget (a ``finish`` for
        ``Pipeline.apply_step``)."""
        number = self.pipeline.plan().steps.index(step)
        budget = self.pipeline.time_budget

        def task(article: Article, spent: float) -> Any:
            if not step.after or not article.kept:
                return None
            # The worker's soft limit has what is left; the kill waits for at least a quarter.
            timeout = None if budget is None else max(budget - spent, budget / 4) * HARD_FACTOR
            return lambda _: self._pool.schedule(_finish, (number, article, spent), timeout=timeout)

        tasks = ((article, (article, spent), task(article, spent)) for article, spent in stream)
        return self._ordered(tasks, window)

    def _ordered(self, tasks: Iterable[tuple[Any, Any, Any]], window: int | None) -> Iterator[Timed]:
        """Each task's result in order: ``(document, as_is, submit)``, where ``submit(document)``
        schedules it (None: ``as_is`` is the result)."""
        window = window or 4 * self.workers + 4
        pending: deque[tuple[Any, Any, Any, Future[Timed] | None]] = deque()
        for document, as_is, submit in tasks:
            pending.append((document, as_is, submit, submit(document) if submit is not None else None))
            if len(pending) >= window:
                yield self._result(*pending.popleft())
        while pending:
            yield self._result(*pending.popleft())

    def _result(self, document: Any, as_is: Any, submit: Any, future: Future[Timed] | None, retried: bool = False) -> Timed:
        if future is None:
            return as_is
        try:
            return future.result()
        except TimeoutError:
            budget = self.pipeline.time_budget
            detail = f"over the time budget of {budget:g} s; its worker process was stopped"
            log.warning("document %s: worker stopped over a budget of %g s", document.id, budget)
            return attrs.evolve(_as_article(document), drop=Drop(stage="worker", reason="timeout", detail=detail)), float(budget or 0)
        except ProcessExpired:
            if not retried:
                log.warning("document %s: its worker process died; running it once more", document.id)
                return self._result(document, as_is, submit, submit(document), retried=True)
            detail = "the worker process cleaning it died twice (killed, or out of memory)"
            return attrs.evolve(_as_article(document), drop=Drop(stage="worker", reason=WORKER_DIED, detail=detail)), as_is[1]
