"""Corpus dedup: exact and near-duplicate articles, one copy kept per story.

Which copies are duplicates and which one stays is decided by ``newsclean.duplicates``: a
similar article goes only when the one kept holds nearly all of its text, and the keeper
policy (earliest published, then the one that covers the others, then fewer removed lines,
then smallest id) does not depend on input order. As a corpus stage (``newsclean.engine.corpus``)
the state is, per kept article, its ranking fields, fingerprint, signature and coverage sketch
(about 1.4 KB with the default parameters); the model holds only the decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

import attrs
import numpy as np

from newsclean.engine.corpus import Keyed
from newsclean.stages.base import CorpusStage
from newsclean.duplicates import EXACT, DuplicateFinder, Entry, text_fingerprint
from newsclean.minhash import MinHasher, MinHashParams
from newsclean.model import Article, Drop, Related

__all__ = ["Dedup", "DedupModel", "Signatures", "duplicate_drop", "related_of", "text_fingerprint"]


@attrs.frozen
class Signatures:
    """Dedup's state: the kept articles' positions, ranking entries, and (near dedup) their
    signatures, one array per observed batch, and coverage sketches."""

    positions: list[int]
    entries: list[Entry]
    signatures: list[np.ndarray]
    sketches: list[bytes]


@attrs.frozen
class DedupModel:
    """Dedup's decisions: the drop of each copy, and the ``related`` of each kept article, by
    position."""

    drops: dict[int, Drop]
    related: dict[int, tuple[Related, ...]]


@attrs.frozen(kw_only=True)
class Dedup(CorpusStage[Signatures, DedupModel]):
    """Drops copies with reason ``dedup:exact`` (same words, case folded) or ``dedup:near``
    (estimated Jaccard similarity of word shingles at least ``params.threshold``, and nearly
    all of the copy's paragraphs in the kept article); each drop names the kept article in
    ``duplicate_of``, with the estimated ``similarity`` and the keeper rule that ``decided_by``.
    A similar kept article that is not a copy lists the other under ``related``.
    ``near=False`` finds exact copies only."""

    name: ClassVar[str] = "dedup"

    near: bool = True
    params: MinHashParams = attrs.field(factory=MinHashParams)

    def observe(self, batch: Sequence[Keyed]) -> Signatures:
        entries = [Entry.of(article) for _, article in batch]
        signatures: list[np.ndarray] = []
        sketches: list[bytes] = []
        if self.near and batch:
            array, sketches = MinHasher(self.params).signatures_and_sketches([a.text for _, a in batch])
            signatures = [array]
        return Signatures([key for key, _ in batch], entries, signatures, sketches)

    def merge(self, states: Sequence[Signatures]) -> Signatures:
        return Signatures(
            [p for s in states for p in s.positions],
            [e for s in states for e in s.entries],
            [a for s in states for a in s.signatures],
            [b for s in states for b in s.sketches],
        )

    def decide(self, state: Signatures) -> DedupModel:
        state = _in_stream_order(state)
        finder = DuplicateFinder.from_observed(
            self.params, self.near, state.positions, state.entries, state.signatures, state.sketches
        )
        outcome = finder.decide()
        ids = dict(zip(state.positions, (e.id for e in state.entries)))
        drops = {
            d.position: duplicate_drop(self.name, d.reason, ids[d.duplicate_of], d.similarity, d.decided_by)
            for d in outcome.decisions
        }
        related = {p: related_of((ids[q], sim) for q, sim in others) for p, others in outcome.related.items()}
        return DedupModel(drops, related)

    def apply(self, key: int, article: Article, model: DedupModel) -> Article:
        drop = model.drops.get(key)
        if drop is not None:
            return attrs.evolve(article, drop=drop)
        related = model.related.get(key)
        return attrs.evolve(article, related=related) if related else article


def _in_stream_order(state: Signatures) -> Signatures:
    """``state`` sorted by position: an engine may merge batches in any order, and the
    finder's candidate pairs follow the order it is given."""
    positions = state.positions
    if all(a < b for a, b in zip(positions, positions[1:])):
        return state
    order = sorted(range(len(positions)), key=positions.__getitem__)
    signatures = [np.concatenate(state.signatures)[order]] if state.signatures else []
    return Signatures(
        [positions[i] for i in order],
        [state.entries[i] for i in order],
        signatures,
        [state.sketches[i] for i in order] if state.sketches else [],
    )


def duplicate_drop(stage: str, reason: str, kept_id: str, similarity: float, decided_by: str | None = None) -> Drop:
    """The drop of a copy: ``reason`` is ``dedup:exact`` or ``dedup:near``; ``decided_by``
    the keeper rule that chose ``kept_id``."""
    similarity = round(similarity, 4)
    detail = "same normalised text" if reason == EXACT else f"estimated similarity {similarity:.2f}"
    return Drop(stage=stage, reason=reason, detail=detail, duplicate_of=kept_id, similarity=similarity, decided_by=decided_by)


def related_of(others: Iterable[tuple[str, float]]) -> tuple[Related, ...]:
    """``(id, similarity)`` pairs as an article's ``related``, similarity rounded as in a drop."""
    return tuple(Related(id, round(similarity, 4)) for id, similarity in others)

