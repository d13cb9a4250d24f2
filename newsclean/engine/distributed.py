"""The pipeline on a Dask cluster: the same output as a local run, past one machine.

``clean_bag(documents)`` takes a ``dask.bag`` of RawDocuments and returns a bag of Articles
(dropped ones included, ``article.drop`` saying why) in input order. It runs the pipeline's
plan (``Pipeline.plan()``) and knows no stage by name:

- the head (extraction and the document stages before the first corpus stage) runs per
  partition (``map_partitions``);
- each corpus step (``newsclean.engine.corpus``) is map, tree-reduce, map: every partition observes
  its kept articles, keyed by their position in the whole stream; the states are merged in a
  tree of ``SPLIT_EVERY``; the stage decides once, on a worker; each partition applies the model
  and runs the document stages after the stage.

A stage's merged state lives in one worker while it decides (dedup: about 1.4 KB an article).
Keys and decisions are the local ones, so the output equals ``Pipeline.run`` on the same input,
whatever the partitioning. Dask is an optional extra: ``pip install 'newsclean[dask]'``.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing.util
import os
import pickle
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from newsclean.engine.corpus import observe_all
from newsclean.errors import ConfigError
from newsclean.engine.killable import DocumentPool
from newsclean.model import Article, RawDocument
from newsclean.pipeline import CorpusStep, Pipeline, Timed
from newsclean.stages.base import CorpusStage
from newsclean.readers import DEFAULT_FIELDS, DEFAULT_MAX_BYTES, STDIN, InputFile, ReadReport, RecordFields, input_files, kind_of, read_file


def _import_bag():
    try:
        import dask.bag as db
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError("the dask engine needs Dask: pip install 'newsclean[dask]'") from exc
    return db


# --- input ----------------------------------------------------------------------------------


def list_files(paths: Iterable[str], report: ReadReport | None = None, exclude: Iterable[str] = ()) -> list[InputFile]:
    """The files the local reader would read, in the same order and with the same ids
    (``input_files``), without ``exclude`` (the run's own output files)."""
    files = list(input_files(paths, report if report is not None else ReadReport(), exclude))
    if any(file.path == STDIN for file in files):
        raise ConfigError("the dask engine reads files, not stdin")
    return files


def _read_partition(
    files: Iterable[InputFile], max_bytes: int = DEFAULT_MAX_BYTES, fields: RecordFields = DEFAULT_FIELDS, text_only: bool = False
) -> list[RawDocument]:
    documents: list[RawDocument] = []
    for file in files:
        if file.error is not None:
            documents.append(RawDocument(id=file.id, error=file.error))
        else:
            documents.extend(read_file(Path(file.path), file_id=file.id, max_bytes=max_bytes, text_only=text_only, fields=fields))
    return documents


def read_bag(
    paths: Iterable[str], files_per_partition: int = 64, report: ReadReport | None = None, exclude: Iterable[str] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    fields: RecordFields = DEFAULT_FIELDS,
    text_only: bool = False,
):
    """A bag of RawDocuments read by the workers (their file system must see the paths).
    A partition is ``files_per_partition`` files; a JSONL file is read whole by one worker.
    ``max_bytes``, ``fields`` and ``text_only`` are ``read_inputs``'s."""
    return files_bag(list_files(paths, report, exclude), files_per_partition, max_bytes, fields, text_only)


def files_bag(
    files: Sequence[InputFile], files_per_partition: int = 64, max_bytes: int = DEFAULT_MAX_BYTES,
    fields: RecordFields = DEFAULT_FIELDS, text_only: bool = False,
):
    """``read_bag`` over files already listed by ``list_files``."""
    db = _import_bag()
    if not files:
        return db.from_sequence([], npartitions=1)
    return db.from_sequence(files, partition_size=files_per_partition).map_partitions(_read_partition, max_bytes, fields, text_only)


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a local cluster of ``workers``
    single-threaded worker processes (stopped on exit). The local cluster's workers are not
    daemonic, so that they may start the killable processes of the time budget
    (``newsclean.engine.killable``); a cluster of your own needs ``distributed.worker.daemon: False``
    for that too."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError("the dask engine needs distributed: pip install 'newsclean[dask]'") from exc
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    import dask

    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _skipped_in(path: str) -> dict[str, int]:
    report = ReadReport()
    for _ in read_file(Path(path), report):
        pass
    return dict(report.skipped_records)


def count_skipped_records(files: Iterable[InputFile]) -> Counter[str]:
    """WARC records that are not HTML pages, by reason, counted on the workers (a second read
    of the WARC files: the cleaning pass runs where no client-side report can see it)."""
    db = _import_bag()
    warcs = [file.path for file in files if kind_of(Path(file.path)) == "warc"]
    total: Counter[str] = Counter()
    if warcs:
        for counts in db.from_sequence(warcs, partition_size=1).map(_skipped_in).compute():
            total.update(counts)
    return total


# --- cleaning -------------------------------------------------------------------------------

# States merged at once in the tree reduction.
SPLIT_EVERY = 8


def _head(documents: Iterable[RawDocument | Article], pipeline: Pipeline) -> list[Timed]:
    if pipeline.time_budget is None:
        return [pipeline.process_head(document) for document in documents]
    return list(_worker_pool(pipeline).head(documents))


_POOL_LOCK = threading.Lock()
_POOL: tuple[bytes, DocumentPool] | None = None


def _worker_pool(pipeline: Pipeline) -> DocumentPool:
    """This Dask worker's pool of killable processes for ``pipeline`` (one process per task
    thread), started by the first task that needs it and kept for the next ones."""
    global _POOL
    digest = hashlib.blake2b(pickle.dumps(pipeline), digest_size=16).digest()
    with _POOL_LOCK:
        if _POOL is None or _POOL[0] != digest:
            if _POOL is not None:
                _POOL[1].close()
            pool = DocumentPool(pipeline, _task_threads())
            # Stopped before multiprocessing ends this process's children at exit (a Dask worker
            # is a multiprocessing child, where atexit does not run); otherwise exit hangs.
            multiprocessing.util.Finalize(None, pool.close, exitpriority=10)
            _POOL = (digest, pool)
        return _POOL[1]


def _task_threads() -> int:
    try:
        from distributed import get_worker

        return max(int(get_worker().state.nthreads), 1)
    except Exception:  # not on a distributed worker (the threaded or synchronous scheduler)
        return os.cpu_count() or 1


def clean_bag(documents: Any, pipeline: Pipeline | None = None) -> Any:
    """Clean a ``dask.bag`` of RawDocuments (or Articles) with ``pipeline`` (default: the
    standard one); returns a bag of Articles in input order, dropped ones included."""
    if pipeline is None:
        from newsclean.api import default_pipeline

        pipeline = default_pipeline()
    timed = documents.map_partitions(_head, pipeline)
    persisted: list[Any] = []
    for step in pipeline.plan().steps:
        # A step reads the bag twice (observe, apply): the cleaned articles stay in the
        # workers' memory, not cleaned again.
        persisted.append(timed.persist())
        timed = _corpus_step(persisted[-1], step, pipeline, persisted)
    articles = timed.map(lambda item: item[0])
    # The graph built from a persisted bag's parts names its results without holding them:
    # the bag must live as long as the result, or the cluster forgets them.
    articles._newsclean_persisted = persisted
    return articles


def _corpus_step(timed: Any, step: CorpusStep, pipeline: Pipeline, persisted: list[Any]) -> Any:
    """Observe per partition, merge in a tree, decide once: the model is persisted on the
    cluster before any partition applies it, so however the output partitions are computed
    (``iterate`` computes them one by one) the model is computed once and only fetched."""
    from dask import delayed

    db = _import_bag()
    parts = timed.to_delayed()
    lengths = [int(n) for n in db.from_delayed(parts).map_partitions(lambda part: [len(part)]).compute()]
    offsets = [sum(lengths[:i]) for i in range(len(lengths))]
    states = [delayed(_observe_partition)(part, offset, step.stage) for part, offset in zip(parts, offsets)]
    while len(states) > 1:
        states = [delayed(_merge)(step.stage, states[i : i + SPLIT_EVERY]) for i in range(0, len(states), SPLIT_EVERY)]
    state = states[0] if states else delayed(step.stage.observe)([])
    model = delayed(step.stage.decide)(state).persist()
    persisted.append(model)
    return db.from_delayed([delayed(_apply_partition)(part, offset, model, step, pipeline) for part, offset in zip(parts, offsets)])


def _observe_partition(part: list[Timed], offset: int, stage: CorpusStage[Any, Any]) -> Any:
    return observe_all(stage, (article for article, _ in part), start=offset)


def _merge(stage: CorpusStage[Any, Any], states: list[Any]) -> Any:
    return stage.merge(states)


def _apply_partition(part: list[Timed], offset: int, model: Any, step: CorpusStep, pipeline: Pipeline) -> list[Timed]:
    finish = _worker_pool(pipeline).finish if pipeline.time_budget is not None and step.after else None
    return list(pipeline.apply_step(step, model, part, start=offset, finish=finish))


def iterate(bag: Any) -> Iterator[Article]:
    """The bag's items in order, one partition in memory at a time."""
    for part in bag.to_delayed():
        yield from part.compute()
