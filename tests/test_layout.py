"""Shape rules for text without HTML: a menu at the head; nothing is judged by shape at the tail."""

from __future__ import annotations

from newsclean.model import Article, Category
import newsclean
from newsclean.stages import NavigationHead

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


def test_short_lines_at_the_end_stay():
    # Tour dates, a schedule or results under the story are article text: the default pipeline
    # has no stage that removes a tail by its shape (teaser lists go by their "Related" header).
    dates = ["Fri 12 July: Leeds, Brudenell Social Club", "Sat 13 July: Glasgow, King Tut's", "Sun 14 July: Belfast, Limelight"]
    out = newsclean.clean(text="\n\n".join([*BODY, *dates]))
    assert out.text.endswith("\n\n".join(dates))
    assert not out.removed


# --- menu rows -----------------------------------------------------------------------------

from newsclean.stages import MenuRow  # noqa: E402

MENU_ROW = MenuRow.for_languages("en")


def test_a_row_of_site_sections_is_navigation_anywhere():
    row = "| Home | | News | | Portmoy AM | | Weather | | Video | | Sport |"
    out = MENU_ROW(article(BODY[0], row, BODY[1]))
    assert out.text == "\n\n".join(BODY)
    assert [(r.rule, r.category) for r in out.removed] == [("layout.menu-row", Category.NAVIGATION)]


def test_footer_links_split_by_escaped_bars_or_bullets_are_navigation():
    for row in ("Privacy Policy \\| Advertise \\| Contact Us \\| Archives", "News · Sport · Business · Obituaries"):
        assert MENU_ROW(article(*BODY, row)).text == "\n\n".join(BODY)


def test_table_rows_of_names_or_figures_stay():
    rows = ["| Kilbride Athletic | 1-3 | Portmoy Rovers |", "| Bulls | Jomo Cosmos | Dolphins |", "| Home | Away | Draw |", "Home | Away"]
    assert MENU_ROW(article(*BODY, *rows)).text == "\n\n".join([*BODY, *rows])


def test_a_sentence_that_names_sections_stays():
    line = "News, sport and weather were cut from the schedule | the station said on Monday."
    assert MENU_ROW(article(*BODY, line)).text == "\n\n".join([*BODY, line])
