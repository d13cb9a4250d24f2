"""Site-learned junk: lines that recur across many articles of one source.

A publisher's appeal printed under every article ("Support our newsroom: become a patron!")
is junk no rule pack knows. This corpus stage learns such lines per source (the ``source``
field, else the URL's host) and removes them with category ``site_repeat``; the removal's
``evidence`` says in how many of the source's articles the line was found.

A line is removed when, within its source, it is found in at least ``min_articles`` articles
and in at least ``min_share`` of them (half by default), and is at most ``max_words`` long. Two
articles that quote the same sentence stay untouched (below ``min_articles``); a background
paragraph a desk repeats in a running story is long and rarely in half of everything the site
prints. A line in fewer than half of a source's articles is more often one author's or one
series' own (a sign-off, a guest-post disclaimer) than the site's template, so it stays.

A repeated question followed by a line of the article's own (not repeated) is the structure of
a series, not junk: the questions an interview series asks every guest, the fixed headings of a
format ("What happened?" over each story's own answer). It stays; a prompt such as "Enjoyed
this story?" followed by another repeated line, or by nothing, goes.

Titles are counted the same way. A title found in at least ``min_articles`` articles and
``min_share`` of its source is the site's name ("Official Blog of the National Football
League") or a heading of the template that the extractor took for the title ("Share this"),
not the article's headline. When the article's first line reads like a headline (a short line
without closing punctuation) it becomes the title and leaves the text (category ``headline``,
rule ``site.title``); otherwise the title is left as it is.

It is a corpus stage (``newsclean.engine.corpus``): the state is, per source, its article count and
the exact count of each short line's hash (12 bytes a distinct line and source, in numpy
arrays, about 300 bytes an article), so the result does not depend on input order or on how
an engine splits the corpus; the model sent back holds only the lines over the thresholds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import ClassVar
from urllib.parse import urlsplit

import attrs
import numpy as np
import xxhash

from newsclean.engine.corpus import Keyed
from newsclean.stages.base import CorpusStage
from newsclean.errors import ConfigError
from newsclean.model import Article, Category, Removal
from newsclean.text import comparison_key, join_paragraphs, looks_like_headline, split_paragraphs, word_count

RULE = "site.repeat"
TITLE_RULE = "site.title"


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


def title_hash(title: str) -> int:
    """A title's hash, apart from the lines' (a title is counted among titles only)."""
    return xxhash.xxh3_64_intdigest(b"title\x00" + comparison_key(title).encode("utf-8"))


@attrs.frozen
class LineCounts:
    """A corpus stage state: kept articles per source, and in how many articles of its source
    each short line was found (``source`` indexes ``sources``)."""

    sizes: dict[str, int]
    sources: tuple[str, ...]
    source: np.ndarray  # uint32
    line: np.ndarray  # uint64
    count: np.ndarray  # uint32


# source -> (its kept articles, {line hash: articles holding it}), lines over the thresholds only
Repeated = dict[str, tuple[int, dict[int, int]]]


@attrs.frozen(kw_only=True)
class SiteRepeat(CorpusStage[LineCounts, Repeated]):
    """Removes lines that recur across a source's articles (see the module docstring)."""

    name: ClassVar[str] = "site_repeat"

    min_articles: int = 5
    min_share: float = 0.5
    max_words: int = 40
    # A first line that may replace a site-wide title: a headline's length, no closing punctuation.
    headline_min_words: int = 3
    headline_max_words: int = 20

    def __attrs_post_init__(self) -> None:
        if self.min_articles < 3:
            raise ConfigError("min_articles must be at least 3: two articles may quote the same words")
        if not 0 < self.min_share <= 1:
            raise ConfigError(f"min_share must be in (0, 1], not {self.min_share}")

    def candidate_lines(self, article: Article) -> set[int]:
        found = {line_hash(p) for p in split_paragraphs(article.text) if 0 < word_count(p) <= self.max_words}
        if article.title and comparison_key(article.title):
            found.add(title_hash(article.title))
        return found

    def observe(self, batch: Sequence[Keyed]) -> LineCounts:
        sizes: Counter[str] = Counter()
        index: dict[str, int] = {}
        source_of: list[int] = []
        lines: list[int] = []
        for _, article in batch:
            source = source_key(article)
            if source is None:
                continue
            sizes[source] += 1
            found = self.candidate_lines(article)
            source_of += [index.setdefault(source, len(index))] * len(found)
            lines += found
        one_each = LineCounts(
            dict(sizes),
            tuple(index),
            np.array(source_of, dtype=np.uint32),
            np.array(lines, dtype=np.uint64),
            np.ones(len(lines), dtype=np.uint32),
        )
        return self.merge([one_each])  # one row per line and source

    def merge(self, states: Sequence[LineCounts]) -> LineCounts:
        sizes: Counter[str] = Counter()
        for state in states:
            sizes.update(state.sizes)
        sources = tuple(sorted(sizes))
        number = {source: i for i, source in enumerate(sources)}
        source = np.concatenate([
            np.array([number[s] for s in state.sources], dtype=np.uint32)[state.source] for state in states
        ] or [np.empty(0, np.uint32)])
        line = np.concatenate([state.line for state in states] or [np.empty(0, np.uint64)])
        count = np.concatenate([state.count for state in states] or [np.empty(0, np.uint32)])
        # one row per (source, line), counts summed
        order = np.lexsort((line, source))
        source, line, count = source[order], line[order], count[order]
        starts = np.flatnonzero(np.r_[True, (source[1:] != source[:-1]) | (line[1:] != line[:-1])]) if len(line) else order[:0]
        return LineCounts(dict(sizes), sources, source[starts], line[starts], np.add.reduceat(count, starts) if len(starts) else count)

    def decide(self, state: LineCounts) -> Repeated:
        """Per source, the lines over both thresholds and their counts."""
        thresholds = np.array([max(self.min_articles, self.min_share * state.sizes[s]) for s in state.sources])
        over = state.count >= thresholds[state.source] if len(state.count) else np.zeros(0, dtype=bool)
        repeated: Repeated = {}
        for source, line, count in zip(state.source[over].tolist(), state.line[over].tolist(), state.count[over].tolist()):
            name = state.sources[source]
            repeated.setdefault(name, (state.sizes[name], {}))[1][line] = count
        return repeated

    def apply(self, key: int, article: Article, model: Repeated) -> Article:
        source = source_key(article)
        total, found = model.get(source or "", (0, {}))
        if not found:
            return article
        kept: list[tuple[int, str]] = []
        removed: list[Removal] = []
        paragraphs = split_paragraphs(article.text)
        counts = [found.get(line_hash(p)) if word_count(p) <= self.max_words else None for p in paragraphs]
        for i, (paragraph, count) in enumerate(zip(paragraphs, counts)):
            # A repeated question over a line of the article's own: a series' question, it stays.
            answered = paragraph.rstrip().endswith("?") and i + 1 < len(counts) and counts[i + 1] is None
            if count is None or answered:
                kept.append((i, paragraph))
                continue
            evidence = f"in {count} of {total} articles from {source}"
            removed.append(Removal(stage=self.name, category=Category.SITE_REPEAT, rule=RULE, text=paragraph, line=i, evidence=evidence))
        title = article.title
        title_count = found.get(title_hash(title)) if title else None
        if title_count is not None and len(kept) > 1 and looks_like_headline(kept[0][1], self.headline_min_words, self.headline_max_words):
            (i, title), kept = kept[0], kept[1:]
            evidence = f"the title {article.title!r} is in {title_count} of {total} articles from {source}"
            removed.append(Removal(stage=self.name, category=Category.HEADLINE, rule=TITLE_RULE, text=title, line=i, evidence=evidence))
        if not removed:
            return article
        return attrs.evolve(
            article,
            title=title,
            text=join_paragraphs([p for _, p in kept]),
            removed=article.removed + tuple(sorted(removed, key=lambda r: r.line or 0)),
        )
