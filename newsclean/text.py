"""Small text helpers shared by stages: paragraphs, words, sentences, comparison keys."""

from __future__ import annotations

import itertools
import re

import regex

PARAGRAPH_SEPARATOR = "\n\n"

# A capital letter of any script (Latin, Greek, Cyrillic, Armenian, ...), title-case digraphs
# (ǅ) included: every "starts with a capital" test in newsclean uses this class. A ``regex``
# pattern (the standard ``re`` has no Unicode properties), and never under IGNORECASE, where
# ``\p{Lu}`` matches lower case too.
CAPITAL = r"[\p{Lu}\p{Lt}]"
_CAPITAL_START = regex.compile(CAPITAL)

# Words written with a full stop inside a sentence, before a name or a number: titles and
# address words of the languages with rule packs (a single letter, an initial, is taken
# whatever it is). Lower case; matched in any case.
ABBREVIATIONS = (
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "rev", "vs",
    "nr", "bzw", "ca", "vgl", "str", "mme", "mlle", "sra", "srta", "dra", "dña", "ud", "uds", "av", "núm",
    "sig", "dott", "ing", "avv", "ul", "al", "pl", "os", "np", "tzw", "ks", "hab", "inż", "mgr", "płk", "św", "godz",
    "проф", "акад", "ул", "пр", "обл", "св", "вул", "ім", "просп",
)
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
# Closing quotes and brackets, which may follow final punctuation: ” ’ » in English, Polish
# and French, and “ ‘ « where German and Czech close a quote with them („so“, »so«).
_CLOSERS = "\"'”’»“‘«)\\]"
_ABBREVIATED = rf"(?:^|[^\p{{L}}\p{{N}}])(?:\p{{L}}|(?i:{'|'.join(ABBREVIATIONS)}))\."
# A sentence ends at final punctuation (closing quotes and brackets after it allowed) followed
# by a space and a capital or a digit, unless the full stop ends an initial or an abbreviation.
_SENTENCE_END = regex.compile(rf"(?<=[.!?…][{_CLOSERS}]*)(?<!{_ABBREVIATED})\s+(?=[\"'“‘«„‚»(\[]?(?:{CAPITAL}|\d))")
# Final punctuation that closes a sentence, allowing closing quotes and brackets after it.
_FINAL_PUNCT = re.compile(rf"[.!?…:;][{_CLOSERS}]*$")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a normalised text (one blank line between paragraphs)."""
    return [p for p in text.split(PARAGRAPH_SEPARATOR) if p] if text else []


def join_paragraphs(paragraphs: list[str]) -> str:
    return PARAGRAPH_SEPARATOR.join(paragraphs)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def word_count_upto(text: str, limit: int) -> int:
    """``min(word_count(text), limit)``, reading no further than the ``limit``-th word."""
    return sum(1 for _ in itertools.islice(_WORD.finditer(text), limit))


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, split where final punctuation is followed by a capital
    letter (of any script) or a digit; an initial ("J. Smith") or a listed abbreviation
    ("Dr. Ruiz", "ul. Łąkowa") does not end one."""
    return [s for s in _SENTENCE_END.split(text) if s]


def starts_with_capital(text: str) -> bool:
    """Does ``text`` (leading spaces aside) start with a capital letter of any script?"""
    return _CAPITAL_START.match(text.lstrip()) is not None


def ends_sentence(text: str) -> bool:
    """True when the line ends with sentence punctuation (closing quotes allowed)."""
    return bool(_FINAL_PUNCT.search(text.rstrip()))


def looks_like_headline(line: str, min_words: int, max_words: int) -> bool:
    """A headline's shape: ``min_words`` to ``max_words`` words, a capital first, no closing
    punctuation, and no comma at the end (a line ending in one runs on into the next)."""
    return (
        min_words <= word_count(line) <= max_words
        and not ends_sentence(line)
        and not line.rstrip().endswith(",")
        and starts_with_capital(line)
    )


def folded_words(text: str) -> list[str]:
    """``[w.casefold() for w in words(text)]`` with one casefold call: casefolding works
    character by character and never makes a space, so the words split back apart."""
    folded = " ".join(_WORD.findall(text)).casefold()
    return folded.split(" ") if folded else []


def comparison_key(text: str) -> str:
    """Casefolded words only: two lines with the same key say the same thing."""
    return " ".join(_WORD.findall(text)).casefold()


def word_ngrams(text: str, n: int = 2) -> list[tuple[str, ...]]:
    """Runs of ``n`` (1 or more) casefolded words, in order."""
    tokens = folded_words(text)
    return list(zip(*(tokens[i:] for i in range(n))))


_ROW_FRAME = re.compile(r"^\s*\|[\s|]*|[\s|]*\|\s*$")


def is_table_row(line: str) -> bool:
    """Is ``line`` a table row as trafilatura writes it (``| cell | cell |``)?"""
    return line.lstrip().startswith("|")


def unframed_row(line: str) -> str:
    """A table row (``is_table_row``) without its outer bars and empty edge cells; any other
    line as it is."""
    return _ROW_FRAME.sub("", line) if is_table_row(line) else line
