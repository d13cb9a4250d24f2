"""Spill files: articles (with the seconds spent on them) waiting in a binary file, one JSON
line each, for the passes of a corpus step."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from newsclean.model import Article

# An article and the seconds its document stages have taken so far (of the time budget).
Timed = tuple[Article, float]


def spill_line(article: Article, spent: float) -> bytes:
    """One line of a spill file: the article and the seconds spent on it, as JSON."""
    line = json.dumps({"spent": round(spent, 6), "article": article.to_dict()}, ensure_ascii=False)
    return line.encode("utf-8", "surrogatepass") + b"\n"


def read_spill_line(line: bytes) -> Timed:
    record = json.loads(line.decode("utf-8", "surrogatepass"))
    return Article.from_dict(record["article"]), record["spent"]


class Spill:
    """Articles (with the seconds spent on them) waiting in a binary file, one JSON line
    each, for the passes of a corpus step."""

    def __init__(self, handle: IO[bytes]):
        self.handle = handle

    def write(self, article: Article, spent: float) -> int:
        """Append one; returns the bytes written."""
        data = spill_line(article, spent)
        self.handle.write(data)
        return len(data)

    def replay(self, size: int | None = None) -> Iterator[Timed]:
        """The articles written (those in the first ``size`` bytes), from the start."""
        self.handle.flush()
        self.handle.seek(0)
        read = 0
        for line in self.handle:
            read += len(line)
            if size is not None and read > size:
                break
            yield read_spill_line(line)
