"""In-document dedup: a paragraph that repeats the headline or an earlier paragraph."""

from __future__ import annotations

import re
from typing import ClassVar

import attrs

from newsclean.model import Article, Category, Removal
from newsclean.stages.base import LineFilter
from newsclean.text import comparison_key, ends_sentence

# A list item with its label ("Breakfast: porridge with ...", "9.30 am: opening talk ..."): lists
# of such items repeat by design (a meal plan's days, a festival's stages).
_LABELLED_ITEM = re.compile(r"^[^\W_][\w.'’ ]{0,24}[:|–—]\s+\S")
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# A heading above a list: short, without closing punctuation ("Day two", "Saturday").
_HEADING_WORDS = 6


@attrs.frozen(kw_only=True)
class DocDedup(LineFilter):
    """Removes, keeping the first occurrence:

    - ``doc.repeat.headline``: a paragraph equal to the title (words compared, case folded);
    - ``doc.repeat.exact``: a paragraph equal to an earlier one when it is long (at least
      ``long_words`` words), or when it sits in a run of at least ``block_run`` such repeats of
      at least ``block_words`` words each that copies a run of paragraphs in the same order: the
      page printed a passage twice.

    Short repeats stay: on the full-text dev sets, a repeated line under ``long_words`` words on
    its own was article text about a quarter of the time (a recipe's "1 tbs. olive oil" on
    every day of a meal plan, the same question to each guest, a results table's team names).
    Near repeats (a restated sentence) stay too: a rule for them removed more article text than
    junk there (docs/benchmarks.md). A run of repeats whose first printings were not side by
    side stays: there it was a list the article prints twice, items set out differently the
    first time (315 gold-kept words, a fifth of what the rule removed on the full-text sets).
    A run that is a list meant to repeat stays too: every line of it a labelled item
    ("Breakfast: ..."), or each printing under a heading of its own ("Day one" ... "Day three").
    """

    name: ClassVar[str] = "doc_dedup"

    long_words: int = 50
    block_words: int = 15
    block_run: int = 2

    def removals(self, lines: list[str], article: Article) -> list[Removal]:
        title_key = comparison_key(article.title or "")
        keys = [comparison_key(line) for line in lines]
        sizes = [len(key.split()) if key else 0 for key in keys]
        first: dict[str, int] = {}
        repeats: list[bool] = []
        for i, key in enumerate(keys):
            repeats.append(bool(key) and key in first)
            first.setdefault(key, i)
        originals = [first[key] for key in keys]
        rules: dict[int, str] = {}
        for i, key in enumerate(keys):
            if title_key and key == title_key:
                rules[i] = "doc.repeat.headline"
            elif repeats[i] and (sizes[i] >= self.long_words or self._in_block(i, repeats, sizes, originals, lines)):
                rules[i] = "doc.repeat.exact"
        return [
            Removal(stage=self.name, category=Category.DUPLICATE, rule=rule, text=lines[i], line=i)
            for i, rule in sorted(rules.items())
        ]

    def _in_block(self, i: int, repeats: list[bool], sizes: list[int], originals: list[int], lines: list[str]) -> bool:
        """Is paragraph ``i`` inside a run of ``block_run`` repeats of ``block_words`` or more
        words whose first printings (``originals``) are consecutive paragraphs in that order?"""
        def counts(j: int) -> bool:
            return repeats[j] and sizes[j] >= self.block_words

        if not counts(i):
            return False
        start = end = i
        while start > 0 and counts(start - 1):
            start -= 1
        while end + 1 < len(repeats) and counts(end + 1):
            end += 1
        if end - start + 1 < self.block_run:
            return False
        if not all(originals[j + 1] == originals[j] + 1 for j in range(start, end)):
            return False
        return not _list_meant_to_repeat(start, end, originals, lines)




def _list_meant_to_repeat(start: int, end: int, originals: list[int], lines: list[str]) -> bool:
    """Is the run ``start..end`` (copying the lines from ``originals[start]``) a list that
    repeats by design rather than a passage the page printed twice?"""
    if all(_LABELLED_ITEM.match(lines[j]) for j in range(start, end + 1)):
        return True
    before_copy, before_first = start - 1, originals[start] - 1
    return before_first >= 0 and _parallel_headings(lines[before_first], lines[before_copy])


def _parallel_headings(first: str, second: str) -> bool:
    """Two headings of one list ("Day one" / "Day two", "Monday" / "Thursday"): short, not the
    same, and alike (the same first word, or both a day of the week)."""
    if not (_is_heading(first) and _is_heading(second)):
        return False
    a, b = comparison_key(first).split(), comparison_key(second).split()
    if not a or not b or a == b:
        return False
    return a[0] == b[0] or (a[0] in _WEEKDAYS and b[0] in _WEEKDAYS)


def _is_heading(line: str) -> bool:
    return 0 < len(line.split()) <= _HEADING_WORDS and not ends_sentence(line)
