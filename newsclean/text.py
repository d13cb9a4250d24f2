"""Small text helpers shared by stages: paragraphs, words, sentences, comparison keys."""

from __future__ import annotations

import itertools
import re

PARAGRAPH_SEPARATOR = "\n\n"

_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+(?=[\"'“‘«(\[]?[A-Z0-9А-ЯЁІЇЄҐ])")
# Final punctuation that closes a sentence, allowing closing quotes and brackets after it.
_FINAL_PUNCT = re.compile(r"[.!?…:;][\"'”’»)\]]*$")


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
    return [s for s in _SENTENCE_END.split(text) if s]


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
        and line.lstrip()[:1].isupper()
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
