"""Site-learned junk: lines that recur across many articles of one source.

A publisher's appeal printed under every article ("Support our newsroom: become a patron!")
is junk no rule pack knows. This corpus stage learns such lines per source (the ``source``
field, else the URL's host) and removes them with category ``site_repeat``; the removal's
``evidence`` says in how many of the source's articles the line was found.

A line is removed when, within its source, it is found in at least ``min_articles`` articles
and in at least ``min_share`` of them, and is at most ``max_words`` long. Two articles that
quote the same sentence stay untouched (below ``min_articles``); a background paragraph a
desk repeats in a running story is long and rarely in a fifth of everything the site prints.

Memory is bounded whatever the corpus size: articles wait in a temporary spill file, not in
memory; the first pass keeps, per source, a lossy count of its lines (Manku and Motwani's
lossy counting with error ``min_share / 2``: every line in more than that share of a source's
articles is guaranteed to survive, and the summary stays small); the second pass counts those
candidates exactly; the third removes. The result does not depend on the order of the input.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import IO, ClassVar
from urllib.parse import urlsplit

import attrs
import xxhash

from newsclean.errors import ConfigError
from newsclean.model import Article, Category, Removal
from newsclean.text import comparison_key, join_paragraphs, split_paragraphs, word_count

RULE = "site.repeat"


def source_key(article: Article) -> str | None:
    """Where an article comes from: its ``source``, else its URL's host (without ``www.``)."""
    if article.source:
        return article.source.strip().casefold()
    if article.url:
        host = urlsplit(article.url).hostname or ""
        return host.removeprefix("www.") or None
    return None


def line_hash(line: str) -> int:
    return xxhash.xxh3_64_intdigest(comparison_key(line).encode("utf-8"))


@attrs.define
class LossyCounter:
    """Lossy counting of how many articles hold each line hash: a line found in more than
    ``epsilon`` of the articles added is always kept; rarer lines are pruned as it goes."""

    epsilon: float
    articles: int = 0
    counts: dict[int, list[int]] = attrs.field(factory=dict)  # key -> [count, max undercount]

    def add_article(self, keys: Iterable[int]) -> None:
        width = math.ceil(1 / self.epsilon)
        self.articles += 1
        bucket = math.ceil(self.articles / width)
        for key in keys:
            entry = self.counts.get(key)
            if entry is None:
                self.counts[key] = [1, bucket - 1]
            else:
                entry[0] += 1
        if self.articles % width == 0:
            self.counts = {k: e for k, e in self.counts.items() if e[0] + e[1] > bucket}


@attrs.frozen(kw_only=True)
class SiteRepeat:
    """Removes lines that recur across a source's articles (see the module docstring)."""

    name: ClassVar[str] = "site_repeat"

    min_articles: int = 5
    min_share: float = 0.2
    max_words: int = 40

    def __attrs_post_init__(self) -> None:
        if self.min_articles < 3:
            raise ConfigError("min_articles must be at least 3: two articles may quote the same words")
        if not 0 < self.min_share <= 1:
            raise ConfigError(f"min_share must be in (0, 1], not {self.min_share}")

    def candidate_lines(self, article: Article) -> set[int]:
        return {line_hash(p) for p in split_paragraphs(article.text) if 0 < word_count(p) <= self.max_words}

    def run(self, articles: Iterable[Article]) -> Iterator[Article]:
        with tempfile.TemporaryFile("w+", encoding="utf-8") as spill:
            sizes, summaries = self._first_pass(articles, spill)
            repeated = self._count_candidates(spill, sizes, summaries)
            spill.seek(0)
            for line in spill:
                yield self._clean(Article.from_dict(json.loads(line)), repeated)

    def _first_pass(self, articles: Iterable[Article], spill: IO[str]) -> tuple[Counter[str], dict[str, LossyCounter]]:
        sizes: Counter[str] = Counter()
        summaries: dict[str, LossyCounter] = {}
        for article in articles:
            spill.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
            source = source_key(article) if article.kept else None
            if source is None:
                continue
            sizes[source] += 1
            summaries.setdefault(source, LossyCounter(self.min_share / 2)).add_article(self.candidate_lines(article))
        return sizes, summaries

    def _count_candidates(
        self, spill: IO[str], sizes: Counter[str], summaries: dict[str, LossyCounter]
    ) -> dict[str, tuple[int, dict[int, int]]]:
        """Exact article counts of the candidate lines; only those over both thresholds."""
        thresholds = {s: max(self.min_articles, self.min_share * n) for s, n in sizes.items()}
        candidates = {
            s: set(summary.counts) for s, summary in summaries.items() if sizes[s] >= thresholds[s]
        }
        exact: dict[str, Counter[int]] = {s: Counter() for s in candidates if candidates[s]}
        if not exact:
            return {}
        spill.seek(0)
        for line in spill:
            article = Article.from_dict(json.loads(line))
            source = source_key(article) if article.kept else None
            if source not in exact:
                continue
            exact[source].update(self.candidate_lines(article) & candidates[source])
        return {
            s: (sizes[s], {key: n for key, n in counts.items() if n >= thresholds[s]})
            for s, counts in exact.items()
        }

    def _clean(self, article: Article, repeated: dict[str, tuple[int, dict[int, int]]]) -> Article:
        source = source_key(article) if article.kept else None
        total, found = repeated.get(source or "", (0, {}))
        if not found:
            return attrs.evolve(article, trace=article.trace + (self.name,)) if article.kept else article
        kept: list[str] = []
        removed: list[Removal] = []
        for i, paragraph in enumerate(split_paragraphs(article.text)):
            count = found.get(line_hash(paragraph)) if word_count(paragraph) <= self.max_words else None
            if count is None:
                kept.append(paragraph)
                continue
            evidence = f"in {count} of {total} articles from {source}"
            removed.append(Removal(stage=self.name, category=Category.SITE_REPEAT, rule=RULE, text=paragraph, line=i, evidence=evidence))
        return attrs.evolve(
            article,
            text=join_paragraphs(kept),
            removed=article.removed + tuple(removed),
            trace=article.trace + (self.name,),
        )
