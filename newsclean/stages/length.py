"""MinLength: drop an article with too little text left after cleaning."""

from __future__ import annotations

import re
from typing import ClassVar

import attrs

from newsclean.model import Article, Drop
from newsclean.stages.base import DocumentStage
from newsclean.text import word_count_upto


# A sentence: at least 25 characters ending in sentence punctuation (any script), then a
# closing quote or bracket at most, then a space or the end.
_SENTENCE = re.compile(r"\S[^\n]{23,}?[.!?…。！？।؟][\"'”’»)\]]*(?=\s|$)")


def sentence_count_upto(text: str, limit: int) -> int:
    """How many sentences ``text`` holds, counted up to ``limit``."""
    n = 0
    for _ in _SENTENCE.finditer(text):
        n += 1
        if n >= limit:
            break
    return n


@attrs.frozen(kw_only=True)
class MinLength(DocumentStage):
    """Drops articles with fewer than ``min_words`` words (reason ``empty`` when none at all,
    ``too_short`` otherwise), and, with ``min_sentences``, those with fewer lines of prose
    than that (``no_sentences``: a widget, a list of links, a table of scores)."""

    name: ClassVar[str] = "min_length"

    min_words: int = 1
    min_sentences: int = 0

    def apply(self, article: Article) -> Article:
        n = word_count_upto(article.text, self.min_words)  # the exact count only when short
        if n == 0:
            return attrs.evolve(article, drop=Drop(stage=self.name, reason="empty", detail="no text left after cleaning"))
        if n < self.min_words:
            detail = f"{n} words left after cleaning; minimum {self.min_words}"
            return attrs.evolve(article, drop=Drop(stage=self.name, reason="too_short", detail=detail))
        if self.min_sentences and sentence_count_upto(article.text, self.min_sentences) < self.min_sentences:
            detail = f"fewer than {self.min_sentences} sentences left after cleaning"
            return attrs.evolve(article, drop=Drop(stage=self.name, reason="no_sentences", detail=detail))
        return article
