"""kill -9 a corpus run at random points, ``--resume`` it, and compare the result with an
uninterrupted run, byte for byte (output, rejects, the stats' counts).

    python benchmarks/kill_resume.py [--documents 2500] [--kills 10] [--seed 0] [--dedup off|near|exact]

``--dedup off`` also turns site-repeat off: no corpus stage, so documents are written as they
are cleaned. With ``--dedup near`` or ``exact`` (and site-repeat), the document pass goes to
the checkpointed spill file and the corpus steps follow; a trial says in which phase it was
killed.

Each trial starts the run afresh and kills its whole process group (the CLI and its workers)
after a random delay drawn from the uninterrupted run's duration; then ``--resume`` (when a
checkpoint was left, else the run afresh) completes it. Prints each trial and whether its
files are identical; exit status 1 when any is not.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOWNS = ["Harwich", "Dover", "Leith", "Oban", "Whitby", "Ayr", "Ely", "Rye", "Deal", "Looe"]


def corpus(path: Path, documents: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for n in range(documents):
            town = rng.choice(TOWNS)
            if n % 97 == 0:
                record = {"id": f"doc{n:05d}", "text": ""}  # a reject
            else:
                sentences = [
                    f"The harbour board of {town} met on day {n} and approved {rng.randint(2, 900)} repairs to berth {n % 40}.",
                    f"Its chair, {rng.choice(['Ann', 'Bea', 'Cal', 'Dev'])} {rng.choice(['Moss', 'Reed', 'Hale'])}, said work starts in {rng.choice(['May', 'June', 'July'])}.",
                    f"Ferry number {rng.randint(1, 99)} will use the {rng.choice(['north', 'south', 'east'])} quay until then, the operator said.",
                ]
                paragraphs = "".join(f"<p>{s}</p>" for s in sentences[: 2 + n % 2])
                page = (f"<html><head><title>{town} harbour, day {n}</title></head><body><nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
                        f"<article><h1>{town} harbour repairs</h1>{paragraphs}</article><footer>Share this article</footer></body></html>")
                record = {"id": f"doc{n:05d}", "html": page}
            handle.write(json.dumps(record) + "\n")


def command(source: Path, out: Path, dedup: str, jobs: int, resume: bool) -> list[str]:
    args = [sys.executable, "-m", "newsclean.cli", "clean", str(source), "-o", str(out), "--dedup", dedup, "--jobs", str(jobs), "--quiet"]
    if dedup == "off":  # no corpus stage at all: site-repeat too holds the stream to its end
        args.append("--no-site-repeat")
    return args + (["--resume"] if resume else [])


def counts(stats: Path) -> dict:
    data = json.loads(stats.read_text())
    return {k: data[k] for k in ("documents_in", "documents_out", "rejected", "balanced")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2500)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dedup", default="off", choices=("off", "near", "exact"))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="newsclean-kill-") as folder:
        work = Path(folder)
        source = work / "in.jsonl"
        corpus(source, args.documents, args.seed)
        whole = work / "whole" / "out.jsonl"
        start = time.perf_counter()
        subprocess.run(command(source, whole, args.dedup, args.jobs, False), check=False)
        duration = time.perf_counter() - start
        print(f"uninterrupted: {duration:.1f} s, {counts(whole.with_name('out.stats.json'))}")

        failures = 0
        for trial in range(args.kills):
            out = work / f"killed{trial}" / "out.jsonl"
            checkpoint = Path(str(out) + ".partial.checkpoint")
            delay = rng.uniform(0.1, duration)
            process = subprocess.Popen(command(source, out, args.dedup, args.jobs, False), start_new_session=True,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                process.wait(timeout=delay)
                killed = f"finished before the kill at {delay:.2f} s"
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the CLI and its workers, as kill -9 of the job
                process.wait()
                state = json.loads(checkpoint.read_text()) if checkpoint.exists() else {}
                killed = f"killed at {delay:.2f} s, checkpoint at {state.get('documents_done', 0)} documents ({state.get('phase', 'none')})"
            resumed = ""
            if not out.exists():
                resume = checkpoint.exists()
                final = subprocess.run(command(source, out, args.dedup, args.jobs, resume), capture_output=True, text=True)
                resumed = f"; then {'--resume' if resume else 'a fresh run'}, exit {final.returncode}"
            ok = out.exists() and all(
                out.with_name(name).read_bytes() == whole.with_name(name).read_bytes() for name in ("out.jsonl", "out.rejects.jsonl")
            )
            ok = ok and counts(out.with_name("out.stats.json")) == counts(whole.with_name("out.stats.json"))
            leftovers = sorted(p.name for p in out.parent.iterdir() if p.name.endswith((".partial", ".checkpoint", ".lock", ".spill")))
            ok = ok and not leftovers
            failures += not ok
            print(f"trial {trial + 1}: {killed}{resumed}: {'identical' if ok else 'DIFFERENT'}{f', left {leftovers}' if leftovers else ''}")
        print(f"dedup {args.dedup}: {args.kills - failures} of {args.kills} interrupted runs identical to the uninterrupted one")
        return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main())
