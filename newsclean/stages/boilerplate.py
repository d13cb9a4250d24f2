"""Boilerplate: remove junk lines with the rule packs of the article's language plus ``_common``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import attrs

from newsclean.errors import ConfigError
from newsclean.model import Article, Category
from newsclean.rulepack import COMMON, Rule, RulePack
from newsclean.rules.engine import Hit, LineRules, captured_author, first_hit, mark_lines, removals_for
from newsclean.stages.base import COMMENTS_OUT, LANGUAGE, NORMALIZED, DocumentStage
from newsclean.text import is_table_row, join_paragraphs, split_paragraphs, unframed_row

if TYPE_CHECKING:
    from newsclean.pipeline import Pipeline

# Categories the header stage applies at the top of the text.
HEADER_CATEGORIES = frozenset({Category.MASTHEAD, Category.DATELINE, Category.BYLINE, Category.HEADLINE})
# Trace entry (followed by ``:<language>``) of an article whose language has no pack among the
# stage's: only ``_common`` and the fallback pack ran on it.
NO_RULE_PACK = "boilerplate:no-rule-pack"


# Cells of a table row: split at its bars and at the literal bars ("\|") inside a cell, which
# old templates print between links ("Print \| E-mail this story").
_CELL_BARS = re.compile(r"\s*\\?\|\s*")


def _junk_row(line: str, rules: LineRules) -> Hit | None:
    """A table row of two or more cells, each of which a rule removes on its own ("| Print
    this | E-mail this |", "| © 2008 Example Media | Privacy policy |"): the first cell's hit."""
    cells = [c for c in _CELL_BARS.split(line.strip()) if c.strip()]
    if len(cells) < 2:
        return None
    hits = []
    for cell in cells:
        hit = first_hit(rules.anywhere, cell)
        if hit is None:
            return None
        hits.append(hit)
    return hits[0]


@attrs.frozen(kw_only=True)
class Boilerplate(DocumentStage):
    """Line and block rules from rule packs, chosen by the article's language.

    The pack of the detected language is used with ``_common`` and ``fallback_language``'s
    pack (English junk is common on pages in every language).
    A rule that captures an ``author`` group fills ``authors`` when the article has none.
    An article in a language without a pack here gets ``boilerplate:no-rule-pack:<language>``
    in its trace. ``user_packs`` (``RulePack.from_file``) apply to articles in every language,
    after the packaged rules.
    """

    name: ClassVar[str] = "boilerplate"
    # Its rules read normalised lines of the article's language, and its tail rules look for the
    # story's end above a comment thread only once the thread is out.
    requires: ClassVar[frozenset[str]] = frozenset({NORMALIZED, LANGUAGE, COMMENTS_OUT})

    packs: dict[str, RulePack] = attrs.field(eq=False)
    user_packs: tuple[RulePack, ...] = attrs.field(default=(), eq=False)
    fallback_language: str = "en"
    # Longest line without closing punctuation still read as a teaser headline under a
    # "Related" header; article sentences that short nearly always end with a full stop.
    teaser_max_words: int = 14
    # language -> its LineRules, built on first use
    _line_rules: dict[str | None, LineRules] = attrs.field(init=False, factory=dict, eq=False, repr=False)

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
        # Header rules are the header stage's, except those that apply anywhere (a time stamp
        # between paragraphs).
        chosen += self.user_packs
        return [r for p in chosen for r in p.rules if r.category not in HEADER_CATEGORIES or r.position == "any"]

    def apply(self, article: Article) -> Article:
        lines = split_paragraphs(article.text)
        rules = self._line_rules.get(article.language)
        if rules is None:
            rules = self._line_rules[article.language] = LineRules.of(self.rules_for(article.language))
        # A table row is read as its cells' text: "| © 2008 The Ledger |" is a copyright line.
        marks = mark_lines([unframed_row(line) for line in lines], rules, teaser_max_words=self.teaser_max_words)
        for i, line in enumerate(lines):
            if marks[i] is None and is_table_row(line):
                marks[i] = _junk_row(line, rules)
        removed = removals_for(lines, marks, self.name)
        authors = article.authors
        if not authors:
            author = captured_author(marks)
            authors = (author,) if author else ()
        kept = [line for line, hit in zip(lines, marks) if hit is None]
        trace = article.trace
        if article.language and article.language not in self.packs:
            trace += (f"{NO_RULE_PACK}:{article.language}",)
        return attrs.evolve(
            article,
            text=join_paragraphs(kept),
            authors=authors,
            removed=article.removed + removed,
            trace=trace,
        )


def with_user_packs(pipeline: Pipeline, packs: Sequence[RulePack]) -> Pipeline:
    """``pipeline`` with ``packs`` added to its boilerplate stages; ConfigError when it has none
    (the rules would silently do nothing)."""
    if not packs:
        return pipeline
    stages = tuple(
        attrs.evolve(stage, user_packs=stage.user_packs + tuple(packs)) if isinstance(stage, Boilerplate) else stage
        for stage in pipeline.stages
    )
    if not any(isinstance(stage, Boilerplate) for stage in stages):
        raise ConfigError("the pipeline has no boilerplate stage for the rule packs to join")
    return attrs.evolve(pipeline, stages=stages)
