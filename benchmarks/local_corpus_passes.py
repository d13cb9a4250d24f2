"""The local engine's corpus passes (site_repeat, dedup, min_length) in the workers against the
serial passes in the parent, in one run of this script, by wall-clock time.

    python benchmarks/local_corpus_passes.py [--documents 3200] [--jobs 2] [--rounds 2]

The documents are our own synthetic news texts (a few sources, each with a footer its pages
share, near copies among them). The document pass runs once; the corpus passes are then timed
from its checkpoint (``phase: corpus``, the spill file complete), so that only they are
measured: serially (``corpus_jobs=1``: today's path, the parent reads the spill and observes,
decides and applies) and in ``--jobs`` workers (the parent only merges and decides). Both runs
must write the same bytes. Prints the best round of each and the ratio.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

TOWNS = ["Harwich", "Dover", "Leith", "Oban", "Whitby", "Ayr", "Ely", "Rye", "Wick", "Deal"]
WORDS = (
    "board council harbour ferry quay berth repairs budget residents season timetable works storm "
    "pier lighthouse fishing fleet museum library school bridge road traffic market festival"
).split()


def story(rng: random.Random, i: int) -> str:
    town = TOWNS[i % len(TOWNS)]
    paragraphs = []
    for p in range(6):
        words = " ".join(rng.choice(WORDS) for _ in range(40))
        paragraphs.append(f"In {town}, on day {i} the {words} said officials in paragraph {p}.")
    return "\n\n".join(paragraphs)


def write_corpus(folder: Path, documents: int) -> None:
    rng = random.Random(11)
    folder.mkdir(parents=True)
    texts: list[str] = []
    for i in range(documents):
        if i % 7 == 3 and texts:  # a near copy of an earlier story
            body = texts[rng.randrange(len(texts))].replace("officials", "spokespeople", 1)
        else:
            body = story(rng, i)
        texts.append(body)
        source = i % 5
        footer = f"Support the Gazette of site {source}: become a member today!"
        (folder / f"d{i:05d}.txt").write_text(body + "\n\n" + footer, encoding="utf-8")


def timed_corpus_pass(corpus: Path, prepared: Path, work: Path, jobs: int, corpus_jobs: int | None) -> tuple[float, float, bytes]:
    """Copy the checkpointed run in ``prepared`` to ``work`` and resume it: the corpus passes
    only. Returns their wall-clock and this process's CPU seconds (the time inside
    ``_Run._corpus_passes``: the pool's start, the passes and the writers), and the output."""
    import newsclean.engine.driver as runner_module
    from newsclean.engine.driver import LocalEngine, Runner

    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(prepared, work)
    real = runner_module._Run._corpus_passes
    spent: list[float] = []

    def timed(self, *args, **kwargs):
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return real(self, *args, **kwargs)
        finally:
            spent.extend((time.perf_counter() - started, time.process_time() - cpu))

    runner_module._Run._corpus_passes = timed  # type: ignore[method-assign]
    try:
        Runner(LocalEngine(jobs=jobs, corpus_jobs=corpus_jobs)).run([str(corpus)], str(work / "out.jsonl"), resume=True)
    finally:
        runner_module._Run._corpus_passes = real  # type: ignore[method-assign]
    return spent[0], spent[1], (work / "out.jsonl").read_bytes() + (work / "out.rejects.jsonl").read_bytes()


def prepare(corpus: Path, prepared: Path, jobs: int) -> float:
    """Run the document pass and stop when the corpus passes start, keeping the checkpoint."""
    import newsclean.engine.driver as runner_module
    from newsclean.engine.driver import LocalEngine, Runner

    class Stop(Exception):
        pass

    real = runner_module._Run._corpus_passes

    def stop(self, *args, **kwargs):
        raise Stop

    runner_module._Run._corpus_passes = stop  # type: ignore[method-assign]
    started = time.perf_counter()
    try:
        Runner.local(jobs=jobs).run([str(corpus)], str(prepared / "out.jsonl"))
    except Stop:
        pass
    finally:
        runner_module._Run._corpus_passes = real  # type: ignore[method-assign]
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=3200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus, prepared = root / "corpus", root / "prepared"
        write_corpus(corpus, args.documents)
        prepared.mkdir()
        head = prepare(corpus, prepared, args.jobs)
        # Once untimed: what a process loads on its first run (rule packs, extractors) is
        # loaded by the document pass of a real run.
        timed_corpus_pass(corpus, prepared, root / "warm", args.jobs, 1)
        serial: list[tuple[float, float]] = []
        parallel: list[tuple[float, float]] = []
        outputs = set()
        for _ in range(args.rounds):
            seconds, cpu, output = timed_corpus_pass(corpus, prepared, root / "serial", args.jobs, 1)
            serial.append((seconds, cpu))
            outputs.add(output)
            seconds, cpu, output = timed_corpus_pass(corpus, prepared, root / "workers", args.jobs, None)
            parallel.append((seconds, cpu))
            outputs.add(output)
        same = len(outputs) == 1
        (s_wall, s_cpu), (p_wall, p_cpu) = min(serial), min(parallel)
        print(f"{args.documents} synthetic text documents, --jobs {args.jobs}, best of {args.rounds} rounds")
        print(f"document pass (for scale): {head:.1f} s wall-clock")
        print("| corpus passes | wall-clock s | vs serial | CPU s of the parent process |")
        print("|---|---:|---:|---:|")
        print(f"| serial, in the parent (corpus_jobs=1, the path before this change) | {s_wall:.2f} | 1.00x | {s_cpu:.2f} |")
        print(f"| in {args.jobs} workers | {p_wall:.2f} | {s_wall / p_wall:.2f}x | {p_cpu:.2f} |")
        print(f"outputs byte-identical: {'yes' if same else 'NO'}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
