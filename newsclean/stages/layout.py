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
from newsclean.text import comparison_key, ends_sentence, is_table_row, looks_like_headline, word_count


def _looks_like_menu_item(line: str, max_words: int) -> bool:
    # A digit ends the run: a recipe's or a fact box's head ("Servings", "8 to 12", "Prep time",
    # "30 mins") is built of short lines too, and site menus carry no numbers.
    return 0 < word_count(line) <= max_words and not ends_sentence(line) and "," not in line and not _has_digit(line)


def _has_digit(line: str) -> bool:
    return any(ch.isdigit() for ch in line)


_NUMBER = re.compile(r"\d+")


def _looks_like_other_headline(line: str, min_words: int, max_words: int) -> bool:
    """A headline of another story, not an item of the story's own list: no colon ("Friday 12
    July: Leeds", "Lunch: lentil soup"), no leading number ("1 tsp. olive oil"), at most one
    number ("Kilbride 1 Portmoy 3" is a result; "Storms of 2018 broke records" a headline)."""
    if not looks_like_headline(line, min_words, max_words) or ":" in line:
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


# The heading of a reader-comment section: "Comments (12)", "3 comments", "Reader views (5)",
# "Comments are now closed for this story", "Have your say", "Post a comment". Not a bare
# "Comment" or "Views": a feature's subheads can be such words.
_COMMENT_HEADING = re.compile(
    r"^\W*(\d+\s+(readers?['’]?\s+)?(comments?|views|responses|reactions)|(readers?['’]?\s+)?(comments?|views|responses|reactions)\s*\(\d+\)"
    r"|readers?['’]?\s+(comments?|views|responses|reactions)"
    r"|(.{0,40}\b)?(comments|feedback|discussion) (are|is|have been|has been) (now )?closed"
    r"( (for|on) (this|the) (story|article|post|page|entry))?"
    r"|(post|add|leave|write|send) (a|your) (comment|view|reply)\b.*"
    r"|have your say\b.*)\W*$",
    re.IGNORECASE,
)


def _looks_like_signature(line: str) -> bool:
    """A commenter's name line: "Frank, Toronto", "- Louise, Lancaster, UK", "J-F (Ottawa)"."""
    return 0 < word_count(line) <= 5 and not ends_sentence(line) and ":" not in line


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
# The cells of one table row as trafilatura writes it: "| cell | cell |" (a literal bar is "\|").
_ROW_CELLS = re.compile(r"(?<!\\)\|")


def _is_group_label(line: str) -> bool:
    return 0 < word_count(line) <= 3 and not ends_sentence(line)


def _is_menu_label(line: str) -> bool:
    return _is_group_label(line) and not _has_digit(line)


@attrs.frozen(kw_only=True)
class MenuRow(LineFilter):
    """Removes the rows that old table layouts and scraped footers leave in extracted text.

    - ``layout.menu-row``, anywhere: a row of site sections and controls, at least
      ``min_cells`` cells split by bars or bullets, none longer than ``max_cell_words`` words or
      holding a digit, and at least ``min_menu_share`` of them words of a menu (the packs'
      ``[vocab] menu``: Home, News, Sport, Contact us, Print this story...), as in
      ``| Home | News | Canada AM | Weather |``; a table row of names or figures has too few
      menu words, or digits.
    - ``layout.table-row``: in a table that holds the story (one of its rows has a cell of
      ``running_words`` or more words) and whose rows have different numbers of cells, the
      rows with no such cell that are a single cell or have an empty one: the page's boxes
      and labels printed as rows (``| Most read | |``, ``| Weather |``). A data table's rows
      have the same number of cells, so a results or schedule table in a story stays.
    - ``layout.menu-run``: a menu printed one item a line, each item opened or closed by a bar
      (``Top Stories |``, ``| Sport``) or with the bars on lines of their own between the items:
      at least ``min_run_items`` bar lines and as many lines with words, none longer than
      ``max_cell_words`` words, short lines between them allowed (the items, a group label), the
      bar lines at least a third of the run."""

    name: ClassVar[str] = "menu_row"

    menu: re.Pattern[str] = attrs.field(eq=False)
    min_cells: int = 3
    max_cell_words: int = 4
    min_menu_share: float = 0.6
    running_words: int = 15
    # Three bar lines can be an author's name and handles ("Jane Doe |", "@jdoe |", ...).
    min_run_items: int = 4

    @classmethod
    def for_languages(cls, *languages: str, **settings) -> MenuRow:
        words = [p.vocab["menu"] for p in packs_for(*languages) if "menu" in p.vocab]
        pattern = "|".join(f"(?:{w})" for w in words) or "(?!)"
        return cls(menu=re.compile(rf"(?:{pattern})", re.IGNORECASE), **settings)

    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        furniture = self._layout_table_rows(lines)
        runs = self._menu_runs(lines)
        found = []
        for i, line in enumerate(lines):
            if self._is_menu_row(line):
                rule = "layout.menu-row"
            elif i in furniture:
                rule = "layout.table-row"
            elif i in runs:
                rule = "layout.menu-run"
            else:
                continue
            found.append(Removal(stage=self.name, category=Category.NAVIGATION, rule=rule, text=line, line=i))
        return found

    def _menu_runs(self, lines: list[str]) -> set[int]:
        """Indexes of the lines of menus printed one item a line (see the class docstring)."""
        found: set[int] = set()
        i = 0
        while i < len(lines):
            if not self._is_menu_item(lines[i]):
                i += 1
                continue
            start, last, bars = i, i, 0
            while i < len(lines):
                if self._is_menu_item(lines[i]):
                    bars, last = bars + 1, i
                elif not _is_group_label(lines[i]):
                    break
                i += 1
            # A bar alone separates two items: the ones before the first bar and after the last go
            # too, when they read as menu items (no digits: not a date under a byline).
            if lines[start].strip() == "|" and start > 0 and _is_menu_label(lines[start - 1]):
                start -= 1
            if lines[last].strip() == "|" and last + 1 < len(lines) and _is_menu_label(lines[last + 1]):
                last += 1
            i = last + 1
            named = sum(1 for line in lines[start:i] if word_count(line))
            if bars >= self.min_run_items and named >= self.min_run_items and bars >= (i - start) / 3:
                found.update(range(start, i))
        return found

    def _is_menu_item(self, line: str) -> bool:
        """A line opened or closed by a bar, not both (a table row has both), of a few words;
        or a bar alone, the separator between two items printed on lines of their own."""
        text = line.strip()
        if text == "|":
            return True
        opened, closed = text.startswith("|"), text.endswith("|") and not text.endswith("\\|")
        return opened != closed and 0 < word_count(text) <= self.max_cell_words

    def _layout_table_rows(self, lines: list[str]) -> set[int]:
        """Indexes of the furniture rows of the tables in ``lines`` that hold the story."""
        found: set[int] = set()
        i = 0
        while i < len(lines):
            if not is_table_row(lines[i]):
                i += 1
                continue
            start = i
            while i < len(lines) and is_table_row(lines[i]):
                i += 1
            rows = {j: [word_count(c) for c in _ROW_CELLS.split(lines[j].strip().strip("|"))] for j in range(start, i)}
            holds_story = any(max(cells) >= self.running_words for cells in rows.values())
            if not holds_story or len({len(cells) for cells in rows.values()}) == 1:
                continue
            found.update(
                j for j, cells in rows.items() if max(cells) < self.running_words and (len(cells) == 1 or 0 in cells)
            )
        return found

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
    """Removes a reader-comment thread below the story (``layout.comment-thread``), to the end:

    - from the first of at least ``min_comments`` comment signatures ("Posted by: <name> at
      <time>") by at least ``min_commenters`` different names, different names on at least
      ``min_name_share`` of them (a live blog signs its entries with the same few reporters'
      names);
    - or from a comment section's heading ("Comments (12)", "Reader views", "Comments are now
      closed for this story") when what follows is comments signed by name lines: at least
      ``min_signed`` short lines with no closing punctuation ("Frank, Toronto"), at least
      ``min_signed_share`` of the lines below the heading, different names on at least
      ``min_name_share`` of them; or when a comment signature follows the heading at once."""

    name: ClassVar[str] = "comment_thread"

    min_comments: int = 2
    min_commenters: int = 2
    min_name_share: float = 0.6
    min_signed: int = 3
    min_signed_share: float = 0.25

    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        thread = self._comment_thread(lines)
        if thread is None:
            thread = self._signed_thread(lines)
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

    def _signed_thread(self, lines: list[str]) -> int | None:
        """Where a comment section headed as such starts, or None (see the class docstring)."""
        for i, line in enumerate(lines):
            if not _COMMENT_HEADING.match(line) or not any(_is_article_paragraph(a) for a in lines[:i]):
                continue
            below = lines[i + 1 :]
            if any(_COMMENT_SIGNATURE.match(b) for b in below[:2]):
                return i  # the heading, then a comment's "Posted by: <name> at <time>"
            names = [comparison_key(b) for b in below if _looks_like_signature(b)]
            if (
                len(names) >= self.min_signed
                and len(names) >= self.min_signed_share * len(below)
                and len(set(names)) >= self.min_name_share * len(names)
            ):
                return i
        return None
