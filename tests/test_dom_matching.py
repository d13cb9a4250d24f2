"""The DOM pass's fast matching (token index, XPath candidates) against a plain reference: every
element of the page is asked, every rule tested in file order. Same elements, same rules, same
evidence, on the fixture pages and on generated pages that mix rule names, near misses, lists,
card blocks and related headings."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from newsclean import dom
from newsclean.dom import (
    _POST_ENTRY,
    _TAXONOMY_CLASS,
    _matcher,
    find_junk,
    load_related_heading_rule,
    load_rules,
    load_link_index_rule,
    load_teaser_list_rule,
    name_parts,
    named_elements,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROTECTED = {"html", "body", "main", "article"}


def reference_rule(element, rules):
    """The first rule (file order) naming ``element`` by tag, class or id, tested rule by rule."""
    best = next((i for i, rule in enumerate(rules) if element.tag in rule.tags), None)
    evidence = f"<{element.tag}>"
    classes = (element.get("class") or "").split()
    if _POST_ENTRY.intersection(classes):
        classes = [c for c in classes if not _TAXONOMY_CLASS.match(c)]
    for attr, values in (("class", classes), ("id", (element.get("id") or "").split())):
        for value in values:
            index = next((i for i, rule in enumerate(rules) if rule.matches_name(value)), None)
            if index is not None and (best is None or index < best):
                best, evidence = index, f'{attr}="{value}"'
    return (rules[best], evidence) if best is not None else None


# The headings the related-heading rule reads, found the plain way.
_PLAIN_HEADINGS = etree.XPath(
    "//h2 | //h3 | //h4 | //h5 | //h6 | //*[contains(@class, 'title') or contains(@class, 'head')]"
    "[not(*[not(self::a or self::span or self::b or self::strong)])]"
)


def reference_named(tree, rules=None):
    """``named_elements`` the plain way: every element in document order, every test applied."""
    packaged = rules is None
    rules = tuple(load_rules() if rules is None else rules)
    teasers = load_teaser_list_rule() if packaged else None
    heading_rule = load_related_heading_rule() if packaged else None
    index = load_link_index_rule() if packaged else None
    fast_headings, dom._HEADINGS = dom._HEADINGS, _PLAIN_HEADINGS
    try:
        headed = heading_rule.blocks(tree) if heading_rule is not None else {}
    finally:
        dom._HEADINGS = fast_headings
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in PROTECTED:
            continue
        match = reference_rule(element, rules)
        if match is None and teasers is not None and (evidence := teasers.evidence(element)):
            match = (teasers, evidence)
        if match is None and element in headed:
            match = (heading_rule, headed[element])
        if match is None and index is not None and (evidence := index.evidence(element)):
            match = (index, evidence)
        if match is not None:
            found.append((element, match[0].id, match[1]))
    return found


def fast_named(tree, rules=None):
    return [(element, rule.id, evidence) for element, rule, evidence in named_elements(tree, rules)]


def _assert_same(tree, rules=None):
    expected = reference_named(tree, rules)
    got = fast_named(tree, rules)
    assert [(tree.getroottree().getpath(e), r, ev) for e, r, ev in got] == [
        (tree.getroottree().getpath(e), r, ev) for e, r, ev in expected
    ]
    assert all(a is b for (a, _, _), (b, _, _) in zip(got, expected))


def _fixture_pages():
    return sorted(FIXTURES.glob("*/input.html"))


def test_there_are_fixture_pages():
    assert _fixture_pages()


@pytest.mark.parametrize("path", _fixture_pages(), ids=lambda p: p.parent.name)
def test_fast_matching_equals_reference_on_fixture_pages(path):
    _assert_same(lxml_html.fromstring(path.read_text(encoding="utf-8")))


# --- generated pages ------------------------------------------------------------------------


def _names(rng: random.Random) -> list[str]:
    """Class and id names: rule tokens and pairs in many spellings, near misses, taxonomy
    classes and post-entry markers, plain layout names."""
    words = ["content", "main", "story", "wrapper", "col", "box", "inner", "item", "card", "x1"]
    for rule in load_rules():
        words += list(rule.tokens)
        for pair in rule.pairs:
            words += list(pair)
    names = list(words)
    for _ in range(300):
        parts = rng.sample(words, rng.randint(1, 3))
        style = rng.randrange(5)
        if style == 0:
            names.append("-".join(parts))
        elif style == 1:
            names.append("_".join(parts))
        elif style == 2:
            names.append(parts[0] + "".join(p.capitalize() for p in parts[1:]))
        elif style == 3:
            names.append("".join(parts))  # parts run together: a whole-name token or a miss
        else:
            names.append(parts[0] + "s" + "-".join(parts[1:]))  # near miss: "shares", "tagsx"
    rules = load_rules()
    for i, rule in enumerate(rules):  # a pair beside a token of a rule before or after it
        for pair in rule.pairs:
            for other in rules[:i] + rules[i + 1:]:
                token = rng.choice(sorted(other.tokens)) if other.tokens else "x"
                names.append("-".join([*sorted(pair), token]))
    names += ["hentry", "post", "category-social", "tag-advertising", "entry-category-share", "SHARE-Bar"]
    return names


_STORY = "The harbour board met on Monday and approved the new breakwater after a decade of storms."
_HEADINGS = ["Related stories", "More from Harbour Times", "Read also", "Weather", "Most read", "Lesen Sie auch:"]


def _element(rng: random.Random, names: list[str], depth: int) -> str:
    attrs = ""
    if rng.random() < 0.6:
        attrs += f' class="{" ".join(rng.sample(names, rng.randint(1, 3)))}"'
    if rng.random() < 0.25:
        attrs += f' id="{rng.choice(names)}"'
    kind = rng.randrange(8) if depth < 4 else 3
    if kind == 0 and rng.random() < 0.3:  # an index: short links in alphabetical order (or nearly)
        words = sorted(rng.sample(["Arts", "Books", "Business", "Climate", "Food", "Health", "Money", "Opinion", "Science", "Sport", "Travel", "World"], rng.randint(6, 12)))
        if rng.random() < 0.2:
            words.reverse()
        items = "".join(f'<li><a href="/{w.lower()}">{w}</a>{" (3)" if rng.random() < 0.05 else ""}</li>' for w in words)
        tag = rng.choice(["ul", "ol"])
        return f"<{tag}{attrs}>{items}</{tag}>"
    if kind == 0:  # a list of links, headline-like or short
        items = "".join(
            f'<li><a href="/s{i}">{rng.choice(["Ferry fares to rise in the spring", "Home", "Storm closes the old pier road"])}</a>'
            f"{rng.choice(['', ' and more', '<span>2 min</span>'])}</li>"
            for i in range(rng.randint(1, 6))
        )
        return f"<ul{attrs}>{items}</ul>"
    if kind == 1:  # a block of cards
        card_class = rng.choice(["card", "teaser", "item", ""])
        cards = "".join(
            f'<div class="{card_class}"><a href="/c{i}">{rng.choice(["Council approves the harbour budget", "more", "Ten things to know about the tide"])}</a>'
            f"{rng.choice(['', '<p>A short summary of the story.</p>', '<p>' + _STORY + ' ' + _STORY + '</p>'])}</div>"
            for i in range(rng.randint(2, 5))
        )
        return f"<div{attrs}>{cards}</div>"
    if kind == 2:  # a heading with links under it
        links = "".join(f'<a href="/r{i}">Story number {i} about the coast</a> ' for i in range(rng.randint(1, 4)))
        tag = rng.choice(["h2", "h3", "div"])
        heading_class = ' class="section-title"' if tag == "div" else ""
        text = rng.choice(_HEADINGS)
        text = rng.choice([text, f"<strong>{text}</strong>", f"<em>{text}</em>", f"<span>{text}</span>"])
        return f"<{tag}{heading_class}>{text}</{tag}><div{attrs}>{links}</div>"
    if kind == 3:
        return f"<p{attrs}>{_STORY}</p>"
    if kind == 4:
        return f"<figure{attrs}><img src='a.jpg'><figcaption>The pier in January.</figcaption></figure>"
    children = "".join(_element(rng, names, depth + 1) for _ in range(rng.randint(1, 4)))
    tag = rng.choice(["div", "section", "aside", "span", "nav", "footer"])
    return f"<{tag}{attrs}>{children}</{tag}>"


@pytest.mark.parametrize("seed", range(40))
def test_fast_matching_equals_reference_on_generated_pages(seed):
    rng = random.Random(seed)
    names = _names(rng)
    body = "".join(_element(rng, names, 0) for _ in range(rng.randint(3, 8)))
    tree = lxml_html.fromstring(f"<html><head><title>t</title></head><body><h1>Harbour</h1>{body}</body></html>")
    _assert_same(tree)
    assert fast_named(tree)  # the generator does make pages the rules name


def test_fast_matching_equals_reference_with_rules_given():
    rng = random.Random(7)
    names = _names(rng)
    body = "".join(_element(rng, names, 0) for _ in range(12))
    tree = lxml_html.fromstring(f"<html><body>{body}</body></html>")
    rules = load_rules()[::-1]  # another order: the first rule in *this* order wins
    _assert_same(tree, rules)


def test_fast_matching_on_a_fragment_stays_inside_it():
    tree = lxml_html.fromstring(
        "<html><body><div class='share-bar'>x</div><div id='inner'><h2>Related stories</h2>"
        "<ul class='post-tags'><li><a href='/a'>One story about the harbour</a></li><li><a href='/b'>Two</a></li></ul>"
        "</div></body></html>"
    )
    inner = tree.get_element_by_id("inner")
    _assert_same(inner)
    assert all(e.get("class") != "share-bar" for e, _, _ in fast_named(inner))


def test_token_index_picks_the_rule_a_plain_scan_picks():
    rules = load_rules()
    matcher = _matcher(rules)
    for name in _names(random.Random(3)):
        parts = name_parts(name)
        plain = next((i for i, rule in enumerate(rules) if rule.matches_parts(parts)), None)
        assert matcher._first_rule(parts) == plain, name


def test_find_junk_prunes_what_the_reference_names_on_a_generated_page():
    rng = random.Random(11)
    body = "".join(_element(rng, _names(rng), 0) for _ in range(10))
    tree = lxml_html.fromstring(f"<html><body><h1>Harbour</h1>{body}<p>{_STORY * 8}</p></body></html>")
    path = tree.getroottree().getpath
    named = {path(e) for e, _, _ in reference_named(tree)}
    pruned = find_junk(tree)
    assert pruned and all(path(p.element) in named for p in pruned)
