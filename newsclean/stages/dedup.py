"""Corpus dedup: exact and near-duplicate articles, one copy kept per story.

Which copies are duplicates and which one stays is decided by ``newsclean.duplicates`` (the
keeper policy: earliest published, then longest, then smallest id), so the result does not
depend on input order. That needs the whole stream first: articles wait in a temporary spill
file, and memory holds only fingerprints, signatures and band keys (about 900 bytes per
article with the default parameters).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from typing import ClassVar

import attrs

from newsclean.duplicates import EXACT, DuplicateFinder, record_json, text_fingerprint
from newsclean.batching import batched
from newsclean.minhash import MinHashParams
from newsclean.model import Article, Drop

__all__ = ["Dedup", "duplicate_drop", "text_fingerprint"]


@attrs.frozen(kw_only=True)
class Dedup:
    """Drops copies with reason ``dedup:exact`` (same words, case folded) or ``dedup:near``
    (estimated Jaccard similarity of word shingles at least ``params.threshold``); each drop
    names the kept article in ``duplicate_of`` and carries the estimated ``similarity``.
    ``near=False`` finds exact copies only. Yields every article in input order."""

    name: ClassVar[str] = "dedup"

    near: bool = True
    params: MinHashParams = attrs.field(factory=MinHashParams)
    batch_size: int = 256

    def run(self, articles: Iterable[Article]) -> Iterator[Article]:
        finder = DuplicateFinder(self.params, near=self.near)
        ids: list[str] = []
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spill:
            position = 0
            for batch in batched(articles, self.batch_size):
                kept_positions, kept_articles, kept_records = [], [], []
                for article in batch:
                    record = record_json(article)  # spilled, and hashed for the keeper policy
                    spill.write(record + "\n")
                    ids.append(article.id)
                    if article.kept:
                        kept_positions.append(position)
                        kept_articles.append(article)
                        kept_records.append(record)
                    position += 1
                finder.add(kept_positions, kept_articles, kept_records)
            decisions = {d.position: d for d in finder.decide()}
            spill.seek(0)
            for position, line in enumerate(spill):
                article = Article.from_dict(json.loads(line))
                if not article.kept:
                    yield article
                    continue
                trace = article.trace + (self.name,)
                decision = decisions.get(position)
                if decision is None:
                    yield attrs.evolve(article, trace=trace)
                    continue
                drop = duplicate_drop(self.name, decision.reason, ids[decision.duplicate_of], decision.similarity)
                yield attrs.evolve(article, drop=drop, trace=trace)


def duplicate_drop(stage: str, reason: str, kept_id: str, similarity: float) -> Drop:
    """The drop of a copy: ``reason`` is ``dedup:exact`` or ``dedup:near``."""
    similarity = round(similarity, 4)
    detail = "same normalised text" if reason == EXACT else f"estimated similarity {similarity:.2f}"
    return Drop(stage=stage, reason=reason, detail=detail, duplicate_of=kept_id, similarity=similarity)

