"""What the corpus steps (site_repeat, dedup) cost beside the document stages, in this tree and
another one, alternating in fresh processes, by CPU time.

    python benchmarks/corpus_speed.py [--documents 3000] [--rounds 3] [--compare-with SRC]

The documents are our own synthetic news texts (a few sources, near copies among them). Each
round times ``Pipeline.run`` of the default pipeline with and without its corpus stages; the
difference is what the corpus steps cost. Prints per tree the best round of each and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, random, sys, time
from newsclean import RawDocument, default_pipeline

def corpus(n):
    rng = random.Random(7)
    towns = ["Harwich", "Dover", "Leith", "Oban", "Whitby", "Ayr", "Ely", "Rye"]
    docs = []
    for i in range(n):
        base = i // 3 if i % 5 == 0 else i
        town = towns[base % len(towns)]
        text = "\n\n".join([
            f"The harbour board of {town} met on day {base} and approved {base * 7 % 900} repairs to berth {base % 40}, its chair said.",
            f"Ferry number {base % 97} will use the {['north', 'south'][base % 2]} quay until the work ends in {['May', 'June'][base % 2]}.",
            f"Residents of {town} asked the board on day {base} to publish the timetable of the works before the summer season.",
            "Support the Harbour Gazette: become a member today!",
        ])
        docs.append(RawDocument(id=f"d{i:05d}", content=text, format="text", url=f"https://s{i % 4}.example/{i}"))
    return docs

n = int(sys.argv[1])
docs = corpus(n)
out = {}
for name, pipeline in (("documents only", default_pipeline(dedup="off", site_repeat=False)), ("default", default_pipeline())):
    list(pipeline.run(docs[:50]))  # warm-up
    start = time.process_time()
    kept = sum(a.kept for a in pipeline.run(docs))
    out[name] = (time.process_time() - start, kept)
print(json.dumps(out))
"""


def measure(tree: Path | None, documents: int) -> dict:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
    done = subprocess.run([sys.executable, "-c", CHILD, str(documents)], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare-with", type=Path, default=None, metavar="SRC", help="another source tree (holding newsclean/)")
    parser.add_argument("--compare-label", default="other tree")
    args = parser.parse_args(argv)
    trees: list[tuple[str, Path | None]] = [("this tree", None)]
    if args.compare_with is not None:
        trees.insert(0, (args.compare_label, args.compare_with))
    best: dict[str, dict[str, float]] = {label: {} for label, _ in trees}
    kept: dict[str, int] = {}
    for _ in range(args.rounds):
        for label, tree in trees:
            for name, (seconds, count) in measure(tree, args.documents).items():
                best[label][name] = min(best[label].get(name, float("inf")), seconds)
                kept[f"{label}: {name}"] = count
    print(f"{args.documents} synthetic documents, best of {args.rounds} rounds, CPU seconds")
    print("| code | documents only | default (site_repeat, dedup) | corpus steps | default vs documents only |")
    print("|---|---:|---:|---:|---:|")
    for label, _ in trees:
        only, full = best[label]["documents only"], best[label]["default"]
        print(f"| {label} | {only:.2f} | {full:.2f} | {full - only:.2f} | {full / only:.3f}x |")
    print("kept:", kept)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
