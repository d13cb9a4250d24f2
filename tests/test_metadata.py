"""Metadata fallback (newsclean.metadata): titles that name no story, bylines that name no one,
dates that are not the article's. Pages are our own writing."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest

from newsclean import RawDocument
from newsclean import metadata
from newsclean.stages import Extract

STORY = "".join(
    f"<p>{sentence}</p>"
    for sentence in (
        "The harbour board voted on Tuesday to rebuild the north breakwater before the winter storms, "
        "after engineers found cracks along two hundred metres of the old stone wall.",
        "Work will start next month and close the fishing quay for six weeks, the board said, while "
        "boats are moved to moorings in the south basin for the duration of the repairs.",
        "Fishermen welcomed the decision but asked for a small pontoon to stay open for the lifeboat, "
        "which launches from the quay about forty times a year in the busiest seasons.",
    )
)


def page(head: str = "", body_top: str = "", story: str = STORY) -> str:
    return f"<html><head>{head}</head><body>{body_top}<article>{story}</article></body></html>"


def extract(html: str, url: str | None = None):
    return Extract()(RawDocument(id="p", content=html, format="html", url=url))


def tree(html: str):
    return lxml.html.fromstring(html)


def correct(html: str, **values):
    values.setdefault("title", None)
    values.setdefault("authors", ())
    values.setdefault("published", None)
    return metadata.correct(tree(html), **values)


# --- titles ------------------------------------------------------------------------------------


def test_a_title_that_is_the_sites_name_gives_way_to_the_headline_the_page_repeats():
    html = page(
        "<title>Harbour Courier: Breakwater to be rebuilt before winter</title>"
        '<meta property="og:site_name" content="Harbour Courier">',
        "<h1>Harbour Courier</h1><h2>Breakwater to be rebuilt before winter</h2>",
    )
    article = extract(html)
    assert article.title == "Breakwater to be rebuilt before winter"
    assert any(t.startswith("metadata:title") for t in article.trace)


@pytest.mark.parametrize("generic", ["Home", "Latest News", "Navigation", "Related Stories", "Monday, 3 March 2014"])
def test_a_generic_title_is_not_taken(generic):
    html = page(f"<title>{generic}</title>", f"<h1>{generic}</h1>")
    article = extract(html)
    assert article.title is None


def test_a_generic_title_gives_way_to_og_title():
    html = page('<title>Home</title><meta property="og:title" content="Breakwater to be rebuilt before winter">', "<h1>Home</h1>")
    assert extract(html).title == "Breakwater to be rebuilt before winter"


@pytest.mark.parametrize(
    "title",
    [
        "Breakwater to be rebuilt before winter | Harbour Courier",
        "Breakwater to be rebuilt before winter - Harbour Courier",
        "Breakwater to be rebuilt before winter - Local News - Harbour Courier",
        "Harbour Courier > News > Local > Breakwater to be rebuilt before winter",
        "Breakwater to be rebuilt before winter (from Harbour Courier)",
        "harbourcourier.example: Breakwater to be rebuilt before winter",
    ],
)
def test_site_and_section_affixes_are_stripped(title):
    html = page(f"<title>{title}</title>")
    assert extract(html, url="https://www.harbourcourier.example/news/1").title == "Breakwater to be rebuilt before winter"


def test_a_headline_that_names_the_site_keeps_it():
    # Hard negative: the site's name inside the headline is part of it.
    html = page(
        '<title>Harbour Courier wins regional press award - Harbour Courier</title><meta property="og:site_name" content="Harbour Courier">'
    )
    assert extract(html).title == "Harbour Courier wins regional press award"


def test_a_kicker_before_a_colon_is_kept():
    # Hard negative: "Sport: ..." is the headline's kicker, not a section to strip.
    html = page("<title>Sport: Harbour rowers win the coastal cup</title>")
    assert extract(html).title == "Sport: Harbour rowers win the coastal cup"


def test_a_good_title_is_left_alone_even_when_a_section_heading_repeats_in_it():
    # The page's section heading ("Coastal Life") is also in the title, but shorter than the story.
    html = page("<title>Breakwater to be rebuilt before winter | Coastal Life</title>", "<h2>Coastal Life</h2>")
    assert extract(html).title in ("Breakwater to be rebuilt before winter", "Breakwater to be rebuilt before winter | Coastal Life")
    assert extract(html).title != "Coastal Life"


def test_a_title_hint_wins_over_the_page():
    html = page("<title>Home</title>")
    article = Extract()(RawDocument(id="p", content=html, format="html", hints={"title": "Given by the caller"}))
    assert article.title == "Given by the caller"


# --- authors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["Staff Writer", "Staff", "Our Special Correspondent", "View Profile", "November"])
def test_a_byline_that_is_a_role_or_furniture_is_dropped(role):
    html = page(f'<title>Breakwater to be rebuilt before winter</title><meta name="author" content="{role}">')
    assert extract(html).authors == ()
    assert correct(html, authors=[role]).authors == ()


def test_a_name_keeps_and_its_trailing_role_is_cut():
    fixed = correct(page(), authors=["Mara Lindqvist Staff Writer", "Oren Falk, Deputy Business Editor"])
    assert fixed.authors == ("Mara Lindqvist", "Oren Falk")
    assert fixed.notes


@pytest.mark.parametrize("name", ["Will Staff", "The Associated Press", "Reuters", "Agence France-Presse", "May Jones"])
def test_names_and_wire_services_are_kept(name):
    # Hard negatives: a surname that is a role word, wire services, a first name that is a month.
    fixed = correct(page(), authors=[name])
    assert fixed.authors == (name,)
    assert fixed.notes == ()


# --- published ---------------------------------------------------------------------------------


def test_a_cache_header_date_is_not_published():
    html = page('<title>Breakwater to be rebuilt before winter</title><meta http-equiv="expires" content="2019-03-05">')
    assert extract(html).published is None


def test_the_declared_article_date_wins():
    html = page(
        '<title>Breakwater to be rebuilt before winter</title><meta http-equiv="expires" content="2019-03-05">'
        '<meta property="article:published_time" content="2018-11-20T08:00:00Z">'
    )
    assert extract(html).published == dt.date(2018, 11, 20)


def test_json_ld_date_published_is_read():
    html = page(
        '<title>Breakwater to be rebuilt before winter</title>'
        '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "datePublished": "2017-06-02T10:00:00+01:00"}]}</script>'
    )
    assert extract(html).published == dt.date(2017, 6, 2)


def test_a_time_in_the_article_fills_a_missing_date():
    html = page(
        '<title>Breakwater to be rebuilt before winter</title><meta http-equiv="expires" content="2019-03-05">',
        story='<time datetime="2016-04-09">9 April</time>' + STORY,
    )
    assert extract(html).published == dt.date(2016, 4, 9)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2012-03-05T10:00:00Z", dt.date(2012, 3, 5)),
        ("20120305", dt.date(2012, 3, 5)),
        ("Mon, 05 Mar 2012 10:00:00 GMT", dt.date(2012, 3, 5)),
        ("0", None),
        ("soon", None),
        ("1066-10-14", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert metadata.parse_date(value) == expected


def test_the_vocabulary_is_data():
    vocab = metadata.vocabulary()
    assert "staff" in vocab.role_nouns and "home" in vocab.generic_titles and "expires" in vocab.cache_headers
