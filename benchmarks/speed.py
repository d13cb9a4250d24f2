"""Throughput and memory of newsclean beside its baselines, in one run on one machine.

Usage::

    python benchmarks/speed.py ../shared/devsets [--limit N] [--rounds R] [--write-docs docs/benchmarks.md]

Pages: the newspaper pages of ``newspaper4k-news-html.tgz`` (real news HTML). When the data is
absent the script says so and exits 0.

Measured, single core, in this process after a warm-up, best of ``--rounds`` rounds:

- HTML path: ``trafilatura.bare_extraction(with_metadata=True)`` (the baseline: extraction
  alone), ``trafilatura.extract``, and newsclean's default pipeline on the raw bytes;
- text path: reading and writing the same documents as JSON lines (the baseline: what any
  tool pays to touch them), and newsclean on trafilatura's text plus writing its JSON line;
- the time share of each newsclean stage on the HTML path;
- peak memory (max RSS of a child process) of a streaming run over N and 4N documents,
  without corpus stages: flat when it does not grow with N;
- ``run_parallel`` (what ``--jobs`` runs) with two worker processes against one, start-up included.
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


def best_of(rounds: int, func) -> float:
    """Smallest wall time of ``rounds`` calls of ``func``."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def html_path(pages, rounds: int) -> dict[str, float]:
    import trafilatura

    import newsclean
    from newsclean import RawDocument

    pipeline = newsclean.default_pipeline(dedup=False, site_repeat=False)
    docs = [RawDocument(id=name, content=raw, format="html") for name, raw in pages]
    pipeline.process(docs[0])  # warm-up: rule packs, langdetect profiles
    trafilatura.bare_extraction(pages[0][1], with_metadata=True)
    return {
        "bare_extraction": best_of(rounds, lambda: [trafilatura.bare_extraction(raw, with_metadata=True) for _, raw in pages]),
        "extract": best_of(rounds, lambda: [trafilatura.extract(raw) for _, raw in pages]),
        "newsclean": best_of(rounds, lambda: [pipeline.process(d) for d in docs]),
    }


def stage_shares(pages) -> dict[str, float]:
    """Seconds per stage over one pass of the HTML path."""
    import attrs

    import newsclean
    from newsclean import RawDocument

    table: dict[str, float] = defaultdict(float)
    pipeline = newsclean.default_pipeline(dedup=False, site_repeat=False)
    timed = attrs.evolve(
        pipeline,
        extract=TimedStage(pipeline.extract, table),
        stages=tuple(TimedStage(s, table) for s in pipeline.stages),
    )
    for name, raw in pages:
        timed.process(RawDocument(id=name, content=raw, format="html"))
    return dict(table)


def text_path(pages, rounds: int) -> dict[str, float]:
    import trafilatura

    import newsclean
    from newsclean import RawDocument

    texts = [(name, trafilatura.extract(raw) or "") for name, raw in pages]
    lines = [json.dumps({"id": name, "text": text}, ensure_ascii=False) for name, text in texts]
    pipeline = newsclean.default_pipeline(dedup=False, site_repeat=False)

    def read_write():
        for line in lines:
            record = json.loads(line)
            json.dumps(record, ensure_ascii=False)

    def clean():
        for line in lines:
            record = json.loads(line)
            article = pipeline.process(RawDocument(id=record["id"], content=record["text"], format="text"))
            json.dumps(article.to_dict(), ensure_ascii=False)

    clean()
    return {"read_write": best_of(rounds, read_write), "newsclean": best_of(rounds, clean), "bytes": sum(len(t.encode()) for _, t in texts)}


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


def pool_scaling(pages, jobs: int) -> dict[int, float]:
    """Seconds for all pages through ``run_parallel`` (what ``--jobs`` runs) with 1 and ``jobs``
    processes; the outputs are compared."""
    import newsclean
    from newsclean import RawDocument
    from newsclean.parallel import run_parallel

    pipeline = newsclean.default_pipeline(dedup=False, site_repeat=False)
    docs = [RawDocument(id=name, content=raw, format="html") for name, raw in pages]
    results, seconds = {}, {}
    for n in (1, jobs):
        start = time.perf_counter()
        results[n] = [a.to_dict() for a in run_parallel(pipeline, docs, n, batch_size=4)]
        seconds[n] = time.perf_counter() - start
    assert results[1] == results[jobs], "parallel output differs from one process's"
    return seconds


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:.1f}" if seconds else "-"


def report(pages, tgz: Path, html, shares, text, memory, scaling, jobs: int) -> str:
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
        "- best of several rounds, warm, one process",
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
    total = sum(shares.values())
    lines += ["", "Time share per newsclean stage (HTML path):", "", "| stage | seconds | share |", "|---|---:|---:|"]
    for name, s in sorted(shares.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {name} | {s:.2f} | {100 * s / total:.1f} % |")
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
        f"speed-up {scaling[1] / scaling[jobs]:.2f}x (outputs identical)",
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
    args = parser.parse_args(argv)
    found = load_pages(args.devsets, args.limit)
    if found is None:
        print(f"skipping: no {TGZ_NAME} at {args.devsets}")
        return 0
    pages, tgz = found
    print(f"{len(pages)} pages from {tgz}", file=sys.stderr)
    html = html_path(pages, args.rounds)
    shares = stage_shares(pages)
    text = text_path(pages, args.rounds)
    paths = sorted(unpack_tgz(tgz).glob(PAGES_GLOB))[: len(pages)]
    memory = [peak_memory(paths, copies) for copies in (1, 4)]
    scaling = pool_scaling(pages, args.jobs) if args.jobs > 1 else {1: 0.0}
    page = report(pages, tgz, html, shares, text, memory, scaling, args.jobs)
    print(page)
    if args.write_docs:
        write_section(args.write_docs, "speed", page)
        print(f"wrote {args.write_docs}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
