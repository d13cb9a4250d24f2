"""Finding duplicate articles in a corpus, and which copy to keep.

Two kinds: exact copies (the same words, case folded: one 128-bit xxh3 fingerprint) and near
copies (MinHash similarity over word shingles at or above a threshold, see
``newsclean.minhash``). The copy kept is chosen by a policy that suits news, not by input
order, so the answer is the same however the corpus is ordered or split:

1. the earliest ``published`` date (an article without a date comes after all dated ones),
2. then the longest text (in words),
3. then the smallest ``id``,
4. then the smallest fingerprint of the whole record (two records equal up to here differ
   only in fields the reader cannot tell apart).

Near copies are grouped by walking the articles in that order: an article is a duplicate when
it is similar enough to an article already kept, and it is reported as a duplicate of the
most similar one. So every removed article is at least ``threshold``-similar to the article it
names; plain connected components would chain A~B~C and remove C as a copy of A even when the
two share little. A cluster is a kept article and the articles that name it.

Memory per article: the fingerprint (16 bytes), its rank fields, the signature (4 bytes per
permutation) and its band keys (8 bytes per band): with the defaults about 900 bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import attrs
import numpy as np
import xxhash

from newsclean.minhash import MinHasher, MinHashParams, candidate_pairs, pair_similarities
from newsclean.model import Article
from newsclean.text import folded_words

EXACT = "dedup:exact"
NEAR = "dedup:near"
_NO_DATE = np.iinfo(np.int32).max


def text_fingerprint(text: str) -> bytes:
    """16-byte hash of the text's words, case folded: spacing and punctuation do not count."""
    return _words_fingerprint(folded_words(text))


def _words_fingerprint(folded: list[str]) -> bytes:
    return xxhash.xxh3_128_digest(" ".join(folded).encode("utf-8"))


def record_json(article: Article) -> str:
    """The article as one JSON line, keys sorted: what ``record_fingerprint`` hashes."""
    return json.dumps(article.to_dict(), sort_keys=True, ensure_ascii=False)


def record_fingerprint(article: Article, record: str | None = None) -> bytes:
    """Hash of the whole record (``record``: its ``record_json`` when the caller has it), the
    policy's last tie-break."""
    return xxhash.xxh3_64_digest((record_json(article) if record is None else record).encode("utf-8"))


@attrs.frozen
class Decision:
    """Why the article at ``position`` goes: a copy of ``duplicate_of``'s article."""

    position: int
    reason: str  # EXACT or NEAR
    duplicate_of: int  # position of the kept article
    similarity: float


@attrs.frozen(kw_only=True)
class Entry:
    """What the finder keeps of one article: enough to rank it, nothing of its text."""

    id: str
    published: int  # proleptic ordinal, or _NO_DATE
    words: int
    record: bytes
    fingerprint: bytes

    @classmethod
    def of(cls, article: Article, record: str | None = None) -> Entry:
        """``record``: the article's ``record_json``, when the caller has it."""
        published = article.published.toordinal() if isinstance(article.published, dt.date) else _NO_DATE
        folded = folded_words(article.text)  # the text is split into words once, for both
        return cls(
            id=article.id,
            published=published,
            words=len(folded),
            record=record_fingerprint(article, record),
            fingerprint=_words_fingerprint(folded),
        )

    def rank_key(self) -> tuple:
        return (self.published, -self.words, self.id, self.record)


class DuplicateFinder:
    """Collects articles (``add``), then decides which are copies (``decide``).

    Positions are the order of ``add`` calls; only the positions of the articles that go are
    returned. With ``near=False`` only exact copies are found (no signatures kept)."""

    def __init__(self, params: MinHashParams | None = None, near: bool = True):
        self.near = near
        self.hasher = MinHasher(params) if near else None
        self._entries: list[Entry] = []
        self._positions: list[int] = []
        self._signatures: list[np.ndarray] = []
        self._band_keys: list[np.ndarray] = []

    @property
    def params(self) -> MinHashParams | None:
        return self.hasher.params if self.hasher else None

    def add(self, positions: Sequence[int], articles: Sequence[Article], records: Sequence[str] | None = None) -> None:
        """Add a batch of kept articles with their stream positions (and their
        ``record_json``, when the caller has made it already)."""
        self._positions.extend(positions)
        self._entries.extend(Entry.of(a, r) for a, r in zip(articles, records or [None] * len(articles)))
        if self.hasher is not None and articles:
            signatures = self.hasher.signatures([a.text for a in articles])
            self._signatures.append(signatures)
            self._band_keys.append(self.hasher.band_keys(signatures))

    def __len__(self) -> int:
        return len(self._entries)

    def decide(self) -> list[Decision]:
        """Every article that goes, by position (ascending)."""
        entries = self._entries
        rank = ranks(entries)
        order = np.argsort(rank).tolist()
        decisions: dict[int, Decision] = {}
        # Exact copies: the best-ranked article of each fingerprint stays.
        representative: dict[bytes, int] = {}
        for i in order:
            kept = representative.setdefault(entries[i].fingerprint, i)
            if kept != i:
                decisions[i] = Decision(self._positions[i], EXACT, self._positions[kept], 1.0)
        if self.hasher is not None and len(representative) > 1:
            heads = np.array(sorted(representative.values()), dtype=np.int64)
            signatures = np.concatenate(self._signatures)[heads]
            keys = np.concatenate(self._band_keys)[heads]
            near_of = choose_keepers(rank[heads], signatures, candidate_pairs(keys), self.hasher.params.threshold)
            for local, (kept_local, sim) in near_of.items():
                i, kept = int(heads[local]), int(heads[kept_local])
                decisions[i] = Decision(self._positions[i], NEAR, self._positions[kept], sim)
            # An exact copy of a near copy goes as a near copy of the article kept.
            for i, decision in list(decisions.items()):
                if decision.reason == EXACT:
                    head = representative[entries[i].fingerprint]
                    if head in decisions:
                        near = decisions[head]
                        decisions[i] = Decision(decision.position, NEAR, near.duplicate_of, near.similarity)
        return sorted(decisions.values(), key=lambda d: d.position)


def ranks(entries: Sequence[Entry]) -> np.ndarray:
    """Each entry's place in keeper order (0: the first kept), by ``Entry.rank_key``."""
    order = sorted(range(len(entries)), key=lambda i: entries[i].rank_key())
    rank = np.empty(len(entries), dtype=np.int64)
    rank[np.array(order, dtype=np.int64)] = np.arange(len(entries))
    return rank


def choose_keepers(
    rank: np.ndarray, signatures: np.ndarray, pairs: np.ndarray, threshold: float
) -> dict[int, tuple[int, float]]:
    """Near copies among distinct texts: ``{index: (index kept, similarity)}``.

    Candidate ``pairs`` (rows ``i, j``, from shared bands) at or above ``threshold`` are
    confirmed; then, in ``rank`` order, an article similar to an already kept one goes, naming
    the most similar (ties: the better ranked)."""
    sims = pair_similarities(signatures, pairs)
    confirmed = sims >= threshold
    return keepers_from_edges(rank, pairs[confirmed], sims[confirmed])


def keepers_from_edges(rank: np.ndarray, pairs: np.ndarray, sims: np.ndarray) -> dict[int, tuple[int, float]]:
    """The greedy walk over confirmed pairs (see the module docstring)."""
    neighbours: dict[int, list[tuple[int, float]]] = {}
    for (a, b), sim in zip(pairs.tolist(), sims.tolist()):
        neighbours.setdefault(a, []).append((b, sim))
        neighbours.setdefault(b, []).append((a, sim))
    removed: dict[int, tuple[int, float]] = {}
    for i in sorted(neighbours, key=lambda i: rank[i]):
        best: tuple[float, int, int] | None = None
        for other, sim in neighbours[i]:
            if rank[other] < rank[i] and other not in removed:
                key = (-sim, int(rank[other]), other)
                if best is None or key < best:
                    best = key
        if best is not None:
            removed[i] = (best[2], -best[0])
    return removed
