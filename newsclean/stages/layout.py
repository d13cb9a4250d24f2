"""Junk recognised by its shape in text without HTML: a navigation head.

Text a scraper already extracted has lost the markup that said "menu", but the shape survives:
a run of one-to-three-word lines above the story (``Home``, ``News``, ``Europe``) is a menu. It
needs a run of at least ``min_run`` lines, and a real paragraph must remain below it.

A run of short lines at the *end* is not judged by shape: on the full-text dev sets such runs
were article text (tour dates, a schedule, results, ingredients) as often as teaser lists, so the
stage that removed them was retired; teaser lists go by their header (``Related``, ``Read
more``) in the rule packs, or by their markup in the HTML path.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from newsclean.model import Article, Category, Removal
from newsclean.text import ends_sentence, join_paragraphs, split_paragraphs, word_count


def _looks_like_menu_item(line: str, max_words: int) -> bool:
    return 0 < word_count(line) <= max_words and not ends_sentence(line) and "," not in line


def _is_article_paragraph(line: str) -> bool:
    return ends_sentence(line) and word_count(line) >= 8


@attrs.frozen(kw_only=True)
class NavigationHead:
    """Removes a menu left at the top of extracted text: ``min_run`` or more lines in a row of
    at most ``max_words`` words with no closing punctuation, with an article paragraph after."""

    name: ClassVar[str] = "navigation_head"

    min_run: int = 4
    max_words: int = 3

    def __call__(self, article: Article) -> Article:
        lines = split_paragraphs(article.text)
        run = 0
        while run < len(lines) and _looks_like_menu_item(lines[run], self.max_words):
            run += 1
        if run < self.min_run or not any(_is_article_paragraph(line) for line in lines[run:]):
            return attrs.evolve(article, trace=article.trace + (self.name,))
        removed = tuple(
            Removal(stage=self.name, category=Category.NAVIGATION, rule="layout.navigation-head", text=line, line=i)
            for i, line in enumerate(lines[:run])
        )
        return attrs.evolve(
            article,
            text=join_paragraphs(lines[run:]),
            removed=article.removed + removed,
            trace=article.trace + (self.name,),
        )
