"""Corpus dedup: exact duplicates across the stream, by a hash of the normalised text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

import attrs
import xxhash

from newsclean.model import Article, Drop
from newsclean.text import comparison_key


def text_fingerprint(text: str) -> bytes:
    """16-byte hash of the text's words, case folded: spacing and punctuation do not count."""
    return xxhash.xxh3_128_digest(comparison_key(text).encode("utf-8"))


@attrs.frozen(kw_only=True)
class ExactDedup:
    """Keeps the first article with a given fingerprint, in stream order; later copies are
    dropped with reason ``dedup:exact`` and ``duplicate_of`` naming the kept article.
    Memory: one 16-byte digest and the kept id per distinct text."""

    name: ClassVar[str] = "dedup"

    def run(self, articles: Iterable[Article]) -> Iterator[Article]:
        first_seen: dict[bytes, str] = {}
        for article in articles:
            if not article.kept:
                yield article
                continue
            key = text_fingerprint(article.text)
            kept_id = first_seen.get(key)
            if kept_id is None:
                first_seen[key] = article.id
                yield attrs.evolve(article, trace=article.trace + (self.name,))
            else:
                drop = Drop(stage=self.name, reason="dedup:exact", detail="same normalised text", duplicate_of=kept_id)
                yield attrs.evolve(article, drop=drop, trace=article.trace + (self.name,))
