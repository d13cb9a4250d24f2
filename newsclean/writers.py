"""Writers: JSONL for articles and rejects (``-`` is stdout, ``.gz`` is compressed), and
Parquet for articles. ``open_writer`` picks one by the output's extension."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import sys
from pathlib import Path
from typing import IO, Any

from newsclean.errors import ConfigError
from newsclean.extras import require
from newsclean.model import Article

STDOUT = "-"
PARQUET_SUFFIX = ".parquet"


PARTIAL_SUFFIX = ".partial"


def partial_path(path: str) -> Path:
    """Where a file is written until it is complete: ``out/clean.jsonl.partial``."""
    return Path(path + PARTIAL_SUFFIX)


class JsonlWriter:
    """Writes one JSON object per line; use as a context manager.

    A file is written under a ``.partial`` name and renamed to its own name only when the
    ``with`` block ends without an exception: a file under its real name is always complete,
    and an interrupted run leaves ``OUT.partial`` behind, plainly marked."""

    def __init__(self, path: str, resume_at: int | None = None):
        self.path = path
        # --resume: keep the first ``resume_at`` bytes of OUT.partial and append after them.
        self.resume_at = resume_at
        self._handle: IO[str] | None = None

    def __enter__(self) -> JsonlWriter:
        if self.path == STDOUT:
            self._handle = sys.stdout
        elif self.resume_at is not None:
            target = partial_path(self.path)
            with target.open("r+b") as raw:
                raw.truncate(self.resume_at)
            self._handle = target.open("a", encoding="utf-8")
        else:
            final = Path(self.path)
            final.parent.mkdir(parents=True, exist_ok=True)
            target = partial_path(self.path)
            if final.suffix == ".gz":
                # mtime=0: the gzip header would otherwise hold the clock, and the same run
                # would not give byte-identical files.
                raw = gzip.GzipFile(target, "wb", mtime=0)
                self._handle = io.TextIOWrapper(raw, encoding="utf-8")
            else:
                self._handle = target.open("w", encoding="utf-8")
        return self

    def write(self, record: dict[str, Any]) -> None:
        assert self._handle is not None, "use JsonlWriter as a context manager"
        self._handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def flush(self) -> int:
        """Push everything written to the file; returns the file's size in bytes (0 for stdout
        and compressed files, which cannot be resumed)."""
        assert self._handle is not None, "use JsonlWriter as a context manager"
        self._handle.flush()
        if not resumable(self.path):
            return 0
        return os.fstat(self._handle.fileno()).st_size

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        if self._handle is not None and self._handle is not sys.stdout:
            self._handle.close()
            if exc_type is None:
                partial_path(self.path).replace(self.path)
        elif self._handle is sys.stdout:
            sys.stdout.flush()
        self._handle = None


def article_record(article: Article) -> dict[str, Any]:
    """The output line of an emitted article: its fields and removals, without run internals."""
    record = article.to_dict()
    del record["drop"], record["trace"]
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
        self._writer = self._pq.ParquetWriter(
            partial_path(self.path), self._schema, compression="zstd", write_statistics=False
        )
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
            self._writer.close()
            self._writer = None
        if exc_type is None:
            partial_path(self.path).replace(self.path)


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


def open_writer(path: str, resume_at: int | None = None) -> JsonlWriter | ParquetWriter:
    """The writer for an articles output: Parquet for ``.parquet``, else JSONL (``.jsonl``,
    ``.jsonl.gz``, ``-`` for stdout). ``resume_at``: see ``JsonlWriter``."""
    if path != STDOUT and path.lower().endswith(PARQUET_SUFFIX):
        if resume_at is not None:
            raise ConfigError("--resume needs a JSONL output, not Parquet")
        return ParquetWriter(path)
    return JsonlWriter(path, resume_at=resume_at)


def resumable(path: str) -> bool:
    """Whether a run writing ``path`` can be resumed: a plain JSONL file (not stdout, not
    compressed: a gzip stream cut short cannot be appended to)."""
    return path != STDOUT and not path.lower().endswith((".gz", PARQUET_SUFFIX))
