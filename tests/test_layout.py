"""Shape rules for text without HTML: a menu at the head, a teaser list at the tail."""

from __future__ import annotations

from newsclean.model import Article, Category
from newsclean.stages import NavigationHead, TeaserTail

BODY = [
    "The county opened its third cooling centre on Tuesday as temperatures passed 38C for a fourth day.",
    "Volunteers handed out water at bus stops, and the library extended its opening hours until midnight.",
]


def article(*lines: str) -> Article:
    return Article(id="x", text="\n\n".join(lines))


def test_menu_lines_above_the_story_are_navigation():
    menu = ["Home", "News", "Local", "Weather"]
    out = NavigationHead()(article(*menu, *BODY))
    assert out.text == "\n\n".join(BODY)
    assert [r.text for r in out.removed] == menu
    assert {r.category for r in out.removed} == {Category.NAVIGATION}


def test_a_short_list_of_menu_like_lines_is_not_enough():
    lines = ["Home", "News", "Local", *BODY]  # three, below the run of four
    assert NavigationHead()(article(*lines)).text == "\n\n".join(lines)


def test_menu_needs_an_article_paragraph_after_it():
    lines = ["Milk", "Eggs", "Flour", "Butter", "Sugar"]  # a list is all there is
    assert NavigationHead()(article(*lines)).text == "\n\n".join(lines)


def test_headings_with_commas_are_not_menu_items():
    lines = ["Slowly, then fast", "Step one", "Step two", "Step three", *BODY]
    assert NavigationHead()(article(*lines)).text == "\n\n".join(lines)


def test_headline_list_under_the_story_is_a_teaser_block():
    teasers = [
        "Heatwave: what the new water restrictions mean for you",
        "Bus drivers to strike over pay on Friday",
        "Library to stay open late all summer",
    ]
    out = TeaserTail()(article(*BODY, *teasers))
    assert out.text == "\n\n".join(BODY)
    assert [r.text for r in out.removed] == teasers
    assert {r.rule for r in out.removed} == {"layout.teaser-tail"}


def test_two_short_closing_lines_stay():
    lines = [*BODY, "More cooling centres open on Thursday", "Call 311 for the nearest one"]
    assert TeaserTail()(article(*lines)).text == "\n\n".join(lines)


def test_closing_sentences_and_short_fragments_stay():
    lines = [
        *BODY,
        "The centres will stay open through the weekend.",
        "Water and shade",  # too short to read as a headline
        "Open from noon",
        "Free for everyone",
    ]
    assert TeaserTail()(article(*lines)).text == "\n\n".join(lines)


def test_a_story_made_only_of_short_lines_is_left_alone():
    lines = ["Heatwave hits the county again", "Cooling centres open across the region", "Water handed out at bus stops"]
    assert TeaserTail()(article(*lines)).text == "\n\n".join(lines)
