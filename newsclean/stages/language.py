"""Language: seeded langdetect on a bounded prefix; optionally keep only some languages.

langdetect's ``Detector`` spends most of its time in per-character Python method calls
(n-gram extraction) and per-language index loops (its random walk). ``detect_language`` runs
the same algorithm, on langdetect's own profiles, normaliser and random sequence, with the same
floating-point operations in the same order, so it gives the same answer as
``Detector.detect()`` on every text; only the loops are written to run faster.
``langdetect_reference`` is the plain langdetect call it must agree with (the tests and
``benchmarks/language_agreement.py`` compare the two).
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
from typing import ClassVar

import attrs
import numpy as np
from langdetect import DetectorFactory
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException
from langdetect.utils.lang_profile import LangProfile
from langdetect.utils.ngram import NGram

from newsclean.model import Article, Drop
from newsclean.stages.base import LANGUAGE, NORMALIZED, DocumentStage


@functools.cache
def _factory() -> DetectorFactory:
    # Our own factory instance: langdetect's module-level one is shared, unseeded state.
    # Loaded once; the seed is given to each detection. Only ``langdetect_reference`` uses it.
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory


@attrs.frozen
class _Profiles:
    """langdetect's language profiles as ``DetectorFactory.load_profile`` reads them: the
    languages in its order, and per language the n-gram counts and the total of each n-gram
    length. The factory turns them into one list of probabilities per n-gram (87,598 lists,
    about a second of Python loops and 40 MB); ``_row`` computes one n-gram's when it is drawn."""

    langlist: tuple[str, ...]
    width: int  # the length of a row: langdetect sizes it by the files in the folder
    counts: tuple[tuple[dict[str, int], list[int]], ...]  # per language: (freq, n_words)


@functools.cache
def _profiles() -> _Profiles:
    names = os.listdir(PROFILES_DIRECTORY)  # langdetect's order, which the floats' sums follow
    langlist, counts = [], []
    for name in names:
        path = os.path.join(PROFILES_DIRECTORY, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as handle:
            profile = LangProfile(**json.load(handle))
        langlist.append(profile.name)
        counts.append((dict(profile.freq), profile.n_words))
    return _Profiles(langlist=tuple(langlist), width=len(names), counts=tuple(counts))


# langdetect averages 7 random trials by default. On the dev set's 884 texts (first 1,000
# characters), 3 trials gave the same answer as 7 on every text, 1.5x faster; 1 trial did not.
TRIALS = 3


def langdetect_reference(text: str, *, seed: int = 0, trials: int = TRIALS) -> str | None:
    """``detect_language`` done by langdetect's own ``Detector``: slower, same answer."""
    detector = _factory().create()
    detector.seed = seed
    detector.n_trial = trials
    detector.append(text)
    try:
        return detector.detect()
    except LangDetectException:
        return None


class _Normalized(dict):
    """``str.translate`` table: code point -> ``NGram.normalize`` of it, filled on first use."""

    def __missing__(self, code: int) -> str:
        self[code] = NGram.normalize(chr(code))
        return self[code]


_NORMALIZED = _Normalized()
_SPACE_RUN = re.compile(" {2,}")
_LATIN = re.compile("[A-z]")  # langdetect's test: 'A' <= ch <= 'z', punctuation between included
# langdetect means to spare Latin Extended Additional here, but compares a block number with a
# block name, so every character from U+0300 up counts as non-Latin. We count the same way.
_NON_LATIN = re.compile("[^\x00-\u02ff]")


def _prepared(text: str) -> str:
    """``Detector.append`` then ``Detector.cleaning_text``."""
    text = Detector.URL_RE.sub(" ", text)
    text = Detector.MAIL_RE.sub(" ", text)
    text = NGram.normalize_vi(text)
    text = _SPACE_RUN.sub(" ", text[:10000])  # append keeps 10,000 characters, one space per run
    if len(_LATIN.findall(text)) * 2 < len(_NON_LATIN.findall(text)):
        text = _LATIN.sub("", text)
    return text


def _ngrams(text: str) -> list[str]:
    """``Detector._extract_ngrams``: the 1-, 2- and 3-grams known to the profiles, in text order.

    langdetect's n-gram state starts afresh after every space, so each word gives the same
    n-grams wherever it stands: they are computed once per word (cached) and concatenated.
    """
    words = text.translate(_NORMALIZED).split(" ")
    out: list[str] = []
    for i, word in enumerate(words):
        if word:
            out.extend(_word_ngrams(word, i < len(words) - 1))
    return out


@functools.cache
def _known_grams() -> dict[str, str]:
    """Each n-gram of the profiles, mapped to itself: cached n-grams then share one string."""
    return {gram: gram for freq, _ in _profiles().counts for gram in freq}


@functools.lru_cache(maxsize=1 << 14)  # 72 % of words on the multilingual dev texts, about 8 MB
def _word_ngrams(word: str, space_after: bool) -> tuple[str, ...]:
    """NGram's state machine run over one normalised word, and the space after it if any.

    The machine keeps the last three characters, a leading space marking the word start, so
    at character ``i`` its 1-, 2- and 3-gram are slices of ``" " + word`` ending there (no
    3-gram at the first). It takes none while two capitals follow each other (acronyms): its
    ``capital`` flag is set by a capital after a capital and cleared by any other character,
    so it is set exactly when this character and the one before are capitals.
    """
    get = _known_grams().get
    padded = " " + word
    out: list[str] = []
    for i, ch in enumerate(word):
        if ch.isupper() and padded[i].isupper():
            continue
        for gram in (ch, padded[i : i + 2], padded[i - 1 : i + 2]) if i else (ch, padded[:2]):
            known = get(gram)
            if known is not None:
                out.append(known)
    if space_after:
        # The space ends the word: the last one or two characters followed by a space.
        for gram in (word[-1] + " ", padded[-2:] + " "):
            known = get(gram)
            if known is not None:
                out.append(known)
    return tuple(out)


@functools.lru_cache(maxsize=1 << 12)  # 95 % of draws on the dev texts, about 2 MB
def _row(gram: str) -> np.ndarray:
    """The profiles' probabilities of ``gram`` per language, as one float64 array: the values
    of ``DetectorFactory.add_profile``, computed the same way (0.0 where a language lacks the
    n-gram, and for n-grams longer than three)."""
    profiles = _profiles()
    row = np.zeros(profiles.width)
    length = len(gram)
    if 1 <= length <= 3:
        for index, (freq, n_words) in enumerate(profiles.counts):
            count = freq.get(gram)
            if count is not None:
                row[index] = 1.0 * count / n_words[length - 1]
    return row


def _trial(ngrams: list[str], rng: random.Random, weight: float) -> list[float]:
    """One trial of ``Detector._detect_block``: starting from uniform probabilities, multiply
    by ``weight + p(gram | language)`` for random grams, normalising and testing convergence
    after the first gram and then after every fifth, as langdetect does.

    The five updates between two tests are done on whole arrays (numpy, one operation per
    step across the languages). Each language's value still goes through the same roundings
    in the same order (a quotient by the norm, then five products, left to right; float64
    operations, each rounded as Python rounds them), so the floats are langdetect's to the
    bit. The norm is Python's left-to-right ``sum`` of the values (numpy sums in another
    order). The test uses ``max(prob) / norm``, which equals the largest normalised value
    because rounding is monotonic.
    """
    choice, size = rng.choice, len(_profiles().langlist)
    prob = np.full(size, 1.0 / size) * (weight + _row(choice(ngrams))[:size])
    i = 0
    while True:
        values = prob.tolist()
        norm = sum(values)
        if max(values) / norm > Detector.CONV_THRESHOLD or i >= Detector.ITERATION_LIMIT:
            return [p / norm for p in values]
        a, b, c, d, e = [_row(choice(ngrams))[:size] for _ in range(5)]
        prob = prob / norm * (weight + a) * (weight + b) * (weight + c) * (weight + d) * (weight + e)
        i += 5


def _probabilities(ngrams: list[str], seed: int, trials: int) -> list[float]:
    """``Detector._detect_block``: the trials' probabilities averaged, per language."""
    rng = random.Random(seed)
    total = [0.0] * len(_profiles().langlist)
    for _ in range(trials):
        alpha = Detector.ALPHA_DEFAULT + rng.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        prob = _trial(ngrams, rng, alpha / Detector.BASE_FREQ)
        total = [t + p / trials for t, p in zip(total, prob)]
    return total


def _best(probabilities: list[float]) -> str:
    """``Detector.detect``: the most probable language above the threshold. On a tie the
    first listed wins, in langdetect's stable sort as in ``max``."""
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    if probabilities[best] > Detector.PROB_THRESHOLD:
        return _profiles().langlist[best]
    return Detector.UNKNOWN_LANG


def detect_language(text: str, *, seed: int = 0, trials: int = TRIALS) -> str | None:
    """ISO 639-1 code of ``text`` (``zh-cn``/``zh-tw`` as langdetect names them), or None
    when the text has no letters to go on. Same text and seed, same answer."""
    ngrams = _ngrams(_prepared(text))
    if not ngrams:
        return None
    return _best(_probabilities(ngrams, seed, trials))


@attrs.frozen(kw_only=True)
class Language(DocumentStage):
    """Sets ``language``. With ``keep``, other languages (and undetectable text) are dropped."""

    name: ClassVar[str] = "language"
    requires: ClassVar[frozenset[str]] = frozenset({NORMALIZED})  # ftfy mends mojibake first
    provides: ClassVar[frozenset[str]] = frozenset({LANGUAGE})

    keep: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    # langdetect samples n-grams from all it is given. On the dev set's 884 extracted texts the
    # first 1,000 characters gave the whole text's answer on every one, at 1.6x the speed of 2,000.
    prefix_chars: int = 1000
    seed: int = 0

    def prepare(self) -> None:
        """Read the language profiles (a tenth of a second, once per process), so that the first
        document does not pay for it inside its time budget."""
        _known_grams()

    def apply(self, article: Article) -> Article:
        language = detect_language(article.text[: self.prefix_chars], seed=self.seed)
        article = attrs.evolve(article, language=language)
        if self.keep and language not in self.keep:
            detail = f"detected {language or 'nothing'}; keeping {','.join(self.keep)}"
            return attrs.evolve(article, drop=Drop(stage=self.name, reason="language", detail=detail))
        return article
