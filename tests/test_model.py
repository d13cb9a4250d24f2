"""Value objects: frozen, lossless JSON round trip, reject records."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

from newsclean.model import Article, Category, Drop, Related, Removal


def sample_article(**changes) -> Article:
    article = Article(
        id="a1",
        url="https://example.org/a1",
        source="The Ledger",
        title="Council approves budget",
        authors=("Jane Doe", "Tom Roe"),
        published=dt.date(2024, 5, 3),
        language="en",
        text="First paragraph.\n\nSecond paragraph.",
        removed=(Removal(stage="boilerplate", category=Category.TAGS, rule="en.tags.label", text="Tags: budget", line=2),),
        trace=("extract", "normalize"),
    )
    return attrs.evolve(article, **changes)


def test_round_trip_through_json_is_lossless():
    article = sample_article()
    assert Article.from_dict(json.loads(json.dumps(article.to_dict()))) == article


def test_round_trip_keeps_a_drop():
    article = sample_article(drop=Drop(stage="dedup", reason="dedup:exact", detail="same", duplicate_of="a0"))
    assert Article.from_dict(json.loads(json.dumps(article.to_dict()))) == article


def test_round_trip_keeps_related_articles_and_the_keeper_rule():
    related = sample_article(related=(Related("a2", 0.61), Related("a3", 0.5)))
    assert Article.from_dict(json.loads(json.dumps(related.to_dict()))) == related
    assert "related" not in sample_article().to_dict()
    drop = Drop(stage="dedup", reason="dedup:near", duplicate_of="a0", similarity=0.8, decided_by="covers")
    dropped = sample_article(drop=drop)
    assert Article.from_dict(json.loads(json.dumps(dropped.to_dict()))) == dropped
    assert dropped.reject_record()["decided_by"] == "covers"


def test_articles_are_frozen():
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        sample_article().text = "changed"


def test_published_is_written_as_iso_date():
    assert sample_article().to_dict()["published"] == "2024-05-03"
    assert sample_article(published=None).to_dict()["published"] is None


def test_removal_category_must_be_known():
    with pytest.raises(ValueError):
        Removal(stage="x", category="gossip", rule="r", text="t")


def test_reject_record_names_the_kept_duplicate():
    article = sample_article(drop=Drop(stage="dedup", reason="dedup:exact", duplicate_of="a0"))
    record = article.reject_record()
    assert record["reason"] == "dedup:exact" and record["duplicate_of"] == "a0" and record["id"] == "a1"


def test_reject_record_of_a_kept_article_is_an_error():
    with pytest.raises(ValueError):
        sample_article().reject_record()


def test_paragraphs():
    assert sample_article().paragraphs == ["First paragraph.", "Second paragraph."]
    assert sample_article(text="").paragraphs == []
