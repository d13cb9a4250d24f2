"""A self-contained HTML report of a run: what came in, what was rejected and removed, by
category, rule, source and language, duplicate clusters, and a browsable sample of articles
with every removed line shown where it stood.

The run's files are streamed once; every table is bounded (:class:`TopTable`) and the sample is
a seeded reservoir, so the report's size and the memory used do not grow with the run. The same
files and seed give a byte-identical report.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import random
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from newsclean.errors import InputError
from newsclean.model import Category
from newsclean.text import split_paragraphs, word_count

__all__ = ["ReportData", "TopTable", "build_report", "original_lines", "render", "write_report"]

DEFAULT_SAMPLE = 500
# Rows kept per table while streaming (twice as many before a prune) and rows shown.
TABLE_CAPACITY = 2000
SHOWN = 40
CLUSTERS_SHOWN = 25
COPIES_KEPT = 20
LINES_PER_SOURCE = 10
# Article length bins, in words: [0], [1, 50), [50, 100), ... [3200, inf).
LENGTH_EDGES = (0, 1, 50, 100, 200, 400, 800, 1600, 3200)
# Rules that take part of a line (a date prefix) and leave the rest of it in the text; every
# other removal with a line number is a whole line. header.py is the only stage that does this.
PART_LINE_RULES = frozenset({"header.dateline.prefix"})
# Fields a rejects record may carry to say which rule chose the kept copy of a duplicate.
DECISION_FIELDS = ("decided_by", "keeper_rule", "rule")


class TopTable:
    """Numbers per key (a source, a rule...) in bounded memory.

    Exact while there are at most ``2 * capacity`` keys; when a new key would pass that, the
    rows are cut back to the ``capacity`` heaviest (by the first number, ties by key) and the
    others are added into ``other``. Totals (rows plus ``other``) are always exact. ``info``
    holds one extra value per key (a category, a list of examples) and is cut with its row.
    """

    def __init__(self, width: int, capacity: int = TABLE_CAPACITY):
        self.width = width
        self.capacity = capacity
        self.rows: dict[Any, list[float]] = {}
        self.info: dict[Any, Any] = {}
        self.other = [0.0] * width
        self.folded = 0  # keys folded into ``other``

    def add(self, key: Any, *values: float) -> list[float]:
        row = self.rows.get(key)
        if row is None:
            if len(self.rows) >= 2 * self.capacity:
                self._prune()
            row = self.rows[key] = [0.0] * self.width
        for i, value in enumerate(values):
            row[i] += value
        return row

    def _prune(self) -> None:
        ranked = sorted(self.rows.items(), key=lambda kv: (-kv[1][0], str(kv[0])))
        for key, row in ranked[self.capacity :]:
            self.other = [a + b for a, b in zip(self.other, row)]
            self.info.pop(key, None)
            self.folded += 1
        self.rows = dict(ranked[: self.capacity])

    def top(self, n: int) -> tuple[list[tuple[Any, list[float]]], list[float]]:
        """The ``n`` heaviest rows, and the sum of all the rest (``other`` included)."""
        ranked = sorted(self.rows.items(), key=lambda kv: (-kv[1][0], str(kv[0])))
        rest = list(self.other)
        for _key, row in ranked[n:]:
            rest = [a + b for a, b in zip(rest, row)]
        return ranked[:n], rest

    def total(self) -> list[float]:
        sums = list(self.other)
        for row in self.rows.values():
            sums = [a + b for a, b in zip(sums, row)]
        return sums


def source_of(record: dict[str, Any]) -> str:
    """The ``source`` field, else the URL's host without ``www.``, else ``(unknown)``."""
    if record.get("source"):
        return str(record["source"]).strip().casefold()
    if record.get("url"):
        host = urlsplit(str(record["url"])).hostname or ""
        if host:
            return host.removeprefix("www.")
    return "(unknown)"


def length_bin(words: int) -> int:
    for i in range(len(LENGTH_EDGES) - 1, -1, -1):
        if words >= LENGTH_EDGES[i]:
            return i
    return 0


@dataclass
class Piece:
    """Part of an original line: kept text (``removal`` None) or a removal."""

    text: str
    removal: dict[str, Any] | None = None


@dataclass
class Restored:
    """An article's lines in their original order (each a list of pieces), the removals that
    carry no line number, and whether the line numbers fitted together."""

    lines: list[list[Piece]]
    unplaced: list[dict[str, Any]]
    consistent: bool = True


def original_lines(record: dict[str, Any]) -> Restored:
    """Put an output record's removed lines back where they stood.

    A removal's ``line`` is its index in the input of the stage that removed it, and removals
    are listed stage after stage. Undoing the stages from the last to the first therefore gives
    each stage's input back, and the first one is the text as extracted and normalised.
    Removals without a line number (elements pruned from the HTML before extraction) are
    returned apart: the output does not say where in the text they were.
    """
    lines: list[list[Piece]] = [[Piece(p)] for p in split_paragraphs(record.get("text") or "")]
    removed = record.get("removed") or []
    unplaced = [r for r in removed if r.get("line") is None]
    runs: list[list[dict[str, Any]]] = []
    for removal in removed:
        if removal.get("line") is None:
            continue
        if runs and runs[-1][0].get("stage") == removal.get("stage"):
            runs[-1].append(removal)
        else:
            runs.append([removal])
    consistent = True
    for run in reversed(runs):
        whole: dict[int, dict[str, Any]] = {}
        parts: dict[int, list[dict[str, Any]]] = {}
        for removal in run:
            index = int(removal["line"])
            if removal.get("rule") in PART_LINE_RULES:
                parts.setdefault(index, []).append(removal)
            elif index in whole:
                consistent = False  # two whole-line removals of one line: cannot both be right
                parts.setdefault(index, []).append(removal)
            else:
                whole[index] = removal
        size = len(lines) + len(whole)
        restored: list[list[Piece]] = []
        survivors = iter(lines)
        placed: set[int] = set()
        for i in range(size):
            head = [Piece(r.get("text", ""), r) for r in parts.get(i, ())]
            if i in whole:
                restored.append(head + [Piece(whole[i].get("text", ""), whole[i])])
            else:
                survivor = next(survivors, None)
                if survivor is None:  # a line number past the end of the stage's input
                    break
                restored.append(head + survivor)
            placed.add(i)
        # Line numbers that do not fit: keep those removals, at the end, rather than lose them.
        for i in sorted({*whole, *parts} - placed):
            consistent = False
            restored.append([Piece(r.get("text", ""), r) for r in parts.get(i, ())] + ([Piece(whole[i].get("text", ""), whole[i])] if i in whole else []))
        lines = restored
    return Restored(lines=lines, unplaced=unplaced, consistent=consistent)


@dataclass
class ReportData:
    """What the report shows, gathered in one pass over a run's files."""

    sample_size: int = DEFAULT_SAMPLE
    seed: int = 0
    articles: int = 0
    rejected: int = 0
    words_before: int = 0
    words_after: int = 0
    lines_removed: int = 0
    articles_touched: int = 0  # articles with at least one removal
    unplaced: int = 0  # removals without a line number
    stats: dict[str, Any] | None = None
    files: dict[str, str] = field(default_factory=dict)
    # lines, words, pages
    categories: TopTable = field(default_factory=lambda: TopTable(3))
    rules: TopTable = field(default_factory=lambda: TopTable(3))
    # articles, words before, words removed, lines removed
    sources: TopTable = field(default_factory=lambda: TopTable(4))
    # (source, line) -> articles it was removed from; info: the evidence
    learned: TopTable = field(default_factory=lambda: TopTable(1))
    # articles, words after
    languages: TopTable = field(default_factory=lambda: TopTable(2))
    reasons: TopTable = field(default_factory=lambda: TopTable(1))
    # keeper id -> copies, exact copies; info: {"copies": [...], "keeper": {...}}
    clusters: TopTable = field(default_factory=lambda: TopTable(2))
    before: list[int] = field(default_factory=lambda: [0] * len(LENGTH_EDGES))
    after: list[int] = field(default_factory=lambda: [0] * len(LENGTH_EDGES))
    _sample: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    _rng: random.Random | None = None

    def add_reject(self, record: dict[str, Any]) -> None:
        """Count one line of a rejects file; a duplicate joins its keeper's cluster."""
        self.rejected += 1
        self.reasons.add(str(record.get("reason") or "(none)"), 1)
        keeper = record.get("duplicate_of")
        if keeper is None:
            return
        keeper = str(keeper)
        exact = record.get("similarity") == 1.0 or str(record.get("reason", "")).endswith("exact")
        self.clusters.add(keeper, 1, 1 if exact else 0)
        info = self.clusters.info.setdefault(keeper, {"copies": [], "keeper": None})
        if len(info["copies"]) < COPIES_KEPT:
            decided = next((record[f] for f in DECISION_FIELDS if record.get(f) is not None), None)
            info["copies"].append(
                {
                    "id": str(record.get("id")),
                    "url": record.get("url"),
                    "reason": record.get("reason"),
                    "similarity": record.get("similarity"),
                    "decided_by": decided,
                }
            )

    def add_article(self, record: dict[str, Any]) -> None:
        """Count one line of the output, and offer it to the sample."""
        position = self.articles
        self.articles += 1
        removed = record.get("removed") or []
        after = word_count(record.get("text") or "")
        removed_words = [word_count(r.get("text") or "") for r in removed]
        before = after + sum(removed_words)
        self.words_before += before
        self.words_after += after
        self.lines_removed += len(removed)
        self.articles_touched += bool(removed)
        self.before[length_bin(before)] += 1
        self.after[length_bin(after)] += 1
        source = source_of(record)
        self.sources.add(source, 1, before, before - after, len(removed))
        language = record.get("language") or "(none)"
        self.languages.add(str(language), 1, after)
        pages_by_category: set[str] = set()
        pages_by_rule: set[str] = set()
        for removal, words in zip(removed, removed_words):
            category = str(removal.get("category"))
            rule = str(removal.get("rule"))
            self.categories.add(category, 1, words, category not in pages_by_category)
            pages_by_category.add(category)
            self.rules.add(rule, 1, words, rule not in pages_by_rule)
            self.rules.info.setdefault(rule, category)
            pages_by_rule.add(rule)
            if removal.get("line") is None:
                self.unplaced += 1
            if category == Category.SITE_REPEAT.value:
                key = (source, str(removal.get("text")))
                self.learned.add(key, 1)
                if removal.get("evidence"):
                    self.learned.info.setdefault(key, str(removal["evidence"]))
        info = self.clusters.info.get(str(record.get("id")))
        if info is not None:
            info["keeper"] = {"title": record.get("title"), "url": record.get("url"), "source": source}
        self._offer(position, record)

    def _offer(self, position: int, record: dict[str, Any]) -> None:
        # Reservoir sampling: after n articles, each is in the sample with chance size / n.
        if self._rng is None:
            self._rng = random.Random(self.seed)
        if len(self._sample) < self.sample_size:
            self._sample.append((position, record))
            return
        slot = self._rng.randrange(position + 1)
        if slot < self.sample_size:
            self._sample[slot] = (position, record)

    @property
    def sample(self) -> list[tuple[int, dict[str, Any]]]:
        """The sampled articles with their positions in the output, in output order."""
        return sorted(self._sample, key=lambda item: item[0])


def read_records(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """The records of a JSONL (``.jsonl``, ``.jsonl.gz``) or Parquet file, one at a time."""
    name = str(path)
    if name.lower().endswith(".parquet"):
        import pyarrow.parquet as pq  # the parquet extra; only needed for a Parquet output

        for batch in pq.ParquetFile(name).iter_batches(batch_size=1000):
            for record in batch.to_pylist():
                if record.get("published") is not None:
                    record["published"] = str(record["published"])
                yield record
        return
    opener = gzip.open if name.lower().endswith(".gz") else open
    with opener(name, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{name}, line {number}: not JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise InputError(f"{name}, line {number}: not a JSON object")
            yield record


def read_stats(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A run's stats file (``newsclean clean --stats``) as a dict."""
    try:
        stats = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc.msg})") from exc
    if not isinstance(stats, dict):
        raise InputError(f"{path}: not a JSON object")
    return stats


def collect(
    run: str | os.PathLike[str],
    rejects: str | os.PathLike[str] | None = None,
    stats: str | os.PathLike[str] | None = None,
    *,
    sample: int = DEFAULT_SAMPLE,
    seed: int = 0,
) -> ReportData:
    """Stream a run's output, rejects and stats files into a :class:`ReportData`."""
    data = ReportData(sample_size=sample, seed=seed)
    data.files["output"] = str(run)
    if stats is not None:
        data.files["stats"] = str(stats)
        data.stats = read_stats(stats)
    # Rejects first: a keeper's title is taken from the output as it streams past.
    if rejects is not None:
        data.files["rejects"] = str(rejects)
        for record in read_records(rejects):
            data.add_reject(record)
    for record in read_records(run):
        data.add_article(record)
    return data


# ---------------------------------------------------------------- rendering

SECTIONS = (
    ("run", "Run"),
    ("removals", "Removals"),
    ("sources", "Sources"),
    ("languages", "Languages and lengths"),
    ("duplicates", "Duplicates"),
    ("sample", "Sample"),
)


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def anchor(article_id: str) -> str:
    """The ``id`` of an article's element: its id, percent-encoded where a URL fragment
    could not carry it (spaces, ``#``, ``%``, non-ASCII)."""
    return quote(article_id, safe="!$&'()*+,;=:@/?-._~")


def category_names() -> list[str]:
    return [c.value for c in Category]


def category_class(category: str) -> str:
    return f"cat-{category}" if category in category_names() else "cat-other"


def _palette() -> str:
    names = category_names()
    rules = [
        f".cat-{name}{{--c:hsl({round(i * 360 / len(names))},62%,42%)}}" for i, name in enumerate(names)
    ]
    rules.append(".cat-other{--c:hsl(0,0%,40%)}")
    return "\n".join(rules)


def _number(value: float) -> str:
    return f"{int(value):,}"


def _share(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def bar_chart(items: list[tuple[str, float, str]], *, title: str, width: int = 640) -> str:
    """A horizontal bar chart as inline SVG: one (label, value, css class) per bar."""
    if not items:
        return '<p class="empty">nothing to chart</p>'
    label_width, value_width, bar_height, gap = 230, 70, 18, 4
    top = max(value for _l, value, _c in items) or 1
    span = width - label_width - value_width
    height = len(items) * (bar_height + gap) + gap
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{esc(title)}</title>",
    ]
    for i, (label, value, css) in enumerate(items):
        y = gap + i * (bar_height + gap)
        length = round(span * value / top, 1)
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(
            f'<g class="{esc(css)}"><text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{esc(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" rx="2">'
            f"<title>{esc(label)}: {_number(value)}</title></rect>"
            f'<text x="{label_width + length + 4}" y="{y + 13}">{_number(value)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(series: list[tuple[str, list[int], str]], labels: list[str], *, title: str, width: int = 640) -> str:
    """Grouped vertical bars as inline SVG: for each label, one bar per series."""
    height, bottom, left = 220, 36, 10
    top = max((v for _n, values, _c in series for v in values), default=0) or 1
    group = (width - left) / len(labels)
    bar = (group - 8) / len(series)
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{esc(title)}</title>",
    ]
    for s, (name, values, css) in enumerate(series):
        for i, value in enumerate(values):
            h = round((height - bottom - 20) * value / top, 1)
            x = round(left + i * group + s * bar, 1)
            y = height - bottom - h
            parts.append(
                f'<rect class="{esc(css)}" x="{x}" y="{y}" width="{round(bar - 1, 1)}" height="{h}">'
                f"<title>{esc(name)}, {esc(labels[i])} words: {_number(value)} articles</title></rect>"
            )
    for i, label in enumerate(labels):
        x = round(left + i * group + group / 2 - 4, 1)
        parts.append(f'<text x="{x}" y="{height - bottom + 16}" text-anchor="middle">{esc(label)}</text>')
    parts.append(f'<text x="{left}" y="{height - 4}">article length in words</text>')
    parts.append("</svg>")
    return "".join(parts)


def _table(head: list[str], rows: Iterable[list[str]], *, numeric_from: int = 1) -> str:
    """An HTML table; cells are given already escaped."""
    out = ["<table><thead><tr>"]
    out += [f"<th>{esc(h)}</th>" for h in head]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        out += [f'<td class="num">{c}</td>' if i >= numeric_from else f"<td>{c}</td>" for i, c in enumerate(row)]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _section_run(data: ReportData) -> str:
    stats = data.stats or {}
    out = ['<section id="run"><h2>Run</h2>']
    out.append(_table(["file", "path"], ([esc(k), esc(v)] for k, v in sorted(data.files.items())), numeric_from=2))
    if stats:
        documents_in, documents_out, rejected = stats.get("documents_in"), stats.get("documents_out"), stats.get("rejected")
        source = "from the stats file"
    else:
        documents_in, documents_out, rejected = data.articles + data.rejected, data.articles, data.rejected
        source = "counted in the output and rejects files (no stats file given)"
    balanced = documents_in == (documents_out or 0) + (rejected or 0)
    out.append(
        f'<p class="balance">{esc(documents_in)} in = {esc(documents_out)} out + {esc(rejected)} rejected '
        f'<span class="{"ok" if balanced else "bad"}">{"balanced" if balanced else "NOT balanced"}</span> '
        f'<span class="note">({esc(source)})</span></p>'
    )
    if stats and (stats.get("documents_out") != data.articles or ("rejects" in data.files and stats.get("rejected") != data.rejected)):
        out.append(
            f'<p class="bad">The files read hold {data.articles} articles and {data.rejected} rejects; '
            "the stats file counts otherwise (another run, or a resumed one?).</p>"
        )
    inputs = (stats.get("options") or {}).get("inputs") or []
    if inputs:
        shown = ", ".join(esc(i) for i in inputs[:SHOWN])
        more = f" and {len(inputs) - SHOWN} more" if len(inputs) > SHOWN else ""
        out.append(f"<p><b>Inputs:</b> {shown}{more}</p>")
    out.append("<h3>Rejects by reason</h3>")
    reasons = stats.get("rejected_by_reason") if stats else None
    if reasons is None:
        rows, _rest = data.reasons.top(SHOWN)
        reasons = {k: int(v[0]) for k, v in rows}
    if reasons:
        items = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        out.append(bar_chart([(k, v, "reject") for k, v in items], title="rejects by reason"))
    else:
        out.append('<p class="empty">no rejects</p>')
    for key, title in (("options", "Options"), ("versions", "Versions"), ("rule_packs", "Rule packs")):
        values = stats.get(key)
        if isinstance(values, dict) and values:
            rows_ = ([esc(k), esc(json.dumps(v, ensure_ascii=False, sort_keys=True) if not isinstance(v, str) else v)] for k, v in sorted(values.items()))
            out.append(f"<details{' open' if key == 'options' else ''}><summary>{title}</summary>{_table(['name', 'value'], rows_, numeric_from=2)}</details>")
    skipped = {k: stats[k] for k in ("files_skipped", "records_skipped") if stats.get(k)}
    if skipped:
        out.append(f'<p class="note">Skipped: {esc(json.dumps(skipped, sort_keys=True))}</p>')
    out.append("</section>")
    return "".join(out)


def _section_removals(data: ReportData) -> str:
    out = ['<section id="removals"><h2>Removals</h2>']
    out.append(
        f"<p>{_number(data.lines_removed)} lines removed from {_number(data.articles_touched)} of "
        f"{_number(data.articles)} articles; {_number(data.words_before - data.words_after)} of "
        f"{_number(data.words_before)} words ({_share(data.words_before - data.words_after, data.words_before)}).</p>"
    )
    rows, rest = data.categories.top(len(Category) + 10)
    out.append("<h3>By category</h3>")
    out.append(bar_chart([(k, v[0], category_class(k)) for k, v in rows], title="lines removed by category"))
    table_rows = [[f'<span class="swatch {category_class(k)}"></span>{esc(k)}', _number(v[0]), _number(v[1]), _number(v[2])] for k, v in rows]
    if rest[0]:
        table_rows.append(["(other)", _number(rest[0]), _number(rest[1]), _number(rest[2])])
    out.append(_table(["category", "lines", "words", "pages"], table_rows))
    rows, rest = data.rules.top(SHOWN)
    out.append("<h3>By rule</h3>")
    out.append(bar_chart([(str(k), v[0], category_class(data.rules.info.get(k, ""))) for k, v in rows[:20]], title="lines removed by rule"))
    table_rows = [[esc(k), esc(data.rules.info.get(k, "")), _number(v[0]), _number(v[1]), _number(v[2])] for k, v in rows]
    if rest[0]:
        table_rows.append([f"(other rules)", "", _number(rest[0]), _number(rest[1]), _number(rest[2])])
    out.append(_table(["rule", "category", "lines", "words", "pages"], table_rows, numeric_from=2))
    out.append('<p class="note">pages: articles with at least one such removal.</p></section>')
    return "".join(out)


def _section_sources(data: ReportData) -> str:
    out = ['<section id="sources"><h2>Sources</h2>']
    rows, rest = data.sources.top(SHOWN)
    out.append(
        f"<p>The {len(rows)} sources with the most articles, the largest share of words removed first; "
        f"a source is the <code>source</code> field or the URL's host.</p>"
    )
    learned: dict[str, list[tuple[str, int, str]]] = {}
    for (source, line), counts in sorted(data.learned.rows.items(), key=lambda kv: (-kv[1][0], kv[0])):
        learned.setdefault(source, []).append((line, int(counts[0]), data.learned.info.get((source, line), "")))
    rows.sort(key=lambda kv: (-(kv[1][2] / kv[1][1] if kv[1][1] else 0), -kv[1][0], kv[0]))
    table_rows = []
    for source, (articles, before, removed, lines) in rows:
        lines_learned = learned.get(source, [])
        if lines_learned:
            items = "".join(
                f'<li title="{esc(evidence)}"><span class="count">{n}×</span> {esc(line)}</li>'
                for line, n, evidence in lines_learned[:LINES_PER_SOURCE]
            )
            more = f"<li>and {len(lines_learned) - LINES_PER_SOURCE} more</li>" if len(lines_learned) > LINES_PER_SOURCE else ""
            cell = f"<details><summary>{len(lines_learned)} lines</summary><ul class=\"learned\">{items}{more}</ul></details>"
        else:
            cell = ""
        table_rows.append([esc(source), _number(articles), _number(before), _share(removed, before), _number(lines), cell])
    if rest[0]:
        table_rows.append(["(other sources)", _number(rest[0]), _number(rest[1]), _share(rest[2], rest[1]), _number(rest[3]), ""])
    out.append(_table(["source", "articles", "words before", "share of words removed", "lines removed", "learned by site_repeat (articles removed from)"], table_rows))
    out.append("</section>")
    return "".join(out)


def _length_labels() -> list[str]:
    labels = []
    for i, edge in enumerate(LENGTH_EDGES):
        if i + 1 < len(LENGTH_EDGES):
            upper = LENGTH_EDGES[i + 1] - 1
            labels.append(str(edge) if upper == edge else f"{edge}–{upper}")
        else:
            labels.append(f"{edge}+")
    return labels


def _section_languages(data: ReportData) -> str:
    out = ['<section id="languages"><h2>Languages and lengths</h2>']
    rows, rest = data.languages.top(SHOWN)
    out.append(bar_chart([(k, v[0], "lang") for k, v in rows], title="articles by language"))
    table_rows = [[esc(k), _number(v[0]), _number(v[1])] for k, v in rows]
    if rest[0]:
        table_rows.append(["(other)", _number(rest[0]), _number(rest[1])])
    out.append(_table(["language", "articles", "words after cleaning"], table_rows))
    out.append("<h3>Article length before and after cleaning</h3>")
    labels = _length_labels()
    out.append(histogram([("before", data.before, "before"), ("after", data.after, "after")], labels, title="article lengths"))
    out.append('<p class="legend"><span class="swatch before"></span>before <span class="swatch after"></span>after</p>')
    out.append(_table(["words", "articles before", "articles after"], ([esc(label), _number(b), _number(a)] for label, b, a in zip(labels, data.before, data.after))))
    if data.articles:
        out.append(f"<p>Mean length: {data.words_before / data.articles:.0f} words before, {data.words_after / data.articles:.0f} after.</p>")
    out.append("</section>")
    return "".join(out)


def _section_duplicates(data: ReportData) -> str:
    out = ['<section id="duplicates"><h2>Duplicates</h2>']
    if "rejects" not in data.files and not data.rejected:
        out.append('<p class="empty">no rejects file given</p></section>')
        return "".join(out)
    rows, rest = data.clusters.top(CLUSTERS_SHOWN)
    if not rows:
        out.append('<p class="empty">no duplicates in the rejects file</p></section>')
        return "".join(out)
    total = data.clusters.total()
    out.append(f"<p>{_number(total[0])} copies rejected as duplicates; the {len(rows)} largest clusters:</p>")
    sampled = {str(r.get("id")) for _p, r in data.sample}
    table_rows = []
    for keeper, (copies, exact) in rows:
        info = data.clusters.info.get(keeper, {})
        about = info.get("keeper") or {}
        name = f'<a href="#{esc(anchor(keeper))}">{esc(keeper)}</a>' if keeper in sampled else esc(keeper)
        if about.get("title"):
            name += f'<div class="note">{esc(about["title"])}</div>'
        if about.get("url"):
            name += f'<div class="note">{esc(about["url"])}</div>'
        sims = [c["similarity"] for c in info.get("copies", []) if isinstance(c.get("similarity"), (int, float))]
        similarity = f"{min(sims):.2f}–{max(sims):.2f}" if sims and min(sims) != max(sims) else (f"{sims[0]:.2f}" if sims else "–")
        decided = sorted({str(c["decided_by"]) for c in info.get("copies", []) if c.get("decided_by") is not None})
        copies_list = "".join(
            f"<li>{esc(c['id'])} <span class=\"note\">{esc(c.get('url') or '')} {esc(c.get('reason'))}"
            f"{' ' + format(c['similarity'], '.2f') if isinstance(c.get('similarity'), (int, float)) else ''}</span></li>"
            for c in info.get("copies", [])
        )
        if copies > len(info.get("copies", [])):
            copies_list += f"<li>and {int(copies) - len(info.get('copies', []))} more</li>"
        table_rows.append([
            name,
            _number(copies),
            _number(exact),
            similarity,
            esc(", ".join(decided)) if decided else '<span class="note">not recorded</span>',
            f"<details><summary>copies</summary><ul>{copies_list}</ul></details>",
        ])
    out.append(_table(["kept article", "copies", "exact", "similarity", "chosen by", "copies rejected"], table_rows))
    out.append(
        '<p class="note">"chosen by": the rule that picked the kept copy, when the rejects file records one '
        f"(field {' / '.join(DECISION_FIELDS)}); the keeper policy is described in docs/dedup.md.</p>"
    )
    if rest[0]:
        out.append(f'<p class="note">{_number(rest[0])} more copies in smaller clusters.</p>')
    out.append("</section>")
    return "".join(out)


def _removal_title(removal: dict[str, Any]) -> str:
    title = f"{removal.get('category')} · {removal.get('rule')} · stage {removal.get('stage')}"
    if removal.get("evidence"):
        title += f"\n{removal['evidence']}"
    return title


def _piece_html(piece: Piece) -> str:
    if piece.removal is None:
        return f"<span>{esc(piece.text)}</span>"
    removal = piece.removal
    category = str(removal.get("category"))
    return (
        f'<del class="rm {category_class(category)}" data-cat="{esc(category)}" data-rule="{esc(removal.get("rule"))}" '
        f'title="{esc(_removal_title(removal))}">{esc(piece.text)}</del>'
    )


def _article_html(position: int, record: dict[str, Any]) -> str:
    restored = original_lines(record)
    removed = record.get("removed") or []
    categories = sorted({str(r.get("category")) for r in removed})
    rules = sorted({str(r.get("rule")) for r in removed})
    article_id = str(record.get("id"))
    after = word_count(record.get("text") or "")
    before = after + sum(word_count(r.get("text") or "") for r in removed)
    meta = [f"#{position + 1}", esc(source_of(record)), esc(record.get("language") or "(none)"), f"{before} → {after} words", f"{len(removed)} removed"]
    if record.get("url"):
        meta.append(f'<span class="url">{esc(record["url"])}</span>')
    out = [
        f'<article class="doc" id="{esc(anchor(article_id))}" data-source="{esc(source_of(record))}" '
        f'data-lang="{esc(record.get("language") or "(none)")}" data-cats="{esc(" ".join(categories))}" '
        f'data-rules="{esc(" ".join(rules))}">',
        f'<h3><a class="self" href="#{esc(anchor(article_id))}">{esc(article_id)}</a>'
        f'{" — " + esc(record["title"]) if record.get("title") else ""}</h3>',
        f'<p class="meta">{" · ".join(meta)}</p>',
    ]
    if restored.unplaced:
        out.append('<div class="unplaced"><p class="note">Removed before the text was split into lines '
                   "(from the HTML page); the output does not record where in the text:</p><ol>")
        out += [f"<li>{_piece_html(Piece(r.get('text', ''), r))}</li>" for r in restored.unplaced]
        out.append("</ol></div>")
    if not restored.consistent:
        out.append('<p class="bad">The line numbers of this record do not fit together; removed lines may be out of place.</p>')
    out.append('<ol class="lines">')
    for line in restored.lines:
        kind = "kept" if all(p.removal is None for p in line) else ("removed" if all(p.removal is not None for p in line) else "part")
        out.append(f'<li class="{kind}">{" ".join(_piece_html(p) for p in line)}</li>')
    out.append("</ol></article>")
    return "".join(out)


def _options(values: Iterable[str], label: str, name: str) -> str:
    items = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in sorted(set(values)))
    return f'<label>{esc(label)} <select id="filter-{name}" data-filter="{name}"><option value="">all</option>{items}</select></label>'


def _section_sample(data: ReportData) -> str:
    sample = data.sample
    out = ['<section id="sample"><h2>Sample of articles</h2>']
    out.append(
        f"<p>{len(sample)} of {_number(data.articles)} articles, chosen at random with seed {data.seed} "
        "(the same files and seed give the same sample). Each article's lines are in their original order; "
        "removed lines are struck through and coloured by category; hover for the rule and evidence.</p>"
    )
    categories, rules, sources, languages = set(), set(), set(), set()
    for _p, record in sample:
        for removal in record.get("removed") or []:
            categories.add(str(removal.get("category")))
            rules.add(str(removal.get("rule")))
        sources.add(source_of(record))
        languages.add(record.get("language") or "(none)")
    chips = "".join(
        f'<button type="button" class="chip {category_class(c)}" data-cat="{esc(c)}">{esc(c)}</button>' for c in sorted(categories)
    )
    out.append(f'<div class="filters"><div class="chips">{chips}</div>')
    out.append(_options(categories, "category", "cat") + _options(rules, "rule", "rule") + _options(sources, "source", "source") + _options(languages, "language", "lang"))
    out.append('<button type="button" id="filter-reset">show all</button> <span id="shown"></span></div>')
    out += [_article_html(position, record) for position, record in sample]
    out.append("</section>")
    return "".join(out)


def _asset(name: str) -> str:
    return files("newsclean").joinpath(name).read_text(encoding="utf-8")


def render(data: ReportData) -> str:
    """The report as one HTML document: styles, script and charts inline, nothing fetched."""
    nav = "".join(f'<a href="#{key}">{esc(title)}</a>' for key, title in SECTIONS)
    body = "".join(
        (_section_run(data), _section_removals(data), _section_sources(data), _section_languages(data), _section_duplicates(data), _section_sample(data))
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>newsclean report: {esc(Path(data.files.get('output', 'run')).name)}</title>"
        f"<style>{_asset('report.css')}\n{_palette()}</style></head>"
        f'<body><header><h1>newsclean report</h1><nav>{nav}</nav></header><main>{body}</main>'
        f"<script>{_asset('report.js')}</script></body></html>\n"
    )


def write_report(text: str, output: str | os.PathLike[str]) -> None:
    """Write ``text`` to ``output`` atomically: a temporary file in the same folder, renamed."""
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build_report(
    run: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    rejects: str | os.PathLike[str] | None = None,
    stats: str | os.PathLike[str] | None = None,
    sample: int = DEFAULT_SAMPLE,
    seed: int = 0,
) -> ReportData:
    """Read a run's files and write its report to ``output``; returns what was gathered."""
    if sample < 0:
        raise ValueError("sample must not be negative")
    from newsclean.options import distinct_outputs

    # The report never replaces a file it reads (the corpus, its rejects, its stats).
    distinct_outputs([str(p) for p in (run, rejects, stats) if p is not None], {"output": str(output)})
    data = collect(run, rejects, stats, sample=sample, seed=seed)
    write_report(render(data), output)
    return data
