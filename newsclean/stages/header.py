"""Header: the lines above the article body (date line, masthead, byline, headline) become
fields and leave the text."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
import regex

from newsclean.model import Article, Category, Flag, Removal
from newsclean.rulepack import Rule, packs_for
from newsclean.rules.engine import RulesByLength, first_hit
from newsclean.stages.base import NORMALIZED, DocumentStage
from newsclean.stages.boilerplate import HEADER_CATEGORIES
from newsclean.text import CAPITAL, comparison_key, ends_sentence, join_paragraphs, looks_like_headline, sentences, split_paragraphs, word_count

_NAME = rf"{CAPITAL}[\w'’.-]{{0,30}}(?: (?:[a-z]{{1,3}} )?{CAPITAL}[\w'’.-]{{0,30}}){{0,3}}"
_NAME_LIST = regex.compile(rf"^{_NAME}(?:(?:,| and| &) {_NAME})*$")
# What follows the names: a credit or a role after a comma, a bar or a dash; a date ("on March 3,
# 2012", "at 10:15").
_BYLINE_TAIL = re.compile(r"\s*(?:[,|•·(]|\s[-–—]\s|\s(?:on|at)\s(?=.*\d)).*$")
_DATE_TAIL = re.compile(r"\s(?:on|at)\s")
_SOCIAL_HANDLE = re.compile(r"(?<![\w.])@\w")
_WEEKDAYS = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_TIME = r"(?:,? (?:at )?\d{1,2}[:.]\d{2}(?: ?[ap]\.?m\.?)?(?: [A-Z]{2,5}| UTC[+-]?\d*)?)"


def _longest_first(alternative: str) -> tuple[int, str]:
    """Longest alternatives first, then in text order: the same pattern in every process
    (a set's order changes with the hash seed)."""
    return (-len(alternative), alternative)


@attrs.frozen(kw_only=True)
class DateParser:
    """Finds a date at the start of a line, in ISO form or with month names from the packs."""

    keywords: re.Pattern[str] = attrs.field(eq=False)
    date_line: re.Pattern[str] = attrs.field(eq=False)
    date_prefix: re.Pattern[str] = attrs.field(eq=False)
    # A date line introduced by a keyword ("Updated 3 May 2024", "Stand: 17.01.2021"): metadata
    # wherever it stands, so it is taken from any line, not only the head.
    labelled_date_line: re.Pattern[str] = attrs.field(eq=False)
    months: dict[str, int] = attrs.field(eq=False)

    @classmethod
    def from_header_tables(cls, tables: list[dict[str, Any]]) -> DateParser:
        months: dict[str, int] = {}
        keywords: set[str] = set()
        for table in tables:
            for number, names in enumerate(table.get("months", ()), start=1):
                for month in names:
                    months[month.casefold()] = number
            keywords.update(k.casefold() for k in table.get("date_keywords", ()))
        month = "|".join(sorted(map(re.escape, months), key=_longest_first)) or "(?!)"
        date = (
            rf"(?:{_WEEKDAYS} )?(?:\d{{4}}-\d{{2}}-\d{{2}}(?:T[\d:.+Z-]{{0,20}})?"
            rf"|\d{{1,2}}\. ?\d{{1,2}}\. ?\d{{4}}"
            rf"|\d{{1,2}}(?:st|nd|rd|th)?\.? (?:{month})\.?,? \d{{4}}"
            rf"|(?:{month})\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}})"
        )
        keyword = "|".join(sorted(map(re.escape, keywords), key=_longest_first)) or "(?!)"
        lead = rf"(?:(?:{keyword})\s*:?\s*)"
        return cls(
            keywords=re.compile(rf"^{lead}", re.IGNORECASE),
            date_line=re.compile(rf"^{lead}?(?P<date>{date}){_TIME}?\.?$", re.IGNORECASE),
            date_prefix=re.compile(rf"^{lead}(?P<date>{date}){_TIME}?\s+(?=\S)", re.IGNORECASE),
            labelled_date_line=re.compile(rf"^{lead}(?P<date>{date}){_TIME}?\.?$", re.IGNORECASE),
            months=months,
        )

    def parse(self, text: str) -> dt.date | None:
        iso = re.search(r"(\d{4})-(\d{2})-(\d{2})", text)
        try:
            if iso:
                return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
            dotted = re.search(r"\b(\d{1,2})\. ?(\d{1,2})\. ?(\d{4})\b", text)
            if dotted:  # day.month.year, as written across continental Europe
                return dt.date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
            day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", text)
            year = re.search(r"\b(\d{4})\b", text)
            month = next((n for name, n in self.months.items() if re.search(rf"\b{re.escape(name)}\b", text, re.I)), None)
            if day and year and month:
                return dt.date(int(year[1]), month, int(day[1]))
        except ValueError:
            return None
        return None


def _indexed(rules: Iterable[Rule] | RulesByLength) -> RulesByLength:
    return RulesByLength.of(rules)


@attrs.frozen(kw_only=True)
class Header(DocumentStage):
    """Peels, from the top of the text: date lines (``date 2024-07-13``, ``Published: 3 May
    2024``, also glued to the first sentence), mastheads and taglines (the source's name and
    the packs' masthead rules), bylines (``By Jane Doe``) and the headline.

    The headline is the first line when it repeats ``title`` (see ``_repeats_title``); without a
    title, it is a first line printed twice, a one-sentence line right under a masthead, or a
    short first line with no closing punctuation, except on an HTML page that names no title
    (``Flag.NO_TITLE``). Found values fill ``published``, ``authors`` and ``title`` when
    empty.
    """

    name: ClassVar[str] = "header"
    requires: ClassVar[frozenset[str]] = frozenset({NORMALIZED})  # its rules read normalised lines

    masthead_rules: RulesByLength = attrs.field(eq=False, converter=_indexed)
    # Junk the boilerplate stage will remove (an ad label above the headline): passed over here.
    junk_rules: RulesByLength = attrs.field(eq=False, converter=_indexed)
    dates: DateParser
    byline: re.Pattern[str] = attrs.field(eq=False)
    max_head_lines: int = 8
    # A headline is one sentence; longer first lines are article text.
    headline_max_words: int = 30
    # A first line this short, with no closing punctuation, reads as a headline.
    bare_headline_max_words: int = 20
    # A headline found inside a longer title ("<headline> | <site>") has at least this many
    # words, and the rest of the title (the site's name) at most ``title_affix_max_words``.
    affixed_headline_min_words: int = 4
    title_affix_max_words: int = 10

    @classmethod
    def for_languages(cls, *languages: str, **settings) -> Header:
        packs = packs_for(*languages)
        prefixes: set[str] = set()
        roles: set[str] = set()
        for pack in packs:
            prefixes.update(p.casefold() for p in pack.header.get("byline_prefixes", ()))
            roles.update(r.casefold() for r in pack.header.get("byline_roles", ()))
        prefix = "|".join(sorted(map(re.escape, prefixes), key=_longest_first)) or "(?!)"
        role = "|".join(sorted((re.escape(r).replace("\\ ", r"\s+") for r in roles), key=_longest_first)) or "(?!)"
        rules = [r for p in packs for r in p.rules]
        return cls(
            masthead_rules=tuple(r for r in rules if r.category is Category.MASTHEAD),
            junk_rules=tuple(r for r in rules if r.category not in HEADER_CATEGORIES and r.position != "tail"),
            dates=DateParser.from_header_tables([p.header for p in packs]),
            byline=re.compile(rf"^(?:{prefix})\s*:?\s+(?:(?:{role})\s+)?(?P<names>.+)$", re.IGNORECASE),
            **settings,
        )

    def apply(self, article: Article) -> Article:
        lines = split_paragraphs(article.text)
        removed: list[Removal] = []
        taken: set[int] = set()
        fields: dict[str, Any] = {}
        title, seen_masthead, headline_done = article.title, False, False
        first_line_may_be_headline = Flag.NO_TITLE not in article.flags  # not on an HTML page without a title

        def take(i: int, category: Category, rule: str) -> None:
            removed.append(Removal(stage=self.name, category=category, rule=rule, text=lines[i], line=i))
            taken.add(i)

        i, passed_over = 0, False
        while i < min(len(lines), self.max_head_lines):
            line = lines[i]
            if passed_over and not self._dates_or_names(line):
                break  # below a line it does not know, the header takes only bylines and dates
            if self.dates.date_line.match(line):
                take(i, Category.DATELINE, "header.dateline.line")
                fields.setdefault("published", self.dates.parse(line))
            elif prefix := self.dates.date_prefix.match(line):
                date_text = prefix.group(0).strip()
                removed.append(Removal(stage=self.name, category=Category.DATELINE, rule="header.dateline.prefix", text=date_text, line=i))
                lines[i] = line[prefix.end():]
                fields.setdefault("published", self.dates.parse(prefix.group("date")))
                continue  # the rest of the line may hold more header
            elif article.source and comparison_key(line) == comparison_key(article.source):
                take(i, Category.MASTHEAD, "header.masthead.source-name")
                seen_masthead = True
            elif not headline_done and (hit := first_hit(self.masthead_rules, line)) is not None:
                take(i, hit.rule.category, hit.rule.id)
                seen_masthead = True
            elif names := self._byline_names(line):
                take(i, Category.BYLINE, "header.byline")
                fields.setdefault("authors", names)
            elif title and self._repeats_title(line, title):
                take(i, Category.HEADLINE, "header.headline.repeat")
                headline_done = True
            elif first_hit(self.junk_rules, line) is not None:
                pass  # boilerplate will take it; look past it for the header
            elif not title and not headline_done and first_line_may_be_headline and self._is_headline(lines, i, seen_masthead):
                title = line
                take(i, Category.HEADLINE, "header.headline.first-line")
                headline_done = True
            elif title and not passed_over and self._may_head(line):
                # A short line the header does not know (a headline that is not the page's title, a
                # section label) may stand above the byline and date line: look one line further.
                passed_over = True
            else:
                break
            i += 1

        for j in range(i, len(lines)):
            if j not in taken and self.dates.labelled_date_line.match(lines[j]):
                # Not taken as ``published``: below the head such a line is mostly "updated on".
                take(j, Category.DATELINE, "header.dateline.labelled")

        if not removed:
            return article
        updates: dict[str, Any] = {"title": title}
        if not article.published and fields.get("published"):
            updates["published"] = fields["published"]
        if not article.authors and fields.get("authors"):
            updates["authors"] = fields["authors"]
        return attrs.evolve(
            article,
            text=join_paragraphs([line for j, line in enumerate(lines) if j not in taken]),
            removed=article.removed + tuple(sorted(removed, key=lambda r: r.line or 0)),
            **updates,
        )

    def _repeats_title(self, line: str, title: str) -> bool:
        """Is ``line`` the headline that ``title`` holds? The same words; or, for a line of
        ``affixed_headline_min_words`` or more without closing punctuation, the title with the
        site's name before or after it ("Dragonfly robot flies | IdeaFeed"); or the title and then
        a count or a date, as some templates print the headline in the body ("Dragonfly robot
        flies 254", "... 29 August, 2011")."""
        line_key, title_key = comparison_key(line), comparison_key(title)
        if not line_key or not title_key:
            return False
        if line_key == title_key:
            return True
        if word_count(line) >= self.affixed_headline_min_words and not ends_sentence(line):
            if title_key.startswith(line_key + " "):
                return len(title_key[len(line_key):].split()) <= self.title_affix_max_words
            if title_key.endswith(" " + line_key):
                return len(title_key[: -len(line_key)].split()) <= self.title_affix_max_words
        if line_key.startswith(title_key + " "):
            rest = line_key[len(title_key) + 1:]
            return rest.isdigit() or self.dates.date_line.match(rest) is not None
        return False

    def _is_headline(self, lines: list[str], i: int, seen_masthead: bool) -> bool:
        if i + 1 >= len(lines):
            return False
        first = lines[i]
        if comparison_key(first) == comparison_key(lines[i + 1]):
            return True
        if _SOCIAL_HANDLE.search(first):
            return False  # "Follow @harbourtimes on Twitter", "By Jane Doe @janedoe": not a headline
        n = word_count(first)
        # A headline stands over a body longer than itself: a first line that no later line
        # outdoes is the post (a one-line blog post over its comment form), not its headline.
        if not any(word_count(line) > n for line in lines[i + 1:]):
            return False
        if seen_masthead and n <= self.headline_max_words and len(sentences(first)) == 1:
            return True
        return looks_like_headline(first, 1, self.bare_headline_max_words)

    def _dates_or_names(self, line: str) -> bool:
        return bool(self.dates.date_line.match(line) or self.dates.date_prefix.match(line) or self._byline_names(line))

    def _may_head(self, line: str) -> bool:
        return 0 < word_count(line) <= self.bare_headline_max_words and not ends_sentence(line)

    def _byline_names(self, line: str) -> tuple[str, ...]:
        if word_count(line) > 16:
            return ()
        found = self.byline.match(line)
        if not found:
            return ()
        names = _BYLINE_TAIL.sub("", found.group("names")).strip().rstrip(".")
        rest = found.group("names")[len(names):]
        # "By Jane Doe, Reuters" ends in a short credit; "By Friday, the objections had
        # passed 900." ends in a sentence.
        if word_count(rest) > 4 and ends_sentence(line):
            return ()
        # "on March 3, 2012" is a date; "at 5 the council had approved..." goes on as a sentence.
        if _DATE_TAIL.match(rest) and word_count(rest) > 10:
            return ()
        if not _NAME_LIST.match(names):
            return ()
        parts = re.split(r",\s*|\s+and\s+|\s*&\s*", names)
        return tuple(p.strip() for p in parts if p.strip())

