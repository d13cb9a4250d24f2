"""The Extract stage: RawDocument (text, HTML or bytes) -> Article with text and metadata."""

from __future__ import annotations

import datetime as dt
import gzip
import os
import subprocess
import sys

import pytest

import newsclean
from newsclean import Article, RawDocument, default_pipeline
from newsclean.stages import Extract
from newsclean.stages.extract import looks_like_html

EXTRACT = Extract()

PARAGRAPHS = [
    "The town of Eastmere opened its new ferry terminal on Tuesday after three years of construction, "
    "ending a long period of delays for island commuters who had relied on a temporary pontoon.",
    "The terminal, built on reclaimed land near the old fish market, can handle four vessels at once "
    "and includes a covered waiting hall for up to three hundred passengers.",
    'Local officials said the project came in slightly under budget. "We are proud of what the builders '
    'achieved here," deputy mayor Oren Falk told the crowd at the opening ceremony.',
    "The first scheduled crossing left at seven in the morning with forty passengers on board, and the "
    "operator expects traffic to double over the summer season.",
]
NAV_WORDS = ("Home", "Local desk", "Sport pages")
FOOTER_TEXT = "Copyright 2024 Eastmere Gazette Media Group"

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Harbour town opens new ferry terminal | The Eastmere Gazette</title>
<meta name="author" content="Mara Lindqvist">
<meta property="article:published_time" content="2024-03-12T09:30:00Z">
<meta property="og:site_name" content="The Eastmere Gazette">
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local desk</a></li><li><a href="/sport">Sport pages</a></li></ul></nav>
<article>
<h1>Harbour town opens new ferry terminal</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</article>
<footer><p>{FOOTER_TEXT}. Contact the newsroom for corrections.</p></footer>
</body>
</html>
"""

PLAIN = "Ferry Terminal Opens\n\n" + "\n\n".join(PARAGRAPHS) + "\n"


def extract(content, fmt=None, **kwargs) -> Article:
    return EXTRACT(RawDocument(id="doc-1", content=content, format=fmt, **kwargs))


# --- text ------------------------------------------------------------------------------------


def test_plain_text_passes_through_unchanged():
    article = extract(PLAIN, "text", url="https://news.example/ferry")
    assert article.kept
    assert article.text == PLAIN
    assert article.id == "doc-1"
    assert article.url == "https://news.example/ferry"
    assert article.title is None and article.authors == () and article.published is None
    assert article.trace == ("extract",)
    assert article.removed == ()


def test_text_that_looks_like_markup_is_not_parsed_when_format_is_text():
    content = "<p>Angle brackets stay as they are in text mode.</p>"
    assert extract(content, "text").text == content


def test_utf8_bytes_are_decoded():
    text = "Київ і Львів: café, naïve, 東京 — “quoted”."
    assert extract(text.encode("utf-8"), "text").text == text


def test_utf8_bom_is_dropped():
    assert extract(b"\xef\xbb\xbfHello from the newsroom.", "text").text == "Hello from the newsroom."


# --- HTML ------------------------------------------------------------------------------------


def test_html_gives_paragraphs_title_and_metadata_without_nav_or_footer():
    article = extract(PAGE, "html")
    assert article.kept, article.drop
    assert article.title == "Harbour town opens new ferry terminal"
    assert article.authors == ("Mara Lindqvist",)
    assert article.published == dt.date(2024, 3, 12)
    assert article.source == "The Eastmere Gazette"
    assert article.trace == ("extract",)
    paragraphs = article.text.split("\n\n")
    # Every article paragraph is there, each as its own paragraph, in order.
    positions = [paragraphs.index(p) for p in PARAGRAPHS]
    assert positions == sorted(positions)
    assert positions == list(range(positions[0], positions[0] + len(PARAGRAPHS)))
    assert "\n\n\n" not in article.text
    assert all("\n" not in p for p in paragraphs)
    for word in NAV_WORDS:
        assert word not in paragraphs
    assert "Sport pages" not in article.text
    assert FOOTER_TEXT not in article.text


def test_html_bytes_and_sniffed_format_give_the_same_article():
    expected = extract(PAGE, "html")
    assert extract(PAGE.encode("utf-8"), "html") == expected
    assert extract(PAGE, None) == expected
    assert extract(PAGE.encode("utf-8"), None) == expected


def test_gzipped_bytes_are_read_transparently():
    assert extract(gzip.compress(PAGE.encode("utf-8")), None) == extract(PAGE, "html")
    assert extract(gzip.compress(PLAIN.encode("utf-8")), "text").text == PLAIN
    assert extract(gzip.compress(PLAIN.encode("utf-8")), None).text == PLAIN


def test_url_is_kept_for_html():
    article = extract(PAGE, "html", url="https://news.example/ferry")
    assert article.url == "https://news.example/ferry"


@pytest.mark.parametrize(
    ("content", "is_html"),
    [
        (PAGE, True),
        ("  \n<html><body><p>x</p></body></html>", True),
        ("<p>A paragraph fragment.</p>", True),
        ("<div class='story'>text</div>", True),
        ("<!doctype html><title>t</title>", True),
        (PLAIN, False),
        ("Prices rose <5% in March, below forecasts.", False),
        ("<3 from the whole newsroom", False),
        ("<b>bold</b> is not enough to call it a page", False),
        ("", False),
    ],
)
def test_looks_like_html(content, is_html):
    assert looks_like_html(content) is is_html


def test_format_none_sniffs_text_and_keeps_it_verbatim():
    article = extract(PLAIN, None)
    assert article.text == PLAIN
    text = "Prices rose <5% in March, below forecasts."
    assert extract(text, None).text == text


def test_format_none_sniffs_html_fragment():
    fragment = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    article = extract(fragment, None)
    assert article.kept
    assert "<p>" not in article.text
    assert PARAGRAPHS[0] in article.text.split("\n\n")


# --- charsets --------------------------------------------------------------------------------

FRENCH = (
    "Le café de la société a rouvert vendredi après deux ans de travaux, a déclaré son propriétaire. "
    "Les clients ont fait la queue dès l’aube pour goûter la nouvelle crème brûlée. "
    "« C’est comme rentrer à la maison », a dit un habitué.\n"
)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_latin_bytes_decode_correctly(encoding):
    text = FRENCH if encoding == "cp1252" else FRENCH.replace("’", "'")
    data = text.encode(encoding)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really not UTF-8
    assert extract(data, "text").text == text


def test_cp1252_html_page_decodes_correctly():
    body = "".join(f"<p>{p} Le café «Société» sert une crème brûlée.</p>" for p in PARAGRAPHS)
    html = f'<html><head><meta charset="windows-1252"><title>Café reopens</title></head><body><article>{body}</article></body></html>'
    article = extract(html.encode("cp1252"), None)
    assert article.title == "Café reopens"
    assert "Le café «Société» sert une crème brûlée." in article.text


def test_short_cp1252_text_decodes_correctly():
    text = "Café société …"
    assert extract(text.encode("cp1252"), "text").text == text


def test_cp1252_english_with_accented_words_decodes_correctly():
    text = (
        "The Café Société in the old harbour reopened on Friday after a two-year renovation, its owner said.\n\n"
        "Diners queued outside from early morning — some had waited since dawn — to taste the new crème brûlée.\n\n"
        "“It feels like coming home,” said one regular, a retired schoolteacher from the village.\n"
    )
    assert extract(text.encode("cp1252"), "text").text == text


def test_utf8_page_with_a_stray_invalid_byte_stays_utf8():
    body = "".join(f"<p>{p} Le café «Société» sert une crème brûlée.</p>" for p in PARAGRAPHS)
    html = f'<html><head><meta charset="utf-8"><title>Café</title></head><body><article>{body}</article></body></html>'
    data = html.encode("utf-8").replace(b"</article>", b"\x92</article>")  # one pasted cp1252 quote
    article = extract(data, None)
    assert "Le café «Société» sert une crème brûlée." in article.text
    assert "Ã" not in article.text


def test_cp1252_bytes_that_happen_to_hold_one_utf8_sequence_are_not_taken_for_utf8():
    text = FRENCH + "Prix : 10 Â£.\n"  # "Â£" in cp1252 is also the UTF-8 bytes of "£"
    decoded = extract(text.encode("cp1252"), "text").text
    assert "\ufffd" not in decoded  # not UTF-8 with replacement characters


# --- drops -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\x1f\x8b\x08\x00garbage that is not deflate data",
        gzip.compress(PLAIN.encode("utf-8"))[:40],  # truncated gzip stream
    ],
    ids=["corrupt-gzip", "truncated-gzip"],
)
def test_corrupt_gzip_is_dropped_as_undecodable(data):
    article = extract(data, None)
    assert not article.kept
    assert article.drop.reason == "undecodable"
    assert article.drop.stage == "extract"
    assert "gzip" in article.drop.detail
    assert article.text == ""


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Nothing here</title></head><body><div></div></body></html>",
        "<html><body><script>var tracking = 1;</script></body></html>",
        "<html><body></body></html>",
    ],
)
def test_html_without_main_text_is_dropped_as_no_content(html):
    article = extract(html, "html", hints={"title": "Kept title"})
    assert not article.kept
    assert article.drop.reason == "no_content"
    assert article.drop.stage == "extract"
    assert article.text == ""
    assert article.title == "Kept title"  # hints still describe the dropped document


RUNAWAY_STORY = [
    "The harbour board approved a new ferry timetable on Monday after a year of complaints from island residents.",
    "From March the first boat will leave Portmoy at 6.40am, an hour earlier than now, the board said in a statement.",
    "The change will cost about 120,000 pounds a year, to be paid from harbour dues that have not risen since 2011.",
]


def test_a_page_whose_title_was_never_closed_is_read():
    # A crawl that lost "</title>": a parser reads the rest of the page as the title's text.
    filler = "<script>var slots = [1, 2, 3];</script>" * 80
    body = "".join(f"<p>{sentence}</p>" for sentence in RUNAWAY_STORY)
    html = f"<html><head><title>Ferry timetable changes {filler}</head><body><div class='story'>{body}</div></body></html>"
    article = extract(html, "html")
    assert article.kept
    for sentence in RUNAWAY_STORY:
        assert sentence in article.text


def test_a_long_title_without_markup_is_left_as_it_is():
    title = "Ferry timetable " * 200
    body = "".join(f"<p>{sentence}</p>" for sentence in RUNAWAY_STORY)
    article = extract(f"<html><head><title>{title}</title></head><body><div>{body}</div></body></html>", "html")
    assert article.kept and RUNAWAY_STORY[0] in article.text


def test_html_with_only_navigation_yields_no_article():
    html = (
        "<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
        "<footer>Copyright 2024 Example Media</footer></body></html>"
    )
    article = default_pipeline(dedup=False).process(RawDocument(id="nav", content=html, format="html"))
    assert article.drop is not None and article.drop.reason in {"no_content", "empty"}
    assert article.text == ""


@pytest.mark.parametrize("fmt", ["html", None])
def test_single_paragraph_html_fragment_is_extracted(fmt):
    paragraph = PARAGRAPHS[0]
    article = extract(f"<p>{paragraph}</p>", fmt)
    assert article.kept, article.drop
    assert article.text == paragraph


def test_two_paragraph_html_fragment_is_extracted():
    article = extract(f"<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>", "html")
    assert article.paragraphs == PARAGRAPHS[:2]


def test_copyright_year_is_not_taken_as_publication_date():
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = f"<html><head><title>Ferry</title></head><body><article>{body}</article><footer>© 2019 Eastmere Gazette</footer></body></html>"
    without_footer = html.replace("<footer>© 2019 Eastmere Gazette</footer>", "")
    assert extract(without_footer, "html").published is None
    assert extract(html, "html").published is None


@pytest.mark.parametrize(
    ("error", "reason", "detail"),
    [
        ("bad_json: x", "bad_json", "x"),
        ("bad_record: expected an object, got list", "bad_record", "expected an object, got list"),
        ("no_content: record has no non-empty 'text' or 'html'", "no_content", "record has no non-empty 'text' or 'html'"),
        ("unreadable: [Errno 13] Permission denied: 'a.txt'", "unreadable", "[Errno 13] Permission denied: 'a.txt'"),
    ],
)
def test_reader_error_becomes_a_drop(error, reason, detail):
    raw = RawDocument(id="feed:3", url="https://news.example/x", error=error, content="ignored text")
    article = EXTRACT(raw)
    assert not article.kept
    assert article.drop.reason == reason
    assert article.drop.detail == detail
    assert article.drop.stage == "extract"
    assert (article.id, article.url, article.text) == ("feed:3", "https://news.example/x", "")


# --- hints -----------------------------------------------------------------------------------


def test_hints_fill_fields_for_text():
    article = extract(
        PLAIN,
        "text",
        hints={"title": "Ferry opens", "source": "Eastmere Gazette", "authors": ["Mara Lindqvist"], "published": "2024-05-01"},
    )
    assert article.title == "Ferry opens"
    assert article.source == "Eastmere Gazette"
    assert article.authors == ("Mara Lindqvist",)
    assert article.published == dt.date(2024, 5, 1)
    assert article.text == PLAIN


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        (["Mara Lindqvist", "Oren Falk"], ("Mara Lindqvist", "Oren Falk")),
        ("Mara Lindqvist; Oren Falk", ("Mara Lindqvist", "Oren Falk")),
        ("Mara Lindqvist, Oren Falk", ("Mara Lindqvist", "Oren Falk")),
        ("  Mara Lindqvist ;; ", ("Mara Lindqvist",)),
        ("", ()),
    ],
)
def test_author_hints_as_list_or_string(authors, expected):
    assert extract(PLAIN, "text", hints={"authors": authors}).authors == expected


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2024-05-01", dt.date(2024, 5, 1)),
        ("2024-05-01T08:15:00+02:00", dt.date(2024, 5, 1)),
        ("yesterday", None),
        ("2024-13-45", None),
    ],
)
def test_published_hint_is_parsed_or_ignored(published, expected):
    assert extract(PLAIN, "text", hints={"published": published}).published == expected


def test_hints_win_over_html_metadata():
    hints = {
        "title": "Hinted headline",
        "source": "Hinted Source",
        "authors": "Ada Quill; Ben Roe",
        "published": "2024-05-01",
    }
    article = extract(PAGE, "html", hints=hints)
    assert article.kept
    assert article.title == "Hinted headline"
    assert article.source == "Hinted Source"
    assert article.authors == ("Ada Quill", "Ben Roe")
    assert article.published == dt.date(2024, 5, 1)
    assert PARAGRAPHS[0] in article.text.split("\n\n")


def test_partial_hints_leave_other_fields_to_html_metadata():
    article = extract(PAGE, "html", hints={"title": "Hinted headline"})
    assert article.title == "Hinted headline"
    assert article.authors == ("Mara Lindqvist",)
    assert article.published == dt.date(2024, 3, 12)
    assert article.source == "The Eastmere Gazette"


def test_extract_is_deterministic():
    assert extract(PAGE, "html") == extract(PAGE, "html")
    assert Extract(favor_precision=True)(RawDocument(id="a", content=PAGE)) == Extract(favor_precision=True)(
        RawDocument(id="a", content=PAGE)
    )


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1250", "Rząd przyjął w środę projekt ustawy o zmianie przepisów dotyczących żeglugi śródlądowej, "
                   "poinformował rzecznik. Posłowie zajmą się nim jeszcze w tym miesiącu, a ustawa ma wejść w życie "
                   "od przyszłego roku.\n"),
        ("cp1251", "Міська рада ухвалила в середу новий бюджет на наступний рік, повідомив секретар ради. "
                   "Депутати обговорювали документ понад шість годин.\n"),
    ],
)
def test_central_and_eastern_european_legacy_charsets_decode_correctly(encoding, text):
    assert extract(text.encode(encoding), "text").text == text


def test_date_in_a_zone_dateutil_cannot_name_gives_the_day_without_a_warning():
    """"EST" is a real last-modified value on news sites; dateutil warns on it. Warning filters
    belong to the process, so the check runs in a fresh interpreter with Python's defaults."""
    page = PAGE.replace(
        '<meta property="article:published_time" content="2024-03-12T09:30:00Z">',
        '<meta name="last-modified" content="2024-03-12 08:57:25 EST">',
    )
    code = (
        "import sys\n"
        "from newsclean import RawDocument\n"
        "from newsclean.stages import Extract\n"
        "article = Extract()(RawDocument(id='est', content=sys.stdin.read(), format='html'))\n"
        "print(article.published)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    run = subprocess.run([sys.executable, "-c", code], input=page, capture_output=True, text=True, env=env, check=True)
    assert run.stdout.strip() == "2024-03-12"
    assert "Warning" not in run.stderr


# --- a story split across sibling containers ----------------------------------------------------

SPLIT_STORY = [
    f"Part {n} of the ferry story: the harbour board met islanders on the quay on Monday and agreed to move the first sailing an hour earlier."
    for n in ("one", "two", "three", "four", "five", "six")
]


def split_page(name: str, between: str) -> str:
    first = "".join(f"<p>{p}</p>" for p in SPLIT_STORY[:3])
    second = "".join(f"<p>{p}</p>" for p in SPLIT_STORY[3:])
    return f"""<html><head><title>Ferry timetable</title></head><body><div class="page">
    <h1>Ferry timetable to change</h1><div class="{name}">{first}</div>{between}<div class="{name}">{second}</div>
    <div class="comments"><p>Great story, thanks for writing it up, it is what everybody on the island has been saying.</p></div>
    </div></body></html>"""


def test_a_story_split_across_two_sibling_containers_is_kept_whole():
    # trafilatura keeps the first block of a body class it knows and drops the second.
    promo = '<div class="promo"><a href="/s">Sign up for the island newsletter</a></div>'
    article = newsclean.clean(html=split_page("article-body", promo))
    assert article.paragraphs == SPLIT_STORY
    assert "extract:continued" in article.trace


def test_a_sibling_of_another_kind_does_not_join_the_story():
    other = '<div class="article-body"><p>' + SPLIT_STORY[0] + "</p><p>" + SPLIT_STORY[1] + "</p></div>"
    page = other + '<div class="sidebar"><p>The sidebar of the page holds a long paragraph about another story entirely, the cup final.</p></div>'
    article = newsclean.clean(html=f"<html><body><h1>Ferry</h1>{page}</body></html>")
    assert not any("cup final" in p for p in article.paragraphs)
    assert "extract:continued" not in article.trace


def test_a_heading_the_extractor_printed_at_the_top_goes_and_the_story_stays():
    # The page's <h2> headline and <h3> kicker come out as the first lines; a heading inside the
    # story further down, and a first sentence that happens to repeat a heading, stay.
    story = [f"{s} The harbour board met on Monday." for s in SPLIT_STORY]
    page = f"""<html><head><title>Harbour Times</title></head><body><div class="main">
    <h3>Island ferries and harbours</h3><h2>Ferry timetable to change in March</h2>
    <div class="text"><p>Island ferries and harbours</p><p>Ferry timetable to change in March</p>
    {"".join(f"<p>{s}</p>" for s in story[:3])}<h2>What the board said next</h2><p>What the board said next</p>
    {"".join(f"<p>{s}</p>" for s in story[3:])}</div></div></body></html>"""
    article = newsclean.clean(html=page)
    assert article.paragraphs[0] == story[0]
    assert "What the board said next" in article.paragraphs
    assert [r.rule for r in article.removed if r.category.value == "headline"][:2] == ["dom.headline.heading"] * 2
