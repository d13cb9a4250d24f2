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
``examples`` / ``counterexamples``: lines that must / must not match; the test suite checks them
                  for the packaged packs, the loader for a user's pack (``RulePack.from_file``,
                  ``newsclean clean --rules FILE``; ``newsclean rules check FILE`` lists failures).

A key the loader does not know (in a pack, its ``[header]`` table or a rule) is refused with its
name: a misspelt ``counterexample`` would otherwise leave a rule unchecked.

A pack may name shared vocabulary in a ``[vocab]`` table (``reporting = "said|says|told"``);
``<<reporting>>`` in a pattern, ``requires`` or ``unless`` stands for ``(?:said|says|told)``.

The loader refuses patterns that match the empty string and the shapes that backtrack
catastrophically: nested unbounded quantifiers, and any repeated part of varying length whose
repetitions can split one stretch of text in more than one way (``(\\w+){2,}``, ``(a|aa)+``,
``(a+){1,99}``): a part whose last character could also be its first, or a part holding two
runs side by side that can take the same characters (``(x\\s*[,|]?\\s*){2,}``: each run of
spaces splits between them in many ways, and the repeat multiplies those). ``newsclean.patterns``
reads the patterns for this check and for the keyword prefilter; its docstring lists the syntax it
reads. A pattern outside that syntax is loaded without either (no shape verdict, no keywords): the
``regex`` timeout every rule search runs under still stops it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import regex

from newsclean.engine.budget import DocumentTimeout, not_charged, remaining
from newsclean.errors import RulePackError
from newsclean.model import Category
from newsclean.patterns import overlapping_repeat, required_keywords
from newsclean.text import word_count

ACTIONS = ("line", "block", "section")
# A section rule's default limit: an author box or a disclaimer, not a story's last part.
SECTION_MAX_WORDS = 150
POSITIONS = ("any", "head", "tail")
COMMON = "_common"
RULES_PACKAGE = "newsclean.rules"
# Packaged rule files that are not language packs: their own modules read them (dom.toml:
# newsclean.dom; metadata.toml: newsclean.metadata). ``RulePack.load`` still opens them, for the digest a run records.
DATA_FILES = ("dom", "metadata")
# The keys a pack, its [header] table and a rule may hold: any other key is a mistake (a typo
# such as ``counterexample`` would otherwise leave a rule unchecked), refused with its name.
PACK_KEYS = frozenset({"rule", "vocab", "header"})
USER_PACK_KEYS = frozenset({"name", "rule", "vocab"})
HEADER_KEYS = frozenset({"date_keywords", "byline_prefixes", "byline_roles", "months"})
RULE_KEYS = frozenset({
    "id", "category", "action", "position", "pattern", "requires", "unless", "max_words", "after_category",
    "section_max_words", "case_sensitive", "examples", "counterexamples",
})
_USER_PACK_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# The header stage's categories (as newsclean.stages.boilerplate.HEADER_CATEGORIES).
_HEADER_CATEGORIES = frozenset({Category.MASTHEAD, Category.DATELINE, Category.BYLINE, Category.HEADLINE})

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
            text = data.decode("utf-8")
            if language in DATA_FILES:  # not a pack: its module reads it; the digest is recorded
                loaded = cls(language=language, rules=(), digest=_digest(text))
            else:
                loaded = cls.from_toml(text, language=language)
            pack = _LOADED.setdefault(language, loaded)
        return pack

    @classmethod
    def from_toml(cls, source: str, *, language: str) -> RulePack:
        """Parse and validate a pack from TOML text."""
        try:
            data = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            raise RulePackError(f"rule pack {language!r} is not valid TOML: {exc}") from None
        return cls._from_data(data, source, language=language, keys=PACK_KEYS)

    @classmethod
    def _from_data(cls, data: dict[str, Any], source: str, *, language: str, keys: frozenset[str]) -> RulePack:
        _known_keys(data, keys, f"rule pack {language!r}")
        _known_keys(data.get("header", {}), HEADER_KEYS, f"the [header] table of rule pack {language!r}")
        vocab = data.get("vocab", {})
        if not isinstance(vocab, dict) or not all(isinstance(v, str) for v in vocab.values()):
            raise RulePackError(f"rule pack {language!r}: [vocab] maps names to regex strings")
        raws = data.get("rule", [])
        if not isinstance(raws, list) or not all(isinstance(raw, dict) for raw in raws):
            raise RulePackError(f"rule pack {language!r}: rules are [[rule]] tables")
        rules = tuple(_compile_rule(raw, language, vocab) for raw in raws)
        ids = [r.id for r in rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise RulePackError(f"rule pack {language!r} repeats rule ids: {', '.join(duplicates)}")
        return cls(language=language, rules=rules, digest=_digest(source), header=data.get("header", {}), vocab=dict(vocab))

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], *, check_examples: bool = True) -> RulePack:
        """A user's rule pack (``newsclean clean --rules FILE``): the rules of the module
        docstring, in ``[[rule]]`` tables, a ``[vocab]`` table, and ``name`` (default: the file's
        stem), which every rule id starts with (``mysite.social.follow``). A key the loader does
        not know is refused, and so, with ``check_examples``, is a rule whose examples do not
        match or whose counterexamples do (``newsclean rules check FILE`` lists them all).
        RulePackError names the file, the rule and the key."""
        where = os.fspath(path)
        try:
            source = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RulePackError(f"{where}: cannot read the rule pack ({exc})") from None
        try:
            data = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            raise RulePackError(f"{where}: not valid TOML: {exc}") from None
        name = data.get("name", Path(path).name.split(".")[0])
        try:
            if not isinstance(name, str) or not _USER_PACK_NAME.fullmatch(name):
                raise RulePackError(f"name {name!r} is not a pack name (lower-case letters, digits, '_' and '-')")
            if name in (COMMON, "common", *available_languages(), *DATA_FILES):
                raise RulePackError(f"name {name!r} is a packaged pack's; give the pack a name of its own (name = \"mysite\")")
            pack = cls._from_data({k: v for k, v in data.items() if k != "name"}, source, language=name, keys=USER_PACK_KEYS - {"name"})
            for rule in pack.rules:
                if rule.category in _HEADER_CATEGORIES and rule.position != "any":
                    raise RulePackError(
                        f"rule {rule.id!r}: a {rule.category.value} rule at the {rule.position} is the header stage's, which reads "
                        "the packaged packs only; give it position = \"any\" or another category"
                    )
        except RulePackError as exc:
            raise RulePackError(f"{where}: {exc}") from None
        if check_examples:
            failures = pack.failing_examples()
            if failures:
                shown = "; ".join(failures[:3]) + ("; ..." if len(failures) > 3 else "")
                raise RulePackError(f"{where}: {len(failures)} example(s) fail: {shown} (newsclean rules check {where} lists them)")
        return pack

    def failing_examples(self) -> list[str]:
        """One line per example of a rule that it does not match and per counterexample it
        matches; empty when every rule agrees with its examples."""
        failures = []
        for rule in self.rules:
            failures += [f"rule {rule.id!r}: example {e!r} does not match" for e in rule.examples if rule.match(e) is None]
            failures += [f"rule {rule.id!r}: counterexample {c!r} matches" for c in rule.counterexamples if rule.match(c) is not None]
        return failures


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
    _known_keys(raw, RULE_KEYS, where)
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


def _known_keys(table: Any, known: frozenset[str], where: str) -> None:
    if not isinstance(table, dict):
        raise RulePackError(f"{where}: expected a table, not {type(table).__name__}")
    unknown = sorted(set(table) - known)
    if unknown:
        raise RulePackError(f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(sorted(known))}")


def _digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


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


def _overlapping_repeat(pattern: re.Pattern[str]) -> str | None:
    """What the first repeated part of ``pattern`` whose repetitions can overlap is like, or None
    (see :func:`newsclean.patterns.overlapping_repeat`; a pattern outside the syntax it reads
    gets no verdict, and the search timeout still guards it)."""
    return overlapping_repeat(pattern.pattern, pattern.flags)


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


def lowered_for_keywords(line: str) -> str | None:
    """``line`` lower-cased for the keyword test, or None when the keyword test is not sound
    for it."""
    return None if _ODD_CASE.search(line) else line.lower()


def keywords_of(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case ASCII strings, at least ``MIN_KEYWORD`` long, one of which every match of
    ``pattern`` contains; None when the pattern is anchored at the start (fast already) or no
    such strings can be read off it (:func:`newsclean.patterns.required_keywords`)."""
    return required_keywords(pattern.pattern, pattern.flags)
