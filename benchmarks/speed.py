"""Throughput and memory of newsclean beside its baselines, in one run on one machine.

Usage::

    python benchmarks/speed.py ../shared/devsets [--limit N] [--rounds R] [--write-docs docs/benchmarks.md]
        [--compare-with SRC --compare-label LABEL]

Pages: the newspaper pages of ``newspaper4k-news-html.tgz`` (real news HTML). When the data is
absent the script says so and exits 0.

Measured, single core, in this process after a warm-up, best of ``--rounds`` rounds (three
times as many for the short text-path passes):

- HTML path: ``trafilatura.bare_extraction(with_metadata=True)`` (the baseline: extraction
  alone), ``trafilatura.extract``, and newsclean's default pipeline on the raw bytes;
- text path: reading and writing the same documents as JSON lines (the baseline: what any
  tool pays to touch them), and newsclean on trafilatura's text plus writing its JSON line;
- the time share of each newsclean stage on the HTML path and on the text path;
- the text path again in fresh processes: best round, and the first pass (one document of
  warm-up, caches cold); with ``--compare-with SRC``, another source tree's too (a checkout
  of main, say), the two alternating, so before and after come from one run;
- peak memory (max RSS of a child process) of a streaming run over N and 4N documents,
  without corpus stages: flat when it does not grow with N;
- ``run_parallel`` (what ``--jobs`` runs) with two worker processes against one, start-up included,
  best of ``--rounds`` runs of each, alternating.
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


def pool_scaling(pages, jobs: int, rounds: int) -> dict[int, float]:
    """Seconds for all pages through ``run_parallel`` (what ``--jobs`` runs) with 1 and ``jobs``
    processes, start-up included, best of ``rounds`` taken alternately; the outputs are compared."""
    import newsclean
    from newsclean import RawDocument
    from newsclean.parallel import run_parallel

    pipeline = newsclean.default_pipeline(dedup=False, site_repeat=False)
    docs = [RawDocument(id=name, content=raw, format="html") for name, raw in pages]
    results, seconds = {}, {1: float("inf"), jobs: float("inf")}
    for _ in range(rounds):
        for n in (1, jobs):
            start = time.perf_counter()
            results[n] = [a.to_dict() for a in run_parallel(pipeline, docs, n, batch_size=4)]
            seconds[n] = min(seconds[n], time.perf_counter() - start)
    assert results[1] == results[jobs], "parallel output differs from one process's"
    return seconds


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:.1f}" if seconds else "-"


def share_table(shares: dict[str, float]) -> list[str]:
    total = sum(shares.values())
    lines = ["| stage | seconds | share |", "|---|---:|---:|"]
    for name, s in sorted(shares.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {s:.2f} | {100 * s / total:.1f} % |")
    return lines


def report(pages, tgz: Path, html, shares, text, text_shares, fresh, memory, scaling, jobs: int, rounds: int) -> str:
    import trafilatura

    import newsclean

    n = len(pages)
    mb = sum(len(raw) for _, raw in pages) / 1e6
    lines = [
        "## Speed",
        "",
        "Throughput of newsclean beside its baselines, one core, same run. Written by `benchmarks/speed.py`.",
        "",
        "### Reproduce",
        "",
        "```sh",
        "python benchmarks/speed.py ../shared/devsets --write-docs docs/benchmarks.md",
        "```",
        "",
        f"- data: {n} news pages from `{tgz.name}` (sha256 `{sha256_of(tgz)[:16]}…`), {mb:.1f} MB of HTML",
        f"- machine: Python {platform.python_version()} ({platform.system()} {platform.machine()}), "
        f"`os.cpu_count()` = {os.cpu_count()}; trafilatura {trafilatura.__version__}, newsclean {newsclean.__version__}",
        "- best of several rounds, warm, one process: `--rounds` for the HTML path, three times",
        "  as many for the short text passes (as many samples as the fresh processes take)",
        "",
        "### HTML path",
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
        "### Text path",
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
    ]
    lines += [
        "In fresh processes, alternating, best of each (the first pass starts with empty caches):",
        "",
        "| code | docs/s | first pass, docs/s |",
        "|---|---:|---:|",
    ]
    for label, best in fresh.items():
        lines.append(f"| {label} | {rate(n, best['newsclean'])} | {rate(n, best['first'])} |")
    lines.append("")
    lines += [
        "### Memory (streaming run, no corpus stages)",
        "",
        "| documents | max RSS |",
        "|---:|---:|",
    ]
    for m in memory:
        lines.append(f"| {m['documents']} | {m['max_rss_kb'] / 1024:.0f} MB |")
    lines += [
        "",
        "### Worker processes",
        "",
        f"- 1 process: {scaling[1]:.2f} s; {jobs} processes: {scaling[jobs]:.2f} s; "
        f"speed-up {scaling[1] / scaling[jobs]:.2f}x (best of {rounds} each, alternating, start-up included; "
        "outputs identical)" if jobs > 1 else "- not measured (`--jobs 1`)",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("devsets", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--write-docs", type=Path, default=None, metavar="PATH")
    parser.add_argument("--compare-with", type=Path, default=None, metavar="SRC",
                        help="another source tree (holding newsclean/) to time the text path of, beside this one")
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
    found = load_pages(args.devsets, args.limit)
    if found is None:
        print(f"skipping: no {TGZ_NAME} at {args.devsets}")
        return 0
    pages, tgz = found
    print(f"{len(pages)} pages from {tgz}", file=sys.stderr)
    html = html_path(pages, args.rounds)
    shares = stage_shares(html_documents(pages))
    lines = text_lines(pages)
    # a text pass is short, so take as many samples as the fresh processes below (3 x rounds)
    text = text_path(lines, 3 * args.rounds)
    text_shares = stage_shares(text_documents(lines))
    trees = {"this tree": Path(__file__).resolve().parent.parent}
    if args.compare_with:
        trees = {args.compare_label or str(args.compare_with): args.compare_with, **trees}
    fresh = fresh_text_path(lines, trees, args.rounds)
    paths = sorted(unpack_tgz(tgz).glob(PAGES_GLOB))[: len(pages)]
    memory = [peak_memory(paths, copies) for copies in (1, 4)]
    scaling = pool_scaling(pages, args.jobs, args.rounds) if args.jobs > 1 else {1: 0.0}
    page = report(pages, tgz, html, shares, text, text_shares, fresh, memory, scaling, args.jobs, args.rounds)
    print(page)
    if args.write_docs:
        write_section(args.write_docs, "speed", page)
        print(f"wrote {args.write_docs}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
