"""Boilerplate: remove junk lines with the rule packs of the article's language plus ``_common``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import ClassVar

import attrs

from newsclean.model import Article, Category, Removal
from newsclean.rulepack import COMMON, Rule, RulePack, lowered_for_keywords
from newsclean.text import comparison_key, ends_sentence, join_paragraphs, split_paragraphs, word_count

# Categories the header stage applies at the top of the text; this stage leaves them alone.
HEADER_CATEGORIES = frozenset({Category.MASTHEAD, Category.DATELINE, Category.BYLINE, Category.HEADLINE})

_TRUNCATED = re.compile(r"(\.\.\.|…)[\"'”’»)\]]*$")


@attrs.frozen(kw_only=True)
class Hit:
    """A rule firing on one line (``match`` is None for teaser lines taken by a block rule)."""

    rule: Rule
    match: re.Match[str] | None = attrs.field(eq=False)


def first_hit(rules: Iterable[Rule], line: str) -> Hit | None:
    words, lowered = word_count(line), lowered_for_keywords(line)
    for rule in rules:
        found = rule.match(line, words, lowered)
        if found is not None:
            return Hit(rule=rule, match=found)
    return None


def is_teaser(lines: Sequence[str], index: int, max_words: int) -> bool:
    """Does ``lines[index]`` read like an item of a teaser list rather than article text?

    Teasers are headlines (short, no closing punctuation), truncated blurbs ("..."), or a
    headline printed twice in a row.
    """
    line = lines[index]
    if _TRUNCATED.search(line):
        return True
    if word_count(line) <= max_words and not ends_sentence(line):
        return True
    key = comparison_key(line)
    return any(
        0 <= j < len(lines) and comparison_key(lines[j]) == key for j in (index - 1, index + 1)
    )


def mark_lines(lines: Sequence[str], rules: Sequence[Rule], *, teaser_max_words: int) -> list[Hit | None]:
    """Which lines the rules remove. Order: ``any`` line rules everywhere; then block rules,
    each taking the teasers under its header; then ``head`` rules peeled from the top and
    ``tail`` rules peeled from the bottom, passing over lines already marked."""
    marks: list[Hit | None] = [None] * len(lines)
    anywhere = [r for r in rules if r.position == "any"]
    for i, line in enumerate(lines):
        marks[i] = first_hit(anywhere, line)
    for i in range(len(lines)):
        hit = marks[i]
        if hit is None or hit.rule.action != "block" or hit.match is None:
            continue
        j = i + 1
        while j < len(lines):
            other = marks[j]
            if other is not None:
                if other.rule.action == "block":
                    break
                j += 1
                continue
            if not is_teaser(lines, j, teaser_max_words):
                break
            marks[j] = Hit(rule=hit.rule, match=None)
            j += 1
    _peel(lines, marks, [r for r in rules if r.position == "head"], range(len(lines)))
    _peel(lines, marks, [r for r in rules if r.position == "tail"], range(len(lines) - 1, -1, -1))
    return marks


def _peel(lines: Sequence[str], marks: list[Hit | None], rules: list[Rule], order: Iterable[int]) -> None:
    if not rules:
        return
    for i in order:
        if marks[i] is not None:
            continue
        hit = first_hit(rules, lines[i])
        if hit is None:
            return
        marks[i] = hit


def removals_for(lines: Sequence[str], marks: Sequence[Hit | None], stage: str) -> tuple[Removal, ...]:
    return tuple(
        Removal(stage=stage, category=hit.rule.category, rule=hit.rule.id, text=lines[i], line=i)
        for i, hit in enumerate(marks)
        if hit is not None
    )


def captured_author(marks: Sequence[Hit | None]) -> str | None:
    for hit in marks:
        if hit is not None and hit.match is not None and hit.rule.capture_author:
            author = hit.match.group("author")
            if author:
                return author.strip()
    return None


@attrs.frozen(kw_only=True)
class Boilerplate:
    """Line and block rules from rule packs, chosen by the article's language.

    The pack of the detected language is used with ``_common`` and ``fallback_language``'s
    pack (English junk is common on pages in every language).
    A rule that captures an ``author`` group fills ``authors`` when the article has none.
    """

    name: ClassVar[str] = "boilerplate"

    packs: dict[str, RulePack] = attrs.field(eq=False)
    fallback_language: str = "en"
    # Longest line without closing punctuation still read as a teaser headline under a
    # "Related" header; article sentences that short nearly always end with a full stop.
    teaser_max_words: int = 14

    @classmethod
    def for_languages(cls, *languages: str, **settings) -> Boilerplate:
        """Load the packs for ``languages`` (default: English) plus ``_common``."""
        names = [COMMON, *(languages or ("en",))]
        return cls(packs={name: RulePack.load(name) for name in names}, **settings)

    def rules_for(self, language: str | None) -> list[Rule]:
        """``_common``, the language's pack, then the fallback pack (page furniture is often
        left in English whatever the article's language)."""
        names = [COMMON, language or "", self.fallback_language]
        chosen = [self.packs[n] for n in dict.fromkeys(names) if n in self.packs]
        return [r for p in chosen for r in p.rules if r.category not in HEADER_CATEGORIES]

    def __call__(self, article: Article) -> Article:
        lines = split_paragraphs(article.text)
        marks = mark_lines(lines, self.rules_for(article.language), teaser_max_words=self.teaser_max_words)
        removed = removals_for(lines, marks, self.name)
        authors = article.authors
        if not authors:
            author = captured_author(marks)
            authors = (author,) if author else ()
        kept = [line for line, hit in zip(lines, marks) if hit is None]
        return attrs.evolve(
            article,
            text=join_paragraphs(kept),
            authors=authors,
            removed=article.removed + removed,
            trace=article.trace + (self.name,),
        )
