"""Rule packs: every rule's examples match and counterexamples do not; the loader refuses bad rules."""

from __future__ import annotations

import re
import threading

import pytest

from newsclean.errors import RulePackError
from newsclean.budget import DocumentTimeout, time_limit
from newsclean.rulepack import COMMON, Rule, RulePack, available_languages, timed_pattern

PACKS = [RulePack.load(name) for name in (COMMON, *available_languages())]
RULES = [rule for pack in PACKS for rule in pack.rules]


def test_english_pack_is_available():
    assert "en" in available_languages()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_examples_and_counterexamples(rule):
    assert rule.examples, f"{rule.id} has no examples"
    assert rule.counterexamples, f"{rule.id} has no counterexamples"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_matches_its_examples(rule):
    missed = [e for e in rule.examples if rule.match(e) is None]
    assert not missed, f"{rule.id} does not match {missed}"


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_does_not_match_its_counterexamples(rule):
    wrong = [c for c in rule.counterexamples if rule.match(c) is not None]
    assert not wrong, f"{rule.id} matches {wrong}"


def test_rule_ids_are_unique_across_packs():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))


def _pack(body: str) -> str:
    return "[[rule]]\n" + body


GOOD = 'id = "xx.tags.t"\ncategory = "tags"\naction = "line"\nposition = "any"\n'


def test_loader_accepts_a_minimal_rule():
    pack = RulePack.from_toml(_pack(GOOD + "pattern = '^tags:'\n"), language="xx")
    assert pack.rules[0].match("Tags: a, b")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (GOOD + "pattern = 'x*'\n", "empty string"),
        (GOOD + "pattern = '(a+)+b'\n", "nests unbounded quantifiers"),
        (GOOD + "pattern = '(unclosed'\n", "does not compile"),
        (GOOD.replace('"tags"', '"gossip"') + "pattern = 'x'\n", "unknown category"),
        (GOOD.replace('"line"', '"paragraph"') + "pattern = 'x'\n", "action must be"),
        (GOOD.replace('"any"', '"middle"') + "pattern = 'x'\n", "position must be"),
        (GOOD.replace("xx.tags.t", "en.tags.t") + "pattern = 'x'\n", "start with 'xx.'"),
        (GOOD, "missing pattern"),
    ],
)
def test_loader_refuses_bad_rules(body, message):
    with pytest.raises(RulePackError, match=message):
        RulePack.from_toml(_pack(body), language="xx")


def test_loader_refuses_repeated_ids():
    rule = _pack(GOOD + "pattern = 'x'\n")
    with pytest.raises(RulePackError, match="repeats rule ids"):
        RulePack.from_toml(rule + "\n" + rule, language="xx")


def test_unknown_language_names_the_available_ones():
    with pytest.raises(RulePackError, match="available: .*en"):
        RulePack.load("tlh")


def test_digest_changes_with_content():
    a = RulePack.from_toml(_pack(GOOD + "pattern = 'x'\n"), language="xx")
    b = RulePack.from_toml(_pack(GOOD + "pattern = 'y'\n"), language="xx")
    assert a.digest != b.digest


def test_a_pack_is_loaded_once_per_process():
    assert RulePack.load("en") is RulePack.load("en")
    assert RulePack.load(COMMON) is RulePack.load(COMMON)


def test_dom_rules_are_a_data_file_not_a_language():
    from newsclean.rulepack import DATA_FILES

    assert "dom" in DATA_FILES and "dom" not in available_languages()
    assert not any(name.startswith("_") for name in available_languages())
    assert RulePack.load("dom").digest  # still loadable, for the digest a run records
    with pytest.raises(RulePackError) as refused:
        RulePack.load("tlh")
    assert "dom" not in str(refused.value)


def test_a_run_records_the_digest_of_every_packaged_rule_file(tmp_path):
    import json

    from newsclean.cli import main
    from newsclean.rulepack import DATA_FILES

    source = tmp_path / "in.txt"
    source.write_text("The harbour board approved the repair budget on Tuesday after a long debate.", encoding="utf-8")
    assert main(["clean", str(source), "-o", str(tmp_path / "out.jsonl"), "--quiet", "--jobs", "1"]) in (0, 1)
    recorded = json.loads((tmp_path / "out.stats.json").read_text())["rule_packs"]
    assert set(recorded) == {COMMON, *available_languages(), *DATA_FILES}


# Every line any rule was written for, plus odd cases of case folding and Unicode classes.
PROBES = sorted({line for rule in RULES for line in (*rule.examples, *rule.counterexamples)}) + [
    "İstanbul ı ſ K STRASSE straße", "١٢٣ ４５６ ½", "Ǆemal ǅ ǆ", "ΣΊΣΥΦΟΣ σίσυφος", "tab\there\u00a0nbsp\u2028sep",
]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_regex_matches_every_probe_as_re_does(rule):
    """Rules search with the ``regex`` package (for its timeout); its version 0 must find what
    ``re`` finds, span and groups, on every line written for any rule."""
    for source in (rule.pattern, rule.requires, rule.unless):
        if source is None:
            continue
        timed = timed_pattern(source.pattern, source.flags)
        for line in PROBES:
            ours, theirs = source.search(line), timed.search(line)
            assert (ours is None) == (theirs is None), (rule.id, source.pattern, line)
            if ours is not None:
                assert (ours.span(), ours.groupdict()) == (theirs.span(), theirs.groupdict()), (rule.id, line)


def test_a_rule_search_stops_at_the_documents_deadline_off_the_main_thread():
    """Off the main thread no alarm can stop a search: the regex's own timeout must (a rule
    built in code, past the loader's shape checks)."""
    rule = Rule(id="xx.social.slow", category="social", action="line", position="any", pattern=re.compile("(?:x|xx)+y"))
    outcome: list[str] = []

    def search() -> None:
        try:
            with time_limit(0.2):
                rule.match("x" * 40)
            outcome.append("finished")
        except DocumentTimeout:
            outcome.append("timeout")

    worker = threading.Thread(target=search, daemon=True)
    worker.start()
    worker.join(60)  # only a guard against a hang; the search stops in well under a second
    assert outcome == ["timeout"]
