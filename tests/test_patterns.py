"""newsclean.patterns: our reader of rule-pack pattern syntax, for the loader's backtracking check
and the keyword prefilter. No private module of ``re`` is read anywhere in the package."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsclean
from newsclean.errors import RulePackError
from newsclean.patterns import At, Branch, Chars, Group, Repeat, overlapping_repeat, parse, required_keywords
from newsclean.rulepack import COMMON, RulePack, available_languages

# An import or attribute use of Python's private regex modules (``re._parser``, ``sre_parse``...).
_PRIVATE_RE = re.compile(r"\bre\s*\.\s*_\w+|\bfrom\s+re\s+import\s+_|\bsre_(?:parse|compile|constants)\b")


def test_the_private_module_check_catches_the_old_imports():
    for line in ("from re import _parser as parser", "from re import _constants", "import sre_parse",
                 "tree = re._parser.parse(source)", "import sre_constants"):
        assert _PRIVATE_RE.search(line), line
    assert not _PRIVATE_RE.search("parser = build_parser(); commands.add_parser('x'); import regex")


def test_no_module_of_the_package_reads_a_private_regex_module():
    root = Path(newsclean.__file__).parent
    sources = sorted(root.rglob("*.py"))
    assert len(sources) > 20
    offending = [f"{path.relative_to(root)}: {m.group()}" for path in sources
                 for m in _PRIVATE_RE.finditer(path.read_text(encoding="utf-8"))]
    assert not offending


def _pack_patterns():
    for language in (COMMON, *available_languages()):
        for rule in RulePack.load(language).rules:
            for pattern in (rule.pattern, rule.requires, rule.unless):
                if pattern is not None:
                    yield rule.id, pattern


def test_every_packaged_pattern_is_in_the_syntax_the_reader_knows():
    """Else its rule would load without the shape check and without keywords."""
    unread = [rule_id for rule_id, pattern in _pack_patterns() if parse(pattern.pattern, pattern.flags) is None]
    assert not unread


# --- the tree is shaped as re shapes it ------------------------------------------------------------


def _keys(items):
    return [item.key if isinstance(item, Chars) else type(item).__name__ for item in items]


def test_shared_leading_items_move_out_of_an_alternation():
    items = parse("a|aa")
    assert _keys(items) == [("lit", ord("a")), "Branch"]
    assert isinstance(items[1], Branch) and [len(b) for b in items[1].branches] == [0, 1]


def test_a_non_capturing_group_is_spliced_unless_repeated_or_flagged():
    assert _keys(parse("x(?:ab)y")) == [("lit", c) for c in map(ord, "xaby")]
    assert _keys(parse("x(ab)y"))[1] == "Group"
    assert _keys(parse("x(?i:ab)y"))[1] == "Group"
    [repeat] = parse("(?:ab)*")
    assert isinstance(repeat, Repeat) and _keys(repeat.body) == [("lit", 97), ("lit", 98)]
    assert (repeat.low, repeat.high) == (0, None)


def test_single_characters_in_alternation_become_one_class():
    [chars] = parse("[a]|b|[cd]")
    assert chars.key == ("in", False, (("lit", 97), ("lit", 98), ("lit", 99), ("lit", 100)))
    assert isinstance(parse("a|[^b]")[0], Branch)


@pytest.mark.parametrize(("source", "low", "high", "mode"), [
    ("x?", 0, 1, "greedy"), ("x*?", 0, None, "lazy"), ("x++", 1, None, "possessive"), ("x{3}", 3, 3, "greedy"),
    ("x{2,}", 2, None, "greedy"), ("x{,4}", 0, 4, "greedy"), ("x{1,9}?", 1, 9, "lazy"),
])
def test_quantifiers(source, low, high, mode):
    [repeat] = parse(source)
    assert (repeat.low, repeat.high, repeat.mode) == (low, high, mode)


def test_a_brace_that_starts_no_quantifier_is_a_literal():
    assert _keys(parse("a{b}")) == [("lit", c) for c in map(ord, "a{b}")]
    assert _keys(parse("x{}")) == [("lit", c) for c in map(ord, "x{}")]


def test_classes_and_escapes():
    [chars] = parse(r"[^\d\-a-c]")
    assert chars.key == ("in", True, (("cat", "d"), ("lit", ord("-")), ("range", 97, 99)))
    assert "5" not in chars.probes and "x" in chars.probes
    assert _keys(parse(r"\x41\u00e9\.\n")) == [("lit", 0x41), ("lit", 0xE9), ("lit", ord(".")), ("lit", 10)]
    assert parse(r"[\b]")[0].key == ("lit", 8)
    assert [item.kind for item in parse(r"^\b\B\A\Z$")] == ["^", "\\b", "\\B", "\\A", "\\Z", "$"]
    assert isinstance(parse(r"(?P<x>ab)(?P=x)")[0], Group)


def test_scoped_flags_decide_the_cases_a_part_matches():
    sensitive, scoped = parse(r"a(?i:a)")
    assert sensitive.probes == {"a"} and scoped.body[0].probes == {"a", "A"}
    assert parse(r"(?-i:a)", re.IGNORECASE)[0].body[0].probes == {"a"}
    assert parse(r"(?i)a")[0].probes == {"a", "A"}


@pytest.mark.parametrize("source", [r"(?x) a b # spaced", r"(a)?(?(1)b|c)", r"\N{EM DASH}", r"a\0", r"x\101"])
def test_syntax_outside_the_subset_gets_no_verdict_and_no_keywords(source):
    re.compile(source)
    assert parse(source) is None
    assert overlapping_repeat(source) is None and required_keywords(source) is None


def test_a_rule_outside_the_subset_still_loads_and_matches_unfiltered():
    pack = RulePack.from_toml(
        '[[rule]]\nid = "xx.tags.t"\ncategory = "tags"\naction = "line"\nposition = "any"\n'
        "pattern = '(?x) sub scribe \\s+ now'\n", language="xx")
    [rule] = pack.rules
    assert rule.keywords is None
    assert rule.match("Please subscribe now") and not rule.match("subscribed later")


# --- the two checks --------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [r"(a|aa)+$", r"(\w+){2,}$", r"((a+))+$", r"(?:x\s*\s*){2,}$", r"(?i:(?:[ab]|A)+)+c"])
def test_overlapping_repeats_are_named(source):
    assert overlapping_repeat(source)


@pytest.mark.parametrize("source", [r"(?:ab|ac)+$", r"\d+(?:,\d{3})*$", r"(?:\w{1,20}\s){1,9}x", r"a*+b", r"(?:a+b)+$"])
def test_repeats_that_split_one_way_are_not_named(source):
    assert overlapping_repeat(source) is None


def test_the_loader_refuses_an_overlap_hidden_in_a_scoped_ignore_case_part():
    """``A\\w*a`` starts and ends with the same letters only when case is ignored: on "xaaa...a!"
    its repeat tries exponentially many splits. Judged with the pattern's flags alone (as the
    loader did when it read Python's parser tree), it passed."""
    with pytest.raises(RulePackError, match="split the same text"):
        RulePack.from_toml(
            '[[rule]]\nid = "xx.tags.t"\ncategory = "tags"\naction = "line"\nposition = "any"\n'
            "case_sensitive = true\npattern = 'x(?i:A\\w*a){2,}$'\n", language="xx")


@pytest.mark.parametrize(("source", "keywords"), [
    (r"x(?:donate|donation)s", ("xdonat",)),
    (r"(?:ab)c(?:subscribe|newsletter)", ("newsletter", "subscribe")),
    (r"(?:^a|^b)cdef", ("cdef",)),  # anchored at the start: keywords too
    (r"(?>patreon)", None),
    (r"(?=donate)\w+", None),
    (r"(?:news)++paper", ("paper",)),
])
def test_required_keywords(source, keywords):
    assert required_keywords(source, re.IGNORECASE) == keywords


# Patterns built from pieces rule packs use, and lines built from the same words: every line a
# pattern matches holds one of the pattern's keywords (the prefilter never skips a rule that fires).
_ATOMS = ["news", "letter", "sub", "scribe", "ab", "a", " ", r"\s", r"\w", r"\d", ".", "[ab]", "[^a]", r"\b", "é"]


def _pattern(depth: int = 0) -> st.SearchStrategy[str]:
    atom = st.sampled_from(_ATOMS)
    if depth < 2:
        group = st.tuples(st.sampled_from(["(", "(?:", "(?i:", "(?-i:", "(?P<g>"]), st.lists(_pattern(depth + 1), min_size=1, max_size=3))
        atom = st.one_of(atom, group.map(lambda g: g[0].replace("<g>", "<g%d>" % depth) + "|".join(g[1]) + ")"))
    quantified = st.tuples(atom, st.sampled_from(["", "", "?", "*", "+", "{2}", "{1,3}", "*?"])).map("".join)
    return st.lists(quantified, min_size=1, max_size=4).map("".join)


@settings(max_examples=400, deadline=None)
@given(_pattern(), st.lists(st.sampled_from(["news", "NEWS", "letter", "Sub", "scribe", "ab", "AB", "a", "b", " ", "1", "é", "x"]),
                            max_size=12).map("".join), st.booleans())
def test_every_match_holds_a_keyword(source, line, ignore_case):
    try:
        compiled = re.compile(source, re.IGNORECASE if ignore_case else 0)
    except re.error:
        return
    keywords = required_keywords(source, compiled.flags)
    if keywords and compiled.search(line):
        assert any(k in line.lower() for k in keywords), (source, line, keywords)
