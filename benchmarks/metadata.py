"""Metadata fallback on the dev sets: titles against the headline a person marked, with and
without ``newsclean.metadata`` (same run, same extract stage otherwise).

    python benchmarks/metadata.py ../shared/devsets [--limit N] [--jobs N] [--show N]

Gold headlines:
- ``l3s-gn1-dev``: the first non-empty block the assessors labelled *headline* (``x-nc-sel1``) in
  ``annotated/ID.html``;
- ``dragnet-news``: the first non-empty line of the gold text, which by the set's convention
  usually is the headline (on blogs it is often the date line: both systems are scored alike).

A title scores when its casefolded words equal the gold headline's. Authors and dates have no
gold: the script counts the values each system gives and how many the fallback changed, and
``--show`` prints the changes to read.

The baseline ("trafilatura's values") runs the same extract stage with ``metadata.correct``
replaced by a pass-through, so the only difference is the fallback.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
from dataclasses import dataclass
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).parent))
import fulltext  # noqa: E402

from newsclean import RawDocument, metadata  # noqa: E402
from newsclean.stages import Extract  # noqa: E402
from newsclean.text import comparison_key  # noqa: E402

_ORIGINAL = metadata.correct


def _pass_through(tree, *, title, authors, published, **_):
    return metadata.Metadata(title=" ".join((title or "").split()) or None, authors=tuple(authors), published=published)


@dataclass(frozen=True)
class Values:
    title: str | None
    authors: tuple[str, ...]
    published: str | None


def gold_headline(page: fulltext.GoldPage) -> str | None:
    if page.dataset == "l3s-gn1-dev":
        annotated = page.path.parent.parent / "annotated" / page.path.name
        if not annotated.exists():
            return None
        for element in lxml.html.parse(str(annotated)).xpath("//span[@class='x-nc-sel1']"):
            text = " ".join(element.text_content().split())
            if text:
                return text
        return None
    return next((line.strip() for line in page.gold.splitlines() if line.strip()), None)


def _values(page: fulltext.GoldPage, fallback: bool) -> Values:
    metadata.correct = _ORIGINAL if fallback else _pass_through  # type: ignore[assignment]
    article = Extract()(RawDocument(id=page.id, content=page.path.read_bytes(), format="html", url=page.url))
    return Values(article.title, article.authors, article.published.isoformat() if article.published else None)


def run_page(page: fulltext.GoldPage) -> tuple[str | None, Values, Values]:
    return gold_headline(page), _values(page, False), _values(page, True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("devsets", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--show", type=int, default=0, help="print this many changed values per field")
    args = parser.parse_args()
    print("set | pages | gold headlines | titles right: trafilatura | with fallback | titles changed | "
          "authors changed | dates changed | no title: before / after")
    for name in fulltext.SETS:
        pages = fulltext.load_set(args.devsets, name, args.limit)
        if not pages:
            print(f"{name}: not found under {args.devsets}")
            continue
        with multiprocessing.Pool(args.jobs) as pool:
            results = pool.map(run_page, pages, chunksize=8)
        golds = [(g, b, a) for g, b, a in results if g]
        right_before = sum(comparison_key(b.title or "") == comparison_key(g) for g, b, _ in golds)
        right_after = sum(comparison_key(a.title or "") == comparison_key(g) for g, _, a in golds)
        changed = {f: [(b, a) for _, b, a in results if getattr(b, f) != getattr(a, f)] for f in ("title", "authors", "published")}
        untitled = (sum(b.title is None for _, b, _ in results), sum(a.title is None for _, _, a in results))
        print(f"{name} | {len(pages)} | {len(golds)} | {right_before} ({right_before / max(len(golds), 1):.1%}) | "
              f"{right_after} ({right_after / max(len(golds), 1):.1%}) | {len(changed['title'])} | "
              f"{len(changed['authors'])} | {len(changed['published'])} | {untitled[0]} / {untitled[1]}")
        for field, pairs in changed.items():
            for before, after in pairs[: args.show]:
                print(f"    {field}: {getattr(before, field)!r} -> {getattr(after, field)!r}")


if __name__ == "__main__":
    main()
