"""The Runner: one corpus run from input paths to output files, from Python or the CLI.

``newsclean.run(inputs, output)`` (or ``Runner.local(jobs=4).run(...)``, ``Runner.dask(client)``)
reads the inputs, cleans them with a pipeline, writes the kept articles and the rejects in input
order, and returns the run's :class:`RunStats` (also written to the stats file). It owns what
every run needs: output locks, ``.partial`` files renamed at the end, checkpoints and
``resume``, the progress bars, the stats.

How a run goes (``Pipeline.plan()``):

- Without corpus stages, each document is written as soon as it is cleaned; every
  ``checkpoint.EVERY`` documents the output and rejects files are synced and a checkpoint
  records how far they go.
- With corpus stages (the default: site_repeat and dedup), the document pass writes every
  cleaned article to a spill file beside the output (``OUT.partial.spill``), checkpointed
  the same way; then each corpus step observes the spilled stream, decides, and applies,
  and the last step's stream is written out. A run killed in the document pass resumes after
  its last checkpoint; one killed later goes straight to the corpus steps. No finished
  document is cleaned again either way, and the output is the uninterrupted run's, byte for
  byte.

The Dask runner cleans the whole plan on the cluster (``newsclean.engine.distributed``); resuming it
recomputes the cluster's work and skips what was written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, Union

import attrs
from tqdm import tqdm

from newsclean.engine.checkpoint import EVERY as CHECKPOINT_EVERY
from newsclean.engine.checkpoint import SECONDS as CHECKPOINT_SECONDS
from newsclean.engine.checkpoint import Checkpoint, checkpoint_path, input_manifest, read_lines, remove_checkpoint, tail_digest
from newsclean.config import RunConfig, identity_digest, library_versions, rule_pack_digests
from newsclean.errors import ConfigError
from newsclean.engine.killable import DocumentPool
from newsclean.model import Article, RawDocument
from newsclean.options import distinct_outputs, integer, output_file, output_format
from newsclean.engine.local import corpus_steps_in_workers, process_parallel
from newsclean.pipeline import Pipeline, Spill, Timed
from newsclean.extras import require
from newsclean.formats import reader_named
from newsclean.readers import (
    DEFAULT_MAX_BYTES,
    STDIN,
    InputFile,
    ReadReport,
    check_paths,
    input_files,
    kind_of,
    read_inputs,
    require_readers,
    skip_reason,
)
from newsclean.stats import RunStats
from newsclean.writers import (
    STDOUT,
    JsonlWriter,
    article_record,
    finish,
    lock_path,
    open_partial,
    open_writer,
    output_lock,
    partial_path,
    resumable,
    sync,
)

__all__ = ["DaskEngine", "Engine", "LocalEngine", "Runner", "default_rejects_path", "default_stats_path", "run", "spill_path"]

log = logging.getLogger(__name__)


def default_rejects_path(output: str) -> str:
    return _beside(output, "rejects.jsonl")


def default_stats_path(output: str) -> str:
    return _beside(output, "stats.json")


def spill_path(output: str) -> Path:
    """Where a run with corpus stages keeps its cleaned articles until the corpus steps."""
    return Path(str(partial_path(output)) + ".spill")


def _beside(output: str, suffix: str) -> str:
    """``out/clean.jsonl`` -> ``out/clean.<suffix>``; ``newsclean.<suffix>`` for stdout."""
    if output == STDOUT:
        return f"newsclean.{suffix}"
    path = Path(output)
    name = path.name
    for ending in (".gz", ".jsonl", ".parquet"):
        if name.endswith(ending):
            name = name[: -len(ending)]
    return str(path.with_name(f"{name}.{suffix}"))


@attrs.frozen
class LocalEngine:
    """Worker processes on this machine: ``jobs`` of them (see ``newsclean.engine.local``). The
    corpus passes run in ``corpus_jobs`` of them (default: ``jobs``); with 1, in this process."""

    jobs: int = attrs.field(default=1, converter=lambda value: integer(value, "jobs", minimum=1))
    corpus_jobs: int | None = attrs.field(default=None, converter=attrs.converters.optional(lambda value: integer(value, "corpus_jobs", minimum=1)))


@attrs.frozen
class DaskEngine:
    """A Dask cluster: ``client``'s, else the scheduler at ``scheduler``, else a local cluster of
    ``workers`` processes started for the run (see ``newsclean.engine.distributed``)."""

    client: Any = None
    scheduler: str | None = None
    workers: int | None = attrs.field(default=None, converter=attrs.converters.optional(lambda value: integer(value, "workers", minimum=1)))


Engine = Union[LocalEngine, DaskEngine]


def _check_engine(_runner: Any, _attribute: Any, value: Any) -> None:
    if not isinstance(value, (LocalEngine, DaskEngine)):
        raise ConfigError(f"engine must be a LocalEngine or a DaskEngine (Runner.local(), Runner.dask()), not {value!r}")


@attrs.frozen
class Runner:
    """Where the cleaning runs: ``Runner.local(jobs=)`` (worker processes on this machine) or
    ``Runner.dask(client=)`` (a Dask cluster). ``run`` is the same for both. The engine is a
    type, not a name: there is no runner of an engine that does not exist."""

    engine: Engine = attrs.field(factory=LocalEngine, validator=_check_engine)

    @classmethod
    def local(cls, jobs: int | None = None) -> Runner:
        """Worker processes on this machine (default: one per core)."""
        return cls(LocalEngine(jobs if jobs is not None else os.cpu_count() or 1))

    @classmethod
    def dask(cls, client: Any = None, *, scheduler: str | None = None, workers: int | None = None) -> Runner:
        """A Dask cluster: ``client``'s, else the scheduler at ``scheduler``, else a local
        cluster of ``workers`` processes started for the run."""
        return cls(DaskEngine(client=client, scheduler=scheduler, workers=workers))

    def run(
        self,
        inputs: Sequence[str] | str,
        output: str,
        *,
        config: RunConfig | None = None,
        rejects: str | None = None,
        stats: str | None = None,
        resume: bool = False,
        progress: bool = False,
        exclude: Sequence[str] = (),
        **settings: Any,
    ) -> RunStats:
        """Clean ``inputs`` (files, folders, ``-`` for stdin) into ``output`` (JSONL,
        ``.jsonl.gz``, Parquet, ``-``), the rejects into ``rejects`` (default: beside the
        output) and the stats into ``stats`` (default: beside the output; none for stdout
        unless named).

        What the run does is ``config`` (a :class:`RunConfig`), with ``settings`` (any of its
        fields as keywords: ``pipeline=``, ``min_words=``, ``text_field=``...) changed; the
        stats file records its settings, its identity's digest, the rule packs' digests and
        the libraries' versions. ``resume`` continues an interrupted run of the same inputs
        and the same identity (a ConfigError names each setting that differs; with no
        checkpoint to continue from, the run starts afresh). ``exclude`` names other files of
        the run never to read as input (a report)."""
        config = RunConfig.of(config, **settings)
        if isinstance(inputs, (str, os.PathLike)):
            inputs = [str(inputs)]
        inputs = [str(p) for p in inputs]
        pipeline = config.build_pipeline()
        check_paths(inputs)
        rejects_path = rejects or default_rejects_path(output)
        stats_path = Path(stats) if stats else None if output == STDOUT else Path(default_stats_path(output))
        outputs = {"-o": output, "--rejects": rejects_path, "--stats": str(stats_path) if stats_path else None}
        distinct_outputs(inputs, outputs)
        output_format(output)
        self._require_extras(output)
        for option, path in outputs.items():
            if path is not None and path != STDOUT:
                output_file(path, option)
        written = tuple(p for p in outputs.values() if p not in (None, STDOUT))
        if config.limit is not None and not isinstance(self.engine, LocalEngine):
            raise ConfigError("limit (--limit) needs the local engine")
        if config.stdin_format != "jsonl" and STDIN not in inputs:
            raise ConfigError("stdin_format (--stdin-format) applies to standard input: name - among the inputs")
        identity = config.identity(pipeline)
        run = _Run(self, pipeline, config, inputs, output, rejects_path, stats_path, written, tuple(exclude), progress)
        with contextlib.ExitStack() as locks:
            # One run at a time writes these files: a second one is refused before it touches them.
            for path in written:
                locks.enter_context(output_lock(path))
            result = run.execute(resume, identity)
            if stats_path is not None:
                record = {"inputs": inputs, "output": output, "rejects": rejects_path, "stats": str(stats_path)}
                provenance = {
                    "options": {**config.settings(), **record, "engine": self.describe()},
                    "config_digest": identity_digest(identity),
                    "versions": library_versions(),
                    "rule_packs": {**rule_pack_digests(), **config.user_pack_digests()},
                }
                text = json.dumps(result.to_dict(**provenance), indent=2, ensure_ascii=False) + "\n"
                with open_partial(str(stats_path)) as handle:
                    handle.write(text.encode("utf-8", "backslashreplace"))
                    sync(handle)
                finish(str(stats_path))
        return result

    def describe(self) -> dict[str, Any]:
        """The engine, as the stats file records it."""
        if isinstance(self.engine, LocalEngine):
            return {"engine": "local", "jobs": self.engine.jobs}
        return {"engine": "dask", "scheduler": self.engine.scheduler, "workers": self.engine.workers, "client": self.engine.client is not None}

    def _require_extras(self, output: str) -> None:
        """ConfigError naming the extra to install when the output or the engine needs a
        package that is missing: found before any work, not after it."""
        if output != STDOUT and output.lower().endswith(".parquet"):
            require("pyarrow.parquet", "parquet", "writing Parquet", error=ConfigError)
        if isinstance(self.engine, DaskEngine):
            require("dask.bag", "dask", "the dask engine", error=ConfigError)
            require("distributed", "dask", "the dask engine", error=ConfigError)


def run(inputs: Sequence[str] | str, output: str, *, jobs: int | None = None, config: RunConfig | None = None, **options: Any) -> RunStats:
    """Clean a corpus on this machine: ``Runner.local(jobs).run(inputs, output, ...)``; the
    keywords are ``Runner.run``'s, any :class:`RunConfig` setting among them."""
    return Runner.local(jobs).run(inputs, output, config=config, **options)


@attrs.define
class _Run:
    runner: Runner
    pipeline: Pipeline
    config: RunConfig
    inputs: list[str]
    output: str
    rejects: str
    stats_path: Path | None
    written: tuple[str, ...]
    also_excluded: tuple[str, ...]
    show_progress: bool
    report: ReadReport = attrs.field(factory=ReadReport)
    stats: RunStats = attrs.field(factory=RunStats)
    _bar: Any = None
    _last_checkpoint: float = attrs.field(factory=time.monotonic)

    @property
    def excluded(self) -> tuple[str, ...]:
        """The run's own files, never read as input even when they sit in an input folder."""
        return (
            self.written
            + tuple(str(partial_path(p)) for p in self.written)
            + tuple(str(lock_path(p)) for p in self.written)
            + ((str(spill_path(self.output)),) if self.output != STDOUT else ())
            + self.also_excluded
        )

    @property
    def max_bytes(self) -> int:
        return getattr(self.pipeline.extract, "max_bytes", DEFAULT_MAX_BYTES)

    def execute(self, resume: bool, identity: dict[str, Any]) -> RunStats:
        stdin = STDIN in self.inputs
        checkpointing = resumable(self.output) and resumable(self.rejects) and not stdin
        files = list(input_files(self.inputs, ReadReport(), self.excluded)) if not stdin else []
        require_readers(files)  # a WARC or Parquet file in a folder, its library missing: before any work
        manifest = input_manifest(f.path for f in files) if checkpointing else {}
        checkpoint = None
        if resume:
            if stdin:
                raise ConfigError("--resume cannot read standard input again: run afresh without --resume")
            if not checkpointing:
                raise ConfigError("--resume needs plain JSONL output and rejects files (not stdout, .gz or .parquet)")
            if checkpoint_path(self.output).exists():
                checkpoint = Checkpoint.load(self.output)
                checkpoint.check_run(identity, manifest)
            else:
                log.info("nothing to resume for %s (no checkpoint): the run starts afresh", self.output)
        if checkpoint is None and self.output != STDOUT:
            # A fresh run: an older run's checkpoint must never be taken for this one's.
            remove_checkpoint(self.output)
            spill_path(self.output).unlink(missing_ok=True)
        run_id = checkpoint.run_id if checkpoint else uuid.uuid4().hex
        if checkpoint is not None:
            log.info("resuming run %s after document %d (%s)", run_id, checkpoint.documents_done, checkpoint.phase)
        new_checkpoint = (lambda **kw: Checkpoint(run_id=run_id, inputs=manifest, options=identity, **kw)) if checkpointing else None
        total = _count_documents(files) if files else None
        limit = self.config.limit
        if limit is not None:
            total = min(total, limit) if total is not None else limit
        tqdm.monitor_interval = 0  # no monitor thread: with no other thread, workers can be forked (fast)
        try:
            if isinstance(self.runner.engine, LocalEngine) and self.pipeline.plan().steps:
                self._spilled(checkpoint, new_checkpoint, total)
            else:
                self._direct(checkpoint, new_checkpoint, total)
        finally:
            self._progress_done()
        if self.output != STDOUT:
            remove_checkpoint(self.output)
            spill_path(self.output).unlink(missing_ok=True)
        self.stats.skipped_files = self.report.skipped_files_total
        self.stats.skipped_records = dict(self.report.skipped_records)
        self.stats.skipped_file_names = [{"path": p, "reason": skip_reason(p)} for p in self.report.skipped_files]
        self.stats.renamed_ids = self.report.renamed_ids
        self.stats.renamed_id_names = list(self.report.renamed_id_names)
        return self.stats

    # --- reading and cleaning ------------------------------------------------------------

    def _documents(self) -> Iterator[RawDocument]:
        config = self.config
        documents = read_inputs(
            self.inputs, self.report, exclude=self.excluded, stdin_format=config.stdin_format, max_bytes=self.max_bytes,
            text_only=config.text_only, fields=config.record_fields,
        )
        return islice(documents, config.limit) if config.limit is not None else documents

    def _head(self, skip: int) -> Iterator[Timed]:
        """The plan's head over the documents after the first ``skip``, in input order."""
        engine = self.runner.engine
        assert isinstance(engine, LocalEngine)
        return process_parallel(self.pipeline, islice(self._documents(), skip, None), engine.jobs)

    @contextlib.contextmanager
    def _dask_articles(self, skip: int) -> Iterator[Iterator[Article]]:
        from newsclean.engine.distributed import clean_bag, count_skipped_records, dask_client, files_bag, iterate, list_files

        files = list_files(self.inputs, self.report, self.excluded)

        def articles() -> Iterator[Article]:
            bag = files_bag(files, max_bytes=self.max_bytes, fields=self.config.record_fields, text_only=self.config.text_only)
            yield from islice(iterate(clean_bag(bag, self.pipeline)), skip, None)
            self.report.skipped_records.update(count_skipped_records(files))

        engine = self.runner.engine
        assert isinstance(engine, DaskEngine)
        if engine.client is not None:
            yield articles()
            return
        with dask_client(engine.scheduler, engine.workers or os.cpu_count() or 1):
            yield articles()

    # --- the two ways a run goes -----------------------------------------------------------

    def _direct(self, checkpoint: Checkpoint | None, new_checkpoint: Callable[..., Checkpoint] | None, total: int | None) -> None:
        """Each document written once cleaned (no corpus stages, or the Dask engine)."""
        done, resume_at = 0, (None, None)  # type: tuple[int, tuple[int | None, int | None]]
        if checkpoint is not None:
            checkpoint.check_files(self.output, self.rejects)
            done, resume_at = checkpoint.documents_done, (checkpoint.output_bytes, checkpoint.rejects_bytes)
            for record in read_lines(partial_path(self.output), checkpoint.output_bytes):
                self.stats.add(Article.from_dict(record))
            for record in read_lines(partial_path(self.rejects), checkpoint.rejects_bytes):
                self.stats.add_reject(record)
        with contextlib.ExitStack() as stack:
            if isinstance(self.runner.engine, DaskEngine):
                articles: Iterator[Article] = stack.enter_context(self._dask_articles(done))
            else:  # no corpus stages here: the local engine spills for those
                articles = (article for article, _ in self._head(done))
            out: Any = stack.enter_context(open_writer(self.output, resume_at[0]))
            rejects = stack.enter_context(JsonlWriter(self.rejects, resume_at[1]))
            self._progress("documents", 0, total, initial=done)
            for article in articles:
                self._write(article, out, rejects)
                self._progress("documents", 1)
                if new_checkpoint is not None and self._checkpoint_due(self.stats.documents_in):
                    output_bytes, rejects_bytes = out.flush(), rejects.flush()  # synced
                    new_checkpoint(
                        phase="write",
                        documents_done=self.stats.documents_in,
                        output_bytes=output_bytes,
                        rejects_bytes=rejects_bytes,
                        output_tail=tail_digest(partial_path(self.output), output_bytes),
                        rejects_tail=tail_digest(partial_path(self.rejects), rejects_bytes),
                    ).save(self.output)

    def _spilled(self, checkpoint: Checkpoint | None, new_checkpoint: Callable[..., Checkpoint] | None, total: int | None) -> None:
        """The document pass into the spill file, then the corpus steps, then the writers."""
        spill_file = spill_path(self.output) if self.output != STDOUT else None
        with contextlib.ExitStack() as stack:
            if spill_file is None:
                import tempfile

                # Named: the workers of the corpus steps read it too.
                handle = stack.enter_context(tempfile.NamedTemporaryFile("w+b", suffix=".spill"))
            else:
                resume_at = checkpoint.check_spill(spill_file) if checkpoint is not None else None
                handle = stack.enter_context(_open_spill(spill_file, resume_at))
            spill = Spill(handle)
            done = checkpoint.documents_done if checkpoint is not None else 0
            size = handle.tell()
            if checkpoint is None or checkpoint.phase == "documents":
                started = time.monotonic()
                self._progress("documents", 0, total, initial=done)
                for item in self._head(done):
                    size += spill.write(*item)
                    done += 1
                    self._progress("documents", 1)
                    if new_checkpoint is not None and self._checkpoint_due(done):
                        new_checkpoint(phase="documents", **_spill_mark(handle, spill_file, done, size)).save(self.output)
                if new_checkpoint is not None and spill_file is not None:
                    new_checkpoint(phase="corpus", **_spill_mark(handle, spill_file, done, size)).save(self.output)
                log.info("document pass: %d documents in %.1f s, %d bytes spilled", done, time.monotonic() - started, size)
            handle.flush()
            self._corpus_passes(stack, spill, str(spill_file) if spill_file is not None else handle.name, size, done)

    def _corpus_passes(self, stack: contextlib.ExitStack, spill: Spill, path: str, size: int, done: int) -> None:
        """The corpus steps over the first ``size`` bytes of the spill file (at ``path``), then
        the writers: in the workers (``parallel.corpus_steps_in_workers``), or with one
        corpus job in this process."""
        engine = self.runner.engine
        assert isinstance(engine, LocalEngine)
        steps = self.pipeline.plan().steps
        corpus_jobs = engine.corpus_jobs or engine.jobs
        stream: Iterator[Timed]
        if corpus_jobs > 1:
            pool = stack.enter_context(DocumentPool(self.pipeline, corpus_jobs, warm=done > 1))
            stream = corpus_steps_in_workers(self.pipeline, pool, path, size, self._pass_progress(done))
        else:
            finish = None
            if self.pipeline.time_budget is not None and any(step.after for step in steps):
                # The stages after a corpus stage run in a killable worker too.
                finish = stack.enter_context(DocumentPool(self.pipeline, 1, warm=done > 1)).finish
            replay = lambda: spill.replay(size)  # noqa: E731 - the first step reads the spill file
            stream = self.pipeline.corpus_step(steps[0], replay, self._pass_progress(done), finish)
            for step in steps[1:]:
                stream = self.pipeline.spilled_step(step, stream, self._pass_progress(done), finish)
        with open_writer(self.output) as out, JsonlWriter(self.rejects) as rejects:
            for article, _ in stream:
                self._write(article, out, rejects)

    def _checkpoint_due(self, done: int) -> bool:
        """Every ``CHECKPOINT_EVERY`` documents, or ``CHECKPOINT_SECONDS`` after the last one."""
        now = time.monotonic()
        if done % CHECKPOINT_EVERY == 0 or now - self._last_checkpoint >= CHECKPOINT_SECONDS:
            self._last_checkpoint = now
            return True
        return False

    def _write(self, article: Article, out: Any, rejects: JsonlWriter) -> None:
        self.stats.add(article)
        if article.kept:
            out.write(article_record(article))
        else:
            rejects.write(article.reject_record())

    # --- progress ------------------------------------------------------------------------------

    def _progress(self, name: str, n: int, total: int | None = None, initial: int = 0) -> None:
        if not self.show_progress:
            return
        if self._bar is None or self._bar.desc != name:
            self._progress_done()
            if sys.stderr.isatty():
                self._bar = tqdm(desc=name, total=total, initial=initial, unit="doc", file=sys.stderr, dynamic_ncols=True)
            else:  # a log file: whole lines, now and then, never a bar redrawn with \r
                self._bar = PlainProgress(name, total, initial)
        if n:
            self._bar.update(n)

    def _pass_progress(self, total: int) -> Callable[[str, int], None] | None:
        if not self.show_progress:
            return None
        return lambda name, n: self._progress(name, n, total)

    def _progress_done(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@attrs.define
class PlainProgress:
    """Progress as whole lines on stderr (``newsclean: documents: 1200/5000``), at most one
    every ``every`` seconds and one at the end: for stderr that is not a terminal."""

    desc: str
    total: int | None
    n: int = 0
    every: float = 10.0
    _last: float = attrs.field(factory=time.monotonic)

    def update(self, n: int) -> None:
        self.n += n
        if time.monotonic() - self._last >= self.every:
            self._print()

    def close(self) -> None:
        self._print()

    def _print(self) -> None:
        self._last = time.monotonic()
        of = f"/{self.total}" if self.total is not None else ""
        print(f"newsclean: {self.desc}: {self.n}{of}", file=sys.stderr, flush=True)


def _open_spill(path: Path, resume_at: int | None) -> Any:
    """The spill file for writing and reading back: fresh, or cut at ``resume_at``."""
    if resume_at is None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        return os.fdopen(fd, "w+b")
    fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    handle = os.fdopen(fd, "r+b")
    handle.truncate(resume_at)
    handle.seek(resume_at)
    return handle


def _spill_mark(handle: Any, path: Path | None, done: int, size: int) -> dict[str, Any]:
    """A checkpoint's fields for a spill file synced at ``size`` bytes."""
    sync(handle)
    return {
        "documents_done": done,
        "output_bytes": size,
        "rejects_bytes": 0,
        "output_tail": tail_digest(path, size) if path is not None else "",
        "rejects_tail": "",
    }


def _count_documents(files: list[InputFile]) -> int | None:
    """How many documents the inputs hold, when that costs no reading (each format's
    ``count``: one per HTML or text file, the row counts of Parquet files); None when a file's
    format cannot tell (JSONL, WARC)."""
    total = 0
    for file in files:
        kind = kind_of(Path(file.path)) if file.error is None else "text"
        count = reader_named(kind).count(Path(file.path)) if kind is not None else None
        if count is None:
            return None
        total += count
    return total
