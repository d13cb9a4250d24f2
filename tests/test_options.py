"""Settings are checked before any work (newsclean.options), and clean() looks at what it is given."""

from __future__ import annotations

import pytest

import newsclean
from newsclean import ConfigError, default_pipeline
from newsclean.options import language_codes, output_file, supported_languages

PAGE = (
    "<!doctype html><html><head><title>Ferry terminal opens</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav>"
    "<article><h1>Ferry terminal opens</h1>"
    "<p>The town of Eastmere opened its new ferry terminal on Tuesday after three years of work.</p>"
    "<p>The terminal can handle four vessels at once and has a covered waiting hall.</p>"
    "</article></body></html>"
)
TEXT = "The town of Eastmere opened its new ferry terminal on Tuesday after three years of work."


# --- clean() looks at its content --------------------------------------------------------------


@pytest.mark.parametrize("call", [lambda: newsclean.clean(PAGE), lambda: newsclean.clean(text=PAGE)])
def test_clean_of_a_page_given_as_text_takes_the_html_path(call):
    article = call()
    assert "<" not in article.text and "Home" not in article.text
    assert article.title == "Ferry terminal opens"
    assert article.paragraphs[0].startswith("The town of Eastmere")


def test_clean_format_forces_either_path():
    as_text = newsclean.clean(PAGE, format="text")
    assert "<article>" in as_text.text
    as_html = newsclean.clean("<p>" + TEXT + "</p>", format="html")
    assert as_html.text == TEXT
    assert newsclean.clean(TEXT).text == TEXT
    with pytest.raises(ConfigError, match="format"):
        newsclean.clean(TEXT, format="markdown")


def test_clean_refuses_an_unknown_hint_name():
    with pytest.raises(ConfigError, match=r"titel.*title, description, source, authors, published"):
        newsclean.clean(text=TEXT, titel="Budget")


def test_a_published_hint_that_is_not_a_date_is_recorded_in_the_trace():
    article = newsclean.clean(text=TEXT, published="yesterday")
    assert article.published is None
    assert any("published hint 'yesterday'" in step for step in article.trace)
    assert not any("warning" in step for step in newsclean.clean(text=TEXT, published="2024-05-01").trace)


# --- languages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, codes",
    [
        ("en", ("en",)),  # one string is one code, not the letters e and n
        ("EN", ("en",)),
        ("english", ("en",)),
        ("English, German", ("en", "de")),
        (["de", "Uk"], ("de", "uk")),
        ("zh", ("zh-cn", "zh-tw")),
        ("ZH_TW", ("zh-tw",)),
        ("en,en", ("en",)),
        (None, ()),
    ],
)
def test_language_codes_accept_case_names_and_one_string(given, codes):
    assert language_codes(given) == codes


def test_keep_languages_string_is_one_language():
    language = default_pipeline(keep_languages="en").stages[1]
    assert language.keep == ("en",)


@pytest.mark.parametrize("bad", ["klingon", "english,xx", ["e", "n"]])
def test_unknown_language_is_a_config_error_listing_the_codes(bad):
    with pytest.raises(ConfigError) as error:
        default_pipeline(keep_languages=bad)
    message = str(error.value)
    assert message.startswith("keep_languages:")
    assert all(code in message for code in supported_languages())


# --- numbers and choices --------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings, named",
    [
        ({"min_words": 0}, "min_words"),
        ({"min_words": -1}, "min_words"),
        ({"min_words": 2.5}, "min_words"),
        ({"max_bytes": 0}, "max_bytes"),
        ({"dedup_threshold": 0}, "dedup_threshold"),
        ({"dedup_threshold": 1.5}, "dedup_threshold"),
        ({"dedup": "fuzzy"}, "dedup"),
        ({"on_error": "ignore"}, "on_error"),
        ({"time_budget": -1}, "time_budget"),
    ],
)
def test_out_of_range_settings_are_config_errors_naming_the_setting(settings, named):
    with pytest.raises(ConfigError, match=named):
        default_pipeline(**settings)


def test_min_words_one_and_no_time_budget_are_accepted():
    pipeline = default_pipeline(min_words=1, time_budget=0)
    assert pipeline.time_budget is None


# --- output files ---------------------------------------------------------------------------


def test_output_file_creates_its_folder(tmp_path):
    target = tmp_path / "a" / "b" / "stats.json"
    assert output_file(target, "--stats") == target
    assert target.parent.is_dir() and not target.exists()


def test_output_file_refuses_a_folder_or_a_file_in_the_way(tmp_path):
    with pytest.raises(ConfigError, match="--stats .* is a folder"):
        output_file(tmp_path, "--stats")
    (tmp_path / "plain").write_text("x")
    with pytest.raises(ConfigError, match="-o .*is not a folder"):
        output_file(tmp_path / "plain" / "out.jsonl", "-o")


# --- metadata kept --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head, url",
    [
        ("<link rel='canonical' href='https://news.example/ferry'>", "https://news.example/ferry"),
        ("<meta property='og:url' content='https://news.example/og-ferry'>", "https://news.example/og-ferry"),
        ("", None),
    ],
)
def test_url_comes_from_the_canonical_link_or_og_url(head, url):
    page = PAGE.replace("</head>", head + "</head>")
    assert newsclean.clean(html=page).url == url
    assert newsclean.clean(html=page, url="https://given.example/x").url == "https://given.example/x"


def test_meta_round_trips_through_to_dict():
    from newsclean import Article

    article = Article(id="a", text="x", meta={"cc_segment": "s/1", "score": 0.5})
    assert article.to_dict()["meta"] == {"cc_segment": "s/1", "score": 0.5}
    assert Article.from_dict(article.to_dict()) == article
    assert "meta" not in Article(id="b").to_dict()


def test_clean_drops_a_byte_order_mark_before_it_looks_at_the_content():
    article = newsclean.clean("\ufeff" + PAGE)
    assert "<" not in article.text and article.title == "Ferry terminal opens"
    assert not newsclean.clean(text="\ufeff" + TEXT).text.startswith("\ufeff")
