"""Rule packs: boilerplate vocabulary kept as TOML data, one file per language plus ``_common``.

A rule matches one paragraph (line) of normalised text. Its fields:

``id``            stable id, ``<pack>.<category>.<name>``; removals cite it
``category``      one of :class:`newsclean.model.Category`
``action``        ``line`` (remove the line) or ``block`` (the line is a header: remove it and
                  the teaser lines under it, up to the first line that reads like article text)
``position``      ``any``, ``head`` (only while peeling lines off the top) or ``tail`` (only
                  while peeling lines off the bottom)
``pattern``       a Python regex, searched in the line (case-insensitive unless
                  ``case_sensitive = true``)
``requires``      optional regex that must also be found in the line
``unless``        optional regex that vetoes the match (reported speech, quotes, ...)
``max_words``     optional: lines longer than this never match
``examples`` / ``counterexamples``: lines that must / must not match; the test suite checks them.

A pack may name shared vocabulary in a ``[vocab]`` table (``reporting = "said|says|told"``);
``<<reporting>>`` in a pattern, ``requires`` or ``unless`` stands for ``(?:said|says|told)``.

The loader refuses patterns that match the empty string and patterns with nested unbounded
quantifiers (the usual source of catastrophic backtracking).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from importlib import resources
from typing import Any

import attrs

from newsclean.errors import RulePackError
from newsclean.model import Category
from newsclean.text import word_count

ACTIONS = ("line", "block")
POSITIONS = ("any", "head", "tail")
COMMON = "_common"
RULES_PACKAGE = "newsclean.rules"

# A group that is itself repeated without bound and contains an unbounded quantifier: (a+)+, (\w*\s)*
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*](?:[^()\\]|\\.)*\)[+*]")


@attrs.frozen(kw_only=True)
class Rule:
    """One boilerplate rule, compiled. See the module docstring for the fields."""

    id: str
    category: Category = attrs.field(converter=Category)
    action: str
    position: str
    pattern: re.Pattern[str] = attrs.field(eq=False)
    requires: re.Pattern[str] | None = attrs.field(default=None, eq=False)
    unless: re.Pattern[str] | None = attrs.field(default=None, eq=False)
    max_words: int | None = None
    capture_author: bool = False
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    # Lower-case strings one of which every match of ``pattern`` contains (see ``keywords_of``);
    # ``first_hit`` skips the rule on a line without any of them.
    keywords: tuple[str, ...] | None = attrs.field(default=None, eq=False)

    def match(self, line: str, words: int | None = None) -> re.Match[str] | None:
        """The match object when this rule fires on ``line``, else None. ``words`` is the
        line's word count when the caller has it (saves counting once per rule)."""
        if self.max_words is not None and (word_count(line) if words is None else words) > self.max_words:
            return None
        found = self.pattern.search(line)
        if found is None:
            return None
        if self.requires is not None and not self.requires.search(line):
            return None
        if self.unless is not None and self.unless.search(line):
            return None
        return found


@attrs.frozen(kw_only=True)
class RulePack:
    """The rules of one language (or ``_common``), in file order, plus the file's digest."""

    language: str
    rules: tuple[Rule, ...]
    digest: str
    header: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False)
    # The pack's named vocabulary (``[vocab]``): alternations stages may use beside the rules.
    vocab: dict[str, str] = attrs.field(factory=dict, eq=False, hash=False)

    @classmethod
    def load(cls, language: str) -> RulePack:
        """Load the packaged pack for ``language`` (``"en"``, ``"_common"``, ...)."""
        try:
            data = resources.files(RULES_PACKAGE).joinpath(f"{language}.toml").read_bytes()
        except FileNotFoundError:
            raise RulePackError(
                f"no rule pack for language {language!r}; available: {', '.join(available_languages())}"
            ) from None
        return cls.from_toml(data.decode("utf-8"), language=language)

    @classmethod
    def from_toml(cls, source: str, *, language: str) -> RulePack:
        """Parse and validate a pack from TOML text."""
        try:
            data = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            raise RulePackError(f"rule pack {language!r} is not valid TOML: {exc}") from None
        vocab = data.get("vocab", {})
        rules = tuple(_compile_rule(raw, language, vocab) for raw in data.get("rule", []))
        ids = [r.id for r in rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise RulePackError(f"rule pack {language!r} repeats rule ids: {', '.join(duplicates)}")
        digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
        return cls(language=language, rules=rules, digest=digest, header=data.get("header", {}), vocab=dict(vocab))


def available_languages() -> list[str]:
    """Languages that have a packaged rule pack (``_common`` excluded)."""
    names = (p.name for p in resources.files(RULES_PACKAGE).iterdir())
    return sorted(n[:-5] for n in names if n.endswith(".toml") and not n.startswith("_"))


def _compile_rule(raw: dict[str, Any], language: str, vocab: dict[str, str]) -> Rule:
    rule_id = raw.get("id")
    where = f"rule {rule_id!r} in pack {language!r}"
    if not rule_id:
        raise RulePackError(f"a rule in pack {language!r} has no id")
    prefix = "common" if language == COMMON else language
    if not rule_id.startswith(prefix + "."):
        raise RulePackError(f"{where}: ids in this pack start with {prefix + '.'!r}")
    missing = [k for k in ("category", "action", "position", "pattern") if k not in raw]
    if missing:
        raise RulePackError(f"{where}: missing {', '.join(missing)}")
    try:
        category = Category(raw["category"])
    except ValueError:
        known = ", ".join(c.value for c in Category)
        raise RulePackError(f"{where}: unknown category {raw['category']!r}; known: {known}") from None
    if raw["action"] not in ACTIONS:
        raise RulePackError(f"{where}: action must be one of {ACTIONS}, not {raw['action']!r}")
    if raw["position"] not in POSITIONS:
        raise RulePackError(f"{where}: position must be one of {POSITIONS}, not {raw['position']!r}")
    flags = 0 if raw.get("case_sensitive") else re.IGNORECASE

    def compiled(key: str) -> re.Pattern[str] | None:
        source = raw.get(key)
        return _compile(_expand(source, vocab, where), flags, where) if source else None

    pattern = compiled("pattern")
    assert pattern is not None
    return Rule(
        id=rule_id,
        category=category,
        action=raw["action"],
        position=raw["position"],
        pattern=pattern,
        requires=compiled("requires"),
        unless=compiled("unless"),
        max_words=raw.get("max_words"),
        capture_author="author" in pattern.groupindex,
        keywords=keywords_of(pattern),
        examples=tuple(raw.get("examples", ())),
        counterexamples=tuple(raw.get("counterexamples", ())),
    )


_PLACEHOLDER = re.compile(r"<<(\w+)>>")


def _expand(source: str, vocab: dict[str, str], where: str) -> str:
    def replace(found: re.Match[str]) -> str:
        name = found.group(1)
        if name not in vocab:
            raise RulePackError(f"{where}: <<{name}>> is not in the pack's [vocab] table")
        return f"(?:{vocab[name]})"

    return _PLACEHOLDER.sub(replace, source)


def _compile(source: str, flags: int, where: str) -> re.Pattern[str]:
    if _NESTED_QUANTIFIER.search(source):
        raise RulePackError(f"{where}: pattern {source!r} nests unbounded quantifiers; bound the inner one")
    try:
        pattern = re.compile(source, flags)
    except re.error as exc:
        raise RulePackError(f"{where}: pattern {source!r} does not compile: {exc}") from None
    if pattern.search("") is not None:
        raise RulePackError(f"{where}: pattern {source!r} matches the empty string")
    return pattern


# --- keyword prefilter ---------------------------------------------------------------------------
# A pattern that can match anywhere in a line (no ``^``) is tried at every position: slow for
# long lines and case-insensitive alternations. Most such rule patterns need one of a few
# words; looking for those in the lower-cased line first is much cheaper and rules out most
# lines. Sound because: a literal ASCII character of a pattern matches, even case-insensitively,
# only its two ASCII cases and the four characters below; a line without those four lowers to
# one character per character; so a line the pattern matches, lowered, holds the literal
# lowered.

# The non-ASCII characters that ``re.IGNORECASE`` matches with ASCII letters (İ ı ſ K).
_ODD_CASE = re.compile("[\u0130\u0131\u017f\u212a]")
# Shorter keywords rule out too little to pay for the test.
MIN_KEYWORD = 3


def lowered_for_keywords(line: str) -> str | None:
    """``line`` lower-cased for the keyword test, or None when the keyword test is not sound
    for it."""
    return None if _ODD_CASE.search(line) else line.lower()


def keywords_of(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case ASCII strings, at least ``MIN_KEYWORD`` long, one of which every match of
    ``pattern`` contains; None when the pattern is anchored at the start (fast already) or no
    such strings can be read off its parse tree."""
    try:
        from re import _parser as parser

        items = parser.parse(pattern.pattern, pattern.flags).data
    except Exception:  # another Python: do without the prefilter
        return None
    if items and items[0] == (parser.AT, parser.AT_BEGINNING):
        return None
    found = _needed(items, parser)
    return tuple(sorted(found)) if found else None


def _needed(items: Any, parser: Any) -> set[str] | None:
    """Strings one of which every match of the sequence ``items`` contains: a run of literal
    ASCII characters, or what a group, an alternation (one per branch) or a repeat (at least
    once) inside it needs; the set whose shortest string is longest wins."""
    best: set[str] | None = None

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and min(map(len, candidate)) >= MIN_KEYWORD:
            if best is None or min(map(len, candidate)) > min(map(len, best)):
                best = candidate

    run = ""
    for op, value in getattr(items, "data", items):
        if op is parser.LITERAL and value < 0x80:
            run += chr(value).lower()
            continue
        consider({run} if run else None)
        run = ""
        if op is parser.SUBPATTERN:
            consider(_needed(value[-1], parser))
        elif op is parser.BRANCH:
            branches = [_needed(branch, parser) for branch in value[1]]
            if all(branches):
                consider(set().union(*branches))
        elif op in (parser.MAX_REPEAT, parser.MIN_REPEAT) and value[0] >= 1:
            consider(_needed(value[2], parser))
        # Anything else (classes, anchors, lookarounds, optional parts) needs no string we can name.
    consider({run} if run else None)
    return best
