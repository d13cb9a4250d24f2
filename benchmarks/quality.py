"""Extraction quality on the dev sets: trafilatura alone vs newsclean.

The two full-text sets (``l3s-gn1-dev``, ``dragnet-news``; see ``fulltext.py``) are scored first
with the 4-gram shingle metric, with a per-rule audit; then the trafilatura evaluation set's
snippets, as below.

Three systems in one run: trafilatura alone, newsclean's HTML path (the raw page), and
newsclean's text path fed trafilatura's plain text (what a user with already-extracted text
gets).

Usage::

    python benchmarks/quality.py ../shared/devsets [--limit N] [--jobs N] [--write-docs docs/benchmarks.md]
                                                   [--pin-floors]

The first argument is the devsets folder (holding ``trafilatura-eval.tgz``), the ``.tgz`` itself,
or an already unpacked ``trafilatura-eval`` folder. A ``.tgz`` is unpacked once into a cache
folder under the system temp dir. When the data is absent the script says so and exits 0.

Scoring follows the devsets README: per page, a ``with`` snippet found in the output is a true
positive, missed a false negative; a ``without`` snippet found is a false positive. Both systems
get the page's raw bytes and are matched the same way: plain substring search after collapsing
every run of whitespace to one space, in the output and in the snippet alike.

Stdout gets the table, removals per category, diagnostics (``with`` snippets trafilatura found
and newsclean lost, with the removal that took them) and the ``without`` snippets newsclean still
leaks. ``--write-docs`` writes only aggregate numbers: no dev-set text goes into the repo.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fulltext  # noqa: E402
from docs_section import write_section  # noqa: E402

DATASET = "trafilatura-eval"
TGZ_NAME = f"{DATASET}.tgz"
EVALDATA = Path("tests") / "evaldata.json"
PAGES = Path("tests") / "eval"
CACHE_ROOT = Path(tempfile.gettempdir()) / "newsclean-devsets"
SYSTEMS = ("trafilatura alone", "newsclean (HTML path)", "newsclean (text path)")
BASELINE, NEWSCLEAN, NEWSCLEAN_TEXT = SYSTEMS
FLOORS_FILE = Path(__file__).resolve().parent / "quality_floors.json"
MAX_DIAGNOSTICS = 40
MAX_LEAKS = 20
README_BASELINE = "trafilatura 2.3.1 alone, per the devsets README: 884 pages, P 0.900 R 0.940 F1 0.919"
_WHITESPACE = re.compile(r"\s+")
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e]")
_WARMUP_HTML = b"<html><body><article><p>Warm-up paragraph for the benchmark workers.</p></article></body></html>"


# --- data -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One annotated page of the evaluation set."""

    url: str
    path: Path
    with_: tuple[str, ...]
    without: tuple[str, ...]


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def unpack_tgz(tgz: Path) -> Path:
    """Unpack ``tgz`` into a cache folder named by its digest (once); return that folder."""
    target = CACHE_ROOT / sha256_of(tgz)[:16]
    marker = target / ".complete"
    if marker.exists():
        return target
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="unpack-", dir=CACHE_ROOT))
    with tarfile.open(tgz, "r:gz") as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(staging, filter="data")
        else:  # Python without extraction filters: refuse paths that leave the folder
            for member in archive.getmembers():
                if member.name.startswith("/") or ".." in Path(member.name).parts:
                    raise ValueError(f"unsafe path in {tgz}: {member.name}")
            archive.extractall(staging)
    (staging / ".complete").touch()
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def locate_dataset(arg: Path) -> tuple[Path, Path] | None:
    """The unpacked ``trafilatura-eval`` folder and the file its digest is taken from
    (the ``.tgz`` when there is one, else ``evaldata.json``); None when absent."""
    tgz: Path | None = None
    if arg.is_file() and arg.name.endswith((".tgz", ".tar.gz")):
        tgz = arg
    elif (arg / TGZ_NAME).is_file():
        tgz = arg / TGZ_NAME
    if tgz is not None:
        cache = unpack_tgz(tgz)
        root = cache / DATASET if (cache / DATASET / EVALDATA).is_file() else cache
        return (root, tgz) if (root / EVALDATA).is_file() else None
    for root in (arg / DATASET, arg):
        if (root / EVALDATA).is_file():
            return root, root / EVALDATA
    return None


def load_pages(root: Path, limit: int | None) -> list[Page]:
    """Entries of evaldata.json whose page file exists, sorted by url, at most ``limit``."""
    data = json.loads((root / EVALDATA).read_text(encoding="utf-8"))
    pages = [
        Page(url=url, path=root / PAGES / item["file"], with_=tuple(item["with"]), without=tuple(item["without"]))
        for url, item in sorted(data.items())
        if (root / PAGES / item["file"]).is_file()
    ]
    return pages[:limit] if limit else pages


# --- matching -------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Whitespace runs become one space. Applied to outputs and snippets of both systems."""
    return _WHITESPACE.sub(" ", text)


def loose(text: str) -> str:
    """A looser form (NFKC, no invisible characters, casefolded) used only for diagnostics."""
    return normalise(_INVISIBLE.sub("", unicodedata.normalize("NFKC", text))).casefold()


# --- per-page work (runs in worker processes) ------------------------------------------------


@dataclass
class PageResult:
    """Counts, timings and diagnostics of both systems on one page."""

    url: str
    counts: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # system -> (tp, fn, fp)
    plain_counts: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # without normalisation
    seconds: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    removals: list[tuple[str, str]] = field(default_factory=list)  # (category, rule), HTML path
    text_removals: list[tuple[str, str]] = field(default_factory=list)  # the same, text path
    drop: str | None = None
    lost: list[tuple[str, str]] = field(default_factory=list)  # (snippet, where it went)
    text_lost: list[tuple[str, str]] = field(default_factory=list)  # the same, text path
    leaks: list[str] = field(default_factory=list)


def run_trafilatura(raw: bytes, url: str) -> str:
    """The baseline: trafilatura's ``extract`` with its defaults."""
    import trafilatura

    return trafilatura.extract(raw, url=url) or ""


def run_newsclean(raw: bytes, url: str):
    """newsclean's HTML path; returns the Article."""
    import newsclean

    return newsclean.clean(html=raw, url=url)


def run_newsclean_text(text: str):
    """newsclean's text path on trafilatura's output; returns the Article."""
    import newsclean

    return newsclean.clean(text=text)


def warm_up() -> None:
    """Import both systems and build newsclean's default pipeline before anything is timed."""
    run_trafilatura(_WARMUP_HTML, "https://example.org/")
    run_newsclean(_WARMUP_HTML, "https://example.org/")


def score(text: str, page: Page, norm=normalise) -> tuple[int, int, int]:
    """(tp, fn, fp) of one output on one page, ``norm`` applied to output and snippets."""
    text = norm(text)
    found = [norm(s) in text for s in page.with_]
    tp = sum(found)
    fp = sum(norm(s) in text for s in page.without)
    return tp, len(found) - tp, fp


def plain(text: str) -> str:
    """No normalisation: the README's plain substring match, used only as a cross-check."""
    return text


def is_utf8(raw: bytes) -> bool:
    """Do the page's bytes decode as UTF-8?"""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def where_lost(snippet: str, removals, article, raw: bytes) -> str:
    """Which removal took a snippet: ``category rule``, or why none did (with a hint)."""
    key = normalise(snippet)
    for removal in removals:
        if key in normalise(removal.text):
            return f"{removal.category.value} {removal.rule}"
    for removal in removals:
        part = normalise(removal.text).strip()
        if len(part) >= 12 and part in key:
            return f"{removal.category.value} {removal.rule} (partial)"
    if article.drop is not None:
        return f"not extracted (dropped: {article.drop.reason})"
    if loose(snippet).strip() in loose(article.text):
        return "not extracted (text altered by normalisation)"
    if not is_utf8(raw):
        return "not extracted (page is not valid UTF-8: check decoding)"
    return "not extracted"


def timed(func, *args):
    """(result, seconds, error message or None)."""
    start = time.perf_counter()
    try:
        result, error = func(*args), None
    except Exception as exc:  # a crash scores as empty output and is reported
        result, error = None, f"{type(exc).__name__}: {exc}"
    return result, time.perf_counter() - start, error


def evaluate_page(page: Page) -> PageResult:
    """Run both systems on one page and score them."""
    raw = page.path.read_bytes()
    result = PageResult(url=page.url)

    base_text, result.seconds[BASELINE], error = timed(run_trafilatura, raw, page.url)
    if error:
        result.errors[BASELINE] = error
    base_text = base_text or ""

    article, result.seconds[NEWSCLEAN], error = timed(run_newsclean, raw, page.url)
    if error:
        result.errors[NEWSCLEAN] = error
    text = fulltext.delivered_text(article, headline=True)

    text_article, clean_seconds, error = timed(run_newsclean_text, base_text) if base_text else (None, 0.0, None)
    # The text path's user already paid for extraction: its time is trafilatura's plus ours.
    result.seconds[NEWSCLEAN_TEXT] = result.seconds[BASELINE] + clean_seconds
    if error:
        result.errors[NEWSCLEAN_TEXT] = error
    text_path = fulltext.delivered_text(text_article, headline=True)

    if text_article is not None:
        result.text_removals = [(r.category.value, r.rule) for r in text_article.removed]
    for system, output in ((BASELINE, base_text), (NEWSCLEAN, text), (NEWSCLEAN_TEXT, text_path)):
        result.counts[system] = score(output, page)
        result.plain_counts[system] = score(output, page, norm=plain)
    base_text, text = normalise(base_text), normalise(text)
    if text_article is not None:
        result.text_lost = lost_snippets(page, base_text, normalise(text_path), text_article, raw)
    if article is None:
        return result
    result.drop = article.drop.reason if article.drop is not None else None
    result.removals = [(r.category.value, r.rule) for r in article.removed]
    result.lost = lost_snippets(page, base_text, text, article, raw)
    result.leaks = [s for s in page.without if normalise(s) in text]
    return result


def lost_snippets(page: Page, base_text: str, text: str, article, raw: bytes) -> list[tuple[str, str]]:
    """The ``with`` snippets in trafilatura's text and not in newsclean's (both normalised),
    each with where it went."""
    return [
        (snippet, where_lost(snippet, article.removed, article, raw))
        for snippet in page.with_
        if normalise(snippet) in base_text and normalise(snippet) not in text
    ]


def evaluate(pages: list[Page], jobs: int) -> list[PageResult]:
    """All pages, ``jobs`` worker processes, results sorted by url."""
    if jobs <= 1:
        warm_up()
        results = [evaluate_page(p) for p in pages]
    else:
        with multiprocessing.Pool(jobs, initializer=warm_up) as pool:
            results = list(pool.imap_unordered(evaluate_page, pages, chunksize=4))
    return sorted(results, key=lambda r: r.url)


# --- aggregation and reports ------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """Totals of one system over the run."""

    pages: int
    tp: int
    fn: int
    fp: int
    seconds: float
    errors: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def totals(results: list[PageResult], system: str, *, normalised: bool = True) -> Score:
    """Sum one system's counts (whitespace-normalised or plain) and time over all pages."""
    tp, fn, fp = (sum((r.counts if normalised else r.plain_counts)[system][i] for r in results) for i in range(3))
    return Score(
        pages=len(results),
        tp=tp,
        fn=fn,
        fp=fp,
        seconds=sum(r.seconds[system] for r in results),
        errors=sum(system in r.errors for r in results),
    )


def table(scores: dict[str, Score]) -> list[str]:
    """The Markdown results table plus the delta line."""
    lines = [
        "| system | pages | precision | recall | F1 | seconds | pages/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in scores.items():
        rate = s.pages / s.seconds if s.seconds else 0.0
        lines.append(
            f"| {name} | {s.pages} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.seconds:.1f} | {rate:.1f} |"
        )
    base = scores[BASELINE]
    lines.append("")
    for name in (NEWSCLEAN, NEWSCLEAN_TEXT):
        ours = scores[name]
        lines.append(
            f"- {name} minus trafilatura alone: precision {ours.precision - base.precision:+.3f}, "
            f"recall {ours.recall - base.recall:+.3f}, F1 {ours.f1 - base.f1:+.3f}"
        )
    return lines


def counts_line(scores: dict[str, Score], plain_scores: dict[str, Score]) -> list[str]:
    """tp/fn/fp and crash counts per system, and the scores without whitespace normalisation."""
    lines = [f"- {name}: tp {s.tp}, fn {s.fn}, fp {s.fp}, crashes {s.errors}" for name, s in scores.items()]
    lines += ["", "Cross-check without whitespace normalisation (plain substring, as the devsets README scored;"]
    lines += ["unfair to newsclean, whose paragraphs are split by a blank line):", ""]
    lines += [
        f"- {name}: P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f} (tp {s.tp}, fn {s.fn}, fp {s.fp})"
        for name, s in plain_scores.items()
    ]
    return lines


def removal_table(results: list[PageResult]) -> list[str]:
    """Removals per category for both newsclean paths (and on how many pages), most first;
    then the HTML path's drops by reason."""
    counts = {}
    for name, attr in ((NEWSCLEAN, "removals"), (NEWSCLEAN_TEXT, "text_removals")):
        lines_per: collections.Counter[str] = collections.Counter()
        pages_per: collections.Counter[str] = collections.Counter()
        for r in results:
            cats = [c for c, _ in getattr(r, attr)]
            lines_per.update(cats)
            pages_per.update(set(cats))
        counts[name] = (lines_per, pages_per, sum(1 for r in results if getattr(r, attr)))
    html, text = counts[NEWSCLEAN], counts[NEWSCLEAN_TEXT]
    out = [
        "| category | HTML path: removals | pages | text path: removals | pages |",
        "|---|---:|---:|---:|---:|",
    ]
    categories = sorted(set(html[0]) | set(text[0]), key=lambda c: (-html[0][c] - text[0][c], c))
    for cat in categories:
        out.append(f"| {cat} | {html[0][cat]} | {html[1][cat]} | {text[0][cat]} | {text[1][cat]} |")
    out.append(
        f"| **total** | {sum(html[0].values())} | {html[2]} | {sum(text[0].values())} | {text[2]} |"
    )
    drops = collections.Counter(r.drop for r in results if r.drop)
    summary = ", ".join(f"{k} {v}" for k, v in sorted(drops.items())) or "none"
    out += ["", f"Dropped documents (text scored as empty): {summary}."]
    return out


def rule_table(results: list[PageResult]) -> list[str]:
    """Removed lines per rule id, most first."""
    per_rule = collections.Counter(rc for r in results for rc in r.removals)
    out = ["| category | rule | removed lines |", "|---|---|---:|"]
    for (cat, rule), n in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"| {cat} | `{rule}` | {n} |")
    return out


def diagnostics(results: list[PageResult], limit: int, path: str = "html") -> list[str]:
    """``with`` snippets trafilatura found and newsclean's ``path`` lost, and where they went."""
    lost = [(r.url, s, where) for r in results for s, where in (r.lost if path == "html" else r.text_lost)]
    by_cause = collections.Counter(where.removesuffix(" (partial)") for _, _, where in lost)
    out = [f"{len(lost)} `with` snippets found by trafilatura alone but lost by newsclean's {path} path; by cause:"]
    out += [f"- {cause}: {n}" for cause, n in sorted(by_cause.items(), key=lambda kv: (-kv[1], kv[0]))]
    out += ["", f"First {min(limit, len(lost))} (by url):", ""]
    for url, snippet, where in lost[:limit]:
        out.append(f"- [{where}] {normalise(snippet).strip()!r}  <{url}>")
    return out


def leaks(results: list[PageResult], limit: int) -> list[str]:
    """The ``without`` snippets newsclean still outputs, most frequent first."""
    counter = collections.Counter(normalise(s).strip() for r in results for s in r.leaks)
    out = [f"{sum(counter.values())} `without` snippets leaked by newsclean ({len(counter)} distinct); top {limit}:", ""]
    for snippet, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]:
        out.append(f"- {n} x {snippet!r}")
    return out


def git_revision() -> str:
    """Short commit of the checkout newsclean is imported from (``+dirty`` if changed), or ""."""
    import newsclean

    repo = Path(newsclean.__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "newsclean"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return head + ("+dirty" if dirty else "")


def versions() -> dict[str, str]:
    """Versions of the two systems (newsclean with its git commit) and of Python."""
    import newsclean
    import trafilatura

    revision = git_revision()
    return {
        "python": platform.python_version(),
        "trafilatura": trafilatura.__version__,
        "newsclean": newsclean.__version__ + (f" (git {revision})" if revision else ""),
    }


def docs_page(
    scores: dict[str, Score],
    plain_scores: dict[str, Score],
    results: list[PageResult],
    digest_file: Path,
    digest: str,
    argv: list[str],
    wall: float,
) -> str:
    """The Markdown docs page: reproduction, data, machine, table, removals. No dev-set text."""
    v = versions()
    command = "python benchmarks/quality.py ../shared/devsets --write-docs docs/benchmarks.md"
    extra = " ".join(a for a in argv if a.startswith("--limit") or a.startswith("--jobs"))
    lines = [
        "## Quality",
        "",
        "Extraction quality of newsclean's HTML path and text path against trafilatura alone, on the",
        "same pages in the same run. Written by `benchmarks/quality.py`.",
        "",
        "### Reproduce",
        "",
        "```sh",
        command + (f"  # run with: {extra}" if extra else ""),
        "```",
        "",
        "### Data",
        "",
        f"The trafilatura evaluation set (`{DATASET}`, Apache-2.0, from `../shared/devsets/`): pages from",
        "news sites, blogs, institutions and shops in many languages, each annotated by hand with `with`",
        "snippets (must be in the extracted text) and `without` snippets (navigation, dates, bylines,",
        "related links, share prompts, legal lines: must not). Pages listed in `evaldata.json` whose file",
        "is missing are skipped.",
        "",
        f"- digest: sha256 of `{digest_file.name}` = `{digest}`",
        f"- pages scored: {len(results)}",
        "",
        "Scoring: a `with` snippet found is a true positive, missed a false negative; a `without` snippet",
        "found is a false positive; precision = tp/(tp+fp), recall = tp/(tp+fn). Both systems get the raw",
        "bytes of each page and are matched the same way: plain substring search after collapsing every",
        "run of whitespace to one space in the output and in the snippet. A document newsclean drops",
        "scores as empty text.",
        "",
        "- trafilatura alone: `trafilatura.extract(raw, url=url)`, defaults",
        "- newsclean (HTML path): `newsclean.clean(html=raw, url=url)`; scored on what it moved out",
        "  of the body into fields, the headline line (to `title`) and the standfirst (to",
        "  `description`), followed by `text`: the annotators count the headline as article text",
        "- newsclean (text path): `newsclean.clean(text=trafilatura_output)`: no HTML, as for text",
        "  a scraper already extracted; scored the same way; its seconds include trafilatura's",
        "",
        "### Run",
        "",
        f"- date: {dt.date.today().isoformat()}",
        f"- machine: Python {v['python']} ({platform.system()} {platform.machine()}), `os.cpu_count()` = {os.cpu_count()}",
        f"- trafilatura {v['trafilatura']}, newsclean {v['newsclean']}",
        f"- wall time {wall:.1f} s; seconds below are per-system time summed over pages (worker",
        "  processes, each warmed up first), so pages/s is single-core throughput",
        "",
        "### Results",
        "",
        *table(scores),
        "",
        *counts_line(scores, plain_scores),
        "",
        f"For reference, {README_BASELINE}.",
        "",
        "### Removals per category (newsclean, both paths)",
        "",
        *removal_table(results),
        "",
    ]
    return "\n".join(lines)


def pin_floors(scores: dict[str, Score], digest: str, path: Path = FLOORS_FILE) -> str:
    """Raise the pinned floors of both newsclean paths to this run's scores (rounded down to
    three decimals). Floors never move down on the same data; new data starts afresh."""
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    same_data = old.get("digest") == digest
    systems = {}
    for name in (NEWSCLEAN, NEWSCLEAN_TEXT):
        measured = {m: int(getattr(scores[name], m) * 1000) / 1000 for m in ("precision", "recall", "f1")}
        before = old.get("systems", {}).get(name, {}) if same_data else {}
        systems[name] = {m: max(v, before.get(m, 0.0)) for m, v in measured.items()}
    data = dict(old)  # the full-text floors stay as they are
    data.update(dataset=DATASET, digest=digest, systems=systems)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return f"pinned floors in {path}: " + json.dumps(systems, sort_keys=True)


# --- full-text sets ----------------------------------------------------------------------------


def run_fulltext(devsets: Path, limit: int | None, jobs: int) -> dict[str, tuple[str, list]]:
    """Both full-text sets (those present): set name -> (digest, page runs)."""
    out = {}
    for name in fulltext.SETS:
        pages = fulltext.load_set(devsets, name, limit)
        if not pages:
            print(f"skipping {name}: not found under {devsets}", file=sys.stderr)
            continue
        print(f"{len(pages)} pages of {name}, {jobs} jobs", file=sys.stderr)
        out[name] = (fulltext.digest_of(pages), fulltext.run_set(pages, jobs))
    return out


def fulltext_report(results: dict[str, tuple[str, list]], limit: int) -> list[str]:
    """Markdown: scores per set, the per-rule audit (both sets summed, each path), the pages
    where the HTML path lost most text beside trafilatura. Page ids and rule names only."""
    if not results:
        return ["(full-text sets absent: nothing scored)"]
    lines = [
        "### Full-text sets (4-gram shingles, the devsets README's metric)",
        "",
        "Two golds. **Mission** (the figures the floors and the targets use): the lines the devsets",
        "README's mission overlay labels (an author's bio, a \"Read also\" line, a follow prompt, an ad",
        "label, a copyright line, a caption the annotators kept) are dropped from the gold of every",
        "system alike, so an output that prints one is charged for it and one that removed it loses",
        "nothing. **As shipped**: the annotators' gold as it is.",
        "",
        "dragnet-news's gold keeps the headline, date line, byline and captions (the devsets README):",
        "the gold lines either newsclean path put in `title`, `authors` and `published` (near the top)",
        "are dropped before scoring, the same gold for every system (the text path, reading no markup,",
        "finds the headline where a page's title is only the site's name; the HTML path is then",
        "charged for printing that headline in its body). As shipped, the lines either path removed",
        "as captions are dropped too; on the mission gold the overlay's captions take their place.",
        "An output that prints those lines in its body is charged for them, as on l3s-gn1-dev, whose",
        "gold holds no headline and no caption. Two more variants score the same run as shipped:",
        "`(captions in gold)` leaves the captions in the gold; `(convention lines scored for no",
        "system)` drops the lines taken out of the gold from every output too.",
        "",
        "| set | gold | pages | system | precision | recall | F1 | F1 minus trafilatura | recall minus trafilatura |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for name, (_digest, runs) in results.items():
        variants = [(name, "mission", fulltext.scores(runs, mission=True)), (name, "as shipped", fulltext.scores(runs))]
        if name == "dragnet-news":  # the same run scored with the captions left in the gold
            variants.append((f"{name} (captions in gold)", "as shipped", fulltext.scores(runs, captions=False)))
            variants.append(
                (f"{name} (convention lines scored for no system)", "as shipped", fulltext.scores(runs, symmetric=True))
            )
        for label, gold, scored in variants:
            base = scored[fulltext.TRAFILATURA]
            for system, s in scored.items():
                lines.append(
                    f"| {label} | {gold} | {s.pages} | {system} | {s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} "
                    f"| {s.f1 - base.f1:+.4f} | {s.recall - base.recall:+.4f} |"
                )
    for path in ("html", "text"):
        table = fulltext.merge_audits(*(fulltext.audit(runs, path) for _d, runs in results.values()))
        lines += [
            "",
            f"#### Per-rule audit, {path} path (both sets summed; words a rule removed that the gold keeps)",
            "",
            f"Against the mission gold. A rule under {fulltext.JUNK_FLOOR:.0%} junk by words is flagged.",
            "Dragnet's header removals are its convention, counted in neither column. Of the words the",
            "gold keeps, the next column counts those trafilatura alone leaves out too (its own rules",
            "drop them, or the page's story is read differently): the rest is what the rule costs beside",
            "the baseline. Junk on labelled lines: words of lines the annotators kept that the mission",
            "overlay labels (bios, read-also lines, prompts, captions, ...), counted as junk.",
            "",
            *fulltext.audit_table(table),
        ]
    for name, (_digest, runs) in results.items():
        lines += ["", f"#### {name}: pages where the HTML path lost most gold text beside trafilatura", ""]
        lines += fulltext.losses(runs, limit // 2) or ["- none"]
    return lines


def pin_fulltext_floors(results: dict[str, tuple[str, list]], path: Path = FLOORS_FILE) -> str:
    """Raise the full-text floors (per set and path; per rule, its junk share) to this run's
    figures rounded down. They never move down on the same data."""
    data = json.loads(path.read_text(encoding="utf-8"))
    old = data.get("fulltext", {})
    sets = {}
    for name, (digest, runs) in results.items():
        before = old.get("sets", {}).get(name, {})
        same = before.get("digest") == digest
        systems = {}
        for system, score in fulltext.scores(runs, mission=True).items():
            if system not in fulltext.PATHS:
                continue
            measured = {m: int(getattr(score, m) * 1000) / 1000 for m in ("precision", "recall", "f1")}
            prior = before.get("systems", {}).get(system, {}) if same else {}
            systems[system] = {m: max(v, prior.get(m, 0.0)) for m, v in measured.items()}
        sets[name] = {"digest": digest, "systems": systems}
    table = fulltext.merge_audits(*(fulltext.audit(runs, "html") for _d, runs in results.values()))
    same_data = all(old.get("sets", {}).get(n, {}).get("digest") == d for n, (d, _r) in results.items())
    prior_rules = old.get("rules", {}) if same_data else {}
    rules = {}
    for rule, entry in sorted(fulltext.rule_totals(table).items()):
        if entry.kept + entry.junk == 0:
            continue
        measured = int(entry.junk_share * 1000) / 1000
        rules[rule] = max(measured, prior_rules.get(rule, 0.0))
    data["fulltext"] = {"sets": sets, "rules": rules}
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return f"pinned full-text floors in {path}"


# --- main -----------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("devsets", type=Path, help="devsets folder, trafilatura-eval.tgz, or the unpacked folder")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages (by url)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--write-docs", type=Path, default=None, metavar="PATH", help="write the docs page here")
    parser.add_argument("--diagnostics", type=int, default=MAX_DIAGNOSTICS, help="lost snippets to list")
    parser.add_argument("--leaks", type=int, default=MAX_LEAKS, help="leaked `without` snippets to list")
    parser.add_argument("--fulltext-only", action="store_true",
                        help="score the full-text sets only (print their report; no docs, no floors)")
    parser.add_argument("--snippet-only", action="store_true",
                        help="score the snippet set only (no full-text sets; no floors)")
    parser.add_argument("--pin-floors", action="store_true",
                        help=f"raise the floors in {FLOORS_FILE.name} to this run's scores (never lowers them)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (and optionally write) the reports."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    found = locate_dataset(args.devsets)
    if found is None:
        print(f"skipping: no {DATASET} data at {args.devsets}")
        return 0
    root, digest_file = found
    fulltext_results = {} if args.snippet_only else run_fulltext(args.devsets, args.limit, args.jobs)
    if args.fulltext_only:
        print("\n".join(fulltext_report(fulltext_results, args.diagnostics)))
        return 0
    pages = load_pages(root, args.limit)
    print(f"{len(pages)} pages from {root}, {args.jobs} jobs", file=sys.stderr)
    start = time.perf_counter()
    results = evaluate(pages, args.jobs)
    wall = time.perf_counter() - start
    scores = {name: totals(results, name) for name in SYSTEMS}
    plain_scores = {name: totals(results, name, normalised=False) for name in SYSTEMS}
    digest = sha256_of(digest_file)

    v = versions()
    print(f"Data: {digest_file.name} sha256 {digest}; {len(results)} pages; wall {wall:.1f} s")
    print(f"trafilatura {v['trafilatura']}, newsclean {v['newsclean']}, Python {v['python']}")
    print("Matching: substring after collapsing whitespace runs to one space, same for both systems.\n")
    print("\n".join(table(scores)))
    print("\n".join(["", *counts_line(scores, plain_scores), "", f"Reference: {README_BASELINE}."]))
    print("\n## Removals per category (newsclean, both paths)\n")
    print("\n".join(removal_table(results)))
    print("\n## Removals per rule (newsclean)\n")
    print("\n".join(rule_table(results)))
    print("\n## Diagnostics: lost `with` snippets, HTML path\n")
    print("\n".join(diagnostics(results, args.diagnostics)))
    print("\n## Diagnostics: lost `with` snippets, text path\n")
    print("\n".join(diagnostics(results, args.diagnostics, "text")))
    print("\n## Leaked `without` snippets (newsclean)\n")
    print("\n".join(leaks(results, args.leaks)))
    crashes = [(r.url, s, e) for r in results for s, e in sorted(r.errors.items())]
    if crashes:
        print("\n## Crashes\n")
        print("\n".join(f"- {s}: {e}  <{u}>" for u, s, e in crashes))
    fulltext_lines = fulltext_report(fulltext_results, args.diagnostics)
    print("\n" + "\n".join(fulltext_lines))
    if args.pin_floors:
        if args.limit or args.snippet_only:
            print("refusing to pin floors from a --limit run", file=sys.stderr)
            return 2
        print("\n" + pin_floors(scores, digest))
        print(pin_fulltext_floors(fulltext_results))
    if args.write_docs:
        page = docs_page(scores, plain_scores, results, digest_file, digest, argv, wall)
        page = page.replace("## Quality\n", "## Quality\n\n" + "\n".join(fulltext_lines) + "\n\n### The snippet set\n", 1)
        write_section(args.write_docs, "quality", page)
        print(f"\nwrote {args.write_docs}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
