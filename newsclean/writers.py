"""Writers: JSONL for articles and rejects (``-`` is stdout, ``.gz`` is compressed), and
Parquet for articles. ``open_writer`` picks one by the output's extension."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gzip
import io
import json
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

import attrs

from newsclean.errors import ConfigError
from newsclean.extras import require
from newsclean.formats import register_writer, writer_for
from newsclean.model import Article

STDOUT = "-"
PARQUET_SUFFIX = ".parquet"


PARTIAL_SUFFIX = ".partial"


def partial_path(path: str) -> Path:
    """Where a file is written until it is complete: ``out/clean.jsonl.partial``."""
    return Path(path + PARTIAL_SUFFIX)


def open_partial(path: str, resume_at: int | None = None) -> BinaryIO:
    """``path``'s ``.partial`` file, opened for binary writing. A fresh one replaces whatever
    had the name (a stale file, a planted symlink: removed, never followed) and is created
    exclusively; with ``resume_at``, the existing one (a regular file, not a link) is cut
    there and written after it."""
    target = partial_path(path)
    if resume_at is None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    else:
        try:
            fd = os.open(target, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError as exc:
            raise ConfigError(f"cannot resume: {target} cannot be opened as a file ({exc.strerror})") from None
    handle = os.fdopen(fd, "r+b" if resume_at is not None else "wb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        handle.close()
        raise ConfigError(f"{target} is not a regular file")
    if resume_at is not None:
        handle.truncate(resume_at)
        handle.seek(resume_at)
    return handle


def sync(handle: IO[Any]) -> None:
    """Flush ``handle`` and make its data durable (a checkpoint or a rename may follow)."""
    handle.flush()
    os.fsync(handle.fileno())


def finish(path: str) -> None:
    """Give ``path``'s complete ``.partial`` file its own name, durably."""
    os.replace(partial_path(path), path)
    _sync_folder(Path(path).parent)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def lock_path(path: str) -> Path:
    return Path(path + ".lock")


@contextlib.contextmanager
def output_lock(path: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a ``.lock`` file beside it, removed at the end) for
    the block; ConfigError at once when another run holds it."""
    target = lock_path(path)
    while True:
        fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ConfigError(f"another run is writing {path} (it holds {target}); wait for it or pick another output") from None
        # The holder before us may have removed the file after we opened it: then our lock is
        # on a file nobody else sees, and we try again.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(target, follow_symlinks=False))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)
        os.close(fd)


class JsonlWriter:
    """Writes one JSON object per line; use as a context manager.

    A file is written under a ``.partial`` name and renamed to its own name only when the
    ``with`` block ends without an exception: a file under its real name is always complete,
    and an interrupted run leaves ``OUT.partial`` behind, plainly marked."""

    def __init__(self, path: str, resume_at: int | None = None):
        self.path = path
        # --resume: keep the first ``resume_at`` bytes of OUT.partial and append after them.
        self.resume_at = resume_at
        self._handle: Any = None  # a TextIOWrapper, or sys.stdout

    def __enter__(self) -> JsonlWriter:
        if self.path == STDOUT:
            self._handle = sys.stdout
            return self
        final = Path(self.path)
        final.parent.mkdir(parents=True, exist_ok=True)
        self._raw = open_partial(self.path, self.resume_at)
        if final.suffix == ".gz" and self.resume_at is None:
            # mtime=0: the gzip header would otherwise hold the clock, and the same run
            # would not give byte-identical files.
            stream: BinaryIO = gzip.GzipFile(str(partial_path(self.path)), "wb", fileobj=self._raw, mtime=0)  # type: ignore[assignment]
        else:
            stream = self._raw
        self._handle = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=False)
        return self

    def write(self, record: dict[str, Any]) -> None:
        assert self._handle is not None, "use JsonlWriter as a context manager"
        line = json.dumps(record, ensure_ascii=False) + "\n"
        if not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate (valid in JSON input): keep it escaped
                line = json.dumps(record, ensure_ascii=True) + "\n"
        self._handle.write(line)

    def flush(self) -> int:
        """Push everything written to the file; returns the file's size in bytes (0 for stdout
        and compressed files, which cannot be resumed)."""
        assert self._handle is not None, "use JsonlWriter as a context manager"
        self._handle.flush()
        if not resumable(self.path):
            return 0
        sync(self._raw)
        return os.fstat(self._raw.fileno()).st_size

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        if self._handle is not None and self._handle is not sys.stdout:
            try:
                stream = self._handle.detach()
                if stream is not self._raw:
                    stream.close()  # the gzip trailer; the file stays open
                if exc_type is None:
                    sync(self._raw)
            finally:
                self._raw.close()
            if exc_type is None:
                finish(self.path)
        elif self._handle is sys.stdout:
            self._handle.flush()
        self._handle = None


def article_record(article: Article) -> dict[str, Any]:
    """The output line of an emitted article: its fields and removals, without run internals."""
    record = article.to_dict()
    del record["drop"], record["trace"]
    record.pop("flags", None)
    return record


class ParquetWriter:
    """Writes article records (``article_record``) to a Parquet file; use as a context manager.

    The schema is fixed (``parquet_schema``), whatever the records hold, so every file has the
    same columns and types. ``removed`` is a list of structs, one per removal, so it can be
    queried without parsing JSON; ``meta`` (the input's fields newsclean does not read, of any
    shape) is a JSON object as a string, null when there is none. Rows go out in row groups of ``batch_rows``. Like
    :class:`JsonlWriter`, the file is written as ``OUT.partial`` and renamed when complete."""

    def __init__(self, path: str, *, batch_rows: int = 1000):
        if path == STDOUT:
            raise ConfigError("Parquet cannot be written to stdout; name a .parquet file")
        self.path = path
        self.batch_rows = batch_rows
        self._pa = require("pyarrow", "parquet", "writing Parquet", error=ConfigError)
        self._pq = require("pyarrow.parquet", "parquet", "writing Parquet", error=ConfigError)
        self._schema = parquet_schema()
        self._rows: list[dict[str, Any]] = []
        self._writer: Any = None

    def __enter__(self) -> ParquetWriter:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # zstd: news text compresses about twice as well as with the default snappy, and reads
        # as fast. No statistics: they would only help range filters on text columns.
        self._raw = open_partial(self.path)
        self._writer = self._pq.ParquetWriter(self._raw, self._schema, compression="zstd", write_statistics=False)
        return self

    def write(self, record: dict[str, Any]) -> None:
        """Add one record; it is written with the next full row group or at the end."""
        assert self._writer is not None, "use ParquetWriter as a context manager"
        unknown = record.keys() - set(self._schema.names)
        if unknown:  # a field the schema lacks would be dropped without a word
            raise ValueError(f"no Parquet column for {', '.join(sorted(unknown))}")
        published = record.get("published")
        if isinstance(published, str):
            record = {**record, "published": dt.date.fromisoformat(published)}
        if "meta" in record:
            record = {**record, "meta": json.dumps(record["meta"], ensure_ascii=False)}
        self._rows.append(record)
        if len(self._rows) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=self._schema))
            self._rows = []

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        if self._writer is None:
            return
        try:
            if exc_type is None:
                self._flush()
        finally:
            try:
                self._writer.close()
                if exc_type is None:
                    sync(self._raw)
            finally:
                self._raw.close()
                self._writer = None
        if exc_type is None:
            finish(self.path)


def parquet_schema() -> Any:
    """The columns of an articles Parquet file: the fields of ``article_record``."""
    pa = require("pyarrow", "parquet", "writing Parquet", error=ConfigError)
    removal = pa.struct(
        [
            ("category", pa.string()),
            ("rule", pa.string()),
            ("stage", pa.string()),
            ("text", pa.string()),
            ("line", pa.int32()),
            ("evidence", pa.string()),
        ]
    )
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            ("url", pa.string()),
            ("source", pa.string()),
            ("title", pa.string()),
            ("description", pa.string()),
            ("authors", pa.list_(pa.string())),
            ("published", pa.date32()),
            ("crawled", pa.string()),
            ("language", pa.string()),
            ("text", pa.string()),
            ("removed", pa.list_(removal)),
            ("related", pa.list_(pa.struct([("id", pa.string()), ("similarity", pa.float64())]))),
            ("meta", pa.string()),
        ]
    )


def open_writer(path: str, resume_at: int | None = None) -> Any:
    """The writer for an articles output, by its ending (``newsclean.formats``): Parquet for
    ``.parquet``, a registered format's for its endings, else JSONL (``.jsonl``, ``.jsonl.gz``,
    ``-`` for stdout). ``resume_at``: see ``JsonlWriter``."""
    writer = writer_for(path) if path != STDOUT else None
    return (writer or JSONL).open(path, resume_at)


# --- the built-in output formats (newsclean.formats.Writer) ----------------------------------------


@attrs.frozen
class _Jsonl:
    name: str = "jsonl"
    suffixes: tuple[str, ...] = (".jsonl", ".jsonl.gz", ".ndjson")

    def open(self, path: str, resume_at: int | None = None) -> JsonlWriter:
        return JsonlWriter(path, resume_at=resume_at)


@attrs.frozen
class _Parquet:
    name: str = "parquet"
    suffixes: tuple[str, ...] = (PARQUET_SUFFIX,)

    def open(self, path: str, resume_at: int | None = None) -> ParquetWriter:
        if resume_at is not None:
            raise ConfigError("--resume needs a JSONL output, not Parquet")
        return ParquetWriter(path)


JSONL = register_writer(_Jsonl())
register_writer(_Parquet())


def resumable(path: str) -> bool:
    """Whether a run writing ``path`` can be resumed: a plain JSONL file (not stdout, not
    compressed: a gzip stream cut short cannot be appended to)."""
    return path != STDOUT and not path.lower().endswith((".gz", PARQUET_SUFFIX))
