"""Speed and memory of newsclean beside trafilatura, in one run on one machine.

Usage::

    python benchmarks/speed.py ../shared/devsets [--limit N] [--rounds R] [--sets A,B]
        [--compare-with SRC --compare-label LABEL] [--no-in-process] [--write-docs docs/benchmarks.md]

Needs no network: it reads the archives of ``../shared/devsets`` (read its README), unpacked
once into a temporary cache by ``fulltext.locate`` and ``quality.unpack_tgz``. A set that is
absent is skipped; with none there, the script says so and exits 0.

End to end, what a user runs: each command in a fresh process, as many times as ``--rounds``,
the systems alternating round by round (the order rotates each round), the median of each:

- per dev set with HTML (dragnet-news, l3s-gn1-dev, newspaper4k pages, trafilatura-eval), the
  set's pages (the first ``--limit`` by name) are written to one JSONL file of
  ``{"id", "url", "html"}`` records in a temporary folder (outside the repository), decoded
  to text once; on that one file, ``newsclean clean FILE -o OUT --jobs 1 --no-dedup --quiet``,
  beside a script that calls ``trafilatura.bare_extraction(html, url=url, with_metadata=True)``
  on each record and one that calls ``trafilatura.extract(html, url=url)``, each writing one
  JSON line per page. Wall time, CPU time and peak RSS of the child (``os.wait4``), and the
  ratio trafilatura / newsclean;
- start-up: ``newsclean clean PAGE -o OUT`` and ``newsclean explain PAGE`` on one page, beside
  ``python -c "import trafilatura"`` and ``bare_extraction`` on the same page;
- the text path, steady state: newsclean on trafilatura's text of the pages (the extract
  script's output), in a fresh process after one document of warm-up, documents per CPU
  second (one core), best pass;
- ``--jobs 2`` against ``--jobs 1`` on the largest set, wall, outputs compared byte for byte.

With ``--compare-with SRC`` another source tree (a checkout of main, say) runs beside this one
in every newsclean row, so before and after come from one run.

Then, as before, in one warm process on the newspaper pages (``--no-in-process`` skips it):
best of ``--rounds``, the HTML path beside ``bare_extraction`` and ``extract``, the time share
of each newsclean stage on the HTML and text paths, and the peak memory of a streaming run
over N and 4N documents. A warm process hides start-up and first-document costs: the end-to-end
tables are what a user sees.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docs_section import write_section  # noqa: E402
from quality import sha256_of, unpack_tgz  # noqa: E402

TGZ_NAME = "newspaper4k-news-html.tgz"
PAGES_GLOB = "newspaper4k-news-html/tests/data/html/*.html"


def load_pages(devsets: Path, limit: int | None) -> tuple[list[tuple[str, bytes]], Path] | None:
    """(name, raw bytes) of the pages, sorted by name, and the archive they came from."""
    tgz = devsets if devsets.is_file() else devsets / TGZ_NAME
    if not tgz.is_file():
        return None
    root = unpack_tgz(tgz)
    paths = sorted(root.glob(PAGES_GLOB))
    pages = [(p.stem, p.read_bytes()) for p in paths]
    return (pages[:limit] if limit else pages), tgz


class TimedStage:
    """Wraps a document stage and adds its wall time to a shared table."""

    def __init__(self, stage, table: dict[str, float]) -> None:
        self.stage, self.table = stage, table
        self.name = getattr(stage, "name", type(stage).__name__)

    def __call__(self, item):
        start = time.perf_counter()
        try:
            return self.stage(item)
        finally:
            self.table[self.name] += time.perf_counter() - start


# The clock of best_of: wall time by default; ``--cpu-time`` takes this process's CPU time, which
# other load on a shared machine disturbs far less (the ratios stay comparable across runs).
CLOCK = time.perf_counter


def best_of(rounds: int, func) -> float:
    """Smallest time (by ``CLOCK``) of ``rounds`` calls of ``func``."""
    best = float("inf")
    for _ in range(rounds):
        start = CLOCK()
        func()
        best = min(best, CLOCK() - start)
    return best


def html_path(pages, rounds: int) -> dict[str, float]:
    import trafilatura

    import newsclean

    pipeline = newsclean.default_pipeline(dedup=False, site_repeat=False)
    docs = html_documents(pages)
    pipeline.process(docs[0])  # warm-up: rule packs, langdetect profiles
    trafilatura.bare_extraction(pages[0][1], with_metadata=True)
    return {
        "bare_extraction": best_of(rounds, lambda: [trafilatura.bare_extraction(raw, with_metadata=True) for _, raw in pages]),
        "extract": best_of(rounds, lambda: [trafilatura.extract(raw) for _, raw in pages]),
        "newsclean": best_of(rounds, lambda: [pipeline.process(d) for d in docs]),
    }


def html_interleaved(pages, rounds: int) -> tuple[float, float]:
    """CPU seconds of ``bare_extraction(with_metadata=True)`` and of newsclean, taken page by
    page in turns over ``rounds`` passes: drift in the machine's speed hits both alike."""
    import trafilatura

    import newsclean

    pipeline = newsclean.default_pipeline(dedup=False, site_repeat=False)
    docs = html_documents(pages)
    pipeline.process(docs[0])
    trafilatura.bare_extraction(pages[0][1], with_metadata=True)
    bare = ours = 0.0
    for _ in range(rounds):
        for (_name, raw), document in zip(pages, docs):
            start = time.process_time()
            trafilatura.bare_extraction(raw, with_metadata=True)
            bare += time.process_time() - start
            start = time.process_time()
            pipeline.process(document)
            ours += time.process_time() - start
    return bare, ours


def stage_shares(documents) -> dict[str, float]:
    """Seconds per stage over one pass of ``documents`` (RawDocuments)."""
    import attrs

    import newsclean

    table: dict[str, float] = defaultdict(float)
    pipeline = newsclean.default_pipeline(dedup=False, site_repeat=False)
    timed = attrs.evolve(
        pipeline,
        extract=TimedStage(pipeline.extract, table),
        stages=tuple(TimedStage(s, table) for s in pipeline.stages),
    )
    for document in documents:
        timed.process(document)
    return dict(table)


def html_documents(pages):
    from newsclean import RawDocument

    return [RawDocument(id=name, content=raw, format="html") for name, raw in pages]


def text_documents(lines: list[str]):
    from newsclean import RawDocument

    return [RawDocument(id=r["id"], content=r["text"], format="text") for r in map(json.loads, lines)]


def text_lines(pages) -> list[str]:
    """trafilatura's text of each page as a JSON line, the text path's input."""
    import trafilatura

    return [json.dumps({"id": name, "text": trafilatura.extract(raw) or ""}, ensure_ascii=False) for name, raw in pages]


def time_text_path(lines: list[str], rounds: int) -> dict[str, float]:
    """newsclean on JSON lines, writing each article's line: seconds of the first pass after
    one document of warm-up, and of the best of ``rounds`` later passes."""
    import newsclean
    from newsclean import RawDocument

    pipeline = newsclean.default_pipeline(dedup=False, site_repeat=False)

    def clean(batch):
        for line in batch:
            record = json.loads(line)
            article = pipeline.process(RawDocument(id=record["id"], content=record["text"], format="text"))
            json.dumps(article.to_dict(), ensure_ascii=False)

    clean(lines[:1])
    first = best_of(1, lambda: clean(lines))
    return {"first": first, "newsclean": best_of(rounds, lambda: clean(lines))}


def text_path(lines: list[str], rounds: int) -> dict[str, float]:
    def read_write():
        for line in lines:
            record = json.loads(line)
            json.dumps(record, ensure_ascii=False)

    newsclean = time_text_path(lines, rounds)["newsclean"]
    size = sum(len(json.loads(line)["text"].encode()) for line in lines)
    return {"read_write": best_of(rounds, read_write), "newsclean": newsclean, "bytes": size}


_TEXT_CHILD = """
import json, sys
source, benchmarks, lines_file, rounds = sys.argv[1:5]
sys.path[:0] = [source, benchmarks]
import newsclean
from speed import time_text_path
lines = json.load(open(lines_file, encoding="utf-8"))
result = time_text_path(lines, int(rounds))
print(json.dumps({"module": newsclean.__file__, **result}))
"""


def fresh_text_path(lines: list[str], trees: dict[str, Path], rounds: int, repeats: int = 3) -> dict[str, dict[str, float]]:
    """Text path of each source tree (label -> folder holding ``newsclean/``), each time in a
    fresh process, the trees alternating ``repeats`` times; the smallest seconds of each."""
    import tempfile

    here = Path(__file__).resolve().parent
    best: dict[str, dict[str, float]] = {label: {} for label in trees}
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as handle:
        json.dump(lines, handle)
        handle.flush()
        for _ in range(repeats):
            for label, tree in trees.items():
                tree = tree.resolve()
                out = subprocess.run(
                    [sys.executable, "-c", _TEXT_CHILD, str(tree), str(here), handle.name, str(rounds)],
                    capture_output=True, text=True, check=True,
                )
                result = json.loads(out.stdout.strip().splitlines()[-1])
                if not Path(result.pop("module")).resolve().is_relative_to(tree):
                    raise RuntimeError(f"the child did not import newsclean from {tree}")
                for key, seconds in result.items():
                    best[label][key] = min(best[label].get(key, float("inf")), seconds)
    return best


_CHILD = """
import json, resource, sys
import newsclean
from newsclean import RawDocument
pages = [(p, open(p, 'rb').read()) for p in json.loads(sys.argv[1])]
copies = int(sys.argv[2])
pipeline = newsclean.default_pipeline(dedup=False, site_repeat=False)
docs = (RawDocument(id=f"{i}-{p}", content=raw, format="html") for i in range(copies) for p, raw in pages)
n = sum(1 for _ in pipeline.run(docs))
print(json.dumps({"documents": n, "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def peak_memory(paths: list[Path], copies: int) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps([str(p) for p in paths]), str(copies)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- end to end: each command in a fresh process ------------------------------------------------

HTML_SETS = ("dragnet-news", "l3s-gn1-dev", "newspaper4k", "trafilatura-eval")
BARE, EXTRACT = "trafilatura bare_extraction", "trafilatura extract"

# The two trafilatura baselines: read the JSONL, one call per record, one JSON line out per page.
_TRAFILATURA_SCRIPT = """
import json, sys
import trafilatura
source, target, mode = sys.argv[1:4]
with open(source, encoding="utf-8") as lines, open(target, "w", encoding="utf-8") as out:
    for line in lines:
        record = json.loads(line)
        if mode == "bare":
            doc = trafilatura.bare_extraction(record["html"], url=record.get("url"), with_metadata=True)
            row = {"id": record["id"], "title": doc.title if doc else None, "text": doc.text if doc else ""}
        else:
            row = {"id": record["id"], "text": trafilatura.extract(record["html"], url=record.get("url")) or ""}
        out.write(json.dumps(row, ensure_ascii=False) + "\\n")
"""
# The ``newsclean`` console script's code, so that PYTHONPATH picks the source tree.
_NEWSCLEAN_MAIN = "import sys; from newsclean.cli import main; sys.exit(main())"


def set_pages(devsets: Path, name: str, limit: int | None) -> list[tuple[str, Path, str | None]]:
    """(id, path, url) of a set's pages, sorted as its loader sorts them; empty when absent."""
    from fulltext import load_set, locate
    from quality import load_pages as eval_pages
    from quality import locate_dataset

    if name in ("dragnet-news", "l3s-gn1-dev"):
        return [(p.id, p.path, p.url) for p in load_set(devsets, name, limit)]
    if name == "newspaper4k":
        tgz = devsets / TGZ_NAME
        if not tgz.is_file():
            return []
        paths = sorted(unpack_tgz(tgz).glob(PAGES_GLOB))
        return [(p.stem, p, None) for p in (paths[:limit] if limit else paths)]
    if name == "trafilatura-eval":
        found = locate_dataset(devsets)
        return [(p.path.name, p.path, p.url) for p in eval_pages(found[0], limit)] if found else []
    raise ValueError(f"unknown set {name!r}; known: {', '.join(HTML_SETS)}")


def write_jsonl(pages: list[tuple[str, Path, str | None]], target: Path) -> int:
    """One ``{"id", "url", "html"}`` line per page, the HTML decoded as newsclean decodes
    bytes (UTF-8, else the detected charset); returns the bytes of HTML written."""
    from newsclean.stages.extract import decode_bytes

    size = 0
    with target.open("w", encoding="utf-8") as out:
        for page_id, path, url in pages:
            html = decode_bytes(path.read_bytes())
            size += len(html.encode("utf-8", "surrogatepass"))
            out.write(json.dumps({"id": page_id, "url": url, "html": html}, ensure_ascii=False) + "\n")
    return size


class Child:
    """One command to time in a fresh process: its argv and the source tree on PYTHONPATH."""

    def __init__(self, argv: list[str], tree: Path | None = None) -> None:
        self.argv, self.tree = argv, tree

    def run(self, cwd: Path) -> dict[str, float]:
        """Wall seconds, CPU seconds (user + system, the child and what it waited for) and peak
        RSS in MB of one run; raises when the command fails."""
        env = dict(os.environ)
        if self.tree is not None:
            env["PYTHONPATH"] = str(self.tree)
        with open(cwd / "child.stderr", "w+b") as err:
            start = time.perf_counter()
            child = subprocess.Popen(self.argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=err)
            _pid, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
            child.returncode = os.waitstatus_to_exitcode(status)
            if child.returncode != 0:
                err.seek(0)
                message = err.read().decode("utf-8", "replace")[-2000:]
                raise RuntimeError(f"{' '.join(self.argv[:4])}... exited {child.returncode}:\n{message}")
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024}


def newsclean_tree(tree: Path, cwd: Path) -> None:
    """Refuse a tree from which a child would not import its own newsclean."""
    out = subprocess.run([sys.executable, "-c", "import newsclean; print(newsclean.__file__)"], cwd=cwd,
                         env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, text=True, check=True)
    if not Path(out.stdout.strip()).resolve().is_relative_to(tree.resolve()):
        raise RuntimeError(f"a child with PYTHONPATH={tree} imports newsclean from {out.stdout.strip()}")


def median_runs(children: dict[str, Child], rounds: int, cwd: Path, before=None) -> dict[str, dict[str, float]]:
    """Each child ``rounds`` times, in an order that rotates round by round; the median of
    each measure. ``before(label)`` runs (untimed) before each run: to remove old outputs."""
    import statistics

    samples: dict[str, list[dict[str, float]]] = {label: [] for label in children}
    labels = list(children)
    for r in range(rounds):
        for label in labels[r % len(labels):] + labels[: r % len(labels)]:
            if before is not None:
                before(label)
            samples[label].append(children[label].run(cwd))
    return {label: {key: statistics.median(s[key] for s in runs) for key in runs[0]} for label, runs in samples.items()}


def clean_output(work: Path, label: str) -> Path:
    return work / f"out-{label.replace(' ', '_').replace('/', '_')}.jsonl"


def _remove_outputs(work: Path):
    def remove(label: str) -> None:
        for path in work.glob(f"{clean_output(work, label).stem}*"):
            path.unlink()
    return remove


def end_to_end(sets: dict[str, Path], trees: dict[str, Path], rounds: int, work: Path) -> dict[str, dict[str, dict[str, float]]]:
    """Per set: label -> median wall, cpu, rss, of the two trafilatura scripts and ``newsclean
    clean`` of each tree, on the set's JSONL file."""
    results = {}
    for name, jsonl in sets.items():
        children = {
            BARE: Child([sys.executable, "-c", _TRAFILATURA_SCRIPT, str(jsonl), str(clean_output(work, BARE)), "bare"]),
            EXTRACT: Child([sys.executable, "-c", _TRAFILATURA_SCRIPT, str(jsonl), str(clean_output(work, EXTRACT)), "extract"]),
        }
        for label, tree in trees.items():
            children[f"newsclean ({label})"] = Child(
                [sys.executable, "-c", _NEWSCLEAN_MAIN, "clean", str(jsonl), "-o", str(clean_output(work, label)),
                 "--jobs", "1", "--no-dedup", "--quiet"], tree)
        print(f"end to end: {name}", file=sys.stderr)
        results[name] = median_runs(children, rounds, work, before=_remove_outputs(work))
        texts = work / f"texts-{name}.jsonl"  # trafilatura's text of the pages: the text path's input
        clean_output(work, EXTRACT).replace(texts)
    return results


def start_up(page: Path, trees: dict[str, Path], rounds: int, work: Path) -> dict[str, dict[str, float]]:
    """Median wall, cpu, rss of the one-page commands."""
    bare_one = ("import sys, trafilatura; from newsclean_page import html; "
                "trafilatura.bare_extraction(html, with_metadata=True)")
    (work / "newsclean_page.py").write_text(f"html = open({str(page)!r}, 'rb').read()\n", encoding="utf-8")
    children = {
        'python -c "import trafilatura"': Child([sys.executable, "-c", "import trafilatura"]),
        "trafilatura bare_extraction, one page": Child([sys.executable, "-c", bare_one]),
    }
    for label, tree in trees.items():
        children[f"newsclean clean PAGE -o OUT ({label})"] = Child(
            [sys.executable, "-c", _NEWSCLEAN_MAIN, "clean", str(page), "-o", str(clean_output(work, label))], tree)
        children[f"newsclean explain PAGE ({label})"] = Child([sys.executable, "-c", _NEWSCLEAN_MAIN, "explain", str(page)], tree)

    def remove(label: str) -> None:
        for tree_label in trees:
            _remove_outputs(work)(tree_label)

    print("start-up", file=sys.stderr)
    return median_runs(children, rounds, work, before=remove)


def jobs_scaling(jsonl: Path, tree: Path, jobs: int, rounds: int, work: Path) -> tuple[dict[str, dict[str, float]], bool]:
    """``newsclean clean`` of one file with ``--jobs 1`` and ``--jobs N``: medians, and whether
    the outputs were byte-identical."""
    labels = {1: "jobs 1", jobs: f"jobs {jobs}"}
    children = {
        label: Child([sys.executable, "-c", _NEWSCLEAN_MAIN, "clean", str(jsonl), "-o", str(clean_output(work, label)),
                      "--jobs", str(n), "--no-dedup", "--quiet"], tree)
        for n, label in labels.items()
    }
    print(f"--jobs {jobs} against --jobs 1", file=sys.stderr)
    result = median_runs(children, rounds, work, before=_remove_outputs(work))
    outputs = {clean_output(work, label).read_bytes() for label in labels.values()}
    return result, len(outputs) == 1


_TEXT_CPU_CHILD = """
import json, sys, time
source, benchmarks, lines_file, rounds = sys.argv[1:5]
sys.path[:0] = [source, benchmarks]
import newsclean
import speed
speed.CLOCK = time.process_time
lines = open(lines_file, encoding="utf-8").read().splitlines()
result = speed.time_text_path(lines, int(rounds))
print(json.dumps({"module": newsclean.__file__, "documents": len(lines), **result}))
"""


def text_steady_state(texts: Path, trees: dict[str, Path], rounds: int, work: Path) -> dict[str, dict[str, float]]:
    """Per tree, in a fresh process: documents per CPU second of the text path (newsclean's
    pipeline on each JSON line, writing its article's line), best of ``rounds`` passes after
    one document of warm-up, and of the first pass."""
    here = Path(__file__).resolve().parent
    out: dict[str, dict[str, float]] = {}
    print("text path, steady state", file=sys.stderr)
    for label, tree in trees.items():
        run = subprocess.run([sys.executable, "-c", _TEXT_CPU_CHILD, str(tree.resolve()), str(here), str(texts), str(rounds)],
                             cwd=work, capture_output=True, text=True, check=True)
        result = json.loads(run.stdout.strip().splitlines()[-1])
        if not Path(result.pop("module")).resolve().is_relative_to(tree.resolve()):
            raise RuntimeError(f"the child did not import newsclean from {tree}")
        n = result["documents"]
        out[label] = {"documents": n, "steady": n / result["newsclean"], "first": n / result["first"]}
    return out


def _mb(value: float) -> str:
    return f"{value:.0f} MB"


def end_to_end_report(sizes: dict[str, tuple[int, int]], e2e, startup, text, scaling, jobs: int, rounds: int,
                      limit: int | None, trees: dict[str, Path]) -> list[str]:
    ours = list(trees)[-1]  # this tree: the last one
    this = f"newsclean ({ours})"
    lines = [
        "### End to end, fresh process (what a user runs)",
        "",
        f"Each command in a fresh process, {rounds} round{'s' if rounds != 1 else ''}, the systems alternating (the order rotates",
        "each round); the median of each. Input: one JSONL file per set (`id`, `url`, `html`);",
        "`newsclean clean FILE -o OUT --jobs 1 --no-dedup --quiet` beside a script calling",
        "`trafilatura.bare_extraction(html, url=url, with_metadata=True)` and one calling",
        "`trafilatura.extract(html, url=url)` on each record, each writing one JSON line per page.",
        "CPU: user + system of the child; peak: its maximum RSS. The ratio is trafilatura's",
        "`bare_extraction` over the row's figure: above 1.0x the row is faster.",
        f"{'Pages per set: the first ' + str(limit) + ' by name.' if limit else 'Whole sets.'}",
        "",
        "| set | pages | system | wall | CPU | peak RSS | bare_extraction / this, wall | CPU |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for name, rows in e2e.items():
        pages, _size = sizes[name]
        base = rows[BARE]
        for label, m in rows.items():
            lines.append(f"| {name} | {pages} | {label} | {m['wall']:.2f} s | {m['cpu']:.2f} s | {_mb(m['rss'])} | "
                         f"{base['wall'] / m['wall']:.2f}x | {base['cpu'] / m['cpu']:.2f}x |")
    lines += ["", f"`{this}` against `bare_extraction(with_metadata=True)`, wall (CPU): " + "; ".join(
        f"{name} {rows[BARE]['wall'] / rows[this]['wall']:.2f}x ({rows[BARE]['cpu'] / rows[this]['cpu']:.2f}x)"
        for name, rows in e2e.items()) + "."]
    lines += ["", "Peak memory of a one-job run, newsclean over bare_extraction: " + "; ".join(
        f"{name} {rows[this]['rss'] / rows[BARE]['rss']:.2f}x" for name, rows in e2e.items()) + " (target: at most 1.5x).", ""]
    if startup:
        lines += [
            "### Start-up: one page, fresh process",
            "",
            f"The first page of the first set as a `.html` file; median of {rounds}.",
            "",
            "| command | wall | CPU | peak RSS |",
            "|---|---:|---:|---:|",
        ]
        for label, m in startup.items():
            lines.append(f"| {label} | {m['wall']:.2f} s | {m['cpu']:.2f} s | {_mb(m['rss'])} |")
        lines.append("")
    if text:
        lines += [
            "### Text path, steady state",
            "",
            "newsclean on trafilatura's text of the pages above (JSON lines in, each article's JSON line",
            "made), in a fresh process after one document of warm-up: documents per CPU second (one core),",
            "best pass, and the first pass (caches cold). Target: 1,000 per core.",
            "",
            "| code | documents | docs per CPU second | first pass |",
            "|---|---:|---:|---:|",
        ]
        for label, t in text.items():
            lines.append(f"| {label} | {t['documents']} | {t['steady']:.0f} | {t['first']:.0f} |")
        lines.append("")
    if scaling:
        (name, result, identical) = scaling
        one, many = result["jobs 1"], result[f"jobs {jobs}"]
        lines += [
            f"### `--jobs {jobs}` against `--jobs 1`",
            "",
            f"`newsclean clean` of {name} ({sizes[name][0]} pages), `--no-dedup --quiet`, fresh process, median of {rounds}:",
            f"`--jobs 1` {one['wall']:.2f} s, `--jobs {jobs}` {many['wall']:.2f} s wall: {one['wall'] / many['wall']:.2f}x "
            f"(target 1.8x); outputs {'byte-identical' if identical else 'DIFFER'}.",
            "",
        ]
    return lines


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:.1f}" if seconds else "-"


def share_table(shares: dict[str, float]) -> list[str]:
    total = sum(shares.values())
    lines = ["| stage | seconds | share |", "|---|---:|---:|"]
    for name, s in sorted(shares.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {s:.2f} | {100 * s / total:.1f} % |")
    return lines


def in_process_report(pages, tgz: Path, html, shares, text, text_shares, fresh, memory) -> list[str]:
    n = len(pages)
    mb = sum(len(raw) for _, raw in pages) / 1e6
    lines = [
        "### In one warm process",
        "",
        "The earlier view, kept for the per-stage shares: rule packs and profiles already loaded, no start-up,",
        "best of several rounds (`--rounds` for the HTML path, three times as many for the short text",
        "passes). It flatters newsclean against a fresh run: read the tables above first.",
        "",
        f"- data: {n} news pages from `{tgz.name}` (sha256 `{sha256_of(tgz)[:16]}…`), {mb:.1f} MB of HTML",
        "",
        "#### HTML path",
        "",
        "| system | seconds | docs/s | MB/s | vs bare_extraction |",
        "|---|---:|---:|---:|---:|",
    ]
    base = html["bare_extraction"]
    for name, label in (("bare_extraction", "trafilatura `bare_extraction(with_metadata=True)`"),
                        ("extract", "trafilatura `extract`"), ("newsclean", "newsclean, all stages")):
        s = html[name]
        lines.append(f"| {label} | {s:.2f} | {rate(n, s)} | {mb / s:.2f} | {base / s:.2f}x |")
    lines += ["", "Time share per newsclean stage (HTML path):", "", *share_table(shares)]
    text_mb = text["bytes"] / 1e6
    lines += [
        "",
        "#### Text path",
        "",
        "| system | seconds | docs/s | MB/s | vs read+write |",
        "|---|---:|---:|---:|---:|",
        f"| read and write JSON lines | {text['read_write']:.3f} | {rate(n, text['read_write'])} | {text_mb / text['read_write']:.1f} | 1.00x |",
        f"| newsclean on trafilatura's text | {text['newsclean']:.2f} | {rate(n, text['newsclean'])} | {text_mb / text['newsclean']:.2f} | "
        f"{text['read_write'] / text['newsclean']:.3f}x |",
        "",
        "Time share per newsclean stage (text path):",
        "",
        *share_table(text_shares),
        "",
        "In fresh processes, alternating, best of each, wall (the first pass starts with empty caches):",
        "",
        "| code | docs/s | first pass, docs/s |",
        "|---|---:|---:|",
    ]
    for label, best in fresh.items():
        lines.append(f"| {label} | {rate(n, best['newsclean'])} | {rate(n, best['first'])} |")
    lines += [
        "",
        "#### Memory (streaming run, no corpus stages)",
        "",
        "| documents | max RSS |",
        "|---:|---:|",
    ]
    for m in memory:
        lines.append(f"| {m['documents']} | {m['max_rss_kb'] / 1024:.0f} MB |")
    lines.append("")
    return lines


def page_header(args: argparse.Namespace, sizes: dict[str, tuple[int, int]]) -> list[str]:
    import trafilatura

    import newsclean

    options = [f"--rounds {args.rounds}"] + ([f"--limit {args.limit}"] if args.limit else [])
    data = ", ".join(f"{name} {pages} pages ({size / 1e6:.1f} MB of HTML)" for name, (pages, size) in sizes.items())
    return [
        "## Speed",
        "",
        "newsclean beside trafilatura, same run, same machine. Written by `benchmarks/speed.py`.",
        "",
        "### Reproduce",
        "",
        "```sh",
        f"python benchmarks/speed.py ../shared/devsets {' '.join(options)} --write-docs docs/benchmarks.md",
        "```",
        "",
        f"- data: {data}" if data else "- data: none",
        f"- machine: Python {platform.python_version()} ({platform.system()} {platform.machine()}), "
        f"`os.cpu_count()` = {os.cpu_count()}; trafilatura {trafilatura.__version__}, newsclean {newsclean.__version__}",
        "- timings are medians of alternating rounds; other processes on the machine add noise",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("devsets", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="at most N pages of each set, the first by name")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each command (default 3)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes to compare with one (default 2; 1: skip)")
    parser.add_argument("--sets", default=",".join(HTML_SETS), help=f"comma-separated sets (default: {','.join(HTML_SETS)})")
    parser.add_argument("--no-in-process", action="store_true", help="skip the warm one-process tables")
    parser.add_argument("--write-docs", type=Path, default=None, metavar="PATH")
    parser.add_argument("--compare-with", type=Path, default=None, metavar="SRC",
                        help="another source tree (holding newsclean/) to time beside this one")
    parser.add_argument("--compare-label", default=None, help="its name in the report")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time the in-process passes by this process's CPU time, not wall time (for a busy machine)")
    parser.add_argument("--html-interleaved", action="store_true",
                        help="only the HTML path against bare_extraction, page by page in turns, by CPU time "
                             "(run it again with another tree first on PYTHONPATH to compare trees)")
    args = parser.parse_args(argv)
    if args.html_interleaved:
        found = load_pages(args.devsets, args.limit)
        if found is None:
            print(f"skipping: no {TGZ_NAME} at {args.devsets}")
            return 0
        import newsclean

        bare, ours = html_interleaved(found[0], args.rounds)
        print(f"newsclean from {Path(newsclean.__file__).parent}: bare_extraction {bare:.2f} s, "
              f"newsclean {ours:.2f} s (CPU, {args.rounds} passes of {len(found[0])} pages), ratio {bare / ours:.3f}x")
        return 0
    if args.cpu_time:
        global CLOCK
        CLOCK = time.process_time
    import tempfile

    trees = {"this tree": Path(__file__).resolve().parent.parent}
    if args.compare_with:
        trees = {args.compare_label or str(args.compare_with): args.compare_with.resolve(), **trees}
    names = [n.strip() for n in args.sets.split(",") if n.strip()]
    unknown = sorted(set(names) - set(HTML_SETS))
    if unknown:
        parser.error(f"unknown set(s) {', '.join(unknown)}; known: {', '.join(HTML_SETS)}")
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newsclean-speed-") as folder:
        work = Path(folder)
        for tree in trees.values():
            newsclean_tree(tree, work)
        sets, sizes, first_page = {}, {}, None
        for name in names:
            pages = set_pages(args.devsets, name, args.limit)
            if not pages:
                print(f"skipping {name}: not found under {args.devsets}", file=sys.stderr)
                continue
            sets[name] = work / f"{name}.jsonl"
            sizes[name] = (len(pages), write_jsonl(pages, sets[name]))
            if first_page is None:
                first_page = work / "page.html"
                first_page.write_bytes(pages[0][1].read_bytes())
        if not sets:
            print(f"skipping: none of {', '.join(names)} under {args.devsets}")
            return 0
        e2e = end_to_end(sets, trees, args.rounds, work)
        assert first_page is not None
        startup = start_up(first_page, trees, args.rounds, work)
        texts = work / "texts.jsonl"
        with texts.open("w", encoding="utf-8") as out:
            for name in sets:
                out.write((work / f"texts-{name}.jsonl").read_text(encoding="utf-8"))
        text = text_steady_state(texts, trees, 3 * args.rounds, work)
        largest = max(sets, key=lambda name: sizes[name][0])
        scaling = None
        if args.jobs > 1:
            result, identical = jobs_scaling(sets[largest], trees["this tree"], args.jobs, args.rounds, work)
            scaling = (largest, result, identical)
        lines = page_header(args, sizes) + end_to_end_report(
            sizes, e2e, startup, text, scaling, args.jobs, args.rounds, args.limit, trees)
    if not args.no_in_process:
        found = load_pages(args.devsets, args.limit)
        if found is not None:
            pages, tgz = found
            print(f"in one process: {len(pages)} pages from {tgz}", file=sys.stderr)
            html = html_path(pages, args.rounds)
            shares = stage_shares(html_documents(pages))
            text_input = text_lines(pages)
            # a text pass is short, so take as many samples as the fresh processes below (3 x rounds)
            text_in_process = text_path(text_input, 3 * args.rounds)
            text_shares = stage_shares(text_documents(text_input))
            fresh = fresh_text_path(text_input, trees, args.rounds)
            paths = sorted(unpack_tgz(tgz).glob(PAGES_GLOB))[: len(pages)]
            memory = [peak_memory(paths, copies) for copies in (1, 4)]
            lines += in_process_report(pages, tgz, html, shares, text_in_process, text_shares, fresh, memory)
    page = "\n".join(lines)
    print(page)
    if args.write_docs:
        write_section(args.write_docs, "speed", page)
        print(f"wrote {args.write_docs}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
