"""Junk recognised by its shape in text without HTML: a navigation head, menu rows, a teaser tail.

Text a scraper already extracted has lost the markup that said "menu", but the shape survives:
a run of one-to-three-word lines above the story (``Home``, ``News``, ``Europe``) is a menu. It
needs a run of at least ``min_run`` lines, and a real paragraph must remain below it.

A run of short lines at the *end* is judged with care: on the full-text dev sets such runs were
article text (tour dates, a schedule, results, ingredients) as often as teaser lists, and those
lists carry colons and numbers that headlines of other stories lack (``TeaserTail``).
"""

from __future__ import annotations

import re
from typing import ClassVar

import attrs

from newsclean.model import Article, Category, Removal
from newsclean.rulepack import packs_for
from newsclean.stages.base import LineFilter
from newsclean.text import ends_sentence, word_count


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


_NUMBER = re.compile(r"\d+")


def _looks_like_other_headline(line: str, min_words: int, max_words: int) -> bool:
    """A headline of another story, not an item of the story's own list: no colon ("Friday 12
    July: Leeds", "Lunch: lentil soup"), no leading number ("1 tsp. olive oil"), at most one
    number ("Kilbride 1 Portmoy 3" is a result; "Storms of 2018 broke records" a headline)."""
    if not _looks_like_headline(line, min_words, max_words) or ":" in line:
        return False
    numbers = _NUMBER.findall(line)
    return len(numbers) <= 1 and not line.lstrip()[:1].isdigit()


_LOWER_WORD = re.compile(r"\b[a-z]+\b")


def _is_parallel_list(lines: list[str]) -> bool:
    """Do all ``lines`` share a lowercase word ("Leeds at Hull", "York at Bath")? Items of the
    story's own list (fixtures, pairings) are built alike; headlines of other stories are not."""
    shared = set(_LOWER_WORD.findall(lines[0]))
    for line in lines[1:]:
        shared &= set(_LOWER_WORD.findall(line))
    return bool(shared)


def _is_article_paragraph(line: str) -> bool:
    return ends_sentence(line) and word_count(line) >= 8


# A reader comment's signature: "Posted by: <name> at|on|| <date with a clock time>". The colon
# after "by" and the clock time set it apart from the story's own "Posted by <author> on <date>".
_COMMENT_SIGNATURE = re.compile(
    r"^(?:posted|written|submitted|comment(?:ed)?|added) by:\s*(?P<name>[^|\n]{1,60}?)\s*(?:\bat\b|\bon\b|\|)"
    r"[^\n]{0,40}?\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?",
    re.IGNORECASE,
)


@attrs.frozen(kw_only=True)
class NavigationHead(LineFilter):
    """Removes a menu left at the top of extracted text: ``min_run`` or more lines in a row of
    at most ``max_words`` words with no closing punctuation, with an article paragraph after."""

    name: ClassVar[str] = "navigation_head"

    min_run: int = 4
    max_words: int = 3

    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        run = 0
        while run < len(lines) and _looks_like_menu_item(lines[run], self.max_words):
            run += 1
        if run < self.min_run or not any(_is_article_paragraph(line) for line in lines[run:]):
            return []
        return [
            Removal(stage=self.name, category=Category.NAVIGATION, rule="layout.navigation-head", text=line, line=i)
            for i, line in enumerate(lines[:run])
        ]


# Cells of a row: split at bars (trafilatura writes a table's cells between "|", and a literal
# bar as "\|") and at bullets.
_CELLS = re.compile(r"\s*(?:\\?\|)+\s*|\s+[·•]\s+")


@attrs.frozen(kw_only=True)
class MenuRow(LineFilter):
    """Removes a line that is a row of site sections and controls, anywhere in the text: at
    least ``min_cells`` cells split by bars or bullets, none longer than ``max_cell_words``
    words or holding a digit, and at least ``min_menu_share`` of them words of a menu (the
    packs' ``[vocab] menu``: Home, News, Sport, Contact us, Print this story...). Old table
    layouts and scraped footers leave such rows (``| Home | News | Canada AM | Weather |``);
    a table row of names or figures has too few menu words, or digits."""

    name: ClassVar[str] = "menu_row"

    menu: re.Pattern[str] = attrs.field(eq=False)
    min_cells: int = 3
    max_cell_words: int = 4
    min_menu_share: float = 0.6

    @classmethod
    def for_languages(cls, *languages: str, **settings) -> MenuRow:
        words = [p.vocab["menu"] for p in packs_for(*languages) if "menu" in p.vocab]
        pattern = "|".join(f"(?:{w})" for w in words) or "(?!)"
        return cls(menu=re.compile(rf"(?:{pattern})", re.IGNORECASE), **settings)

    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        return [
            Removal(stage=self.name, category=Category.NAVIGATION, rule="layout.menu-row", text=line, line=i)
            for i, line in enumerate(lines)
            if self._is_menu_row(line)
        ]

    def _is_menu_row(self, line: str) -> bool:
        if "|" not in line and "·" not in line and "•" not in line:
            return False
        cells = [c.strip(" :-") for c in _CELLS.split(line)]
        cells = [c for c in cells if c]
        if len(cells) < self.min_cells:
            return False
        if any(word_count(c) > self.max_cell_words or any(ch.isdigit() for ch in c) for c in cells):
            return False
        menu = sum(1 for c in cells if self.menu.fullmatch(c))
        return menu >= self.min_menu_share * len(cells)


@attrs.frozen(kw_only=True)
class TeaserTail(LineFilter):
    """Removes a teaser list left at the bottom of extracted text: ``min_run`` or more lines in a
    row that read as headlines of other stories (``min_words`` to ``max_words`` words,
    capitalised, no closing punctuation, no colon, at most one number and none in front) after
    the last article paragraph.

    The colons and numbers matter: end lists that belong to the story (tour dates, a schedule,
    results, ingredients, sources named "Paper: headline") carry them. Without that test the
    stage removed about as much article text as junk on the full-text dev sets."""

    name: ClassVar[str] = "teaser_tail"

    min_run: int = 3
    min_words: int = 4
    max_words: int = 14

    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        start = len(lines)
        while start > 0 and _looks_like_other_headline(lines[start - 1], self.min_words, self.max_words):
            start -= 1
        if len(lines) - start < self.min_run or not any(_is_article_paragraph(line) for line in lines[:start]):
            return []
        # On the full-text dev sets a week's fixtures ("<team> at <team>", one a line) was 28 of
        # the 95 words this stage removed, all kept by the gold.
        if _is_parallel_list(lines[start:]):
            return []
        return [
            Removal(stage=self.name, category=Category.RELATED, rule="layout.teaser-tail", text=lines[i], line=i)
            for i in range(start, len(lines))
        ]


@attrs.frozen(kw_only=True)
class CommentThread(LineFilter):
    """Removes a reader-comment thread below the story (``layout.comment-thread``): from the
    first of at least ``min_comments`` comment signatures ("Posted by: <name> at <time>") by at
    least ``min_commenters`` different names, different names on at least ``min_name_share`` of
    them (a live blog signs its entries with the same few reporters' names), to the end."""

    name: ClassVar[str] = "comment_thread"

    min_comments: int = 2
    min_commenters: int = 2
    min_name_share: float = 0.6

    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        thread = self._comment_thread(lines)
        if thread is None:
            return []
        return [
            Removal(stage=self.name, category=Category.RELATED, rule="layout.comment-thread", text=lines[i], line=i)
            for i in range(thread, len(lines))
        ]

    def _comment_thread(self, lines: list[str]) -> int | None:
        """Where a reader-comment thread starts (it runs to the end), or None: at its first
        comment signature. The first comment's text above it stays: we cannot tell where it
        starts, and what sits between the story and the comments (trackbacks, the story's own
        signature) is kept by some gold texts. A real article paragraph must remain above."""
        found = [(i, m.group("name").strip().lower()) for i, line in enumerate(lines) if (m := _COMMENT_SIGNATURE.match(line))]
        names = {name for _i, name in found}
        if (
            len(found) < self.min_comments
            or len(names) < self.min_commenters
            or len(names) < self.min_name_share * len(found)
        ):
            return None
        first = found[0][0]
        if not any(_is_article_paragraph(line) for line in lines[:first]):
            return None
        return first
