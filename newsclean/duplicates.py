"""Finding duplicate articles in a corpus, and which copy to keep.

Two kinds: exact copies (the same words, case folded: one 128-bit xxh3 fingerprint) and near
copies. A near copy is a pair that LSH proposes and whose estimated Jaccard similarity of word
shingles (``newsclean.minhash``) is at least the threshold, *and* whose keeper holds it: nearly
all of the copy's paragraphs (``COVERED_SHARE`` of its words) are in the keeper, exactly or
lightly edited, and the two do not differ in their facts as two instances of a template story
do (``holds``). A similar pair that fails this stays whole, each article naming the other as
``related``. So no removal loses a story: the kept article holds the removed one's text.

The copy kept is chosen by a policy that does not depend on input order, so the answer is the
same however the corpus is ordered or split (``RULES``):

1. ``published``: the earliest date (an article without a date comes after all dated ones),
2. ``covers``: then the article that holds more of its similar neighbours (the fullest text),
3. ``fewer_removed``: then fewer lines removed by cleaning (less junk left to miss),
4. ``id``: then the smallest ``id``,
5. ``record``: then the smallest fingerprint of the whole record (two records equal up to here
   differ only in fields the reader cannot tell apart).

An article held by one it does not hold (a cut or partial version) can only go: its holder is
decided first, and wins by ``covers`` whatever the dates. Otherwise articles are walked in
that order: an article goes when an article already kept holds it, and names the most similar
such one. Plain connected components would chain A~B~C and remove C
as a copy of A even when the two share little.

Work per article is bounded whatever the corpus (``near_candidates``): an LSH bucket of up to
``SMALL_BUCKET`` members gives all its pairs; a larger one, such as thousands of "page not
found" notices that differ in a reference number, pairs each member with its ``HEADS``
best-ranked members only (the articles the walk meets first), and equal signatures form one
more bucket. A copy of one page of such a cluster still meets it in a small bucket, through
the shingles that set the page apart. The rank depends on the articles alone, so the pairs
and the answer do not depend on input order. Pairs are checked ``COVER_BATCH`` directions at a
time, held as numpy arrays; ``related`` names at most ``RELATED_MAX`` articles.

Memory per article: the fingerprint (16 bytes), its rank fields, the signature (4 bytes per
permutation) and its coverage sketch (``Sketch``, at most about 1 KB): with the defaults about
1.4 KB. Band keys are made from the signatures when the corpus is complete.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections.abc import Sequence

import attrs
import numpy as np
import xxhash

from newsclean.minhash import (
    _SHIFT32,
    MinHasher,
    MinHashParams,
    Sketch,
    _trailing_zeros,
    candidate_pairs,
    pair_similarities,
)
from newsclean.model import Article
from newsclean.text import folded_words

EXACT = "dedup:exact"
NEAR = "dedup:near"
# What decided between a removed copy and its keeper: the first rule where they differ.
RULES = ("published", "covers", "fewer_removed", "id", "record")
_NO_DATE = np.iinfo(np.int32).max

# A copy is held by its keeper when paragraphs with this share of its words are found there.
COVERED_SHARE = 0.9
# A run of text counts whole when this share of its sampled shingles is in the keeper, in part
# below: a copy with 6 % of its words replaced keeps about 83 % of its 3-word shingles, a new
# paragraph close to none.
PARAGRAPH_FOUND = 0.7
# Runs of this many consecutive samples are judged together: a short paragraph shares a run
# with the next, a long one is cut into runs (so a paragraph cut in half counts half).
BLOCK_SAMPLES = 8
# Two texts are instances of one template (a daily report: same sentences, other numbers,
# names and dates) when each has at least TEMPLATE_FACTS fact words the other lacks, and they
# are at least TEMPLATE_SHARE of its facts. A copy adds facts (a dateline) or loses some
# (a cut end), but not both; an edit changes few. One each way is enough: a short notice may
# have two numbers and a day, and the next one changes one number.
TEMPLATE_FACTS = 1
TEMPLATE_SHARE = 0.25
# Pair directions checked for coverage at once: a few numpy calls for all, tens of MB at most.
COVER_BATCH = 4096
# LSH buckets up to this size give all their pairs; a larger one (a cluster of template pages:
# thousands of "page not found" notices that differ in a reference number) pairs each member
# with its HEADS best-ranked members only, the likely keepers (``near_candidates``).
SMALL_BUCKET = 32
HEADS = 8
# A kept article lists at most this many related articles, the most similar.
RELATED_MAX = 50


def text_fingerprint(text: str) -> bytes:
    """16-byte hash of the text's words, case folded: spacing and punctuation do not count."""
    return _words_fingerprint(folded_words(text))


def _words_fingerprint(folded: list[str]) -> bytes:
    return xxhash.xxh3_128_digest(" ".join(folded).encode("utf-8"))


def record_json(article: Article) -> str:
    """The article as one JSON line, keys sorted, without its ``flags`` (notes between stages,
    which its trace records too): what ``record_fingerprint`` hashes."""
    record = article.to_dict()
    record.pop("flags", None)
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def record_fingerprint(article: Article, record: str | None = None) -> bytes:
    """Hash of the whole record (``record``: its ``record_json`` when the caller has it), the
    policy's last tie-break."""
    return xxhash.xxh3_64_digest((record_json(article) if record is None else record).encode("utf-8"))


# --- coverage: pure functions over sketches ------------------------------------------------


@attrs.frozen
class Coverage:
    """How much of a copy a keeper holds: ``share`` of the copy's words in paragraphs found
    in the keeper, and ``found``, the share of its sampled shingles found there."""

    share: float
    found: float


def coverage(copy: Sketch, keeper: Sketch) -> Coverage:
    """How much of ``copy`` is in ``keeper``, from their sketches alone."""
    return _cover([(copy, _weights(copy), keeper)])[0]


def _weights(sketch: Sketch) -> np.ndarray:
    """The words each sample stands for: its paragraph's words shared out by its samples; a
    paragraph without a sample gives its words to the next sample (the last one at the end).
    At a higher level, the samples left stand for the same words each."""
    words = sketch.words.astype(np.float64)
    count = np.bincount(sketch.paragraph, minlength=len(words))
    weight = (words / np.maximum(count, 1))[sketch.paragraph]
    empty = np.flatnonzero(count == 0)
    if len(empty) and len(weight):
        np.add.at(weight, np.minimum(np.searchsorted(sketch.paragraph, empty), len(weight) - 1), words[empty])
    return weight


def _cover(pairs: Sequence[tuple[Sketch, np.ndarray, Sketch]]) -> list[Coverage]:
    """``coverage`` of each ``(copy, its _weights, keeper)``, all in a few numpy calls."""
    if not pairs:
        return []
    count = len(pairs)
    level = np.array([max(copy.level, keeper.level) for copy, _, keeper in pairs])
    # the copies' samples at each pair's level, in text order
    hashes = np.concatenate([copy.hashes for copy, _, _ in pairs])
    owner = np.repeat(np.arange(count), [len(copy.hashes) for copy, _, _ in pairs])
    kept = _trailing_zeros(hashes) >= level[owner]
    hashes, owner = hashes[kept], owner[kept]
    weight = np.concatenate([weights for _, weights, _ in pairs])[kept]
    sizes = np.bincount(owner, minlength=count)
    # the keepers' samples at the same levels; one membership test for all, each hash tagged
    # with its pair's number
    pool = np.concatenate([keeper.hashes for _, _, keeper in pairs])
    pool_owner = np.repeat(np.arange(count), [len(keeper.hashes) for _, _, keeper in pairs])
    in_pool = _trailing_zeros(pool) >= level[pool_owner]
    pool = np.sort((pool_owner[in_pool].astype(np.uint64) << _SHIFT32) | pool[in_pool])
    found = _held((owner.astype(np.uint64) << _SHIFT32) | hashes, pool)
    # Runs of BLOCK_SAMPLES consecutive samples are judged together (a short tail joins the
    # run before it), so one or two samples never decide alone.
    start = np.cumsum(sizes) - sizes
    place = np.arange(len(hashes)) - start[owner]
    runs = np.maximum(sizes // BLOCK_SAMPLES, 1)
    run = np.minimum(place // BLOCK_SAMPLES, runs[owner] - 1) + (np.cumsum(runs) - runs)[owner]
    run_size = np.bincount(run, minlength=int(runs.sum()))
    credit = np.minimum(1.0, np.bincount(run, weights=found, minlength=len(run_size)) / np.maximum(run_size * PARAGRAPH_FOUND, 1e-9))
    held = np.bincount(owner, weights=weight * credit[run], minlength=count)
    total = np.bincount(owner, weights=weight, minlength=count)
    hits = np.bincount(owner, weights=found, minlength=count)
    share = np.where(total > 0, np.minimum(1.0, held / np.where(total > 0, total, 1.0)), 1.0)
    share_found = np.where(sizes > 0, hits / np.maximum(sizes, 1), 1.0)
    return [Coverage(float(a), float(b)) for a, b in zip(share.tolist(), share_found.tolist())]


def _held(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """Which of ``values`` (in text order) ``ordered`` (sorted) holds, counted with repeats:
    the k-th occurrence of a value is held only when ``ordered`` has it k times. A text that
    repeats a line by design (a meal plan, a timetable) is not held by one that has it once."""
    if not len(ordered) or not len(values):
        return np.zeros(len(values), dtype=bool)
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    first = np.flatnonzero(np.concatenate(([True], ranked[1:] != ranked[:-1])))
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values)) - np.repeat(first, np.diff(np.append(first, len(values))))
    available = np.searchsorted(ordered, values, side="right") - np.searchsorted(ordered, values, side="left")
    return rank < available


def _members(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """``np.isin(values, ordered)`` for a sorted ``ordered``, without its set-up cost."""
    if not len(ordered):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return ordered[at] == values


def template_pair(a: Sketch, b: Sketch) -> bool:
    """True when ``a`` and ``b`` read as two instances of a template story: each has fact
    words (numbers, names) the other lacks (``TEMPLATE_FACTS``, ``TEMPLATE_SHARE``)."""
    return _templates([(a, b)])[0]


def _templates(pairs: Sequence[tuple[Sketch, Sketch]]) -> list[bool]:
    """``template_pair`` of each ``(a, b)``, all in a few numpy calls, as ``_cover`` does."""
    if not pairs:
        return []
    count = len(pairs)
    level = np.array([max(a.fact_level, b.fact_level) for a, b in pairs])

    def tagged(side: int) -> tuple[np.ndarray, np.ndarray]:
        """Each pair's facts on one side at the pair's level, tagged with the pair's number."""
        facts = np.concatenate([pair[side].facts for pair in pairs])
        owner = np.repeat(np.arange(count), [len(pair[side].facts) for pair in pairs])
        kept = _trailing_zeros(facts) >= level[owner]
        return (owner[kept].astype(np.uint64) << _SHIFT32) | facts[kept], owner[kept]

    (fa, owner_a), (fb, owner_b) = tagged(0), tagged(1)
    shared = np.bincount(owner_a, weights=_members(fa, np.sort(fb)), minlength=count)  # facts are unique
    sizes_a, sizes_b = np.bincount(owner_a, minlength=count), np.bincount(owner_b, minlength=count)
    only_a, only_b = sizes_a - shared, sizes_b - shared
    template = (only_a >= TEMPLATE_FACTS) & (only_a >= TEMPLATE_SHARE * sizes_a)
    template &= (only_b >= TEMPLATE_FACTS) & (only_b >= TEMPLATE_SHARE * sizes_b)
    return template.tolist()


def holds(keeper: Sketch, copy: Sketch) -> Coverage | None:
    """The coverage when ``keeper`` holds ``copy`` (so ``copy`` may go as its duplicate),
    else None."""
    cover = coverage(copy, keeper)
    if cover.share < COVERED_SHARE or template_pair(copy, keeper):
        return None
    return cover


@attrs.frozen
class Decision:
    """Why the article at ``position`` goes: a copy of ``duplicate_of``'s article, and the
    keeper rule (one of ``RULES``) that chose which of the two stays."""

    position: int
    reason: str  # EXACT or NEAR
    duplicate_of: int  # position of the kept article
    similarity: float
    decided_by: str


@attrs.frozen
class Outcome:
    """What ``DuplicateFinder.decide`` found: the articles that go (by position, ascending),
    and for each kept article with similar kept ones, their ``(position, similarity)``; and the
    work done: candidate ``pairs`` and coverage ``checks``."""

    decisions: list[Decision]
    related: dict[int, tuple[tuple[int, float], ...]]
    pairs: int = 0
    checks: int = 0


@attrs.frozen(kw_only=True)
class Entry:
    """What the finder keeps of one article to rank it, nothing of its text."""

    id: str
    published: int  # proleptic ordinal, or _NO_DATE
    removed: int  # lines removed by cleaning
    record: bytes
    fingerprint: bytes

    @classmethod
    def of(cls, article: Article, record: str | None = None) -> Entry:
        """``record``: the article's ``record_json``, when the caller has it."""
        published = article.published.toordinal() if isinstance(article.published, dt.date) else _NO_DATE
        return cls(
            id=article.id,
            published=published,
            removed=len(article.removed),
            record=record_fingerprint(article, record),
            fingerprint=text_fingerprint(article.text),
        )

    def rank_key(self) -> tuple:
        """The keeper order among exact copies (which hold each other): ``RULES`` less ``covers``."""
        return (self.published, self.removed, self.id, self.record)


def decided_by(keeper: tuple, copy: tuple, rules: Sequence[str] = RULES) -> str:
    """The first of ``rules`` where the two keys differ."""
    for rule, a, b in zip(rules, keeper, copy):
        if a != b:
            return rule
    return rules[-1]


# Exact copies hold each other: ``covers`` cannot tell them apart.
EXACT_RULES = tuple(rule for rule in RULES if rule != "covers")


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
        self._sketches: list[bytes] = []

    @property
    def params(self) -> MinHashParams | None:
        return self.hasher.params if self.hasher else None

    def add(self, positions: Sequence[int], articles: Sequence[Article], records: Sequence[str] | None = None) -> None:
        """Add a batch of kept articles with their stream positions (and their
        ``record_json``, when the caller has made it already)."""
        self._positions.extend(positions)
        self._entries.extend(Entry.of(a, r) for a, r in zip(articles, records if records is not None else [None] * len(articles)))
        if self.hasher is not None and articles:
            signatures, sketches = self.hasher.signatures_and_sketches([a.text for a in articles])
            self._signatures.append(signatures)
            self._sketches.extend(sketches)

    @classmethod
    def from_observed(
        cls,
        params: MinHashParams | None,
        near: bool,
        positions: Sequence[int],
        entries: Sequence[Entry],
        signatures: Sequence[np.ndarray],
        sketches: Sequence[bytes],
    ) -> DuplicateFinder:
        """A finder holding entries, signatures (one array per batch) and sketches made
        elsewhere (the Dedup stage's merged state)."""
        finder = cls(params, near=near)
        finder._positions = list(positions)
        finder._entries = list(entries)
        if near:
            finder._signatures = list(signatures)
            finder._sketches = list(sketches)
        return finder

    def __len__(self) -> int:
        return len(self._entries)

    def decide(self) -> Outcome:
        """Every article that goes, and the related pairs that both stay."""
        entries = self._entries
        order = sorted(range(len(entries)), key=lambda i: entries[i].rank_key())
        decisions: dict[int, Decision] = {}
        related: dict[int, tuple[tuple[int, float], ...]] = {}
        pairs, checks = np.empty((0, 2)), 0
        # Exact copies: the best-ranked article of each fingerprint stays.
        representative: dict[bytes, int] = {}
        for i in order:
            kept = representative.setdefault(entries[i].fingerprint, i)
            if kept != i:
                rule = decided_by(entries[kept].rank_key(), entries[i].rank_key(), EXACT_RULES)
                decisions[i] = Decision(self._positions[i], EXACT, self._positions[kept], 1.0, rule)
        if self.hasher is not None and len(representative) > 1:
            heads = sorted(representative.values())
            signatures = np.concatenate(self._signatures)[heads]
            step = 8192  # band keys in slices: the whole corpus at once needs 16 bytes a value
            keys = np.concatenate([self.hasher.band_keys(signatures[i : i + step]) for i in range(0, len(heads), step)])
            head_entries = [entries[i] for i in heads]
            pairs = near_candidates(head_entries, keys)
            head_sketches = [self._sketches[i] for i in heads]
            verdict = choose_keepers(head_entries, signatures, head_sketches, pairs, self.hasher.params.threshold)
            checks = verdict.checks
            for local, (kept_local, sim, rule) in verdict.removed.items():
                i, kept = heads[local], heads[kept_local]
                decisions[i] = Decision(self._positions[i], NEAR, self._positions[kept], sim, rule)
            for local, others in verdict.related.items():
                related[self._positions[heads[local]]] = tuple((self._positions[heads[j]], sim) for j, sim in others)
            # An exact copy of a near copy goes as a near copy of the article kept.
            for i, decision in list(decisions.items()):
                if decision.reason == EXACT:
                    head = representative[entries[i].fingerprint]
                    if head in decisions:
                        near = decisions[head]
                        decisions[i] = Decision(decision.position, NEAR, near.duplicate_of, near.similarity, near.decided_by)
        return Outcome(sorted(decisions.values(), key=lambda d: d.position), related, len(pairs), checks)


def near_candidates(entries: Sequence[Entry], band_keys: np.ndarray) -> np.ndarray:
    """Candidate pairs for ``choose_keepers``: ``candidate_pairs`` with buckets over
    SMALL_BUCKET bounded to their HEADS first members, members taken in keeper rank order
    (``Entry.rank_key``), so the pairs do not depend on the order of ``entries``."""
    order = sorted(range(len(entries)), key=lambda i: entries[i].rank_key())
    rank = np.empty(len(entries), dtype=np.int64)
    rank[order] = np.arange(len(entries))
    return candidate_pairs(band_keys, SMALL_BUCKET, rank=rank, heads=HEADS)


@attrs.frozen
class Verdict:
    """``choose_keepers``' answer, by index: ``removed[i] = (kept index, similarity, rule)``;
    ``related[i]``: the kept articles similar to kept ``i`` that do not hold it (nor it them),
    ``(index, similarity)``, most similar first, at most RELATED_MAX."""

    removed: dict[int, tuple[int, float, str]]
    related: dict[int, list[tuple[int, float]]]
    checks: int = 0  # coverage checks made (pair directions): the work done


def choose_keepers(
    entries: Sequence[Entry], signatures: np.ndarray, sketches: Sequence[bytes], pairs: np.ndarray, threshold: float
) -> Verdict:
    """Near copies among distinct texts.

    Candidate ``pairs`` (rows ``i, j``, from shared bands) at or above ``threshold`` are
    confirmed, and checked for coverage both ways (``holds``). A copy held by an article it
    does not hold (a cut or partial version) can only go, never be kept in its place: such a
    holder is decided first. Otherwise articles come in ``RULES`` order, ``covers`` being the
    summed share of shingles found of the neighbours an article holds. An article held by an
    already kept one goes, naming the most similar (ties: the one decided first)."""
    sims = pair_similarities(signatures, pairs)
    confirmed = sims >= threshold
    edges = pairs[confirmed]
    # Similarities take at most num_perm + 1 values: each is rounded once, as Python rounds a
    # float (as a reject shows it), and edges hold its number, so all share its float object.
    values, edge_sims = np.unique(sims[confirmed], return_inverse=True)
    rounded = [round(value, 4) for value in values.astype(np.float64).tolist()]
    if len(edges):  # by their member of fewer pairs: a cluster's heads in each batch, a member in one
        degree = np.bincount(edges.ravel())
        member = np.where(degree[edges[:, 0]] <= degree[edges[:, 1]], edges[:, 0], edges[:, 1])
        order = np.argsort(member, kind="stable")
        edges, edge_sims = edges[order], edge_sims[order]
    holders: dict[int, dict[int, float]] = {}  # holders[j][i]: i holds j, at this similarity
    score: dict[int, int] = {}  # thousandths, so the sums are exact
    step = COVER_BATCH // 2  # pairs at a time, each checked both ways: bounded memory
    for start in range(0, len(edges), step):
        batch = edges[start : start + step].tolist()
        batch_sims = [rounded[code] for code in edge_sims[start : start + step].tolist()]
        decoded = {i: Sketch.from_bytes(sketches[i]) for i in {i for pair in batch for i in pair}}
        weights = {i: _weights(sketch) for i, sketch in decoded.items()}
        directions = [(k, c, sim) for (a, b), sim in zip(batch, batch_sims) for k, c in ((a, b), (b, a))]
        covers = _cover([(decoded[copy], weights[copy], decoded[keeper]) for keeper, copy, _ in directions])
        # template_pair is symmetric: once a pair, for the pairs covered one way or the other
        covered = [n for n in range(len(batch)) if max(covers[2 * n].share, covers[2 * n + 1].share) >= COVERED_SHARE]
        found = _templates([(decoded[batch[n][0]], decoded[batch[n][1]]) for n in covered])
        templates = dict(zip(covered, found))
        for number, ((keeper, copy, sim), cover) in enumerate(zip(directions, covers)):
            if cover.share < COVERED_SHARE or templates[number // 2]:
                continue
            holders.setdefault(copy, {})[keeper] = sim
            score[keeper] = score.get(keeper, 0) + round(cover.found * 1000)
    nodes = np.unique(edges).tolist()

    def key(i: int) -> tuple:
        e = entries[i]
        return (e.published, -score.get(i, 0), e.removed, e.id, e.record)

    def strict(keeper: int, copy: int) -> bool:
        return keeper in holders.get(copy, {}) and copy not in holders.get(keeper, {})

    # Kahn's walk: an article is ready when its strict holders are decided; the best key first.
    waiting = {i: sum(strict(k, i) for k in holders.get(i, {})) for i in nodes}
    held_strictly: dict[int, list[int]] = {}
    for copy, of in holders.items():
        for keeper in of:
            if strict(keeper, copy):
                held_strictly.setdefault(keeper, []).append(copy)
    ready = [(key(i), i) for i, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    place: dict[int, int] = {}
    removed: dict[int, tuple[int, float, str]] = {}
    while len(place) < len(nodes):
        if not ready:  # strict holding in a circle (rare): the best key of the rest breaks it
            i = min((i for i in nodes if i not in place), key=key)
            heapq.heappush(ready, (key(i), i))
        _, i = heapq.heappop(ready)
        if i in place:
            continue
        place[i] = len(place)
        best: tuple[float, int, int] | None = None
        for other, sim in holders.get(i, {}).items():
            if other in place and other not in removed:
                candidate = (-sim, place[other], other)
                if best is None or candidate < best:
                    best = candidate
        if best is not None:
            kept = best[2]
            rule = "covers" if strict(kept, i) or key(kept) > key(i) else decided_by(key(kept), key(i))
            removed[i] = (kept, -best[0], rule)
        for copy in held_strictly.get(i, ()):
            waiting[copy] -= 1
            if waiting[copy] == 0:
                heapq.heappush(ready, (key(copy), copy))
    return Verdict(removed, _related(entries, edges, edge_sims, rounded, place, removed), checks=2 * len(edges))


def _related(
    entries: Sequence[Entry],
    edges: np.ndarray,
    sims: np.ndarray,
    rounded: list[float],
    place: dict[int, int],
    removed: dict,
) -> dict:
    """For each kept article of ``edges``, the other kept ones, most similar first (ties: the
    smaller id, then the one decided first), at most RELATED_MAX; in the walk's order.
    ``sims``: each edge's number in ``rounded``, the similarities in increasing order."""
    if not len(edges):
        return {}
    nodes = sorted(place, key=lambda i: (entries[i].id, place[i]))
    tie = np.zeros(int(edges.max()) + 1, dtype=np.int64)
    tie[nodes] = np.arange(len(nodes))
    gone = np.zeros(len(tie), dtype=bool)
    gone[list(removed)] = True
    source = np.concatenate((edges[:, 0], edges[:, 1]))
    target = np.concatenate((edges[:, 1], edges[:, 0]))
    both = np.concatenate((sims, sims))
    keep = ~gone[source] & ~gone[target]
    source, target, both = source[keep], target[keep], both[keep]
    order = np.lexsort((tie[target], -np.asarray(rounded)[both], source))
    source, target, both = source[order], target[order], both[order]
    starts = np.flatnonzero(np.concatenate(([True], source[1:] != source[:-1]))).tolist() if len(source) else []
    ends = starts[1:] + [len(source)]
    groups = {}
    for begin, end in zip(starts, ends):
        end = min(end, begin + RELATED_MAX)
        pairs = zip(target[begin:end].tolist(), both[begin:end].tolist())
        groups[int(source[begin])] = [(j, rounded[code]) for j, code in pairs]
    return {i: groups[i] for i in sorted(groups, key=place.__getitem__)}


def keepers_from_edges(rank: np.ndarray, pairs: np.ndarray, sims: np.ndarray) -> dict[int, tuple[int, float]]:
    """The walk on similarity alone, without coverage (the policy before coverage; kept for
    comparisons): in ``rank`` order, an article similar to an already kept one goes."""
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
