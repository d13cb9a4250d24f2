"""clean_batch for Hugging Face datasets, clean_dataframe for pandas."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from newsclean.config import RunConfig

# datasets must never reach the Hub in these tests; it reads these when it is imported.
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from newsclean import ConfigError, default_pipeline  # noqa: E402
from newsclean import integrations  # noqa: E402
from newsclean.integrations import OUTPUT_COLUMNS, clean_batch, clean_dataframe  # noqa: E402

STORY = (
    "Harbour Board Approves Dredging\n\n"
    "The harbour board approved the dredging of the eastern channel at its meeting on Thursday.\n\n"
    "Advertisement\n\n"
    "Work is due to start in March and will close the channel to large vessels for six weeks."
)
OTHER = "The county library reopened on Saturday after a year of repairs to its flooded basement."
JUNK = "Advertisement\n\nTags: harbour, dredging"
PAGE = (
    "<html><head><title>Library reopens</title></head><body><nav><a href='/'>Home</a></nav><article>"
    f"<p>{OTHER}</p><p>Visitors queued from early morning to see the restored reading room.</p>"
    "</article></body></html>"
)


def test_clean_batch_returns_one_value_per_row_and_keeps_rejected_rows():
    result = clean_batch({"text": [STORY, JUNK, None, OTHER]})
    assert list(result) == list(OUTPUT_COLUMNS)
    assert all(len(values) == 4 for values in result.values())
    assert result["clean_drop"] == ["", "empty", "no_content", ""]
    assert result["clean_text"][0] == (
        "The harbour board approved the dredging of the eastern channel at its meeting on Thursday.\n\n"
        "Work is due to start in March and will close the channel to large vessels for six weeks."
    )
    assert result["clean_text"][1:3] == ["", ""]
    assert result["clean_title"] == ["Harbour Board Approves Dredging", "", "", ""]
    assert result["clean_language"][0] == "en"
    removed = json.loads(result["clean_removed"][0])
    assert [(r["category"], r["rule"]) for r in removed] == [
        ("headline", "header.headline.first-line"),
        ("advertisement", "en.advertisement.label"),
    ]
    assert json.loads(result["clean_removed"][2]) == []


def test_every_output_value_is_a_string():
    result = clean_batch({"text": [OTHER, None]})
    assert all(isinstance(v, str) for values in result.values() for v in values)


def test_clean_batch_reads_html_and_metadata_columns():
    batch = {"html": [PAGE], "url": ["https://news.example/library"], "title": ["Library reopens after floods"], "views": [12]}
    result = clean_batch(batch, column="html", kind="html")
    assert result["clean_title"] == ["Library reopens after floods"]  # a hint wins over the page
    assert result["clean_text"][0].startswith(OTHER)
    assert "Home" not in result["clean_text"][0]


def test_corpus_stages_are_off_by_default_and_then_see_one_batch():
    assert clean_batch({"text": [OTHER, OTHER]})["clean_drop"] == ["", ""]
    assert clean_batch({"text": [OTHER, OTHER]}, dedup=True)["clean_drop"] == ["", "dedup:exact"]


def test_settings_are_passed_to_the_pipeline():
    german = "Der Hafenrat hat am Donnerstag die Ausbaggerung des östlichen Kanals beschlossen."
    result = clean_batch({"text": [OTHER, german]}, keep_languages=["en"])
    assert result["clean_drop"] == ["", "language"]
    assert clean_batch({"text": [OTHER]}, min_words=100)["clean_drop"] == ["too_short"]
    assert clean_batch({"text": [OTHER]}, max_bytes=20)["clean_drop"] == ["too_large"]
    # Without the English pack the advertisement label is no longer known.
    assert "Advertisement" in clean_batch({"text": [STORY]}, rule_languages=["de"])["clean_text"][0]
    own = default_pipeline(dedup=False, site_repeat=False, min_words=100)
    assert clean_batch({"text": [OTHER]}, pipeline=own)["clean_drop"] == ["too_short"]


def test_the_pipeline_is_built_once_per_setting(monkeypatch):
    built = []

    real = RunConfig.build_pipeline

    def counting(config):
        built.append(config)
        return real(config)

    monkeypatch.setattr(RunConfig, "build_pipeline", counting)
    integrations._pipeline.cache_clear()
    try:
        for _ in range(3):
            clean_batch({"text": [OTHER]})
        clean_batch({"text": [OTHER]}, min_words=5)
        assert len(built) == 2
    finally:
        integrations._pipeline.cache_clear()


def test_bad_column_or_kind_is_a_config_error():
    with pytest.raises(ConfigError, match="no column 'body'; columns: text"):
        clean_batch({"text": [OTHER]}, column="body")
    with pytest.raises(ConfigError, match="kind must be one of"):
        clean_batch({"text": [OTHER]}, kind="pdf")


def test_importing_integrations_imports_neither_datasets_nor_pandas():
    code = "import sys, newsclean.integrations; print(sorted(m for m in ('datasets', 'pandas') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --- Hugging Face datasets ------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(scope="module")
def datasets():
    return pytest.importorskip("datasets")


def test_dataset_map_batched_adds_string_columns(datasets, no_network):
    # The first batch is all kept with no title: its drop and title columns are all empty,
    # which must still type them as strings for the later batches.
    dataset = datasets.Dataset.from_dict({"id": ["a", "b", "c", "d"], "text": [OTHER, OTHER + " Again.", STORY, JUNK]})
    cleaned = dataset.map(clean_batch, batched=True, batch_size=2)
    assert cleaned.num_rows == 4
    assert cleaned.column_names == ["id", "text", *OUTPUT_COLUMNS]
    assert all(cleaned.features[name].dtype == "string" for name in OUTPUT_COLUMNS)
    assert cleaned["clean_drop"] == ["", "", "", "empty"]
    assert cleaned["clean_title"] == ["", "", "Harbour Board Approves Dredging", ""]


def test_dataset_map_with_two_processes_gives_the_same_rows(datasets):
    texts = [STORY, JUNK, OTHER, PAGE, None, OTHER]
    dataset = datasets.Dataset.from_dict({"text": texts})
    single = dataset.map(clean_batch, batched=True, batch_size=2)
    double = dataset.map(clean_batch, batched=True, batch_size=2, num_proc=2)
    assert double.to_list() == single.to_list()
    assert double["clean_drop"] == ["", "empty", "", "", "no_content", ""]


def test_dataset_map_html_column_with_fn_kwargs(datasets):
    dataset = datasets.Dataset.from_dict({"page": [PAGE]})
    cleaned = dataset.map(clean_batch, batched=True, fn_kwargs={"column": "page", "kind": "html"})
    assert cleaned[0]["clean_title"] == "Library reopens"
    assert cleaned[0]["clean_text"].startswith(OTHER)


# --- pandas ---------------------------------------------------------------------------------


def test_clean_dataframe_adds_columns_and_keeps_rows_and_index():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"text": [STORY, JUNK, None], "source": ["Port News", None, None]}, index=[10, 20, 30])
    cleaned = clean_dataframe(frame)
    assert list(cleaned.index) == [10, 20, 30]
    assert list(cleaned.columns) == ["text", "source", *OUTPUT_COLUMNS]
    assert cleaned["clean_drop"].tolist() == ["", "empty", "no_content"]
    assert cleaned.loc[10, "clean_title"] == "Harbour Board Approves Dredging"
    assert list(frame.columns) == ["text", "source"]  # the input is not changed


def test_clean_dataframe_passes_settings():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"body": [OTHER, OTHER]})
    assert clean_dataframe(frame, column="body", dedup=True)["clean_drop"].tolist() == ["", "dedup:exact"]


def test_clean_dataframe_names_a_missing_column():
    pd = pytest.importorskip("pandas")
    with pytest.raises(ConfigError, match="DataFrame has no column 'text'; columns: body, views"):
        clean_dataframe(pd.DataFrame({"body": [OTHER], "views": [3]}))


# --- issue 15: markup found without kind=, full article fields, checked settings ----------------


def test_clean_batch_without_kind_takes_the_html_path_for_markup():
    result = clean_batch({"html": [PAGE, OTHER]}, column="html")
    assert result["clean_text"][0].startswith(OTHER) and "<" not in result["clean_text"][0]
    assert "Home" not in result["clean_text"][0]
    assert result["clean_title"][0] == "Library reopens"
    assert result["clean_text"][1] == OTHER
    assert "<p>" in clean_batch({"html": [PAGE]}, column="html", kind="text")["clean_text"][0]


def test_clean_batch_returns_the_full_article_fields():
    batch = {
        "text": [STORY],
        "url": ["https://news.example/dredging"],
        "source": ["Port News"],
        "authors": [["Ana Ruiz", "Ben Ode"]],
        "published": ["2024-03-01"],
        "crawled": ["2024-03-02T10:00:00Z"],
    }
    result = clean_batch(batch)
    assert result["clean_url"] == ["https://news.example/dredging"]
    assert result["clean_source"] == ["Port News"]
    assert json.loads(result["clean_authors"][0]) == ["Ana Ruiz", "Ben Ode"]
    assert result["clean_published"] == ["2024-03-01"]
    assert result["clean_crawled"] == ["2024-03-02T10:00:00Z"]


def test_clean_batch_settings_are_checked_and_a_string_is_one_language():
    german = "Der Hafenrat hat am Donnerstag die Ausbaggerung des östlichen Kanals beschlossen."
    assert clean_batch({"text": [OTHER, german]}, keep_languages="en")["clean_drop"] == ["", "language"]
    assert clean_batch({"text": [OTHER, german]}, keep_languages="English")["clean_drop"] == ["", "language"]
    with pytest.raises(ConfigError, match="keep_languages: unknown"):
        clean_batch({"text": [OTHER]}, keep_languages=["english", "elvish"])
    with pytest.raises(ConfigError, match="min_words must be at least 1"):
        clean_batch({"text": [OTHER]}, min_words=0)


def test_clean_dataframe_finds_html_and_returns_the_article_fields():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"page": [PAGE], "url": ["https://news.example/library"]})
    cleaned = clean_dataframe(frame, column="page")
    assert cleaned.loc[0, "clean_text"].startswith(OTHER)
    assert cleaned.loc[0, "clean_url"] == "https://news.example/library"
    assert cleaned.loc[0, "clean_title"] == "Library reopens"


def test_clean_batch_gives_the_description_column():
    page = PAGE.replace("<title>", "<meta name='description' content='The library is open again after the winter floods.'><title>")
    result = clean_batch({"html": [page, OTHER]}, column="html")
    assert result["clean_description"] == ["The library is open again after the winter floods.", ""]
