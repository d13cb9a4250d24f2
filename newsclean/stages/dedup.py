"""Corpus dedup: exact and near-duplicate articles, one copy kept per story.

Which copies are duplicates and which one stays is decided by ``newsclean.duplicates``: a
similar article goes only when the one kept holds nearly all of its text, and the keeper
policy (earliest published, then the one that covers the others, then fewer removed lines,
then smallest id) does not depend on input order. That needs the whole stream first: articles
wait in a temporary spill file, and memory holds only fingerprints, signatures and coverage
sketches (about 1.4 KB per article with the default parameters).
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
from newsclean.model import Article, Drop, Related

__all__ = ["Dedup", "duplicate_drop", "related_of", "text_fingerprint"]


@attrs.frozen(kw_only=True)
class Dedup:
    """Drops copies with reason ``dedup:exact`` (same words, case folded) or ``dedup:near``
    (estimated Jaccard similarity of word shingles at least ``params.threshold``, and nearly
    all of the copy's paragraphs in the kept article); each drop names the kept article in
    ``duplicate_of``, with the estimated ``similarity`` and the keeper rule that ``decided_by``.
    A similar kept article that is not a copy lists the other under ``related``.
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
            outcome = finder.decide()
            decisions = {d.position: d for d in outcome.decisions}
            spill.seek(0)
            for position, line in enumerate(spill):
                article = Article.from_dict(json.loads(line))
                if not article.kept:
                    yield article
                    continue
                trace = article.trace + (self.name,)
                decision = decisions.get(position)
                if decision is None:
                    others = outcome.related.get(position, ())
                    yield attrs.evolve(article, trace=trace, related=related_of((ids[p], sim) for p, sim in others))
                    continue
                drop = duplicate_drop(
                    self.name, decision.reason, ids[decision.duplicate_of], decision.similarity, decision.decided_by
                )
                yield attrs.evolve(article, drop=drop, trace=trace)


def duplicate_drop(stage: str, reason: str, kept_id: str, similarity: float, decided_by: str | None = None) -> Drop:
    """The drop of a copy: ``reason`` is ``dedup:exact`` or ``dedup:near``; ``decided_by``
    the keeper rule that chose ``kept_id``."""
    similarity = round(similarity, 4)
    detail = "same normalised text" if reason == EXACT else f"estimated similarity {similarity:.2f}"
    return Drop(stage=stage, reason=reason, detail=detail, duplicate_of=kept_id, similarity=similarity, decided_by=decided_by)


def related_of(others: Iterable[tuple[str, float]]) -> tuple[Related, ...]:
    """``(id, similarity)`` pairs as an article's ``related``, similarity rounded as in a drop."""
    return tuple(Related(id, round(similarity, 4)) for id, similarity in others)

