"""MinHash signatures and LSH banding over word shingles, vectorised with numpy.

Why our own and not datasketch: datasketch hashes each shingle and updates each signature in
Python objects; here a whole batch of documents is hashed and minimised in a few numpy calls,
and an index is a plain array of band keys (8 bytes per band per document) instead of Python
dicts. ``benchmarks/dedup.py`` measures both on the same corpus.

The scheme:

- words are runs of letters and digits of the case-folded text, split at ASCII spaces and
  punctuation, Latin-1 punctuation (U+00A0-U+00BF) and general punctuation (U+2000-U+206F:
  curly quotes, dashes, ellipses), so spacing, quotes and punctuation never hide a copy. The
  split and the word hashes are computed on the UTF-8 bytes with numpy, for speed: a regular
  expression and one hash call per word cost more than everything else together;
- a shingle is ``shingle_size`` consecutive words; its 64-bit hash is a polynomial in the word
  hashes, computed for all shingles of a batch at once;
- the shingle hash is folded to 32 bits, and permutation ``p`` of it is
  ``(a_p * x + b_p) mod 2**32`` with ``a_p`` odd (a bijection); the signature keeps the minimum
  per permutation. 32-bit arithmetic runs 8x faster here than a 64-bit multiply-shift, and on
  dev-set texts its similarity estimates were as accurate (root mean square error 0.044 at
  128 permutations, the binomial bound being 0.044);
- the signature is cut into ``bands`` bands of ``rows`` values; two documents that agree on a
  whole band become a candidate pair; candidates are confirmed with the estimated Jaccard
  similarity (the share of equal signature values). A bucket can hold thousands of documents
  (pages of one template); ``candidate_pairs`` with ``heads`` pairs the members of a large
  bucket with its first few members in a given rank order only, so pairs stay linear;
- each document also gets a coverage ``Sketch`` (a bounded sample of its shingles by
  paragraph, and of its fact words), from which ``newsclean.duplicates`` tells whether one
  document holds another. Short documents are split, hashed and minimised together, in groups
  of up to ``CHUNK_BYTES``: fewer numpy calls, and the same signatures and sketches as alone.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import attrs
import numpy as np
import xxhash

from newsclean.errors import ConfigError

_MASK32 = np.uint64(0xFFFFFFFF)
_SHIFT32 = np.uint64(32)
# Odd multipliers of the shingle polynomial and of the band-key combination.
_SHINGLE_BASE = np.uint64(0x9E3779B97F4A7C15)
_EMPTY_TEXT_HASH = xxhash.xxh3_64_intdigest(b"")
# Shingles permuted at once: at most BLOCK_ROWS x num_perm x 4 bytes of temporary memory.
BLOCK_ROWS = 2048
# Words are hashed in chunks of at most this many bytes (the size of the power tables).
CHUNK_BYTES = 1 << 16
_WORD_BASE = 0x100000001B3  # odd, so it has an inverse modulo 2**64


@attrs.frozen(kw_only=True)
class MinHashParams:
    """Shingle size, signature length and banding. ``num_perm`` is ``bands * rows``.

    Defaults (measured by benchmarks/dedup.py; reasoning in docs/dedup.md): 3-word shingles,
    128 permutations in 32 bands of 4 rows, confirmed at an estimated Jaccard similarity of
    0.5. Three words keep a copy with 6 % of its words edited at about 0.7, where five words
    drop it to about 0.55, near the threshold; a new story reusing 40 % of an old one stays
    near 0.25 either way. 32 bands of 4 make a pair at 0.5 a candidate 87 % of the time and
    one at 0.6 99 %; the estimate's error at 128 permutations is about 0.044.
    """

    shingle_size: int = 3
    bands: int = 32
    rows: int = 4
    threshold: float = 0.5
    seed: int = 1

    def __attrs_post_init__(self) -> None:
        if self.shingle_size < 1 or self.bands < 1 or self.rows < 1:
            raise ConfigError("shingle_size, bands and rows must be at least 1")
        if not 0 < self.threshold <= 1:
            raise ConfigError(f"threshold must be in (0, 1], not {self.threshold}")

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    def candidate_probability(self, similarity: float) -> float:
        """Chance that two documents with this Jaccard similarity share at least one band."""
        return 1.0 - (1.0 - similarity**self.rows) ** self.bands


class MinHasher:
    """Computes signatures (``uint32[num_perm]``) and band keys (``uint64[bands]``)."""

    def __init__(self, params: MinHashParams | None = None):
        self.params = params or MinHashParams()
        rng = np.random.default_rng(self.params.seed)
        n = self.params.num_perm
        self._a = (rng.integers(0, 2**32, size=n, dtype=np.uint64) | np.uint64(1)).astype(np.uint32)
        self._b = rng.integers(0, 2**32, size=n, dtype=np.uint64).astype(np.uint32)
        self._band_mult = rng.integers(1, 2**63, size=self.params.rows, dtype=np.uint64) | np.uint64(1)
        powers = [np.uint64(1)]
        with np.errstate(over="ignore"):
            for _ in range(self.params.shingle_size - 1):
                powers.append(powers[-1] * _SHINGLE_BASE)
        self._powers = powers[::-1]

    def shingle_hashes(self, text: str) -> np.ndarray:
        """32-bit hashes of the text's word shingles (``uint32``, repeats left in: they do not
        change a minimum). A text shorter than one shingle is one shingle; a text without
        words has one fixed hash."""
        return self._shingles(_word_hashes(text.casefold().encode("utf-8")))

    def _shingles(self, word_hashes: np.ndarray) -> np.ndarray:
        if not len(word_hashes):
            return np.array([_EMPTY_TEXT_HASH & 0xFFFFFFFF], dtype=np.uint32)
        k = min(self.params.shingle_size, len(word_hashes))
        count = len(word_hashes) - k + 1
        powers = self._powers[-k:]
        with np.errstate(over="ignore"):
            shingles: np.ndarray = word_hashes[:count] * powers[0]
            for offset in range(1, k):
                shingles = shingles + word_hashes[offset : offset + count] * powers[offset]
        return ((shingles ^ (shingles >> _SHIFT32)) & _MASK32).astype(np.uint32)

    def signature(self, text: str) -> np.ndarray:
        """``uint32[num_perm]``: the MinHash signature of one text. Shingles are permuted in
        blocks of ``BLOCK_ROWS``, so a 20 MB page needs no more temporary memory than a short one."""
        return self._minimum(self.shingle_hashes(text))

    def _minimum(self, shingles: np.ndarray) -> np.ndarray:
        lowest = np.full(self.params.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
        with np.errstate(over="ignore"):
            for start in range(0, len(shingles), BLOCK_ROWS):
                block = shingles[start : start + BLOCK_ROWS, None] * self._a
                block += self._b
                np.minimum(lowest, block.min(axis=0), out=lowest)
        return lowest

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        """``uint32[len(texts), num_perm]``: one signature per text, the same as ``signature``
        gives (short texts are hashed together, see ``_hashed``)."""
        out = np.empty((len(texts), self.params.num_perm), dtype=np.uint32)
        self._hashed(texts, out)
        return out

    def sketch(self, text: str) -> Sketch:
        """The coverage sketch of one text (see ``Sketch``)."""
        return Sketch.from_bytes(self.signatures_and_sketches([text])[1][0])

    def signatures_and_sketches(self, texts: Sequence[str]) -> tuple[np.ndarray, list[bytes]]:
        """``signatures(texts)`` and each text's ``Sketch`` as bytes, each text split and hashed
        once. The sketches are made for the batch at once (a few dozen numpy calls per batch,
        not per text); a text's sketch does not depend on the others in its batch."""
        out = np.empty((len(texts), self.params.num_perm), dtype=np.uint32)
        return out, _sketches(self._hashed(texts, out))

    def _hashed(self, texts: Sequence[str], out: np.ndarray) -> list[tuple[str, bytes, np.ndarray, np.ndarray, np.ndarray]]:
        """Fills ``out`` with the texts' signatures; returns each text's (text, folded bytes,
        word hashes, word starts, shingle hashes). Texts shorter than CHUNK_BYTES are joined,
        up to CHUNK_BYTES, and split, hashed and minimised together: a word's hash does not
        depend on its neighbours, and a shingle across two texts is left out, so each text
        gets what it would get alone; a longer text is done alone."""
        folded = [text.casefold().encode("utf-8") for text in texts]
        parts: list = [None] * len(texts)
        group: list[int] = []
        size = 0
        for i, data in enumerate(folded + [b""]):
            last = i == len(texts)
            if group and (last or size + len(data) + 1 > CHUNK_BYTES):
                self._hash_group(texts, folded, group, out, parts)
                group, size = [], 0
            if not last:
                group.append(i)
                size += len(data) + 1
        return parts

    def _hash_group(self, texts, folded, group: list[int], out: np.ndarray, parts: list) -> None:
        k = self.params.shingle_size
        joined = b"\n".join(folded[i] for i in group)
        word_hashes, firsts, _ = _word_spans(joined)
        starts = np.cumsum([0] + [len(folded[i]) + 1 for i in group])
        bounds = np.searchsorted(firsts, starts).tolist()  # each text's words
        whole = self._shingles(word_hashes) if len(word_hashes) >= k else word_hashes[:0].astype(np.uint32)
        pieces: list[np.ndarray] = []
        segments: list[int] = []
        owners: list[int] = []
        for n, i in enumerate(group):
            lo, hi = bounds[n], bounds[n + 1]
            mine = word_hashes[lo:hi]
            shingles = whole[lo : hi - k + 1] if hi - lo >= k else self._shingles(mine)
            parts[i] = (texts[i], folded[i], mine, firsts[lo:hi] - starts[n], shingles)
            segments.append(sum(len(piece) for piece in pieces))
            pieces.append(shingles)
            owners.append(i)
        self._segment_minimum(np.concatenate(pieces), np.array(segments), out, np.array(owners))

    def _segment_minimum(self, shingles: np.ndarray, starts: np.ndarray, out: np.ndarray, rows: np.ndarray) -> None:
        """``out[rows[s]]``: the minimum of each permuted shingle over segment ``s`` of
        ``shingles`` (segments start at ``starts``, none empty), in blocks of BLOCK_ROWS."""
        lowest = np.full((len(starts), self.params.num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
        ends = np.append(starts[1:], len(shingles))
        with np.errstate(over="ignore"):
            for begin in range(0, len(shingles), BLOCK_ROWS):
                end = min(begin + BLOCK_ROWS, len(shingles))
                block = shingles[begin:end, None] * self._a
                block += self._b
                first = int(np.searchsorted(starts, begin, side="right")) - 1
                last = int(np.searchsorted(starts, end, side="left"))
                for segment in range(first, last):  # slices: minimum.reduceat is 5x slower
                    low = max(int(starts[segment]), begin) - begin
                    high = min(int(ends[segment]), end) - begin
                    np.minimum(lowest[segment], block[low:high].min(axis=0), out=lowest[segment])
        out[rows] = lowest

    def band_keys(self, signatures: np.ndarray) -> np.ndarray:
        """``uint64[n, bands]``: each band's ``rows`` values combined into one key."""
        p = self.params
        shaped = signatures.reshape(len(signatures), p.bands, p.rows).astype(np.uint64)
        with np.errstate(over="ignore"):
            keys = (shaped * self._band_mult[None, None, :]).sum(axis=2, dtype=np.uint64)
        return keys


# Coverage sketches: a sample of each text's shingles, each with its paragraph, and a sample of
# its fact words. Sampling keeps the hashes with ``level`` low zero bits, the lowest level that
# keeps at most the cap; two texts are compared at the higher of their levels, where both
# samples are the same subset of hash values, so a shingle of one is in the sample of the other
# exactly when the other holds it.
SKETCH_SAMPLES = 128
SKETCH_FACTS = 32
SKETCH_PARAGRAPHS = 64  # more than the blocks of 4 samples a check needs
_HEADER = struct.Struct("<BBHHH")
_LINE_BREAKS = np.full(3, 10, dtype=np.uint8)


@attrs.frozen(eq=False)
class Sketch:
    """What a coverage check reads of one text: about 0.6 KB, whatever the text's length.

    ``hashes``: sampled 32-bit shingle hashes in text order (``uint32``), at ``level``;
    ``paragraph``: the paragraph of each (``uint8``); ``words``: words per paragraph
    (``uint32``); ``facts``: sampled hashes of the text's fact words, numbers and capitalised
    words inside a sentence (``uint32``, sorted), at ``fact_level``. Paragraphs are split at
    line breaks; past 64, neighbours are merged."""

    level: int
    hashes: np.ndarray
    paragraph: np.ndarray
    words: np.ndarray
    fact_level: int
    facts: np.ndarray

    def to_bytes(self) -> bytes:
        return _pack(self.level, self.fact_level, self.words.astype("<u4"), self.hashes.astype("<u4"),
                     self.paragraph.astype(np.uint8), self.facts.astype("<u4"))

    @classmethod
    def from_bytes(cls, data: bytes) -> Sketch:
        level, fact_level, paragraphs, samples, facts = _HEADER.unpack_from(data)
        offset = _HEADER.size
        arrays = []
        for dtype, count in (("<u4", paragraphs), ("<u4", samples), (np.uint8, samples), ("<u4", facts)):
            array = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
            offset += array.nbytes
            arrays.append(array)
        words, hashes, paragraph, fact_hashes = arrays
        return cls(level=level, hashes=hashes, paragraph=paragraph, words=words, fact_level=fact_level, facts=fact_hashes)


def _sketches(parts: list[tuple[str, bytes, np.ndarray, np.ndarray, np.ndarray]]) -> list[bytes]:
    """Sketches (as bytes) of texts given as (text, folded bytes, word hashes, word starts,
    shingle hashes). The texts are joined with a line break before each, so a line, and the
    three bytes looked back at from a word, never reach into another text."""
    empty = Sketch(level=0, hashes=np.zeros(1, np.uint32), paragraph=np.zeros(1, np.uint8),
                   words=np.zeros(1, np.uint32), fact_level=0, facts=np.empty(0, np.uint32))
    full = [i for i, part in enumerate(parts) if len(part[2])]
    result = [b""] * len(parts)
    for i in range(len(parts)):
        if not len(parts[i][2]):  # no words: the fixed hash of an empty text, one paragraph
            result[i] = Sketch(**{**attrs.asdict(empty, recurse=False), "hashes": parts[i][4]}).to_bytes()
    if not full:
        return result
    m = len(full)
    folded = [parts[i][1] for i in full]
    starts = np.cumsum([0] + [len(f) + 1 for f in folded])[:-1] + 1  # each text after its b"\n"
    word_counts = np.array([len(parts[i][2]) for i in full])
    firsts = np.concatenate([parts[i][3] for i in full]) + np.repeat(starts, word_counts)
    shingles = np.concatenate([parts[i][4] for i in full])
    shingle_counts = np.array([len(parts[i][4]) for i in full])
    shingle_text = np.repeat(np.arange(m), shingle_counts)
    word_offsets = np.concatenate(([0], np.cumsum(word_counts)))
    # Shingles sampled: each text at the lowest level that keeps at most SKETCH_SAMPLES.
    levels = _levels(shingles, shingle_text, m, SKETCH_SAMPLES)
    chosen = np.flatnonzero(_trailing_zeros(shingles) >= levels[shingle_text])
    chosen_text = shingle_text[chosen]
    chosen_word = chosen - np.repeat(np.cumsum(shingle_counts) - shingle_counts, shingle_counts)[chosen]
    chosen_first = firsts[word_offsets[chosen_text] + chosen_word]  # a shingle's first word
    # Paragraphs: the words between line breaks; a shingle belongs to its first word's.
    joined = np.frombuffer(b"\n" + b"\n".join(folded) + b"\n", dtype=np.uint8)
    breaks = np.flatnonzero(joined == 10)
    per_line = np.diff(np.searchsorted(firsts, breaks))  # words between each break and the next
    filled = per_line > 0
    paragraph_of_line = np.cumsum(filled) - 1
    paragraph_words = per_line[filled]
    first_paragraph = paragraph_of_line[np.searchsorted(breaks, firsts[word_offsets[:-1]]) - 1]
    chosen_paragraph = paragraph_of_line[np.searchsorted(breaks, chosen_first) - 1] - first_paragraph[chosen_text]
    paragraph_counts = np.diff(np.concatenate((first_paragraph, [len(paragraph_words)])))
    # Fact words, read in the original text where folding kept the byte length.
    originals = [parts[i][0].encode("utf-8") for i in full]
    same = [len(o) == len(f) for o, f in zip(originals, folded)]
    raw = np.frombuffer(b"\n" + b"\n".join(o if ok else f for o, f, ok in zip(originals, folded, same)) + b"\n",
                        dtype=np.uint8)
    code = (raw[firsts].astype(np.uint16) << 8) | raw[firsts + 1]
    after_end = _SENTENCE_END[raw[firsts - 1]] | _SENTENCE_END[raw[firsts - 2]] | _SENTENCE_END[raw[firsts - 3]]
    fact = _DIGIT16[code] | (_CAPITAL[code] & ~after_end)
    for k, ok in enumerate(same):
        if not ok:
            i = full[k]
            fact[word_offsets[k] : word_offsets[k + 1]] = _fact_words(parts[i][0], parts[i][1], parts[i][3])
    word_hashes = _fold32(np.concatenate([parts[i][2] for i in full]))
    fact_text = np.repeat(np.arange(m), word_counts)[fact]
    fact_hashes = word_hashes[fact]
    fact_levels = _levels(fact_hashes, fact_text, m, SKETCH_FACTS)  # repeats counted: at most the cap after
    kept = _trailing_zeros(fact_hashes) >= fact_levels[fact_text]
    keyed = np.unique((fact_text[kept].astype(np.uint64) << _SHIFT32) | fact_hashes[kept])
    fact_bounds = np.searchsorted(keyed >> _SHIFT32, np.arange(m + 1, dtype=np.uint64)).tolist()
    facts = (keyed & _MASK32).astype(np.uint32)
    sample_bounds = np.searchsorted(chosen_text, np.arange(m + 1)).tolist()
    paragraph_bounds = np.concatenate(([0], np.cumsum(paragraph_counts))).tolist()
    sampled = shingles[chosen].astype("<u4")
    words_u4 = paragraph_words.astype("<u4")
    paragraph_u1 = chosen_paragraph.astype(np.uint8)  # wraps past 255: those texts are merged below
    facts = facts.astype("<u4")
    levels, fact_levels = levels.tolist(), fact_levels.tolist()
    for k, i in enumerate(full):
        words = words_u4[paragraph_bounds[k] : paragraph_bounds[k + 1]]
        paragraph = paragraph_u1[sample_bounds[k] : sample_bounds[k + 1]]
        if len(words) > SKETCH_PARAGRAPHS:  # merge neighbours, so a list of one-line items stays small
            merged = np.arange(len(words)) * SKETCH_PARAGRAPHS // len(words)
            paragraph = merged[chosen_paragraph[sample_bounds[k] : sample_bounds[k + 1]]].astype(np.uint8)
            words = np.bincount(merged, weights=words).astype("<u4")
        result[i] = _pack(levels[k], fact_levels[k], words, sampled[sample_bounds[k] : sample_bounds[k + 1]],
                          paragraph, facts[fact_bounds[k] : fact_bounds[k + 1]])
    return result


def _pack(level: int, fact_level: int, words: np.ndarray, hashes: np.ndarray, paragraph: np.ndarray, facts: np.ndarray) -> bytes:
    """A sketch's bytes, from arrays already of its types (``<u4``, ``<u4``, ``u1``, ``<u4``)."""
    header = _HEADER.pack(level, fact_level, len(words), len(hashes), len(facts))
    return b"".join((header, words.tobytes(), hashes.tobytes(), paragraph.tobytes(), facts.tobytes()))


def _trailing_zeros(hashes: np.ndarray) -> np.ndarray:
    """Low zero bits of each 32-bit hash (32 for 0): the highest level whose sample keeps it."""
    lowest = (hashes & (~hashes + np.uint32(1))).astype(np.float64)
    return np.where(lowest > 0, np.frexp(lowest)[1] - 1, 32)


def _levels(hashes: np.ndarray, owner: np.ndarray, count: int, cap: int) -> np.ndarray:
    """For each of ``count`` owners, the lowest level that keeps at most ``cap`` of its hashes."""
    per_level = np.bincount(owner * 33 + _trailing_zeros(hashes), minlength=count * 33).reshape(count, 33)
    kept = np.cumsum(per_level[:, ::-1], axis=1)[:, ::-1]  # kept[t, s]: hashes of t kept at level s
    return np.count_nonzero(kept > cap, axis=1)


def at_level(hashes: np.ndarray, level: int) -> np.ndarray:
    """True at the hashes a sample at ``level`` keeps (``level`` low zero bits)."""
    return _sampled(hashes, level)


def _sampled(hashes: np.ndarray, level: int) -> np.ndarray:
    return (hashes & np.uint32((1 << level) - 1)) == 0


def _fold32(hashes: np.ndarray) -> np.ndarray:
    return ((hashes ^ (hashes >> _SHIFT32)) & _MASK32).astype(np.uint32)


def _byte_table(characters: str) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(characters.encode("ascii"))] = True
    return table


_DIGIT = _byte_table("0123456789")
_ASCII_CAPITAL = _byte_table("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SENTENCE_END = _byte_table(".!?:\n\r")


def _fact_words(text: str, folded: bytes, firsts: np.ndarray) -> np.ndarray:
    """True at the words (starting at ``firsts`` in the case-folded text) that carry the facts
    a template changes: words that start with a digit, and words that start with a capital
    (``_capital_table``) inside a sentence, that is not after ``.!?:`` or a line break within
    the three bytes before it. Capitals are read in the original text at the folded text's
    word starts when folding kept the byte length (it keeps each character's, but for a few
    such as ``İ``); else the original's words are found anew, and when they are not the
    folded text's one for one (``µ``) only digits are read."""
    digit = _DIGIT[np.frombuffer(folded, dtype=np.uint8)[firsts]]
    raw = text.encode("utf-8")
    original = np.frombuffer(raw, dtype=np.uint8)
    if len(raw) != len(folded):
        firsts = _word_starts(original)
        if len(firsts) != len(digit):
            return digit
    padded = np.concatenate((_LINE_BREAKS, original, _LINE_BREAKS[:1]))  # as ``_sketches`` joins texts
    at = firsts + 3
    capital = _CAPITAL[(padded[at].astype(np.uint16) << 8) | padded[at + 1]]
    # the three bytes before a word are separators when inside the text (``_separators``)
    after_end = _SENTENCE_END[padded[at - 1]] | _SENTENCE_END[padded[at - 2]] | _SENTENCE_END[padded[at - 3]]
    after_end[0] = True
    return digit | (capital & ~after_end)


def _capital_table() -> np.ndarray:
    """True at the first two bytes (as one 16-bit number) of a capital letter's UTF-8: ASCII
    and the two-byte letters (Latin, Greek, Cyrillic, Armenian)."""
    table = np.zeros(1 << 16, dtype=bool)
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[ord(letter) << 8 : (ord(letter) + 1) << 8] = True
    for code in range(0x80, 0x800):
        if chr(code).isupper():
            first, second = chr(code).encode("utf-8")
            table[(first << 8) | second] = True
    return table


_CAPITAL = _capital_table()
_DIGIT16 = np.repeat(_DIGIT, 256)  # by the first of two bytes


def _word_starts(data: np.ndarray) -> np.ndarray:
    """The first byte of each word of ``data``, as ``_word_spans`` splits them (but a word
    past CHUNK_BYTES stays one)."""
    inside = np.concatenate(([False], ~_separators(data)))
    return np.flatnonzero(inside[1:] & ~inside[:-1])


def _power_table(base: int, size: int) -> np.ndarray:
    """``base ** i`` modulo 2**64 for ``i`` below ``size``, filled by doubling (the powers
    known times the next one): a few array products instead of one per entry at import."""
    table = np.empty(size, dtype=np.uint64)
    table[0] = 1
    filled = 1
    with np.errstate(over="ignore"):
        while filled < size:
            count = min(filled, size - filled)
            table[filled : filled + count] = table[:count] * (table[filled - 1] * np.uint64(base))
            filled += count
    return table


_POWERS = _power_table(_WORD_BASE, CHUNK_BYTES + 1)
_INVERSE_POWERS = _power_table(pow(_WORD_BASE, -1, 2**64), CHUNK_BYTES + 1)


def _separator_table() -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    for byte in range(128):
        table[byte] = not chr(byte).isalnum()
    return table


_ASCII_SEPARATOR = _separator_table()


def _separators(data: np.ndarray) -> np.ndarray:
    """True at the UTF-8 bytes that are not part of a word."""
    separator = _ASCII_SEPARATOR[data]
    lead = np.flatnonzero(data[:-2] == 0xE2)  # U+2000-U+206F are E2 80 xx and E2 81 xx
    lead = lead[(data[lead + 1] == 0x80) | (data[lead + 1] == 0x81)]
    for offset in range(3):
        separator[lead + offset] = True
    lead = np.flatnonzero(data[:-1] == 0xC2)  # U+00A0-U+00BF are C2 A0 to C2 BF
    lead = lead[data[lead + 1] >= 0xA0]
    separator[lead] = separator[lead + 1] = True
    return separator


def _word_hashes(data: bytes) -> np.ndarray:
    """64-bit hash of each word of UTF-8 ``data``: a polynomial over its bytes, mixed with
    murmur3's finaliser, computed for all words at once from prefix sums, in chunks of at most
    CHUNK_BYTES ending at a separator. A word's hash does not depend on its neighbours."""
    return _word_spans(data)[0]


def _word_spans(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_word_hashes`` and each word's first byte and end (exclusive) in ``data``."""
    array = np.frombuffer(data, dtype=np.uint8)
    separator = _separators(array)
    parts: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    start = 0
    while start < len(array):
        end = min(start + CHUNK_BYTES, len(array))
        if end < len(array):  # end the chunk at a separator when there is one
            cut = np.flatnonzero(separator[start:end])
            end = start + int(cut[-1]) + 1 if len(cut) else end
        chunk, is_separator = array[start:end], separator[start:end]
        inside = np.concatenate(([False], ~is_separator, [False]))
        changes = np.flatnonzero(inside[1:] != inside[:-1])
        firsts, lasts = changes[0::2], changes[1::2]
        with np.errstate(over="ignore"):
            prefix = np.zeros(len(chunk) + 1, dtype=np.uint64)
            np.cumsum(chunk.astype(np.uint64) * _POWERS[: len(chunk)], out=prefix[1:])
            h = (prefix[lasts] - prefix[firsts]) * _INVERSE_POWERS[firsts]
            h ^= h >> np.uint64(33)
            h *= np.uint64(0xFF51AFD7ED558CCD)
            h ^= h >> np.uint64(33)
            h *= np.uint64(0xC4CEB9FE1A85EC53)
            h ^= h >> np.uint64(33)
        parts.append(h)
        starts.append(firsts + start)
        ends.append(lasts + start)
        start = end
    # A word longer than a chunk (64 KB without a space: not text) is hashed in pieces.
    if not parts:
        empty = np.empty(0, dtype=np.int64)
        return np.empty(0, dtype=np.uint64), empty, empty
    return np.concatenate(parts), np.concatenate(starts), np.concatenate(ends)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal values."""
    return float(np.count_nonzero(a == b)) / len(a)


def pair_similarities(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Estimated similarity of each ``(i, j)`` row of ``pairs``, as float32."""
    if len(pairs) == 0:
        return np.empty(0, dtype=np.float32)
    out = np.empty(len(pairs), dtype=np.float32)
    step = 8192  # bound the temporaries: two (step x num_perm) gathers of signatures, 4 MB each
    for start in range(0, len(pairs), step):
        chunk = pairs[start : start + step]
        equal = signatures[chunk[:, 0]] == signatures[chunk[:, 1]]
        out[start : start + step] = equal.mean(axis=1)
    return out


def candidate_pairs(
    band_keys: np.ndarray, max_bucket: int = 1000, *, rank: np.ndarray | None = None, heads: int | None = None
) -> np.ndarray:
    """``int64[m, 2]`` of index pairs ``i < j`` that share at least one band key, unique and
    sorted. Within a bucket, members taken in ``rank`` order (default: index order), each
    member is paired with the next ``max_bucket - 1`` members, so a text repeated thousands of
    times gives pairs linear in its count.

    With ``heads``, a bucket of more than ``max_bucket`` members pairs each member with the
    bucket's first ``heads`` members only, and rows equal on every band form one more bucket:
    at most ``n * max(max_bucket - 1, heads)`` pairs per band whatever the corpus (see
    docs/dedup.md, "Large buckets"). With a ``rank`` that depends on the documents alone, the
    pairs do not depend on their order."""
    n = len(band_keys)
    rank = np.arange(n) if rank is None else np.asarray(rank)
    columns = [band_keys[:, band] for band in range(band_keys.shape[1])]
    if heads is not None and n and len(columns):
        columns.append(_row_keys(band_keys))
    encoded = np.empty(0, dtype=np.int64)
    for column in columns:
        found = _bucket_pairs(column, rank, max_bucket, heads)
        if len(found):
            codes = found.min(axis=1) * np.int64(n) + found.max(axis=1)
            # merged band by band: memory stays that of the unique pairs
            encoded = _sorted_unique(np.concatenate((encoded, codes)))
    return np.stack((encoded // n, encoded % n), axis=1) if n else np.empty((0, 2), dtype=np.int64)


def _row_keys(band_keys: np.ndarray) -> np.ndarray:
    """``uint64[n]``: one key for each row's band keys together (equal rows, equal keys), the
    extra band of ``candidate_pairs`` with ``heads``."""
    whole = np.zeros(len(band_keys), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(band_keys.shape[1]):
            whole = whole * _SHINGLE_BASE + band_keys[:, band]
    return whole


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` by sorting (here several times faster than numpy's hashing)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _bucket_pairs(keys: np.ndarray, rank: np.ndarray, max_bucket: int, heads: int | None) -> np.ndarray:
    """The pairs of one band (``candidate_pairs``), not ordered within a row, maybe repeated."""
    n = len(keys)
    order = np.lexsort((rank, keys))  # each bucket is a run, in rank order
    ordered = keys[order]
    new = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    bucket = np.cumsum(new) - 1
    start = np.flatnonzero(new)
    size = np.diff(np.append(start, n))
    large = (size > max_bucket)[bucket] if heads is not None else np.zeros(n, dtype=bool)
    found: list[np.ndarray] = []
    for distance in range(1, max_bucket):
        same = (bucket[distance:] == bucket[:-distance]) & ~large[distance:]
        if not same.any():
            break
        found.append(np.stack((order[:-distance][same], order[distance:][same]), axis=1))
    if large.any():
        place = np.arange(n) - start[bucket]
        for head in range(heads or 0):
            members = np.flatnonzero(large & (place > head))
            found.append(np.stack((order[start[bucket[members]] + head], order[members]), axis=1))
    return np.concatenate(found).astype(np.int64) if found else np.empty((0, 2), dtype=np.int64)
