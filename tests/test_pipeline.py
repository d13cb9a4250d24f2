"""Pipeline: composition, streaming, error handling, determinism."""

from __future__ import annotations

from typing import ClassVar

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsclean import ConfigError, Pipeline, RawDocument, StageError, clean, default_pipeline
from newsclean.model import Article

PIPELINE = default_pipeline()
STORY = (
    "The harbour authority said on Monday that the new ferry terminal would open in the spring.\n\n"
    "Advertisement\n\n"
    "Work on the terminal began two years ago and has cost more than the first estimate.\n\n"
    "Tags: ferries, harbour"
)


@attrs.frozen
class Shout:
    name: ClassVar[str] = "shout"

    def __call__(self, article: Article) -> Article:
        return attrs.evolve(article, text=article.text.upper())


@attrs.frozen
class Explode:
    name: ClassVar[str] = "explode"

    def __call__(self, article: Article) -> Article:
        raise RuntimeError("boom")


def docs(*texts: str) -> list[RawDocument]:
    return [RawDocument(id=f"d{i}", content=t, format="text") for i, t in enumerate(texts)]


def test_default_pipeline_stage_order():
    assert PIPELINE.names == ("extract", "normalize", "language", "navigation_head", "menu_row", "header", "comment_thread", "boilerplate", "doc_dedup", "site_repeat", "min_length", "dedup")


def test_then_without_replace_return_new_pipelines():
    shouting = PIPELINE.then(Shout())
    assert shouting.names[-1] == "shout" and PIPELINE.names[-1] == "dedup"
    assert "doc_dedup" not in PIPELINE.without("doc_dedup").names
    replaced = PIPELINE.replace("boilerplate", Shout())
    assert replaced.names[PIPELINE.names.index("boilerplate")] == "shout"
    assert "boilerplate" not in replaced.names
    with pytest.raises(ConfigError, match="no stage named 'nope'"):
        PIPELINE.without("nope")


def test_run_yields_every_document_in_order():
    out = list(PIPELINE.run(docs(STORY, "", STORY)))
    assert [a.id for a in out] == ["d0", "d1", "d2"]
    assert [a.drop.reason if a.drop else None for a in out] == [None, "empty", "dedup:exact"]


def test_run_without_whole_corpus_stages_is_lazy():
    def endless():
        i = 0
        while True:
            yield RawDocument(id=str(i), content=STORY + f" Item {i}.", format="text")
            i += 1

    stream = default_pipeline(site_repeat=False, dedup="off").run(endless())
    first = [next(stream) for _ in range(3)]
    assert [a.id for a in first] == ["0", "1", "2"]


def test_a_failing_stage_drops_the_document_and_the_run_goes_on():
    pipeline = PIPELINE.then(Explode())
    out = list(pipeline.run(docs(STORY)))
    assert out[0].drop.reason == "error" and out[0].drop.stage == "explode"
    assert "RuntimeError: boom" in out[0].drop.detail


def test_on_error_raise_names_stage_and_document():
    pipeline = attrs.evolve(default_pipeline(dedup=False).then(Explode()), on_error="raise")
    with pytest.raises(StageError, match="stage 'explode' failed on document 'd0'"):
        list(pipeline.run(docs(STORY)))


def test_on_error_is_validated():
    with pytest.raises(ConfigError):
        Pipeline(on_error="ignore")


def test_clean_text_and_html():
    article = clean(text=STORY)
    assert "Advertisement" not in article.text and "Tags:" not in article.text
    assert {r.category.value for r in article.removed} == {"advertisement", "tags"}
    html = "<html><head><title>Ferry terminal to open</title></head><body><article><h1>Ferry terminal to open</h1>" + "".join(
        f"<p>{p}</p>" for p in STORY.split("\n\n")
    ) + "</article></body></html>"
    from_html = clean(html=html)
    assert from_html.title == "Ferry terminal to open"
    assert "Advertisement" not in from_html.text and "ferry terminal would open" in from_html.text


def test_clean_needs_exactly_one_input():
    with pytest.raises(TypeError):
        clean()
    with pytest.raises(TypeError):
        clean(text="a", html="<p>a</p>")


def test_same_input_same_output():
    first = [a.to_dict() for a in default_pipeline().run(docs(STORY, STORY.replace("spring", "autumn")))]
    second = [a.to_dict() for a in default_pipeline().run(docs(STORY, STORY.replace("spring", "autumn")))]
    assert first == second


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_is_emitted_or_dropped_never_raised(text):
    article = PIPELINE.process(RawDocument(id="h", content=text, format="text"))
    assert article.kept or article.drop.reason in {"empty", "too_short"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "Advertisement", "Read also:", "Storm hits coast", "Tags: a, b", "Share this article", "Jane Doe",
    "The harbour authority said on Monday that the terminal would open.",
    "Work on the terminal began two years ago and cost more than planned.",
    "“We need your support,” the mayor told voters at the rally.",
]), max_size=12))
def test_boilerplate_removes_only_whole_lines(lines):
    pipeline = default_pipeline(dedup=False).without("header")
    article = pipeline.process(RawDocument(id="h", content="\n\n".join(lines), format="text"))
    kept = article.text.split("\n\n") if article.text else []
    removed = [r.text for r in article.removed]
    assert sorted(kept + removed) == sorted(lines)
