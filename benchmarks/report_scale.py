"""Time, size and memory of ``newsclean report`` on a synthetic run of many articles.

Usage::

    python benchmarks/report_scale.py [--articles 20000 80000] [--sample 500] [--workdir DIR] [--clean N]

The run is made from our fixtures: every ``fixtures/*/input.*`` is cleaned once by the default
pipeline (without the corpus stages), and the cleaned records are replicated, with new ids,
300 sources and URLs, to the number of articles asked; one article in ten also gets a
rejects line (a duplicate of an earlier article, or too short), and the stats file is
written as ``newsclean clean`` writes it. The report is then built by the CLI in a child
process pinned to one core: wall time, the report's size and the child's peak RSS are
printed. With several sizes, the size and memory should stay flat while the time grows.

``--clean N`` also times ``newsclean clean --jobs 1 --report`` on N text documents made of the
fixture texts (see ``write_documents``), to set the report's share beside the cleaning itself.
"""

from __future__ import annotations

import argparse
import json
import random
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsclean.api import default_pipeline  # noqa: E402
from newsclean.model import Article  # noqa: E402
from newsclean.stats import RunStats  # noqa: E402
from newsclean.testing import discover  # noqa: E402
from newsclean.text import split_paragraphs, word_count  # noqa: E402

SOURCES = 300


def cleaned_fixtures() -> list[dict]:
    pipeline = default_pipeline(dedup=False, site_repeat=False)
    records = []
    for case in discover(ROOT / "fixtures"):
        article = pipeline.process(case.document)
        if article.kept:
            records.append(article.to_dict())
    return records


def write_run(folder: Path, articles: int, base: list[dict]) -> Path:
    """``clean.jsonl``, ``clean.rejects.jsonl`` and ``clean.stats.json`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    stats = RunStats()
    out = folder / "clean.jsonl"
    with out.open("w", encoding="utf-8") as clean, (folder / "clean.rejects.jsonl").open("w", encoding="utf-8") as rejects:
        for i in range(articles):
            record = dict(base[i % len(base)])
            source = f"site{i % SOURCES:03d}.example"
            record.update(id=f"syn-{i:07d}-{record['id']}", source=source, url=f"https://{source}/news/{i}")
            article = Article.from_dict(record)
            stats.add(article)
            record.pop("drop", None)
            record.pop("trace", None)
            clean.write(json.dumps(record, ensure_ascii=False) + "\n")
            if i % 10 == 9:
                if i % 20 == 19:
                    reject = {"id": f"copy-{i}", "url": None, "reason": "dedup:near", "detail": "estimated similarity 0.90",
                              "stage": "dedup", "duplicate_of": f"syn-{(i // 7):07d}-{base[(i // 7) % len(base)]['id']}", "similarity": 0.9}
                else:
                    reject = {"id": f"short-{i}", "url": None, "reason": "too_short", "detail": "0 words", "stage": "min_length"}
                stats.add_reject(reject)
                rejects.write(json.dumps(reject) + "\n")
    context = {"options": {"inputs": ["synthetic"], "output": str(out)}, "versions": {"newsclean": "synthetic run"}}
    (folder / "clean.stats.json").write_text(json.dumps(stats.to_dict(**context), indent=2) + "\n", encoding="utf-8")
    return out


def write_documents(path: Path, n: int) -> None:
    """``n`` text documents for ``newsclean clean``: each the first three lines of a fixture
    text (its header and junk), six paragraphs drawn at random from all the fixture texts, and
    the fixture's last three lines, so that they are not copies of each other."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures").glob("*/input.txt"))]
    pool = sorted({p for text in texts for p in split_paragraphs(text.strip()) if word_count(p) >= 12})
    rng = random.Random(0)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            lines = split_paragraphs(texts[i % len(texts)].strip())
            body = [*lines[:3], *rng.sample(pool, 6), *lines[-3:]]
            host = f"site{i % SOURCES:03d}.example"
            handle.write(json.dumps({"id": f"doc-{i:07d}", "url": f"https://{host}/news/{i}", "text": "\n\n".join(body)}) + "\n")


def one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


# The CLI in a child process that prints its own peak RSS (KB on Linux) as its last stderr line.
CHILD = (
    "import resource, sys\n"
    "from newsclean.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def timed(arguments: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``newsclean ARGUMENTS`` in a child process on one core."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, *arguments], check=True, preexec_fn=one_core,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[20_000], metavar="N")
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--workdir", type=Path, help="keep the files here (default: a temporary folder)")
    parser.add_argument("--clean", type=int, metavar="N", help="also time newsclean clean --jobs 1 --report on N text documents")
    args = parser.parse_args()
    base = cleaned_fixtures()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.workdir or Path(scratch)
        print(f"{len(base)} cleaned fixture records, replicated; report sample {args.sample}; one core")
        print("| articles | run JSONL MB | report seconds | report MB | peak RSS MB |")
        print("|---:|---:|---:|---:|---:|")
        for n in sorted(args.articles):
            run = write_run(work / f"run{n}", n, base)
            report = run.with_name("report.html")
            seconds, rss = timed(["report", str(run), "-o", str(report), "--sample", str(args.sample)])
            print(f"| {n:,} | {run.stat().st_size / 1e6:.1f} | {seconds:.1f} | {report.stat().st_size / 1e6:.2f} | {rss:.0f} |", flush=True)
        if args.clean:
            n = args.clean
            source = work / "documents.jsonl"
            write_documents(source, n)
            out = work / "cleaned" / "clean.jsonl"
            seconds, rss = timed(["clean", str(source), "-o", str(out), "--jobs", "1", "--quiet",
                                  "--report", str(out.with_name("report.html"))])
            print(f"\nnewsclean clean --jobs 1 --report on {n:,} text documents: {seconds:.1f} s, "
                  f"report {out.with_name('report.html').stat().st_size / 1e6:.2f} MB, peak RSS {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
