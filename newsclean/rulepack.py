"""Rule packs: boilerplate vocabulary kept as TOML data, one file per language plus ``_common``.

A rule matches one paragraph (line) of normalised text. Its fields:

``id``            stable id, ``<pack>.<category>.<name>``; removals cite it
``category``      one of :class:`newsclean.model.Category`
``action``        ``line`` (remove the line), ``block`` (the line is a header: remove it and
                  the teaser lines under it, up to the first line that reads like article text)
                  or ``section`` (the line heads a short section that runs to the end of the
                  text: remove it and the rest when that holds at most ``section_max_words``)
``position``      ``any``, ``head`` (only while peeling lines off the top) or ``tail`` (only
                  while peeling lines off the bottom)
``pattern``       a Python regex, searched in the line (case-insensitive unless
                  ``case_sensitive = true``)
``requires``      optional regex that must also be found in the line
``unless``        optional regex that vetoes the match (reported speech, quotes, ...)
``max_words``     optional: lines longer than this never match
``after_category`` optional: fires only right above a line removed with this category (a
                  writer's name over the bio a tail rule took)
``section_max_words`` with ``section``: the most words the section under the header may hold
``examples`` / ``counterexamples``: lines that must / must not match; the test suite checks them.

A pack may name shared vocabulary in a ``[vocab]`` table (``reporting = "said|says|told"``);
``<<reporting>>`` in a pattern, ``requires`` or ``unless`` stands for ``(?:said|says|told)``.

The loader refuses patterns that match the empty string and the shapes that backtrack
catastrophically: nested unbounded quantifiers, and any repeated part of varying length whose
repetitions can split one stretch of text in more than one way (``(\\w+){2,}``, ``(a|aa)+``,
``(a+){1,99}``): a part whose last character could also be its first, or a part holding two
runs side by side that can take the same characters (``(x\\s*[,|]?\\s*){2,}``: each run of
spaces splits between them in many ways, and the repeat multiplies those) (``_overlapping_repeat``).
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
from importlib import resources
from typing import Any

import attrs
import regex

from newsclean.budget import DocumentTimeout, not_charged, remaining
from newsclean.errors import RulePackError
from newsclean.model import Category
from newsclean.text import word_count

ACTIONS = ("line", "block", "section")
# A section rule's default limit: an author box or a disclaimer, not a story's last part.
SECTION_MAX_WORDS = 150
POSITIONS = ("any", "head", "tail")
COMMON = "_common"
RULES_PACKAGE = "newsclean.rules"
# Packaged rule files that are not language packs: their own modules read them (dom.toml:
# newsclean.dom). ``RulePack.load`` still opens them, for the digest a run records.
DATA_FILES = ("dom",)

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
    after_category: Category | None = attrs.field(default=None, converter=attrs.converters.optional(Category))
    section_max_words: int = SECTION_MAX_WORDS
    capture_author: bool = False
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    # Lower-case strings one of which every match of ``pattern`` contains (see ``keywords_of``);
    # ``first_hit`` skips the rule on a line without any of them.
    keywords: tuple[str, ...] | None = attrs.field(default=None, eq=False)
    def match(self, line: str, words: int | None = None) -> re.Match[str] | None:
        """The match object when this rule fires on ``line``, else None. ``words`` is the
        line's word count when the caller has it (saves counting once per rule). A search
        still running at the document's deadline (``budget.remaining()``) raises
        :class:`DocumentTimeout`."""
        if self.max_words is not None and (word_count(line) if words is None else words) > self.max_words:
            return None
        found = _search(self.pattern, line)
        if found is None:
            return None
        if self.requires is not None and not _search(self.requires, line):
            return None
        if self.unless is not None and _search(self.unless, line):
            return None
        return found


# The flags a rule's pattern may carry, as ``regex`` spells them.
_REGEX_FLAGS = ((re.IGNORECASE, regex.IGNORECASE), (re.MULTILINE, regex.MULTILINE), (re.DOTALL, regex.DOTALL),
                (re.VERBOSE, regex.VERBOSE), (re.ASCII, regex.ASCII))


# (source, flags) -> the ``regex`` form of a rule pattern, compiled on first use.
_TIMED: dict[tuple[str, int], Any] = {}


def timed_pattern(source: str, flags: int) -> Any:
    """A rule's ``re`` pattern compiled by the ``regex`` package (version 0: ``re``'s syntax and
    matching rules), which can stop a search at a deadline. Compiled on first use, which is
    one-off loading, not the document's time (``budget.not_charged``): loading a pack stays
    cheap, and a run compiles only the patterns its lines reach."""
    compiled = _TIMED.get((source, flags))
    if compiled is None:
        theirs = regex.VERSION0
        for ours, flag in _REGEX_FLAGS:
            if flags & ours:
                theirs |= flag
        with not_charged():
            compiled = _TIMED.setdefault((source, flags), regex.compile(source, theirs))
    return compiled


def compile_loaded() -> None:
    """Compile the ``regex`` form of every rule of the packs loaded so far: done once before
    worker processes fork, so that each does not compile the same patterns again."""
    for pack in list(_LOADED.values()):
        for rule in pack.rules:
            for pattern in (rule.pattern, rule.requires, rule.unless):
                if pattern is not None:
                    timed_pattern(pattern.pattern, pattern.flags)


def _search(pattern: re.Pattern[str], line: str) -> Any:
    """``pattern.search(line)`` by ``regex``, stopped at the document's deadline
    (``budget.remaining()``) with :class:`DocumentTimeout`. The ``re`` pattern stays the rule's
    own (the loader's checks read it); ``tests/test_rulepack.py`` checks that both match alike
    on every packaged rule's examples."""
    try:
        return timed_pattern(pattern.pattern, pattern.flags).search(line, timeout=remaining())
    except TimeoutError:
        raise DocumentTimeout(f"rule pattern {pattern.pattern[:60]!r} ran past the time budget") from None


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
        """The packaged pack for ``language`` (``"en"``, ``"_common"``, ...), loaded once per
        process: every pipeline built shares it (packs are frozen)."""
        pack = _LOADED.get(language)
        if pack is None:
            try:
                data = resources.files(RULES_PACKAGE).joinpath(f"{language}.toml").read_bytes()
            except FileNotFoundError:
                raise RulePackError(
                    f"no rule pack for language {language!r}; available: {', '.join(available_languages())}"
                ) from None
            pack = _LOADED.setdefault(language, cls.from_toml(data.decode("utf-8"), language=language))
        return pack

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


_LOADED: dict[str, RulePack] = {}


def packs_for(*languages: str) -> list[RulePack]:
    """``_common`` and the packs of ``languages`` (English when none is named), in that order."""
    return [RulePack.load(name) for name in (COMMON, *(languages or ("en",)))]


def available_languages() -> list[str]:
    """Languages that have a packaged rule pack (``_common`` and ``DATA_FILES`` excluded)."""
    names = (p.name for p in resources.files(RULES_PACKAGE).iterdir())
    return sorted(n[:-5] for n in names if n.endswith(".toml") and not n.startswith("_") and n[:-5] not in DATA_FILES)


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
    category = _category(raw["category"], where)
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
        after_category=_category(raw["after_category"], where) if "after_category" in raw else None,
        section_max_words=raw.get("section_max_words", SECTION_MAX_WORDS),
        capture_author="author" in pattern.groupindex,
        keywords=keywords_of(pattern),
        examples=tuple(raw.get("examples", ())),
        counterexamples=tuple(raw.get("counterexamples", ())),
    )


def _category(name: str, where: str) -> Category:
    try:
        return Category(name)
    except ValueError:
        known = ", ".join(c.value for c in Category)
        raise RulePackError(f"{where}: unknown category {name!r}; known: {known}") from None


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
    shape = _overlapping_repeat(pattern)
    if shape:
        raise RulePackError(
            f"{where}: pattern {source!r} repeats {shape!r}, whose repetitions can split the same text in many ways "
            "(catastrophic backtracking); make the part end with what it cannot start with, or bound it to one"
        )
    return pattern


# --- backtracking shapes -------------------------------------------------------------------------
# Python's engine backtracks: a repeated part that can match one stretch of text as one, two,
# three... repetitions (``(\w+)+``, ``(a|aa)+``) takes exponential time on a line that almost
# matches. That needs a part of varying length that can end with a character it can also start
# with. First and last characters are judged on a sample of characters (ASCII, Latin, Cyrillic,
# CJK, digits, spaces and punctuation): enough to tell the classes rules use apart.

_PROBES = "".join(chr(c) for c in range(0x20, 0x7F)) + "\t\n\r\u00a0éÉßüÜяЯіІ中١—–«»’“”…"


_CHARS: dict[tuple[str, str, bool], frozenset[str]] = {}


def _overlapping_repeat(pattern: re.Pattern[str]) -> str | None:
    """What the first repeated part of ``pattern`` whose repetitions can overlap is like, or None."""
    return _overlapping_source(pattern.pattern, pattern.flags)


@functools.lru_cache(maxsize=4096)  # packs are loaded again by each pipeline a process builds
def _overlapping_source(source: str, flags: int) -> str | None:
    try:
        from re import _constants as constants  # type: ignore[attr-defined]
        from re import _parser as parser  # type: ignore[attr-defined]

        tree = parser.parse(source, flags)
    except Exception:  # another Python: the SIGALRM time limit still applies
        return None
    ignore_case = bool(flags & re.IGNORECASE)
    shapes = _Shapes(parser, constants, ignore_case)
    found = shapes.find(tree.data)
    return found


class _Shapes:
    def __init__(self, parser: Any, constants: Any, ignore_case: bool):
        self.p = parser
        self.c = constants
        self.ignore_case = ignore_case

    def find(self, items: Any) -> str | None:
        p = self.p
        for op, value in items:
            if op in (p.MAX_REPEAT, p.MIN_REPEAT) and value[1] > 1:
                body = value[2]
                varying = self.varying(body.data)
                if varying & self.first(body.data) & self.last(body.data) and not self.separated(body.data, varying):
                    return self.describe(body)
                shared = self.ambiguous(body.data)
                if shared:
                    return f"a part with two runs side by side that can both take {''.join(sorted(shared)[:12])!r}"
            for child in self.children(op, value):
                found = self.find(child)
                if found:
                    return found
        return None

    def children(self, op: Any, value: Any) -> list[Any]:
        p = self.p
        if op in (p.MAX_REPEAT, p.MIN_REPEAT, getattr(p, "POSSESSIVE_REPEAT", None)):
            return [value[2]]
        if op is p.SUBPATTERN:
            return [value[-1]]
        if op is p.BRANCH:
            return list(value[1])
        if op in (p.ASSERT, p.ASSERT_NOT):
            return [value[1]]
        if op is getattr(p, "ATOMIC_GROUP", None):
            return [value]
        return []

    def ambiguous(self, items: Any) -> frozenset[str]:
        """The characters two parts of varying length in ``items`` (or a sequence nested in
        it) can both take where they meet, with only optional parts between them
        (``\\s*[,|]?\\s*``): a run of those splits between the two in many ways, and a
        repeat of the whole multiplies the ways, run by run. Empty when there are none."""
        items = list(items)
        for i, item in enumerate(items):
            ends = self.varying([item]) & self.last([item])
            for after in items[i + 1 :] if ends else ():
                shared = ends & self.varying([after]) & self.first([after])
                if shared:
                    return shared
                if not self.nullable(*after):
                    break
        for op, value in items:
            for child in self.children(op, value):
                shared = self.ambiguous(child)
                if shared:
                    return shared
        return frozenset()

    def describe(self, body: Any) -> str:
        sample = sorted(self.varying(body.data) & self.first(body.data) & self.last(body.data))
        return f"a part that can start and end with {''.join(sample[:12])!r} and vary in length over it"

    def separated(self, items: Any, varying: frozenset[str]) -> bool:
        """Whether every match of ``items`` holds a character the varying parts cannot take
        (``/`` in ``( ?/ ?\\w+)+``): repetitions then split only at those, a few ways at most."""
        p = self.p
        for op, value in items:
            if op is p.SUBPATTERN and self.separated(value[-1].data, varying):
                return True
            if op in (p.LITERAL, p.NOT_LITERAL, p.ANY, p.IN, p.CATEGORY):
                if not self.chars(op, value) & varying:
                    return True
        return False

    def varying(self, items: Any) -> frozenset[str]:
        """The characters the parts of varying length in ``items`` can take: repeats of
        varying count, and alternations with an empty branch (the parser writes ``a|aa`` as
        ``a(?:|a)``)."""
        p = self.p
        found: set[str] = set()
        for op, value in items:
            if op in (p.MAX_REPEAT, p.MIN_REPEAT, getattr(p, "POSSESSIVE_REPEAT", None)):
                body = value[2]
                if value[0] != value[1]:
                    found |= self.first(body.data) | self.last(body.data)
                found |= self.varying(body.data)
            elif op is p.BRANCH:
                empty = any(not branch.data for branch in value[1])
                for branch in value[1]:
                    if empty:
                        found |= self.first(branch.data) | self.last(branch.data)
                    found |= self.varying(branch.data)
            elif op is p.SUBPATTERN:
                found |= self.varying(value[-1].data)
            elif op is getattr(p, "ATOMIC_GROUP", None):
                found |= self.varying(value.data)
        return frozenset(found)

    def first(self, items: Any) -> frozenset[str]:
        found: set[str] = set()
        for op, value in items:
            found |= self.node_first(op, value, last=False)
            if not self.nullable(op, value):
                break
        return frozenset(found)

    def last(self, items: Any) -> frozenset[str]:
        found: set[str] = set()
        for op, value in reversed(list(items)):
            found |= self.node_first(op, value, last=True)
            if not self.nullable(op, value):
                break
        return frozenset(found)

    def ends(self, items: Any, last: bool) -> frozenset[str]:
        return self.last(items) if last else self.first(items)

    def node_first(self, op: Any, value: Any, *, last: bool) -> set[str]:
        p = self.p
        if op in (p.MAX_REPEAT, p.MIN_REPEAT, getattr(p, "POSSESSIVE_REPEAT", None)):
            return set(self.ends(value[2], last)) if value[1] > 0 else set()
        if op is p.SUBPATTERN:
            return set(self.ends(value[-1], last))
        if op is getattr(p, "ATOMIC_GROUP", None):
            return set(self.ends(value, last))
        if op is p.BRANCH:
            return set().union(*(self.ends(branch, last) for branch in value[1]))
        if op in (p.AT, p.ASSERT, p.ASSERT_NOT):
            return set()
        if op in (p.GROUPREF, getattr(p, "GROUPREF_EXISTS", None)):
            return set(_PROBES)
        return set(self.chars(op, value))

    def chars(self, op: Any, value: Any) -> frozenset[str]:
        """The probe characters a one-character node matches (cached: rules share classes)."""
        key = (str(op), str(value), self.ignore_case)
        if key not in _CHARS:
            _CHARS[key] = frozenset(ch for ch in _PROBES if self.matches(op, value, ch))
        return _CHARS[key]

    def nullable(self, op: Any, value: Any) -> bool:
        p = self.p
        if op in (p.MAX_REPEAT, p.MIN_REPEAT, getattr(p, "POSSESSIVE_REPEAT", None)):
            return value[0] == 0 or value[2].getwidth()[0] == 0
        if op is p.SUBPATTERN:
            return value[-1].getwidth()[0] == 0
        if op is getattr(p, "ATOMIC_GROUP", None):
            return value.getwidth()[0] == 0
        if op is p.BRANCH:
            return any(branch.getwidth()[0] == 0 for branch in value[1])
        return op in (p.AT, p.ASSERT, p.ASSERT_NOT, p.GROUPREF, getattr(p, "GROUPREF_EXISTS", None))

    def matches(self, op: Any, value: Any, ch: str) -> bool:
        """Whether the one-character node (op, value) matches ``ch``."""
        candidates = {c for c in (ch, ch.lower(), ch.upper()) if len(c) == 1} if self.ignore_case else {ch}
        return any(self._matches(op, value, c) for c in candidates)

    def _matches(self, op: Any, value: Any, ch: str) -> bool:
        p, c = self.p, self.c
        if op is p.LITERAL:
            return ord(ch) == value
        if op is p.NOT_LITERAL:
            return ord(ch) != value
        if op is p.ANY:
            return ch != "\n"
        if op is p.RANGE:
            return value[0] <= ord(ch) <= value[1]
        if op is p.CATEGORY:
            return self.category(value, ch)
        if op is p.IN:
            negate = bool(value) and value[0][0] is p.NEGATE
            items = value[1:] if negate else value
            hit = any(self._matches(o, v, ch) for o, v in items)
            return hit != negate
        return True  # anything else: assume the worst

    def category(self, value: Any, ch: str) -> bool:
        c = self.c
        word = ch.isalnum() or ch == "_"
        table = {
            c.CATEGORY_DIGIT: ch.isdigit(),
            c.CATEGORY_NOT_DIGIT: not ch.isdigit(),
            c.CATEGORY_SPACE: ch.isspace(),
            c.CATEGORY_NOT_SPACE: not ch.isspace(),
            c.CATEGORY_WORD: word,
            c.CATEGORY_NOT_WORD: not word,
        }
        return table.get(value, True)


# --- keyword prefilter ---------------------------------------------------------------------------
# A pattern that can match anywhere in a line (no ``^``) is tried at every position: slow for
# long lines and case-insensitive alternations. Even one anchored at the start costs a few
# microseconds a line (the deadline's set-up, the call), and a text meets a hundred of them.
# Most rule patterns need one of a few words; looking for those in the lower-cased line first
# is much cheaper and rules out most lines. Sound because: a literal ASCII character of a pattern matches, even case-insensitively,
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
    ``pattern`` contains; None when no such strings can be read off its parse tree."""
    try:
        from re import _parser as parser  # type: ignore[attr-defined]

        items = parser.parse(pattern.pattern, pattern.flags).data
    except Exception:  # another Python: do without the prefilter
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
                consider(set().union(*(b for b in branches if b)))
        elif op in (parser.MAX_REPEAT, parser.MIN_REPEAT) and value[0] >= 1:
            consider(_needed(value[2], parser))
        # Anything else (classes, anchors, lookarounds, optional parts) needs no string we can name.
    consider({run} if run else None)
    return best
