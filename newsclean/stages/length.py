"""MinLength: drop an article with too little text left after cleaning."""

from __future__ import annotations

from typing import ClassVar

import attrs

from newsclean.model import Article, Drop
from newsclean.stages.base import DocumentStage
from newsclean.text import word_count_upto


@attrs.frozen(kw_only=True)
class MinLength(DocumentStage):
    """Drops articles with fewer than ``min_words`` words (reason ``empty`` when none at all,
    ``too_short`` otherwise)."""

    name: ClassVar[str] = "min_length"

    min_words: int = 1

    def apply(self, article: Article) -> Article:
        n = word_count_upto(article.text, self.min_words)  # the exact count only when short
        if n == 0:
            return attrs.evolve(article, drop=Drop(stage=self.name, reason="empty", detail="no text left after cleaning"))
        if n < self.min_words:
            detail = f"{n} words left after cleaning; minimum {self.min_words}"
            return attrs.evolve(article, drop=Drop(stage=self.name, reason="too_short", detail=detail))
        return article
