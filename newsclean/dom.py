"""Structural junk in HTML: elements pruned by their tag, class and id before extraction.

The rules are data (``newsclean/rules/dom.toml``); this module finds the elements they name and
guards the article: an element is never pruned when it is the page's body, main or article
element, when it holds one of those or the page's ``<h1>``, or when it holds a large share of
the page's paragraph text or of all its visible text.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources

import attrs
from lxml import etree
from lxml.html import HtmlElement

from newsclean.errors import RulePackError
from newsclean.model import Category, Removal
from newsclean.text import comparison_key, sentences

RULES_FILE = "dom.toml"
STAGE = "extract"
# An element holding more than this share of the page's <p> text is article, whatever its name.
MAX_TEXT_SHARE = 0.3
# Pages that set their story in <div>s and <br>s have little <p> text: there, an element
# holding more than this share of all the page's visible text is article, whatever its name.
MAX_VISIBLE_SHARE = 0.5
_PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})
_PROTECTED_DESCENDANTS = etree.XPath("boolean(.//article | .//main | .//h1)")
_HAS_LINK = etree.XPath("boolean(.//a[@href])")
_NAME_PARTS = re.compile(r"[-_\s]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"\w+")
_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script) and not(ancestor::style)]", smart_strings=False)
_ALL_TEXT = etree.XPath(".//text()", smart_strings=False)
_SCRIPT_TEXT = etree.XPath(".//script//text() | .//style//text()", smart_strings=False)
_IN_SCRIPT = etree.XPath("boolean(ancestor-or-self::script | ancestor-or-self::style)")
_NEAR_SCRIPT = etree.XPath("boolean(ancestor-or-self::script | ancestor-or-self::style | .//script | .//style)")


@attrs.frozen(kw_only=True)
class PruneRule:
    """Which elements one rule prunes: by tag, by a whole part of a class/id name, or by two
    parts found together in one name."""

    id: str
    category: Category = attrs.field(converter=Category)
    tags: frozenset[str] = frozenset()
    tokens: frozenset[str] = frozenset()
    pairs: tuple[frozenset[str], ...] = ()
    # An element holding more paragraphs of running text than this is article, whatever its
    # name says (None: no such limit). A caption or an ad slot holds a line or two, not a story.
    max_paragraphs: int | None = None
    # When STORY_MIN_PICKS or more elements this rule picks on a page hold more than this share
    # of its paragraph text together, they are the story and all stay (None: no such limit).
    # A photo story is its captions.
    max_page_share: float | None = None
    # An element without a link holding more sentences than this is text, not a link list or a
    # control (None: no such limit): a "read more" expander holds the text it reveals.
    max_unlinked_sentences: int | None = None

    def matches_name(self, name: str) -> str | None:
        """The token or pair that makes a class or id ``name`` one this rule prunes, or None."""
        return self.matches_parts(name_parts(name))

    def matches_parts(self, parts: list[str]) -> str | None:
        present = set(parts)
        hits = self.tokens & (present | {"".join(parts)})
        if hits:
            return min(hits)
        for pair in self.pairs:
            if pair <= present:
                return "+".join(sorted(pair))
        return None


def name_parts(name: str) -> list[str]:
    """Lower-case parts of a class or id name: split at spaces, ``-``, ``_`` and camelCase."""
    return [p for p in _NAME_PARTS.split(_CAMEL.sub("-", name).lower()) if p]


@cache
def _rules_file() -> dict:
    return tomllib.loads(resources.files("newsclean.rules").joinpath(RULES_FILE).read_text(encoding="utf-8"))


@cache
def load_rules() -> tuple[PruneRule, ...]:
    """The packaged prune rules (loaded once)."""
    return tuple(parse_rule(item) for item in _rules_file().get("prune", []))


@attrs.frozen(kw_only=True)
class TeaserListRule:
    """Lists of links to other stories, found by shape (see ``[teaser_list]`` in dom.toml): a
    list whose items start with a headline link, or a block of repeated sibling cards (same tag
    and class) each holding a headline link and at most a short summary."""

    id: str
    category: Category = attrs.field(converter=Category)
    min_items: int = 3
    min_link_words: int = 4
    min_linked_share: float = 0.8
    # Cards: the most words one may hold (a headline and a summary of a sentence or two), the
    # most words before its headline link (a section label, a time), the share of the block's
    # text the cards must hold, and the most words of the headline link (longer is a sentence).
    max_card_words: int = 70
    max_words_before_link: int = 6
    min_cards_share: float = 0.8
    max_link_words: int = 25
    # A list right after a paragraph of running text whose items carry words beyond their link
    # (" by Jane Doe", " - 15.7%", " - a comment on it") is the story's own: a round-up of links,
    # the papers of an issue. Related lists there are bare links.
    min_annotated_share: float = 0.5

    def evidence(self, element: HtmlElement) -> str | None:
        """Why ``element`` is a teaser list (``<dl> of 5 headline links``), or None."""
        if element.tag == "dl":
            items = [c for c in element if c.tag == "dt"]
        elif element.tag in ("ul", "ol"):
            items = [c for c in element if c.tag == "li"]
        else:
            return self._card_evidence(element)
        if len(items) < self.min_items:
            return None
        needed = self.min_linked_share * len(items)
        linked = missed = 0
        for item in items:
            if self._starts_with_headline_link(item):
                linked += 1
            else:
                missed += 1
                if len(items) - missed < needed:
                    return None  # too many missed already
        if linked < needed:
            return None
        if _follows_running_text(element) and _annotated_share(items) >= self.min_annotated_share:
            return None  # the story's own list of links, each with its writer's words
        return f"<{element.tag}> of {linked} headline links"

    def _starts_with_headline_link(self, item: HtmlElement) -> bool:
        link = next(item.iter("a"), None)
        if link is None or not link.get("href"):
            return False
        link_text = " ".join(link.text_content().split())
        if len(link_text.split()) < self.min_link_words:
            return False
        return " ".join(item.text_content().split()).startswith(link_text)

    def _card_evidence(self, element: HtmlElement) -> str | None:
        """Evidence that ``element`` is a block of teaser cards, or None. Cards are the largest
        group of its children sharing a tag and class; failing that, a tag and the first name
        of the class ("card card--first", "site site-gawker": the rest names each card)."""
        for class_of in (_whole_class, _first_class):
            groups: dict[tuple, list[HtmlElement]] = {}
            for child in element:
                if isinstance(child.tag, str) and child.tag not in _NOT_CARDS:
                    groups.setdefault((child.tag, class_of(child)), []).append(child)
            cards = max(groups.values(), key=len, default=[])
            if (teasers := self._teaser_cards(element, cards)) is not None:
                tag, class_ = cards[0].tag, class_of(cards[0])
                name = f"<{tag} class=\"{class_}\">" if class_ else f"<{tag}>"
                return f"<{element.tag}> of {teasers} teaser cards {name}"
        return None

    def _teaser_cards(self, element: HtmlElement, cards: list[HtmlElement]) -> int | None:
        """How many of ``cards`` are teasers, when they make ``element`` a teaser block."""
        if len(cards) < self.min_items:
            return None
        needed = self.min_linked_share * len(cards)
        teasers = 0
        for i, card in enumerate(cards):
            if self._is_card(card):
                teasers += 1
            elif i + 1 - teasers > len(cards) - needed:
                return None  # too many missed already
        if teasers < needed:
            return None
        held = sum(len(" ".join(c.text_content().split())) for c in cards)
        if held < self.min_cards_share * len(" ".join(element.text_content().split())):
            return None
        return teasers

    def _is_card(self, card: HtmlElement) -> bool:
        """A headline link, with at most a label before it and a short summary after it."""
        text = " ".join(card.text_content().split())
        words = len(text.split())
        if words > self.max_card_words or _holds_more_paragraphs(card, 1):
            return False
        for link in card.iter("a"):
            link_text = " ".join(link.text_content().split())
            if not link.get("href") or len(link_text.split()) < self.min_link_words:
                continue
            if len(link_text.split()) > self.max_link_words or _CLOSING_PERIOD.search(link_text):
                return False
            # A headline stands on its own: it opens with a capital (or a figure), and no
            # sentence runs on after it ("... <a>the man was arrested</a> near the pier").
            if not (link_text[0].isupper() or link_text[0].isdigit()) or _RUNS_ON.match(link.tail or ""):
                return False
            before = text.find(link_text)
            return before >= 0 and len(text[:before].split()) <= self.max_words_before_link
        return False


def _whole_class(element: HtmlElement) -> str | None:
    return element.get("class")


def _first_class(element: HtmlElement) -> str | None:
    """The first name of ``element``'s class: cards of one kind share it ("card card--first",
    "site site-gawker") where the rest names each one."""
    names = (element.get("class") or "").split()
    return names[0] if names else None


# Words an annotated list item holds beyond its link.
ANNOTATION_WORDS = 2


def _annotated_share(items: list[HtmlElement]) -> float:
    """The share of ``items`` holding ANNOTATION_WORDS or more words outside their links."""
    annotated = 0
    for item in items:
        words = len(item.text_content().split())
        linked = sum(len(a.text_content().split()) for a in item.iter("a"))
        annotated += words - linked >= ANNOTATION_WORDS
    return annotated / len(items) if items else 0.0


def _follows_running_text(element: HtmlElement) -> bool:
    """Is the nearest sibling before ``element`` that holds text a ``<p>`` of running text, or
    one that introduces the list ("Other deals:")? (Where such a line names other stories, the
    related-header line rules take the list later.)"""
    previous = element.getprevious()
    while previous is not None and (not isinstance(previous.tag, str) or not previous.text_content().strip()):
        previous = previous.getprevious()
    if previous is None or previous.tag != "p":
        return False
    text = previous.text_content().strip()
    return len(text.split()) >= RUNNING_TEXT_WORDS or text.endswith(":")


# A sentence's full stop (not "...", not "?"): a headline link has none.
_CLOSING_PERIOD = re.compile(r"(?<![.])[.][\"'”’)]*$")
_RUNS_ON = re.compile(r"\s*[a-z,;]")
# Children that are never teaser cards: a block's heading, scripts, line breaks.
_NOT_CARDS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "script", "style", "br", "hr", "noscript"})


@attrs.frozen(kw_only=True)
class RelatedHeadingRule:
    """A block of links under a heading that introduces other stories ("More stories", "Read
    also", "Lesen Sie auch", ...; see ``[related_heading]`` in dom.toml)."""

    id: str
    category: Category = attrs.field(converter=Category)
    pattern: re.Pattern[str] = attrs.field(converter=lambda p: re.compile(p, re.IGNORECASE) if isinstance(p, str) else p)
    max_heading_words: int = 8
    min_links: int = 2
    min_link_share: float = 0.5
    examples: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    counterexamples: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    def introduces_stories(self, heading: str) -> bool:
        """Does the text of a heading introduce other stories?"""
        return len(heading.split()) <= self.max_heading_words and bool(self.pattern.fullmatch(heading))

    def blocks(self, tree: HtmlElement) -> dict[HtmlElement, str]:
        """The headings that introduce other stories and the link blocks under them, each with
        its evidence."""
        found: dict[HtmlElement, str] = {}
        for heading in _HEADINGS(tree):
            text = " ".join(heading.text_content().split())
            if not text or not self.introduces_stories(text):
                continue
            block = heading.getnext()
            anchor = heading
            while block is None and anchor.getparent() is not None and len(anchor.getparent()) == 1:
                anchor = anchor.getparent()  # a heading wrapped alone: the block follows its wrapper
                block = anchor.getnext()
            if block is None or not isinstance(block.tag, str) or not self._is_link_block(block):
                continue
            found[anchor] = f'heading "{text}"'
            found[block] = f'links under the heading "{text}"'
        return found

    def _is_link_block(self, block: HtmlElement) -> bool:
        links = [a for a in block.iter("a") if a.get("href")]
        if len(links) < self.min_links:
            return False
        words = len(_WORD.findall(visible_text(block)))
        linked = len(_WORD.findall(" ".join(_LINK_TEXT(block))))
        return words > 0 and linked >= self.min_link_share * words


@attrs.frozen(kw_only=True)
class LinkIndexRule:
    """A site's index of its sections, tags, archives or other sites (see ``[link_index]`` in
    dom.toml): a list of ``min_items`` or more short items, each wholly a link, in alphabetical
    order. A story's own list is seldom all links, and seldom sorted."""

    id: str
    category: Category = attrs.field(converter=Category)
    min_items: int = 8
    max_item_words: int = 10
    # A long index may have an item or two out of place ("The Ive" among the D's).
    max_unordered_share: float = 0.1

    def evidence(self, element: HtmlElement) -> str | None:
        """Why ``element`` is a link index (``<ul> of 12 links in alphabetical order``), or None."""
        if element.tag not in ("ul", "ol"):
            return None
        items = [c for c in element if c.tag == "li"]
        if len(items) < self.min_items:
            return None
        keys = []
        for item in items:
            text = " ".join(item.text_content().split())
            links = [a for a in item.iter("a") if a.get("href")]
            if not text or len(links) != 1 or len(text.split()) > self.max_item_words:
                return None
            if " ".join(links[0].text_content().split()) != text:
                return None  # words outside the link: an item of content, a teaser's summary
            keys.append(text.casefold())
        unordered = sum(later <= earlier for earlier, later in zip(keys, keys[1:]))
        if unordered > self.max_unordered_share * (len(keys) - 1):
            return None
        return f"<{element.tag}> of {len(items)} links in alphabetical order"


@cache
def load_link_index_rule() -> LinkIndexRule | None:
    """The packaged link-index rule, or None when dom.toml has none."""
    data = _rules_file().get("link_index")
    if not data:
        return None
    try:
        return LinkIndexRule(**data)
    except (TypeError, ValueError) as exc:
        raise RulePackError(f"{RULES_FILE}: bad link_index rule: {exc}") from None


# Headings, and elements named a title or head holding only text and inline links (the class
# test reads the attribute, "//@class[...]/parent::*", which is faster than "//*[...]").
_HEADINGS = etree.XPath(
    "//h2 | //h3 | //h4 | //h5 | //h6 | //@class[contains(., 'title') or contains(., 'head')]"
    "/parent::*[not(*[not(self::a or self::span or self::b or self::strong)])]"
)


@cache
def load_related_heading_rule() -> RelatedHeadingRule | None:
    """The packaged related-heading rule, or None when dom.toml has none."""
    data = _rules_file().get("related_heading")
    if not data:
        return None
    try:
        return RelatedHeadingRule(**data)
    except (TypeError, ValueError, re.error) as exc:
        raise RulePackError(f"{RULES_FILE}: bad related_heading rule: {exc}") from None


@cache
def load_teaser_list_rule() -> TeaserListRule | None:
    """The packaged teaser-list rule, or None when dom.toml has none."""
    data = _rules_file().get("teaser_list")
    if not data:
        return None
    try:
        return TeaserListRule(**data)
    except (TypeError, ValueError) as exc:
        raise RulePackError(f"{RULES_FILE}: bad teaser_list rule: {exc}") from None


def parse_rule(item: dict) -> PruneRule:
    try:
        return PruneRule(
            id=item["id"],
            category=item["category"],
            tags=frozenset(t.lower() for t in item.get("tags", [])),
            tokens=frozenset(t.lower() for t in item.get("tokens", [])),
            pairs=tuple(frozenset(p.lower() for p in pair) for pair in item.get("pairs", [])),
            max_paragraphs=item.get("max_paragraphs"),
            max_page_share=item.get("max_page_share"),
            max_unlinked_sentences=item.get("max_unlinked_sentences"),
        )
    except (KeyError, ValueError) as exc:
        raise RulePackError(f"{RULES_FILE}: bad prune rule {item.get('id', '?')}: {exc}") from None


@attrs.frozen(kw_only=True)
class Pruned:
    """One element chosen for pruning, the rule that chose it and why."""

    element: HtmlElement = attrs.field(eq=False)
    rule: PruneRule | TeaserListRule | RelatedHeadingRule | LinkIndexRule
    evidence: str


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len(p.text_content()) for p in element.iter("p"))


# A <p> of at least this many words is running text (a caption line or an ad's blurb is shorter).
RUNNING_TEXT_WORDS = 12


def _holds_more_paragraphs(element: HtmlElement, limit: int) -> bool:
    """Does ``element`` hold more than ``limit`` paragraphs of running text?"""
    found = 0
    for paragraph in element.iter("p"):
        if len(paragraph.text_content().split()) >= RUNNING_TEXT_WORDS:
            found += 1
            if found > limit:
                return True
    return False


# Blog engines mark a post's element with its categories and tags as classes (WordPress's
# ``hentry post category-social-media tag-advertising``, TypePad's ``entry entry-category-...``):
# they name what the post is about, not what the element is, so on a post entry they are not read.
_POST_ENTRY = frozenset({"hentry", "entry", "post", "type-post", "entry-type-post"})
_TAXONOMY_CLASS = re.compile(r"^(?:entry-)?(?:category|tag)-", re.IGNORECASE)


class _Matcher:
    """Finds the first rule (in file order) naming an element. The rules' tokens and pairs are
    indexed once (part -> first rule), so a class or id name costs a few dictionary look-ups,
    not a test of every rule; names repeat across elements and pages, so each distinct name is
    matched once, then remembered."""

    MAX_REMEMBERED = 1 << 16

    def __init__(self, rules: tuple[PruneRule, ...]) -> None:
        self.rules = rules
        self.by_tag: dict[str, int] = {}
        # a whole part (or a whole name, its parts joined) -> the first rule listing it as a token
        self.by_token: dict[str, int] = {}
        # a part -> (pair, rule) for every pair holding it, the rule's index being the first
        # with that pair
        self.pairs_by_part: dict[str, list[tuple[frozenset[str], int]]] = {}
        for index, rule in enumerate(rules):
            for tag in rule.tags:
                self.by_tag.setdefault(tag, index)
            for token in rule.tokens:
                self.by_token.setdefault(token, index)
            for pair in rule.pairs:
                for part in pair:
                    self.pairs_by_part.setdefault(part, []).append((pair, index))
        self.tags = sorted(self.by_tag)
        self.by_name: dict[str, int | None] = {}
        self.by_element: dict[tuple, tuple[PruneRule, str] | None] = {}

    def _name_rule(self, name: str) -> int | None:
        index = self.by_name.get(name, -1)
        if index == -1:
            index = self._first_rule(name_parts(name))
            if len(self.by_name) >= self.MAX_REMEMBERED:
                self.by_name.clear()
            self.by_name[name] = index
        return index

    def _first_rule(self, parts: list[str]) -> int | None:
        """The index of the first rule whose ``matches_parts(parts)`` holds, or None."""
        present = set(parts)
        best: int | None = None
        for token in (*present, "".join(parts)):
            index = self.by_token.get(token)
            if index is not None and (best is None or index < best):
                best = index
        for part in present:
            for pair, index in self.pairs_by_part.get(part, ()):
                if (best is None or index < best) and pair <= present:
                    best = index
        return best

    def rule_for(self, element: HtmlElement) -> tuple[PruneRule, str] | None:
        """The rule that names ``element`` by tag, class or id, and the evidence."""
        # Whole (tag, class, id) triples repeat too, and one look-up is cheaper than splitting.
        key = (element.tag, element.get("class"), element.get("id"))
        try:
            return self.by_element[key]
        except KeyError:
            pass
        if len(self.by_element) >= self.MAX_REMEMBERED:
            self.by_element.clear()
        found = self.by_element[key] = self._rule_for(*key)
        return found

    def _rule_for(self, tag: str, class_: str | None, id_: str | None) -> tuple[PruneRule, str] | None:
        best = self.by_tag.get(tag)
        evidence = f"<{tag}>"
        classes = (class_ or "").split()
        if _POST_ENTRY.intersection(classes):
            classes = [c for c in classes if not _TAXONOMY_CLASS.match(c)]
        for attr, values in (("class", classes), ("id", (id_ or "").split())):
            for value in values:
                index = self._name_rule(value)
                if index is not None and (best is None or index < best):
                    best, evidence = index, f'{attr}="{value}"'
        return (self.rules[best], evidence) if best is not None else None


@cache
def _matcher(rules: tuple[PruneRule, ...]) -> _Matcher:
    return _Matcher(rules)


# Teaser lists and card blocks: lists, and blocks of three or more children ("//*[3]/.." is
# "//*[count(*) >= 3]" found faster).
_LIST_TAGS = frozenset({"ul", "ol", "dl"})
_LIST_BLOCKS = "//ul | //ol | //dl | //*[3]/.."


def _linked_children(teasers: TeaserListRule) -> int:
    """How many children with a link a teaser list or card block holds at least: each of the
    items or cards that make it one starts with (or holds) its own link."""
    return math.ceil(teasers.min_linked_share * teasers.min_items)


@cache
def _candidates(tags: tuple[str, ...], teasers: TeaserListRule | None, index: LinkIndexRule | None) -> etree.XPath:
    """The elements find_junk looks at, in document order."""
    # "//@class/.." selects what "//*[@class]" does, in about half the time.
    paths = ["//@class/..", "//@id/..", *(f"//{t}" for t in tags)]
    if teasers is not None:
        # Blocks with too few linked children are never teaser lists (nor link indexes, each
        # of whose items is a link): left out here, as the rules' own tests are the costly part.
        linked = _linked_children(teasers)
        if index is not None:
            linked = min(linked, index.min_items)
        paths.append(f"({_LIST_BLOCKS})[*[descendant-or-self::a[@href]][{linked}]]" if linked > 0 else _LIST_BLOCKS)
    return etree.XPath(" | ".join(paths))


# The union of two lists of elements, in document order.
_UNION = etree.XPath("$a | $b")


def _may_be_teaser_list(element: HtmlElement, teasers: TeaserListRule) -> bool:
    """Could ``teasers`` take ``element`` (a list, or a block of enough children)?"""
    return element.tag in _LIST_TAGS or len(element) >= teasers.min_items


Named = tuple[HtmlElement, "PruneRule | TeaserListRule | RelatedHeadingRule | LinkIndexRule", str]


def named_elements(tree: HtmlElement, rules: Iterable[PruneRule] | None = None) -> Iterator[Named]:
    """Every element of ``tree`` a rule names, with the rule and its evidence, in document order,
    before any guard: by tag, class or id (the first such rule in file order), else by the
    teaser-list shape, else as a related heading or the link block under it, else by the
    link-index shape (the last three only with the packaged rules, ``rules`` None)."""
    matcher = _matcher(tuple(load_rules() if rules is None else rules))
    teasers = load_teaser_list_rule() if rules is None else None
    index = load_link_index_rule() if rules is None else None
    heading_rule = load_related_heading_rule() if rules is None else None
    headed = heading_rule.blocks(tree) if heading_rule is not None else {}
    candidates = _candidates(tuple(matcher.tags), teasers, index)(tree)
    if headed:  # merged in document order, inside ``tree`` (XPath also finds nodes outside it)
        candidates = _UNION(tree, a=candidates, b=list(headed))
        if tree.getparent() is not None:
            wanted = set(candidates)
            candidates = [e for e in tree.iter() if e in wanted]
    for element in candidates:
        if not isinstance(element.tag, str) or element.tag in _PROTECTED_TAGS:
            continue
        match: tuple[PruneRule | TeaserListRule | RelatedHeadingRule | LinkIndexRule, str] | None = matcher.rule_for(element)
        if match is None and teasers is not None and _may_be_teaser_list(element, teasers) and (evidence := teasers.evidence(element)):
            match = (teasers, evidence)
        if match is None and element in headed and heading_rule is not None:
            match = (heading_rule, headed[element])
        if match is None and index is not None and (evidence := index.evidence(element)):
            match = (index, evidence)
        if match is not None:
            yield element, match[0], match[1]


def find_junk(tree: HtmlElement, rules: Iterable[PruneRule] | None = None) -> list[Pruned]:
    """The outermost elements of ``tree`` that the rules prune and no guard keeps, in document order."""
    page_chars = _paragraph_chars(tree)
    page_visible: int | None = None  # measured when first needed
    found: list[Pruned] = []
    chosen: set[HtmlElement] = set()
    for element, rule, evidence in named_elements(tree, rules):
        match = (rule, evidence)
        if chosen and any(a in chosen for a in element.iterancestors()):
            continue
        most = getattr(match[0], "max_paragraphs", None)
        if most is not None and _holds_more_paragraphs(element, most):
            continue
        if _PROTECTED_DESCENDANTS(element):
            continue
        unlinked = getattr(match[0], "max_unlinked_sentences", None)
        if unlinked is not None and _is_unlinked_text(element, unlinked):
            continue
        # The share guards keep an element holding most of the page's text; a sorted list of
        # nothing but links is never the story, however much of the page it fills.
        if not isinstance(rule, LinkIndexRule):
            if page_chars and _paragraph_chars(element) > MAX_TEXT_SHARE * page_chars:
                continue
            if page_visible is None:
                page_visible = visible_length(tree)
            limit = MAX_VISIBLE_SHARE * page_visible
            # text_content() (scripts included, in C) is at least the visible text: a cheap first test.
            if page_visible and len(element.text_content()) > limit and visible_length(element) > limit:
                continue
        chosen.add(element)
        found.append(Pruned(element=element, rule=match[0], evidence=match[1]))
    return _without_page_stories(found, page_chars)


def _is_unlinked_text(element: HtmlElement, max_sentences: int) -> bool:
    """Does ``element`` hold no link and more than ``max_sentences`` sentences?"""
    if element.tag == "a" or _HAS_LINK(element):
        return False
    return len(sentences(visible_text(element))) > max_sentences


# A rule's picks are the page's story only when there are several of them (a photo story has
# several photos; one long caption on a short page is still a caption).
STORY_MIN_PICKS = 3


def _without_page_stories(found: list[Pruned], page_chars: int) -> list[Pruned]:
    """``found`` less the picks of a rule whose picks (STORY_MIN_PICKS or more) hold more than
    its ``max_page_share`` of the page's paragraph text together."""
    shares: dict[str, float] = {
        p.rule.id: p.rule.max_page_share for p in found if isinstance(p.rule, PruneRule) and p.rule.max_page_share is not None
    }
    if not shares or not page_chars:
        return found
    held: dict[str, list[int]] = {}
    for pruned in found:
        if pruned.rule.id in shares:
            held.setdefault(pruned.rule.id, []).append(_paragraph_chars(pruned.element))
    story = {
        rule for rule, chars in held.items() if len(chars) >= STORY_MIN_PICKS and sum(chars) > shares[rule] * page_chars
    }
    return [p for p in found if p.rule.id not in story] if story else found


def visible_text(element: HtmlElement) -> str:
    """The element's text with scripts and styles left out, whitespace collapsed."""
    # The per-node ancestor test is slow, and needed only where there are scripts or styles.
    texts = _VISIBLE_TEXT(element) if _NEAR_SCRIPT(element) else _ALL_TEXT(element)
    return " ".join(" ".join(texts).split())


def visible_length(element: HtmlElement) -> int:
    """``len(visible_text(element))``, measured faster: the ancestor test of every text node is
    slow, so all the text is measured and the text inside scripts and styles taken off."""
    if _IN_SCRIPT(element):
        return 0
    chars, words = _measure(_ALL_TEXT(element))
    script_chars, script_words = _measure(_SCRIPT_TEXT(element))
    chars, words = chars - script_chars, words - script_words
    # the words joined by single spaces
    return chars + words - 1 if words else 0


def _measure(texts: list[str]) -> tuple[int, int]:
    """Characters and number of the whitespace-separated words in ``texts``."""
    words = " ".join(texts).split()
    return sum(map(len, words)), len(words)


# The junk elements are marked with this attribute; MARKED selects them for pruning.
MARK = "data-newsclean-prune"
MARKED = f"//*[@{MARK}]"


def mark_junk(tree: HtmlElement, rules: Iterable[PruneRule] | None = None) -> tuple[Removal, ...]:
    """Mark the junk elements of ``tree`` with :data:`MARK` (so ``MARKED`` selects them) and
    return a Removal for each that has text."""
    junk = find_junk(tree, rules)
    for pruned in junk:
        pruned.element.set(MARK, pruned.rule.id)
    return tuple(
        Removal(stage=STAGE, category=p.rule.category, rule=p.rule.id, text=text, evidence=p.evidence)
        for p in junk
        if (text := visible_text(p.element))
    )


def unmark(tree: HtmlElement, rule_ids: Iterable[str]) -> int:
    """Take :data:`MARK` off the elements of ``tree`` that the rules ``rule_ids`` marked; returns
    how many."""
    wanted = set(rule_ids)
    marked = [e for e in tree.iter() if isinstance(e.tag, str) and e.get(MARK) in wanted]
    for element in marked:
        del element.attrib[MARK]
    return len(marked)


# --- layout tables ---------------------------------------------------------------------------

# A cell holding this many words of running text is a page column, not a data cell.
LAYOUT_CELL_WORDS = 60
# A layout table holds a good part of the page (its skeleton, or the story's column); a table
# with long cells inside an article (a wiki's infobox, a comparison) is content and stays.
LAYOUT_PAGE_SHARE = 0.3
_TABLE_PARTS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption")
# Blocks whose loose text becomes paragraphs; <font> too, as old templates wrap a whole story
# column in one (its bold lede loose before the <p>s, which the extractor would drop).
_CONTAINER_TAGS = ("div", "section", "article", "main", "center", "blockquote", "font")
# Paragraphs in a cell make it a page column; a styled <div>, a list or a heading does not
# (data tables have them: a recipe's ingredients under a heading, a results table).
_CELL_PARAGRAPHS = etree.XPath("count(./p | ./blockquote)")
LAYOUT_CELL_PARAGRAPHS = 2
_INLINE_TAGS = frozenset(
    "a abbr b bdi bdo big br cite code data del dfn em font i img ins kbd label mark nobr q s samp "
    "small span strike strong sub sup time tt u var wbr".split()
)


def is_layout_table(table: HtmlElement) -> bool:
    """A table used to lay out a page rather than to hold data: it nests another table, or one
    of its own cells holds paragraphs or a column of running text."""
    if table.find(".//table") is not None:
        return True
    for cell in table.iter("td", "th"):
        if _CELL_PARAGRAPHS(cell) >= LAYOUT_CELL_PARAGRAPHS or len(cell.text_content().split()) >= LAYOUT_CELL_WORDS:
            return True
    return False


# A data table: a grid of at least this many rows and columns, every row of the same width,
# little of it link text (a menu or a bar of page furniture in a nested table is none of these).
DATA_TABLE_MIN = 3, 2
DATA_TABLE_MAX_LINK_SHARE = 0.3


def is_data_table(table: HtmlElement) -> bool:
    """A grid of data (results, a schedule, figures), not page layout nor a menu bar."""
    if is_layout_table(table):
        return False
    rows = [r for r in table.iter("tr") if next(r.iterancestors("table"), None) is table]
    widths = {sum(1 for c in r if c.tag in ("td", "th")) for r in rows}
    if len(rows) < DATA_TABLE_MIN[0] or len(widths) != 1 or widths.pop() < DATA_TABLE_MIN[1]:
        return False
    words = len(_WORD.findall(table.text_content()))
    linked = len(_WORD.findall(" ".join(_LINK_TEXT(table))))
    return words > 0 and linked <= DATA_TABLE_MAX_LINK_SHARE * words


def unwrap_layout_tables(tree: HtmlElement) -> int:
    """Turn the layout tables of ``tree`` into ``<div>`` blocks, so the extractor sees a story
    column and its sidebars as blocks, not as table rows that glue a menu, the story and a list of
    links into one line (``| Local News | Story text ... | Most read |``). Inside them, text that
    sits loose beside blocks (``<p>Title</p> Story text<br><br>More text``, as such templates
    print a story) is put into ``<p>`` elements. Data tables (short cells: results, schedules)
    stay tables. Returns how many tables were unwrapped."""
    tables = list(tree.iter("table"))
    if not tables:
        return 0
    page_chars = len(tree.text_content())
    layout = [t for t in tables if len(t.text_content()) >= LAYOUT_PAGE_SHARE * page_chars and is_layout_table(t)]
    containers: dict[HtmlElement, None] = {}  # ordered, no repeats
    # A data table inside a layout table (a results table in the story's column) stays a table.
    data = {t for t in tables if t not in layout and is_data_table(t)}
    for table in layout:
        for element in table.iter(*_TABLE_PARTS, *_CONTAINER_TAGS):
            if data and (element in data or any(a in data for a in element.iterancestors("table"))):
                continue
            containers[element] = None
            if element.tag in _TABLE_PARTS:
                if element.tag in ("td", "th"):
                    element.set(CELL, "")
                element.tag = "div"
                for attribute in ("colspan", "rowspan"):
                    element.attrib.pop(attribute, None)
    for element in containers:
        children = list(element)
        if not all(_is_inline(c) for c in children):
            _wrap_loose_text(element, children)
    return len(layout)


# The cells of unwrapped layout tables carry this attribute (mark_link_cells reads it).
CELL = "data-newsclean-cell"
_CELLS = etree.XPath(f"//*[@{CELL}]")
_LINK_TEXT = etree.XPath(".//a//text()", smart_strings=False)
_UNLINKED_TEXT = etree.XPath(
    ".//text()[not(ancestor::a) and not(ancestor::script) and not(ancestor::style)]", smart_strings=False
)
# A layout cell whose words are mostly link text is a menu or a list of other stories.
LINK_CELL_SHARE = 0.7
LINK_CELL_MIN_WORDS = 3
LINK_CELL_RULE = "dom.layout.link-cell"


def mark_link_cells(tree: HtmlElement) -> tuple[Removal, ...]:
    """Mark the outermost cells of unwrapped layout tables whose text is mostly link text (a
    page's menu column, a "most read" box) and return a Removal for each."""
    chosen: set[HtmlElement] = set()
    removals = []
    for cell in _CELLS(tree):
        if chosen and any(a in chosen for a in cell.iterancestors()):
            continue
        if cell.get(MARK) is not None or _PROTECTED_DESCENDANTS(cell):
            continue
        text = visible_text(cell)
        words = len(_WORD.findall(text))  # words, not the "|" between links
        if words < LINK_CELL_MIN_WORDS:
            continue
        linked = len(_WORD.findall(" ".join(_LINK_TEXT(cell))))
        if linked < LINK_CELL_SHARE * words:
            continue
        # A sentence of running text outside the links: the story sits in this cell beside a menu.
        if any(len(t.split()) >= RUNNING_TEXT_WORDS for t in _UNLINKED_TEXT(cell)):
            continue
        chosen.add(cell)
        cell.set(MARK, LINK_CELL_RULE)
        removals.append(
            Removal(stage=STAGE, category=Category.NAVIGATION, rule=LINK_CELL_RULE, text=text, evidence=f"{linked}/{words} words linked")
        )
    return tuple(removals)


# An inline tag that holds blocks (old templates wrap a whole story in <font>) is a block itself:
# wrapped into a <p>, its paragraphs would be extracted as one line.
_HOLDS_BLOCKS = etree.XPath(
    "boolean(.//*[self::p or self::div or self::table or self::ul or self::ol or self::dl or self::blockquote"
    " or self::pre or self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6])"
)


def _is_inline(node) -> bool:
    if not isinstance(node.tag, str):
        return True  # comments and processing instructions
    return node.tag in _INLINE_TAGS and not _HOLDS_BLOCKS(node)


def _wrap_loose_text(element: HtmlElement, children: list) -> None:
    """Rebuild ``element``'s content: each run of text and inline children between its blocks
    becomes a ``<p>``."""
    grouped: list = []
    current: HtmlElement | None = None

    def paragraph(text: str | None = None) -> HtmlElement:
        p = element.makeelement("p", {})
        p.text = text
        return p

    text, element.text = element.text, None
    if text and text.strip():
        current = paragraph(text)
    for child in children:
        element.remove(child)  # its tail goes with it
        if _is_inline(child):
            if current is None:
                current = paragraph()
            current.append(child)
            continue
        tail, child.tail = child.tail, None
        if current is not None:
            grouped.append(current)
            current = None
        grouped.append(child)
        if tail and tail.strip():
            current = paragraph(tail)
    if current is not None:
        grouped.append(current)
    element.extend(grouped)


# --- a story split across sibling containers ------------------------------------------------

_PARAGRAPHS = etree.XPath(".//p")


def continuation(tree: HtmlElement, extracted: list[str]) -> list[str]:
    """Paragraphs of running text that continue the story in a sibling of its container and
    that the extractor left out, in page order.

    Some templates split one story body over two or more sibling containers of the same tag and
    class (``<div class="story-text">`` before and after an ad or a photo); an extractor that
    picks one block keeps the first only. The container is the parent of most of the extracted
    ``<p>`` paragraphs; a later sibling continues it when it has the same tag and the same
    (non-empty) class, is not marked junk and holds no ``<h1>``."""
    keys = {comparison_key(p) for p in extracted}
    parents: dict[HtmlElement, int] = {}
    for paragraph in _PARAGRAPHS(tree):
        if comparison_key(paragraph.text_content()) in keys and (parent := paragraph.getparent()) is not None:
            parents[parent] = parents.get(parent, 0) + 1
    if not parents:
        return []
    container = max(parents, key=parents.__getitem__)
    kind = (container.tag, container.get("class"))
    if not kind[1] or parents[container] < 2:
        return []
    found: list[str] = []
    for sibling in container.itersiblings():
        if (sibling.tag, sibling.get("class")) != kind or sibling.get(MARK) is not None or _PROTECTED_DESCENDANTS(sibling):
            continue
        for paragraph in sibling.iter("p"):
            if any(a.get(MARK) is not None for a in paragraph.iterancestors()):
                continue
            text = " ".join(paragraph.text_content().split())
            if len(text.split()) >= RUNNING_TEXT_WORDS and comparison_key(text) not in keys:
                found.append(text)
    return found


# --- headings --------------------------------------------------------------------------------

_TOP_HEADINGS = etree.XPath("//h1 | //h2 | //h3")
HEADING_MIN_WORDS = 3


def heading_keys(tree: HtmlElement) -> frozenset[str]:
    """Comparison keys of the page's ``<h1>``-``<h3>`` texts of three words or more."""
    keys = set()
    for heading in _TOP_HEADINGS(tree):
        text = " ".join(heading.text_content().split())
        if len(text.split()) >= HEADING_MIN_WORDS:
            keys.add(comparison_key(text))
    return frozenset(keys)


# --- standfirst ------------------------------------------------------------------------------

# Class and id words that mark a standfirst (the summary under a headline) in page templates.
STANDFIRST_NAMES = frozenset({"standfirst", "dek", "deck", "subtitle", "subheadline", "subhead", "strapline"})
STANDFIRST_WORDS = (4, 60)  # shorter is a label, longer is a paragraph of the story
# A quick test on the lower-cased class and id before name_parts() checks for a whole part
# ("dek", not "dekalb").
_STANDFIRST_HINT = re.compile("|".join(sorted(STANDFIRST_NAMES)))
_WITH_NAMES = etree.XPath("//@class/.. | //@id/..")
_NAMES = etree.XPath("//@class | //@id", smart_strings=False)


def marked_standfirst(tree: HtmlElement) -> str | None:
    """The text of the first element whose class or id names it a standfirst (``article-dek``,
    ``standfirst``, ``sub-headline``...), when it reads like one; else None."""
    # Most pages name no standfirst: one search over all their names rules them out.
    if not _STANDFIRST_HINT.search("\n".join(_NAMES(tree)).lower()):
        return None
    for element in _WITH_NAMES(tree):
        attributes = f"{element.get('class') or ''} {element.get('id') or ''}"
        if not _STANDFIRST_HINT.search(attributes.lower()) or element.tag in _PROTECTED_TAGS:
            continue
        names = attributes.split()
        if not any(STANDFIRST_NAMES & set(name_parts(name)) for name in names):
            continue
        text = visible_text(element)
        if STANDFIRST_WORDS[0] <= len(text.split()) <= STANDFIRST_WORDS[1] and not _opens_story(text):
            return text
    return None


# The story's first paragraph, whatever its markup says: a dateline ("LONDON (Reuters) -",
# "KYIV, Ukraine —") or a lead-in set in capitals ("THE HARBOUR BOARD approved ..."). A dek
# summarises the story; it does not open it.
_DATELINE_MARK = re.compile(r"^[^\s,(—–-]+(?:[ ,]+[^\s,(—–-]+){0,3}\s*(?:\([^)]{1,30}\)\s*)?[—–-]")


def _opens_story(text: str) -> bool:
    """Does ``text`` open with a dateline or a lead-in in capitals (see above)?"""
    words = text.split()
    capitals = 0
    for word in words[:4]:
        letters = [c for c in word if c.isalpha()]
        if len(letters) < 2 or not all(c.isupper() for c in letters):
            break
        capitals += 1
    if capitals >= 2:
        return True
    return capitals == 1 and bool(_DATELINE_MARK.match(text))
