"""The rule engine: which lines of a text a set of rules removes.

Rules come from the rule packs (``newsclean.rulepack``). ``LineRules`` indexes a language's
rules by position (anywhere, head, tail) and by the longest line each applies to
(``RulesByLength``), and each index gathers its rules' keywords (``RuleGroup``), so a line meets
only the rules it could fire. ``mark_lines`` applies them: line rules everywhere, block rules
taking the teaser lines under their header, then head and tail rules peeled from the ends.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence

import attrs

from newsclean.model import Removal
from newsclean.rulepack import Rule, lowered_for_keywords
from newsclean.text import comparison_key, ends_sentence, word_count

_TRUNCATED = re.compile(r"(\.\.\.|…)[\"'”’»)\]]*$")
# A letter's closing ("Sincerely,", "Cheers,", "With love,"): a bare name under it is the
# signature of a letter the article prints, not the author's name line.
_VALEDICTION = re.compile(r"^\W*[^\W\d_]+(?:[ '’][^\W\d_]+){0,3},\s*$")


@attrs.frozen(kw_only=True)
class Hit:
    """A rule firing on one line (``match`` is None for teaser lines taken by a block rule)."""

    rule: Rule
    match: re.Match[str] | None = attrs.field(eq=False)


@attrs.frozen
class RuleGroup:
    """Rules in their order, with their keywords gathered: ``candidates(lowered)`` gives the
    rules a line could fire, each keyword searched once per line rather than once per rule."""

    rules: tuple[Rule, ...]
    # keyword -> indexes in ``rules`` of the rules that have it among their keywords
    keyword_rules: dict[str, tuple[int, ...]] = attrs.field(eq=False)
    # the rules without keywords: every line is a candidate
    unfiltered: tuple[int, ...]

    @classmethod
    def of(cls, rules: Iterable[Rule]) -> RuleGroup:
        rules = tuple(rules)
        keyword_rules: dict[str, list[int]] = {}
        for i, rule in enumerate(rules):
            for keyword in rule.keywords or ():
                keyword_rules.setdefault(keyword, []).append(i)
        unfiltered = tuple(i for i, rule in enumerate(rules) if rule.keywords is None)
        return cls(rules=rules, keyword_rules={k: tuple(v) for k, v in keyword_rules.items()}, unfiltered=unfiltered)

    def candidates(self, lowered: str | None) -> Iterable[Rule]:
        """The rules whose keyword test ``lowered`` (``lowered_for_keywords`` of the line)
        passes, in order; all of them when ``lowered`` is None."""
        if lowered is None:
            return self.rules
        found = [i for keyword, indexes in self.keyword_rules.items() if keyword in lowered for i in indexes]
        if found:
            return [self.rules[i] for i in sorted(set(found).union(self.unfiltered))]
        return [self.rules[i] for i in self.unfiltered]


@attrs.frozen
class RulesByLength:
    """Rules grouped by the longest line each applies to: ``for_words(n)`` gives the group
    whose ``max_words`` admits a line of ``n`` words, so a long paragraph skips the many rules
    meant for short lines without testing each."""

    bounds: tuple[int, ...]
    groups: tuple[RuleGroup, ...]

    @classmethod
    def of(cls, rules: Iterable[Rule] | RulesByLength) -> RulesByLength:
        """Index ``rules`` (an index is returned as it is, so ``attrs.evolve`` can copy a
        stage holding one)."""
        if isinstance(rules, RulesByLength):
            return rules
        rules = tuple(rules)
        bounds = tuple(sorted({r.max_words for r in rules if r.max_words is not None}))
        groups = [RuleGroup.of(r for r in rules if r.max_words is None or r.max_words >= b) for b in bounds]
        groups.append(RuleGroup.of(r for r in rules if r.max_words is None))
        return cls(bounds=bounds, groups=tuple(groups))

    def for_words(self, words: int) -> RuleGroup:
        return self.groups[bisect_left(self.bounds, words)]


@attrs.frozen
class LineRules:
    """A language's rules split by position, each indexed by line length."""

    anywhere: RulesByLength
    head: RulesByLength
    tail: RulesByLength

    @classmethod
    def of(cls, rules: Sequence[Rule]) -> LineRules:
        return cls(*(RulesByLength.of(r for r in rules if r.position == p) for p in ("any", "head", "tail")))


def first_hit(rules: RulesByLength, line: str) -> Hit | None:
    """The first of ``rules`` that fires on ``line``."""
    words = word_count(line)
    for rule in rules.for_words(words).candidates(lowered_for_keywords(line)):
        found = rule.match(line, words)
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


# A teaser's summary under its headline: a sentence or two.
SUMMARY_MAX_WORDS = 45


def _is_summary(lines: Sequence[str], marks: Sequence[Hit | None], index: int, max_words: int) -> bool:
    """Is ``lines[index]`` the summary of the teaser headline above it, in a list of teasers
    (another teaser headline below it, or the end of the text)?"""
    above = marks[index - 1]
    if above is None or above.match is not None or word_count(lines[index]) > SUMMARY_MAX_WORDS:
        return False  # only under a teaser line the block took, not under its header
    if not looks_like_headline_line(lines[index - 1], max_words):
        return False
    below = index + 1
    return below == len(lines) or (is_teaser(lines, below, max_words) and looks_like_headline_line(lines[below], max_words))


# An item of a list as extractors write it ("- item", "• item"). No length limit: under a
# related header a list's items are other stories or slides, however long their text.
_LIST_ITEM = re.compile(r"^\s*[-•*·]\s+\S")


def _is_list_item(line: str) -> bool:
    return _LIST_ITEM.match(line) is not None


def looks_like_headline_line(line: str, max_words: int) -> bool:
    """A teaser's headline: at most ``max_words`` words, no closing punctuation."""
    return word_count(line) <= max_words and not ends_sentence(line)


def mark_lines(lines: Sequence[str], rules: LineRules, *, teaser_max_words: int) -> list[Hit | None]:
    """Which lines the rules remove. Order: ``any`` line rules everywhere; then block rules,
    each taking the teasers under its header; then ``head`` rules peeled from the top and
    ``tail`` rules peeled from the bottom, passing over lines already marked (a ``section``
    rule's header takes the rest of the text with it when that is short)."""
    marks: list[Hit | None] = [first_hit(rules.anywhere, line) for line in lines]
    _mark_sections(lines, marks)
    for i in range(len(lines)):
        hit = marks[i]
        if hit is None or hit.rule.action != "block" or hit.match is None:
            continue
        j = i + 1
        # A list right under the header is the block's whole: its items are the other stories,
        # however long their summaries ("- Storm hits coast Heavy rain battered ...").
        while j < len(lines) and marks[j] is None and _is_list_item(lines[j]):
            marks[j] = Hit(rule=hit.rule, match=None)
            j += 1
        while j < len(lines):
            other = marks[j]
            if other is not None:
                if other.rule.action == "block":
                    break
                j += 1
                continue
            if not (is_teaser(lines, j, teaser_max_words) or _is_summary(lines, marks, j, teaser_max_words)):
                break
            marks[j] = Hit(rule=hit.rule, match=None)
            j += 1
    _keep_the_story(lines, marks)
    _peel(lines, marks, rules.head, range(len(lines)))
    _peel(lines, marks, rules.tail, range(len(lines) - 1, -1, -1))
    return marks


def _is_story_paragraph(line: str) -> bool:
    return ends_sentence(line) and word_count(line) >= STORY_PARAGRAPH_WORDS


# A sentence of this many words is story text, not a teaser's summary, when nothing else is.
STORY_PARAGRAPH_WORDS = 8


def _keep_the_story(lines: Sequence[str], marks: list[Hit | None]) -> None:
    """When the teasers block rules took leave no paragraph of story, give back the sentences
    they took: on a photo or slide page the one caption is the story, though it sits in a list
    of other stories."""
    if any(mark is None and _is_story_paragraph(line) for line, mark in zip(lines, marks)):
        return
    for i, (line, mark) in enumerate(zip(lines, marks)):
        if mark is not None and mark.match is None and mark.rule.action == "block" and _is_story_paragraph(line):
            marks[i] = None


def _mark_sections(lines: Sequence[str], marks: list[Hit | None]) -> None:
    """A ``section`` rule's header takes every line after it, when they are few words."""
    for i, hit in enumerate(marks):
        if hit is None or hit.rule.action != "section" or hit.match is None:
            continue
        rest = range(i + 1, len(lines))
        if sum(word_count(lines[j]) for j in rest if marks[j] is None) > hit.rule.section_max_words:
            marks[i] = None  # a long section under such a header is the story's own
            continue
        for j in rest:
            if marks[j] is None:
                marks[j] = Hit(rule=hit.rule, match=None)
        return


def _peel(lines: Sequence[str], marks: list[Hit | None], rules: RulesByLength, order: Iterable[int]) -> None:
    if not any(group.rules for group in rules.groups):
        return
    for i in order:
        if marks[i] is not None:
            continue
        hit = first_hit(rules, lines[i])
        if hit is None or (hit.rule.capture_author and is_signature(lines, i)):
            return
        if hit.rule.after_category is not None and not _above(marks, i, hit.rule.after_category):
            return
        marks[i] = hit


def _above(marks: Sequence[Hit | None], index: int, category) -> bool:
    """Is the line right below ``index`` removed with ``category``?"""
    below = marks[index + 1] if index + 1 < len(marks) else None
    return below is not None and below.rule.category == category


def is_signature(lines: Sequence[str], index: int) -> bool:
    """Is ``lines[index]`` a short name line signed under a letter's closing line?"""
    return index > 0 and word_count(lines[index]) <= 4 and bool(_VALEDICTION.match(lines[index - 1]))


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
