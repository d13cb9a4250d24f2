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


class JsonlWriter:
    """Writes one JSON object per line; use as a context manager."""

    def __init__(self, path: str):
        self.path = path
        self._handle: IO[str] | None = None

    def __enter__(self) -> JsonlWriter:
        if self.path == STDOUT:
            self._handle = sys.stdout
        else:
            target = Path(self.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.suffix == ".gz":
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

    def __exit__(self, *exc_info: object) -> None:
        if self._handle is not None and self._handle is not sys.stdout:
            self._handle.close()
        elif self._handle is sys.stdout:
            sys.stdout.flush()
        self._handle = None


def article_record(article: Article) -> dict[str, Any]:
    """The output line of an emitted article: its fields and removals, without run internals."""
    record = article.to_dict()
    del record["drop"], record["trace"]
    return record
