"""Full-text quality: every word of the gold article, scored with word 4-gram shingles.

The two full-text dev sets of ``../shared/devsets`` (read its README) give the whole article text
a person selected, so they show lost text as clearly as leaked junk:

- ``l3s-gn1-dev``: 321 English news pages of 2008; gold = the blocks labelled full text.
- ``dragnet-news``: 1,381 news and blog pages of about 2012; gold = the text a person selected,
  which by its convention starts with the headline (often a date line and byline) and keeps
  captions. As the README says, the gold lines either newsclean path puts in ``title``,
  ``authors`` and ``published`` (near the top) are dropped from the gold before scoring, and
  caption and header removals are read as a difference of convention, not as lost text: in the
  audit, and in the score, where the gold lines newsclean removed as captions are dropped too.
  The gold is the same for every system. An output that prints those lines in the body is
  charged for them, as on l3s-gn1-dev, whose gold holds neither headline nor captions. The
  report also prints two variants: the captions left in the gold, and those lines scored for no
  system (dropped from every output as well).

Mission gold: the gold keeps some lines that newsclean's mission names as junk (an author's bio,
a "Read also: <headline>" line, a follow prompt, an ad label, a copyright line, a caption).
``../shared/devsets/mission-overlay.jsonl`` lists them per page (the devsets README). The
"mission" score drops those lines from the gold of every system alike before scoring: an output
that prints one is charged for it as junk, one that removed it loses nothing. On dragnet-news the
overlay's captions replace the caption convention; the header convention stays. Scores are
printed both ways ("as shipped" and "mission"); floors and the per-rule audit use the mission gold,
and the audit counts the words a rule removed from labelled lines in a column of their own.

Systems, all on the page's raw bytes, in one run:

- ``trafilatura``: ``trafilatura.extract(raw, include_comments=False)``, defaults;
- ``trafilatura favor_precision``: the same with ``favor_precision=True``;
- ``newsclean HTML``: the document stages on the raw page, then ``SiteRepeat`` over the whole set,
  as ``newsclean clean --no-dedup`` runs;
- ``newsclean text``: the same pipeline fed trafilatura's default text (a user who already has
  extracted text).

Metric (the devsets README): per page, the multisets of 4-word shingles (Python ``\\w+``, case
kept; a text of fewer than 4 words is one shingle) of the gold and of the output; tp = their
intersection, fp = output beyond it, fn = gold beyond it. Precision is the mean page precision
over pages with some output, recall the mean page recall over pages with some gold (an empty
output scores recall 0), F1 their harmonic mean. Non-ASCII characters become spaces on both
sides first, because the dragnet gold files sometimes carry a replacement character for one.

Per-rule audit: for each removal newsclean made, its words are split into those the gold keeps
and the rest (junk). A word is kept when it sits in a 4-gram of the removal that the gold holds
more often than the output does (a removal under four words: its whole word sequence); each
match uses up one gold copy, so a paragraph the page printed twice and the gold once is junk
the second time.
A rule whose removals are under 95 % junk by words removes article text.

Used by ``benchmarks/quality.py`` (which prints and writes the tables) and by the quality gate.
"""

from __future__ import annotations

import collections
import json
import multiprocessing
import re
import shutil
import tarfile
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

SETS = ("l3s-gn1-dev", "dragnet-news")
CACHE_ROOT = Path(tempfile.gettempdir()) / "newsclean-devsets"
TRAFILATURA, TRAFILATURA_PRECISION, NEWSCLEAN_HTML, NEWSCLEAN_TEXT = SYSTEMS = (
    "trafilatura",
    "trafilatura favor_precision",
    "newsclean HTML",
    "newsclean text",
)
PATHS = {NEWSCLEAN_HTML: "html", NEWSCLEAN_TEXT: "text"}
# Removals of these categories are the dragnet gold's convention (it keeps the headline, dek, date
# line, byline and captions), not lost article text.
DRAGNET_CONVENTION = frozenset({"headline", "dateline", "byline", "caption", "masthead", "standfirst"})
# With the mission overlay, captions are out of the gold where they are labelled: only the
# header categories stay a convention.
DRAGNET_HEADER = DRAGNET_CONVENTION - {"caption"}
OVERLAY_FILE = "mission-overlay.jsonl"
# The devsets README: lines that another decoding spells differently still match on their ASCII
# characters when these run to 20 or more.
_OVERLAY_ASCII_MATCH = 20
JUNK_FLOOR = 0.95
# Headline lines the extract stage took out of the body (the page's heading printed as the first
# line): for the snippet set, delivered like the header's headline.
MOVED_HEADLINES = frozenset({"dom.headline.heading"})
# A body line equal to the title, removed by doc_dedup: when neither the header stage nor the
# extract stage took a headline out of the body, it is the headline moved to ``title`` (it stood
# under a line the header stage does not peel); otherwise it is a second copy.
TITLE_REPEATS = frozenset({"doc.repeat.headline"})
_WORD = re.compile(r"\w+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WARMUP_HTML = b"<html><body><article><p>Warm-up paragraph for the benchmark workers, long enough.</p></article></body></html>"


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldPage:
    """One page of a full-text set: where its HTML is and its gold text."""

    dataset: str
    id: str
    path: Path
    gold: str
    url: str | None = None
    labelled: tuple[str, ...] = ()  # the gold lines the mission overlay lists for this page


def unpack(archive: Path) -> Path:
    """Unpack a ``.txz``/``.tgz`` once into a cache folder named by its size and mtime."""
    stat = archive.stat()
    target = CACHE_ROOT / f"{archive.name}-{stat.st_size}-{int(stat.st_mtime)}"
    if (target / ".complete").exists():
        return target
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="unpack-", dir=CACHE_ROOT))
    with tarfile.open(archive) as handle:
        handle.extractall(staging, filter="data")
    (staging / ".complete").touch()
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def locate(devsets: Path, name: str) -> Path | None:
    """The unpacked folder of set ``name`` under ``devsets`` (a folder holding the archive or
    the unpacked set), or None when it is absent."""
    for candidate in (devsets / name, devsets):
        if candidate.name == name and candidate.is_dir():
            return candidate
    for suffix in (".txz", ".tar.xz", ".tgz"):
        archive = devsets / f"{name}{suffix}"
        if archive.is_file():
            root = unpack(archive)
            return root / name if (root / name).is_dir() else root
    return None


def read_text_file(path: Path) -> str:
    """A gold file's text: UTF-8, UTF-16 by its BOM, else windows-1252."""
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def load_overlay(devsets: Path, name: str) -> dict[str, tuple[str, ...]]:
    """The mission overlay's labelled gold lines of set ``name``: page id -> lines (empty when
    the overlay is absent). ``devsets`` is the devsets folder or a set's folder inside it."""
    for folder in (devsets, devsets.parent):
        path = folder / OVERLAY_FILE
        if path.is_file():
            break
    else:
        return {}
    lines: dict[str, list[str]] = collections.defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for row in map(json.loads, filter(str.strip, handle)):
            if row["set"] == name:
                lines[row["id"]].append(row["line"])
    return {page_id: tuple(found) for page_id, found in lines.items()}


def load_set(devsets: Path, name: str, limit: int | None = None) -> list[GoldPage]:
    """The pages of one full-text set, sorted by id, with the overlay's labelled lines (empty
    when the set is absent)."""
    root = locate(devsets, name)
    if root is None:
        return []
    labelled = load_overlay(devsets, name)
    pages: list[GoldPage] = []
    if name == "l3s-gn1-dev":
        truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
        for page_id, item in sorted(truth.items()):
            path = root / "original" / f"{page_id}.html"
            if path.is_file():
                gold = item.get("articleBody") or ""
                pages.append(GoldPage(name, page_id, path, gold, item.get("url"), labelled.get(page_id, ())))
    elif name == "dragnet-news":
        for gold_file in sorted((root / "gold").glob("*.txt")):
            path = root / "html" / f"{gold_file.stem}.html"
            if path.is_file():
                labels = labelled.get(gold_file.stem, ())
                pages.append(GoldPage(name, gold_file.stem, path, read_text_file(gold_file), labelled=labels))
    return pages[:limit] if limit else pages


def digest_of(pages: list[GoldPage]) -> str:
    """A digest of a set's page ids, gold texts and labelled lines: floors are pinned against it."""
    import hashlib

    h = hashlib.sha256()
    for page in pages:
        h.update(page.id.encode() + b"\0" + page.gold.encode("utf-8", "surrogatepass") + b"\0")
        for line in page.labelled:
            h.update(b"\1" + line.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _ascii_key(line: str) -> str:
    return _NON_ASCII.sub("", line.strip())


def without_labelled(gold: str, labelled: tuple[str, ...]) -> str:
    """The gold without the overlay's labelled lines, as the devsets README applies it: split on
    newlines, drop each line whose ``.strip()`` is a labelled line (or whose ASCII characters,
    20 or more, are a labelled line's), join the rest with newlines."""
    if not labelled:
        return gold
    exact = set(labelled)
    loose = {key for line in labelled if len(key := _ascii_key(line)) >= _OVERLAY_ASCII_MATCH}

    def labelled_line(line: str) -> bool:
        stripped = line.strip()
        if stripped in exact:
            return True
        key = _ascii_key(stripped)
        return len(key) >= _OVERLAY_ASCII_MATCH and key in loose

    return "\n".join(line for line in gold.split("\n") if not labelled_line(line))


# --- metric ---------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Words as the metric sees them (non-ASCII characters become spaces first)."""
    return _WORD.findall(_NON_ASCII.sub(" ", unicodedata.normalize("NFKC", text)))


def shingles(words: list[str], n: int = 4) -> collections.Counter:
    """The multiset of ``n``-word shingles; fewer words than ``n`` make one shingle."""
    if not words:
        return collections.Counter()
    if len(words) < n:
        return collections.Counter([tuple(words)])
    return collections.Counter(zip(*(words[i:] for i in range(n))))


def page_counts(output: str, gold: str) -> tuple[int, int, int]:
    """(tp, fp, fn) of one output against one gold text."""
    out, ref = shingles(tokens(output)), shingles(tokens(gold))
    tp = sum((out & ref).values())
    return tp, sum(out.values()) - tp, sum(ref.values()) - tp


@dataclass(frozen=True)
class SetScore:
    """Mean page precision and recall of one system on one set, and their F1."""

    pages: int
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def set_score(counts: list[tuple[int, int, int]]) -> SetScore:
    """Precision averaged over pages with output, recall over pages with gold."""
    precisions = [tp / (tp + fp) for tp, fp, _ in counts if tp + fp]
    recalls = [tp / (tp + fn) for tp, _, fn in counts if tp + fn]
    mean = lambda values: sum(values) / len(values) if values else 0.0  # noqa: E731
    return SetScore(pages=len(counts), precision=mean(precisions), recall=mean(recalls))


class GoldLedger:
    """The gold text an output misses, as n-gram multisets (n = 1..4), to charge removals
    against: a removed word counts as article text only while the gold holds more copies of its
    n-gram than the output kept (a paragraph repeated by the page but once in the gold is junk)."""

    def __init__(self, gold: str, output: str) -> None:
        gold_words, out_words = tokens(gold), tokens(output)
        self.missing = {
            n: collections.Counter(zip(*(gold_words[i:] for i in range(n))))
            - collections.Counter(zip(*(out_words[i:] for i in range(n))))
            for n in range(1, 5)
        }

    def charge(self, removed: str) -> tuple[int, int]:
        """(words of ``removed`` the gold keeps, words it does not); consumes what it matched."""
        words = tokens(removed)
        if not words:
            return 0, 0
        n = min(4, len(words))
        missing = self.missing[n]
        if n < 4:
            gram = tuple(words)
            if missing[gram] > 0:
                missing[gram] -= 1
                return len(words), 0
            return 0, len(words)
        covered = [False] * len(words)
        for i in range(len(words) - 3):
            gram = tuple(words[i:i + 4])
            if missing[gram] > 0:
                missing[gram] -= 1
                covered[i:i + 4] = [True] * 4
        kept = sum(covered)
        return kept, len(words) - kept


# --- per-page work ----------------------------------------------------------------------------


@dataclass
class PageRun:
    """What one page gave each system, before the corpus pass."""

    dataset: str
    id: str
    gold: str
    labelled: tuple[str, ...] = ()
    outputs: dict[str, str] = field(default_factory=dict)
    articles: dict[str, object] = field(default_factory=dict)  # path -> Article (newsclean)
    seconds: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


_PIPELINE = None


def document_pipeline():
    """newsclean's default pipeline without its corpus stages (those run over the whole set)."""
    global _PIPELINE
    if _PIPELINE is None:
        import newsclean

        _PIPELINE = newsclean.default_pipeline(dedup=False, site_repeat=False)
    return _PIPELINE


def warm_up() -> None:
    import trafilatura

    trafilatura.extract(_WARMUP_HTML)
    document_pipeline().process(_raw("warm-up", _WARMUP_HTML, "html"))


def _raw(doc_id: str, content, fmt: str, url: str | None = None):
    from newsclean.model import RawDocument

    return RawDocument(id=doc_id, content=content, format=fmt, url=url)


def run_page(page: GoldPage, systems: tuple[str, ...] = SYSTEMS) -> PageRun:
    """Every system on one page (trafilatura's default text is always made: the text path needs it)."""
    import time

    import trafilatura

    raw = page.path.read_bytes()
    run = PageRun(dataset=page.dataset, id=page.id, gold=page.gold, labelled=page.labelled)

    def timed(system: str, func):
        start = time.perf_counter()
        try:
            value = func()
        except Exception as exc:  # a crash scores as empty output and is reported
            value, run.errors[system] = None, f"{type(exc).__name__}: {exc}"
        run.seconds[system] = time.perf_counter() - start
        return value

    base = timed(TRAFILATURA, lambda: trafilatura.extract(raw, include_comments=False)) or ""
    run.outputs[TRAFILATURA] = base
    if TRAFILATURA_PRECISION in systems:
        run.outputs[TRAFILATURA_PRECISION] = timed(
            TRAFILATURA_PRECISION, lambda: trafilatura.extract(raw, include_comments=False, favor_precision=True)
        ) or ""
    pipeline = document_pipeline()
    if NEWSCLEAN_HTML in systems:
        run.articles["html"] = timed(NEWSCLEAN_HTML, lambda: pipeline.process(_raw(page.id, raw, "html", page.url)))
    if NEWSCLEAN_TEXT in systems:
        run.articles["text"] = timed(NEWSCLEAN_TEXT, lambda: pipeline.process(_raw(page.id, base, "text", page.url)))
        run.seconds[NEWSCLEAN_TEXT] += run.seconds[TRAFILATURA]  # that user paid for extraction too
    return run


def delivered_text(article, headline: bool = False) -> str:
    """The article body newsclean delivers: the standfirst it moved to ``description`` (when it
    took one out of the body), then ``text``; empty for a dropped article. Scoring ``text`` alone
    would count the dek as lost, though it is in the output. With ``headline``, the headline it
    moved to ``title`` (when it took one out of the body) comes first: for a set whose gold counts
    the headline as article text (the snippet set), not for the full-text sets, whose convention
    leaves it out."""
    if article is None or not article.kept:
        return ""
    moved = [r.text for r in article.removed if r.category.value == "standfirst"]
    if headline:
        headlines = [r.text for r in article.removed if r.category.value == "headline" and (r.stage == "header" or r.rule in MOVED_HEADLINES)]
        if not headlines:
            headlines = [r.text for r in article.removed if r.rule in TITLE_REPEATS][:1]
        moved = headlines + moved
    return "\n\n".join([*moved, article.text]) if moved else article.text


def corpus_pass(runs: list[PageRun]) -> None:
    """SiteRepeat over each set and path, as ``newsclean clean --no-dedup`` runs it."""
    from newsclean.stages import SiteRepeat

    for path in ("html", "text"):
        articles = [r.articles[path] for r in runs if r.articles.get(path) is not None]
        if not articles:
            continue
        done = {a.id: a for a in SiteRepeat().run(articles)}
        for r in runs:
            if r.articles.get(path) is not None:
                r.articles[path] = done[r.articles[path].id]
    for r in runs:
        for system, path in PATHS.items():
            article = r.articles.get(path)
            if system in r.seconds:
                r.outputs[system] = delivered_text(article)


def run_set(pages: list[GoldPage], jobs: int, systems: tuple[str, ...] = SYSTEMS) -> list[PageRun]:
    """Every system on every page (``jobs`` processes), then the corpus pass; sorted by id."""
    if jobs <= 1:
        warm_up()
        runs = [run_page(p, systems) for p in pages]
    else:
        with multiprocessing.Pool(jobs, initializer=warm_up) as pool:
            runs = pool.starmap(run_page, [(p, systems) for p in pages], chunksize=4)
    runs.sort(key=lambda r: r.id)
    corpus_pass(runs)
    return runs


# --- scoring, audit, diagnostics --------------------------------------------------------------


def convention_lines(run: PageRun, captions: bool = True) -> collections.Counter:
    """On dragnet: the gold lines (comparison keys, with their counts) that its convention puts in
    the gold and newsclean puts elsewhere: the lines near the top that either of its paths put in
    ``title``, ``authors`` and ``published`` and, with ``captions``, the lines either removed as
    captions. Both paths: the text path, which reads no markup, finds the headline where the
    page's own title is the site's name, and following the convention there is no lost text."""
    dropped: collections.Counter = collections.Counter()
    articles = [a for path in PATHS.values() if (a := run.articles.get(path)) is not None]
    if run.dataset != "dragnet-news" or not articles:
        return dropped
    from newsclean.text import comparison_key

    header: set[str] = set()
    caption: set[str] = set()
    for article in articles:
        header.add(comparison_key(article.title or ""))
        header.update(
            comparison_key(r.text) for r in article.removed if r.category.value in ("headline", "byline", "dateline")
        )
        if captions:
            caption.update(comparison_key(r.text) for r in article.removed if r.category.value == "caption")
    header.discard("")
    caption.discard("")
    lines = [line for line in run.gold.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        key = comparison_key(line)
        # Only near the top: the header is above the body.
        if (i < 8 and key in header) or key in caption:
            dropped[key] += 1
    return dropped


def _without(text: str, dropped: collections.Counter) -> str:
    """``text`` without the first occurrences of the ``dropped`` lines (as many as counted)."""
    if not dropped:
        return text
    from newsclean.text import comparison_key

    left = collections.Counter(dropped)
    kept = []
    for line in text.splitlines():
        key = comparison_key(line)
        if left[key] > 0:
            left[key] -= 1
            continue
        kept.append(line)
    return "\n".join(kept)


def scored_gold(run: PageRun, captions: bool = True, mission: bool = False) -> str:
    """The gold the outputs are scored against, the same for every system: on dragnet, without
    its ``convention_lines``; with ``mission``, also without the overlay's labelled lines (whose
    captions then replace dragnet's caption convention)."""
    return _gold_without(run, convention_lines(run, captions and not mission), mission)


def _gold_without(run: PageRun, dropped: collections.Counter, mission: bool = False) -> str:
    gold = without_labelled(run.gold, run.labelled) if mission else run.gold
    if run.dataset != "dragnet-news":
        return gold
    lines = [line for line in gold.splitlines() if line.strip()]
    return _without("\n".join(lines), dropped)


def scored_output(run: PageRun, system: str, captions: bool = True, symmetric: bool = False) -> str:
    """A system's output as it is scored; with ``symmetric``, on dragnet, without the
    ``convention_lines`` (scored for no system: printing the headline is not charged)."""
    output = run.outputs.get(system, "")
    if symmetric and run.dataset == "dragnet-news":
        return _without(output, convention_lines(run, captions))
    return output


def scores(
    runs: list[PageRun], captions: bool = True, symmetric: bool = False, mission: bool = False
) -> dict[str, SetScore]:
    """Each system's score on one set (``captions=False``: dragnet's captions left in its gold;
    ``symmetric``: dragnet's convention lines dropped from the outputs too; ``mission``: the
    overlay's labelled lines dropped from the gold, its captions replacing dragnet's caption
    convention)."""
    captions = captions and not mission
    dropped = [convention_lines(r, captions) for r in runs]  # once per page, not per system
    golds = [_gold_without(r, d, mission) for r, d in zip(runs, dropped)]
    outputs = {
        system: [_without(r.outputs[system], d) if symmetric else r.outputs[system] for r, d in zip(runs, dropped)]
        for system in SYSTEMS
        if all(system in r.outputs for r in runs)
    }
    return {system: set_score([page_counts(o, g) for o, g in zip(texts, golds)]) for system, texts in outputs.items()}


@dataclass
class RuleAudit:
    """Words one rule removed over a set: those the gold keeps and the rest."""

    removals: int = 0
    kept: int = 0
    junk: int = 0
    pages: set = field(default_factory=set)
    convention: int = 0  # dragnet: words of header removals, not counted either way
    # Of the junk words, those on gold lines the mission overlay labels (an author's bio, a
    # "Read also" line, a caption, ...): the annotators kept them, the mission removes them.
    labelled: int = 0
    # Of the words the gold keeps, those trafilatura alone leaves out too (its own discard rules
    # drop caption-classed elements, for one): what the rule costs beside the baseline is the rest.
    baseline_drops: int = 0

    def add(self, other: RuleAudit) -> None:
        """Count ``other``'s removals and words in this one."""
        self.removals += other.removals
        self.kept += other.kept
        self.baseline_drops += other.baseline_drops
        self.junk += other.junk
        self.labelled += other.labelled
        self.convention += other.convention
        self.pages |= other.pages

    @property
    def junk_share(self) -> float:
        total = self.kept + self.junk
        return self.junk / total if total else 1.0


def audit(runs: list[PageRun], path: str = "html") -> dict[tuple[str, str], RuleAudit]:
    """(stage, rule) -> RuleAudit over a set's pages for one newsclean path, against the mission
    gold: a removed word the overlay labels is junk, counted in ``labelled`` as well."""
    table: dict[tuple[str, str], RuleAudit] = collections.defaultdict(RuleAudit)
    for run in runs:
        article = run.articles.get(path)
        if article is None or not article.removed:
            continue
        dropped = convention_lines(run, captions=False)
        gold = _gold_without(run, dropped, mission=True)
        output = delivered_text(article)
        ledger = GoldLedger(gold, output)
        shipped = GoldLedger(_gold_without(run, dropped), output) if run.labelled else None
        baseline = GoldLedger(gold, run.outputs.get(TRAFILATURA, ""))
        for removal in article.removed:
            entry = table[(removal.stage, removal.rule)]
            kept, junk = ledger.charge(removal.text)
            labelled = max(0, shipped.charge(removal.text)[0] - kept) if shipped else 0
            baseline_drops = min(kept, baseline.charge(removal.text)[0])
            entry.removals += 1
            entry.pages.add((run.dataset, run.id))
            if run.dataset == "dragnet-news" and (
                removal.category.value in DRAGNET_HEADER or removal.rule == "doc.repeat.headline"
            ):
                entry.convention += kept + junk
                continue
            entry.kept += kept
            entry.junk += junk
            entry.labelled += labelled
            entry.baseline_drops += baseline_drops
    return dict(table)


def merge_audits(*audits: dict[tuple[str, str], RuleAudit]) -> dict[tuple[str, str], RuleAudit]:
    """Sum audits of several sets."""
    return _summed(((key, entry) for one in audits for key, entry in one.items()))


def stage_totals(table: dict[tuple[str, str], RuleAudit]) -> dict[str, RuleAudit]:
    """The audit summed per stage."""
    return _summed((stage, entry) for (stage, _rule), entry in table.items())


def rule_totals(table: dict[tuple[str, str], RuleAudit]) -> dict[str, RuleAudit]:
    """The audit summed per rule id (what the gate pins)."""
    return _summed((rule, entry) for (_stage, rule), entry in table.items())


def _summed(items) -> dict:
    total: dict = collections.defaultdict(RuleAudit)
    for key, entry in items:
        total[key].add(entry)
    return dict(total)


def audit_table(table: dict[tuple[str, str], RuleAudit], floor: float = JUNK_FLOOR) -> list[str]:
    """Markdown: per stage, then per rule, words removed, words the gold keeps, junk share."""
    lines = [
        "| stage | rule | removals | pages | words removed | gold keeps | of which trafilatura drops too | junk on labelled lines | junk share | |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for stage, entry in sorted(stage_totals(table).items()):
        lines.append(_audit_row(stage, "**all**", entry, floor))
    for (stage, rule), entry in sorted(table.items(), key=lambda kv: (-kv[1].kept, kv[0])):
        lines.append(_audit_row(stage, f"`{rule}`", entry, floor))
    return lines


def _audit_row(stage: str, rule: str, e: RuleAudit, floor: float) -> str:
    flag = "under floor" if e.junk_share < floor and e.kept else ""
    return (
        f"| {stage} | {rule} | {e.removals} | {len(e.pages)} | {e.kept + e.junk} | {e.kept} | "
        f"{e.baseline_drops} | {e.labelled} | {e.junk_share:.3f} | {flag} |"
    )


def losses(runs: list[PageRun], limit: int) -> list[str]:
    """Pages where the HTML path lost most gold text against trafilatura, with the removals
    whose words the gold keeps (ids and rule names only: no dev-set text)."""
    rows = []
    for run in runs:
        gold = scored_gold(run, mission=True)
        base = page_counts(scored_output(run, TRAFILATURA), gold)
        ours = page_counts(scored_output(run, NEWSCLEAN_HTML), gold)
        lost = ours[2] - base[2]  # extra gold shingles missed
        if lost <= 0:
            continue
        article = run.articles.get("html")
        takers = collections.Counter()
        if article is not None:
            ledger = GoldLedger(gold, delivered_text(article))
            for removal in article.removed:
                kept, _ = ledger.charge(removal.text)
                if kept:
                    takers[removal.rule] += kept
            if not article.kept:
                takers[f"drop:{article.drop.reason}"] += 1
        total = base[0] + base[2]
        rows.append((lost, run.id, total, takers))
    rows.sort(key=lambda row: (-row[0], row[1]))
    out = []
    for lost, page_id, total, takers in rows[:limit]:
        by = ", ".join(f"{rule} ({n} words)" for rule, n in takers.most_common(4)) or "not extracted (no removal holds it)"
        out.append(f"- `{page_id}`: {lost} of {total} gold shingles lost beside trafilatura; {by}")
    return out
