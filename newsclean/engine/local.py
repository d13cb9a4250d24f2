"""Run a pipeline's document stages in worker processes; same output, same order as one process.

The plan's head (``Pipeline.plan()``: the extractor and the document stages up to the first
corpus stage, the costly part: HTML extraction, language detection, rules) runs in ``jobs``
worker processes (``newsclean.engine.killable.DocumentPool``), one document a task, a few per worker
in flight, so memory stays bounded however long the input is. A worker that overruns the time
budget is killed and replaced; one that dies costs only its document. ``run_parallel`` runs the
corpus steps in this process, in input order, exactly as ``Pipeline.run`` runs them.

With a time budget every document runs in a worker, ``jobs=1`` included: only a process can be
stopped inside C code. Without one, ``jobs=1`` (and an input too short to pay for starting
processes) runs here.

The Runner's corpus steps run in the workers too (``corpus_steps_in_workers``): each worker
reads a chunk of the spill file, observes it, and later applies the model to it with the
document stages after the corpus stage; this process only merges the states and decides.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import pickle
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from itertools import chain, islice
from typing import Any

import attrs
from pebble import ProcessExpired

from newsclean.engine.corpus import MERGE_EVERY, observe_all
from newsclean.engine.killable import WORKER_DIED, DocumentPool, hard_timeout, worker_pipeline
from newsclean.model import Article, RawDocument
from newsclean.pipeline import CorpusStep, Pipeline, Timed, read_spill_line, spill_line

log = logging.getLogger(__name__)

__all__ = ["WORKER_DIED", "corpus_steps_in_workers", "process_parallel", "run_parallel"]

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
            yield from (pipeline.process_head(d) for d in pipeline.warmed_for(chain(first, iterator)))
            return
        iterator = chain(first, iterator)
    first = list(islice(iterator, 2))
    with DocumentPool(pipeline, max(jobs, 1), warm=len(first) > 1) as pool:
        yield from pool.head(chain(first, iterator))


# --- the corpus steps in the workers ----------------------------------------------------------

# Articles of the spill file a corpus task reads.
CHUNK = 256
# What an apply task may take beyond one document's hard limit (reading and writing its chunk)
# before it is stopped and its chunk done again a document at a time.
CHUNK_SECONDS = 10.0


@attrs.frozen
class Chunk:
    """Lines ``start``..``end`` (bytes) of the spill file at ``path``: ``count`` articles, the
    first with key ``first_key``."""

    path: str
    start: int
    end: int
    first_key: int
    count: int

    def read(self) -> Iterator[Timed]:
        with open(self.path, "rb") as handle:
            handle.seek(self.start)
            data = handle.read(self.end - self.start)
        for line in data.split(b"\n"):
            if line:
                yield read_spill_line(line)


def chunks_of(path: str, size: int, lines: int | None = None) -> list[Chunk]:
    """The first ``size`` bytes of the spill file at ``path``, cut every ``lines`` articles
    (default ``CHUNK``)."""
    lines = lines or CHUNK
    chunks: list[Chunk] = []
    start = position = key = count = 0
    with open(path, "rb") as handle:
        for line in handle:
            if position + len(line) > size:
                break
            position += len(line)
            count += 1
            if count == lines:
                chunks.append(Chunk(path, start, position, key, count))
                key, start, count = key + count, position, 0
    if count:
        chunks.append(Chunk(path, start, position, key, count))
    return chunks


def _observe_chunk(chunk: Chunk, step_number: int) -> Any:
    stage = worker_pipeline().plan().steps[step_number].stage
    return observe_all(stage, (article for article, _ in chunk.read()), start=chunk.first_key)


_MODEL: tuple[str, Any] | None = None


def _model(path: str) -> Any:
    """The model pickled at ``path``, read once per worker and step."""
    global _MODEL
    if _MODEL is None or _MODEL[0] != path:
        with open(path, "rb") as handle:
            _MODEL = (path, pickle.load(handle))
    return _MODEL[1]


def _apply_chunk(chunk: Chunk, step_number: int, model_path: str, last: bool) -> Any:
    """A step's apply on a chunk, with the document stages after the corpus stage (each
    document under its soft limit). The last step's articles come back as they are; another
    step's as spill lines, with the next corpus stage's observation of them (same keys: one
    article out for each in), so that no pass reads them only to observe."""
    pipeline = worker_pipeline()
    step = pipeline.plan().steps[step_number]
    applied = list(pipeline.apply_step(step, _model(model_path), chunk.read(), start=chunk.first_key))
    if last:
        return applied
    return _lines_and_state(pipeline, step_number + 1, chunk.first_key, applied)


def _lines_and_state(pipeline: Pipeline, next_step: int, first_key: int, applied: list[Timed]) -> tuple[bytes, Any]:
    stage = pipeline.plan().steps[next_step].stage
    state = observe_all(stage, (article for article, _ in applied), start=first_key)
    return b"".join(spill_line(article, spent) for article, spent in applied), state


def corpus_steps_in_workers(
    pipeline: Pipeline, pool: DocumentPool, path: str, size: int, progress: Callable[[str, int], Any] | None = None
) -> Iterator[Timed]:
    """The corpus steps of ``pipeline`` over the first ``size`` bytes of the spill file at
    ``path``, in input order, the work in ``pool``'s workers: each chunk of articles is read
    and observed in a worker, and later applied there (with the document stages after the
    corpus stage, and the next corpus stage's observation); this process only merges the
    states and decides. Keys are the articles' positions, so the output is the serial one's
    (``Pipeline.corpus_step``). A chunk whose worker dies, or whose apply overruns, is done
    again here (its apply a document at a time, in the killable workers)."""
    steps = pipeline.plan().steps
    window = 2 * pool.workers + 2
    chunks = chunks_of(path, size)
    first = steps[0].stage
    submits = ((chunk, functools.partial(pool.schedule, _observe_chunk, (chunk, 0))) for chunk in chunks)
    states = _Merged(first)
    started = time.monotonic()
    for chunk, future in _in_order(submits, window):
        try:
            states.add(future.result())
        except (ProcessExpired, TimeoutError):
            log.warning("%s: the worker observing articles %d-%d died; observing them here", first.name, chunk.first_key, chunk.first_key + chunk.count - 1)
            states.add(observe_all(first, (article for article, _ in chunk.read()), start=chunk.first_key))
        if progress is not None:
            progress(f"{first.name}: observe", chunk.count)
    log.info("%s: observed in %d workers in %.1f s", first.name, pool.workers, time.monotonic() - started)
    hard = hard_timeout(pipeline)
    timeout = None if hard is None else hard + CHUNK_SECONDS
    with contextlib.ExitStack() as files:
        for number, step in enumerate(steps):
            started = time.monotonic()
            model = step.stage.decide(states.result())
            log.info("%s: decided in %.1f s", step.stage.name, time.monotonic() - started)
            model_file = files.enter_context(tempfile.NamedTemporaryFile("w+b", suffix=".model"))
            pickle.dump(model, model_file, protocol=pickle.HIGHEST_PROTOCOL)
            model_file.flush()
            last = number == len(steps) - 1
            submits = ((chunk, functools.partial(pool.schedule, _apply_chunk, (chunk, number, model_file.name, last), timeout)) for chunk in chunks)
            following = None if last else files.enter_context(tempfile.NamedTemporaryFile("w+b", suffix=".spill"))
            states = _Merged(steps[number + 1].stage) if not last else states
            next_chunks: list[Chunk] = []
            offset = 0
            for chunk, future in _in_order(submits, window):
                try:
                    result = future.result()
                except (ProcessExpired, TimeoutError):
                    log.warning("%s: the worker applying articles %d-%d died or overran; applying them a document at a time", step.stage.name, chunk.first_key, chunk.first_key + chunk.count - 1)
                    applied = list(pipeline.apply_step(step, model, chunk.read(), start=chunk.first_key, finish=pool.finish))
                    result = applied if last else _lines_and_state(pipeline, number + 1, chunk.first_key, applied)
                if progress is not None:
                    progress(f"{step.stage.name}: apply", chunk.count)
                if last:
                    yield from result
                    continue
                assert following is not None
                lines, state = result
                following.write(lines)
                next_chunks.append(Chunk(following.name, offset, offset + len(lines), chunk.first_key, chunk.count))
                offset += len(lines)
                states.add(state)
            if following is not None:
                following.flush()
                chunks = next_chunks


class _Merged:
    """A corpus stage's states as they come, merged every ``MERGE_EVERY``."""

    def __init__(self, stage: Any):
        self.stage = stage
        self.states: list[Any] = []

    def add(self, state: Any) -> None:
        self.states.append(state)
        if len(self.states) >= MERGE_EVERY:
            self.states = [self.stage.merge(self.states)]

    def result(self) -> Any:
        return self.stage.merge(self.states) if self.states else self.stage.observe([])


def _in_order(futures: Iterable[tuple[Chunk, Callable[[], Future[Any]]]], window: int) -> Iterator[tuple[Chunk, Future[Any]]]:
    """Each chunk's future, in chunk order, with at most ``window`` scheduled at once."""
    pending: deque[tuple[Chunk, Future[Any]]] = deque()
    for chunk, submit in futures:
        pending.append((chunk, submit()))
        if len(pending) >= window:
            yield pending.popleft()
    while pending:
        yield pending.popleft()
