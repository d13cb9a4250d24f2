"""Writers: JSONL for articles and rejects (``-`` is stdout, ``.gz`` is compressed)."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path
from typing import IO, Any

from newsclean.model import Article

STDOUT = "-"


PARTIAL_SUFFIX = ".partial"


def partial_path(path: str) -> Path:
    """Where a file is written until it is complete: ``out/clean.jsonl.partial``."""
    return Path(path + PARTIAL_SUFFIX)


class JsonlWriter:
    """Writes one JSON object per line; use as a context manager.

    A file is written under a ``.partial`` name and renamed to its own name only when the
    ``with`` block ends without an exception: a file under its real name is always complete,
    and an interrupted run leaves ``OUT.partial`` behind, plainly marked."""

    def __init__(self, path: str):
        self.path = path
        self._handle: IO[str] | None = None

    def __enter__(self) -> JsonlWriter:
        if self.path == STDOUT:
            self._handle = sys.stdout
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
