"""Junk recognised by its shape in text without HTML: a navigation head and a teaser tail.

Text a scraper already extracted has lost the markup that said "menu" or "related links", but
the shape survives: a run of one-to-three-word lines above the story (``Home``, ``News``,
``Europe``) is a menu, and a run of short headline-like lines below the last article paragraph
is a teaser list. Both need a run of at least ``min_run`` lines, and a real paragraph must
remain, so a story's own short lines (a list of three facts) are not enough on their own.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from newsclean.model import Article, Category, Removal
from newsclean.text import ends_sentence, join_paragraphs, split_paragraphs, word_count


def _looks_like_menu_item(line: str, max_words: int) -> bool:
    return 0 < word_count(line) <= max_words and not ends_sentence(line) and "," not in line


def _looks_like_headline(line: str, min_words: int, max_words: int) -> bool:
    n = word_count(line)
    return (
        min_words <= n <= max_words
        and not ends_sentence(line)
        and line[:1].isupper()
        and not line.rstrip().endswith((",", ";", ":"))
    )


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


@attrs.frozen(kw_only=True)
class TeaserTail:
    """Removes a teaser list left at the bottom of extracted text: ``min_run`` or more lines in a
    row that read as headlines (``min_words`` to ``max_words`` words, capitalised, no closing
    punctuation) after the last article paragraph."""

    name: ClassVar[str] = "teaser_tail"

    min_run: int = 3
    min_words: int = 4
    max_words: int = 14

    def __call__(self, article: Article) -> Article:
        lines = split_paragraphs(article.text)
        start = len(lines)
        while start > 0 and _looks_like_headline(lines[start - 1], self.min_words, self.max_words):
            start -= 1
        if len(lines) - start < self.min_run or not any(_is_article_paragraph(line) for line in lines[:start]):
            return attrs.evolve(article, trace=article.trace + (self.name,))
        removed = tuple(
            Removal(stage=self.name, category=Category.RELATED, rule="layout.teaser-tail", text=lines[i], line=i)
            for i in range(start, len(lines))
        )
        return attrs.evolve(
            article,
            text=join_paragraphs(lines[:start]),
            removed=article.removed + removed,
            trace=article.trace + (self.name,),
        )
