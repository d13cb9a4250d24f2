"""Golden cases: an input file plus the output we expect, kept as plain files in a folder.

A case is a folder holding:

``input.txt`` or ``input.html``  the document as a scraper would hand it over
``meta.json``                    optional hints: ``url``, ``title``, ``source``, ``authors``, ``published``
``expected.txt``                 the clean text, exactly (a final newline is ignored)
``expected.json``                optional fields to check; only the keys present are compared:
                                 ``title``, ``authors``, ``published``, ``language``, ``source``,
                                 ``categories`` (the set of removal categories), ``rules`` (the set
                                 of rule ids that fired), ``drop`` (the drop reason, or null)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

from newsclean.model import Article, RawDocument
from newsclean.pipeline import Pipeline

INPUT_NAMES = ("input.txt", "input.html")


@attrs.frozen(kw_only=True)
class GoldenCase:
    """One case folder, loaded."""

    name: str
    path: Path
    document: RawDocument
    expected_text: str | None
    expected_fields: dict[str, Any]

    @classmethod
    def load(cls, folder: Path) -> GoldenCase:
        inputs = [folder / n for n in INPUT_NAMES if (folder / n).exists()]
        if len(inputs) != 1:
            raise ValueError(f"golden case {folder} needs exactly one of {', '.join(INPUT_NAMES)}")
        source = inputs[0]
        meta = _read_json(folder / "meta.json")
        url = meta.pop("url", None)
        document = RawDocument(
            id=folder.name,
            content=source.read_bytes(),
            format="html" if source.suffix == ".html" else "text",
            url=url,
            hints=meta,
        )
        text_path = folder / "expected.txt"
        expected_text = text_path.read_text(encoding="utf-8").rstrip("\n") if text_path.exists() else None
        return cls(
            name=folder.name,
            path=folder,
            document=document,
            expected_text=expected_text,
            expected_fields=_read_json(folder / "expected.json"),
        )


def discover(root: Path) -> list[GoldenCase]:
    """Every case under ``root`` (folders with an input file), sorted by name."""
    folders = sorted({p.parent for name in INPUT_NAMES for p in root.rglob(name)})
    return [GoldenCase.load(folder) for folder in folders]


def observed_fields(article: Article) -> dict[str, Any]:
    """The checkable fields of a cleaned article, in the form ``expected.json`` uses."""
    return {
        "title": article.title,
        "authors": list(article.authors),
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        "source": article.source,
        "categories": sorted({r.category.value for r in article.removed}),
        "rules": sorted({r.rule for r in article.removed}),
        "drop": article.drop.reason if article.drop else None,
    }


def compare(case: GoldenCase, article: Article) -> list[str]:
    """Differences between a case's expectations and ``article``; empty when it passes."""
    problems: list[str] = []
    if case.expected_text is not None and article.text != case.expected_text:
        problems.append("text differs")
    observed = observed_fields(article)
    for key, want in sorted(case.expected_fields.items()):
        if key not in observed:
            problems.append(f"unknown key {key!r} in expected.json")
            continue
        got = observed[key]
        if key in ("categories", "rules"):
            want = sorted(set(want))
        if got != want:
            problems.append(f"{key}: expected {want!r}, got {got!r}")
    return problems


def run_case(case: GoldenCase, pipeline: Pipeline) -> Article:
    return pipeline.process(case.document)


def _read_json(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))
