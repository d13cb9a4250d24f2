"""A user's rule pack: ``--rules PACK.toml``, ``newsclean rules check``, and the loader refusing
unknown keys and failing examples."""

from __future__ import annotations

import json

import pytest

from newsclean import RulePack, RulePackError
from newsclean.cli import main

PACK = """\
name = "harbour"

[vocab]
outlets = "mastodon|bluesky"

[[rule]]
id = "harbour.social.follow"
category = "social"
action = "line"
position = "any"
pattern = '''^follow the harbour courier on (<<outlets>>)$'''
examples = ["Follow the Harbour Courier on Mastodon"]
counterexamples = ["Follow the harbour courier's reporting, the mayor said."]
"""

STORY = (
    "The harbour board voted on Tuesday to rebuild the north breakwater before the winter storms, "
    "after engineers found cracks along two hundred metres of the old stone wall."
)
JUNK = "Follow the Harbour Courier on Mastodon"


@pytest.fixture
def pack(tmp_path):
    path = tmp_path / "harbour.toml"
    path.write_text(PACK, encoding="utf-8")
    return path


def write(tmp_path, text, name="mine.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_user_pack_loads_and_its_rules_match(pack):
    loaded = RulePack.from_file(pack)
    assert [r.id for r in loaded.rules] == ["harbour.social.follow"]
    assert loaded.failing_examples() == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (PACK.replace("counterexamples =", "counterexample ="), "counterexample"),
        (PACK + '\nlanguage = "en"\n', "language"),
        (PACK.replace("[vocab]", "[header]\nbyline_prefixes = ['by']\n\n[vocab]"), "header"),
    ],
)
def test_an_unknown_key_is_refused_naming_the_key_and_the_file(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(RulePackError) as error:
        RulePack.from_file(path)
    assert repr(key) in str(error.value) and str(path) in str(error.value)


def test_the_packaged_loader_refuses_unknown_keys_too():
    source = '[[rule]]\nid = "en.x.y"\ncategory = "social"\naction = "line"\nposition = "any"\npattern = "^x$"\nexample = ["x"]\n'
    with pytest.raises(RulePackError, match="unknown key 'example'"):
        RulePack.from_toml(source, language="en")


def test_a_failing_example_fails_the_load(tmp_path):
    path = write(tmp_path, PACK.replace('examples = ["Follow', 'examples = ["Follow us", "Follow'))
    with pytest.raises(RulePackError, match="example 'Follow us' does not match"):
        RulePack.from_file(path)
    assert RulePack.from_file(path, check_examples=False).failing_examples()


def test_a_matching_counterexample_fails_the_load(tmp_path):
    path = write(tmp_path, PACK.replace("counterexamples = [", 'counterexamples = ["Follow the Harbour Courier on Bluesky", '))
    with pytest.raises(RulePackError, match="counterexample 'Follow the Harbour Courier on Bluesky' matches"):
        RulePack.from_file(path)


@pytest.mark.parametrize("name", ["en", "_common", "dom", "Bad Name"])
def test_a_pack_may_not_take_a_packaged_name_or_a_bad_one(tmp_path, name):
    path = write(tmp_path, PACK.replace('name = "harbour"', f'name = "{name}"').replace("harbour.social", f"{name}.social"))
    with pytest.raises(RulePackError, match="name"):
        RulePack.from_file(path)


def test_a_head_rule_of_a_header_category_is_refused(tmp_path):
    path = write(tmp_path, PACK.replace('category = "social"', 'category = "byline"').replace('position = "any"', 'position = "head"'))
    with pytest.raises(RulePackError, match="header stage"):
        RulePack.from_file(path)


def test_rules_check_passes_a_good_pack(pack, capsys):
    assert main(["rules", "check", str(pack)]) == 0
    assert "2 examples pass" in capsys.readouterr().out


def test_rules_check_lists_every_failure_and_exits_1(tmp_path, capsys):
    path = write(tmp_path, PACK.replace('examples = ["Follow', 'examples = ["Follow us", "Follow me", "Follow'))
    assert main(["rules", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "'Follow us' does not match" in err and "'Follow me' does not match" in err


def test_rules_check_on_an_unknown_key_exits_2_with_the_key(tmp_path, capsys):
    path = write(tmp_path, PACK.replace("counterexamples =", "counterexample ="))
    assert main(["rules", "check", str(path)]) == 2
    assert "unknown key 'counterexample'" in capsys.readouterr().err


def test_clean_with_rules_removes_what_the_pack_names(tmp_path, pack):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": f"{STORY}\n\n{JUNK}"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out), "--quiet", "--jobs", "1", "--rules", str(pack)]) == 0
    record = json.loads(out.read_text(encoding="utf-8"))
    assert JUNK not in record["text"] and STORY in record["text"]
    assert any(r["rule"] == "harbour.social.follow" for r in record["removed"])
    stats = json.loads((tmp_path / "out.stats.json").read_text(encoding="utf-8"))
    assert str(pack) in stats["rule_packs"]


def test_clean_refuses_a_failing_pack_before_any_work(tmp_path, capsys):
    path = write(tmp_path, PACK.replace('examples = ["Follow', 'examples = ["Follow us", "Follow'))
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": STORY}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out), "--quiet", "--jobs", "1", "--rules", str(path)]) == 2
    assert "does not match" in capsys.readouterr().err
    assert not out.exists()


def test_without_rules_the_line_stays(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": f"{STORY}\n\n{JUNK}"}) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out), "--quiet", "--jobs", "1"]) == 0
    assert JUNK in json.loads(out.read_text(encoding="utf-8"))["text"]
