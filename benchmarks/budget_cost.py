"""What the per-document time budget costs, and how soon it stops a document stuck in C code.

    python benchmarks/budget_cost.py [--rounds 200000] [--documents 300] [--budget 1.0]

Prints three tables:

1. the soft limit (``time_limit``) entered and left around an empty block, in the main thread
   (SIGALRM) and in another thread (a recorded deadline only), beside no budget, in µs per
   document and as a share of a typical document's cleaning time (the text path's median, about
   2 ms here);
2. the hard limit's cost: ``--documents`` short text documents through the default pipeline in
   this process (no budget) against one killable worker process (a budget: ``jobs=1``);
3. documents stuck in C code (a catastrophic ``re`` match in a user's stage, Unicode
   normalisation of alternating combining marks in a user's stage, and the same text through the
   built-in ``normalize``, which cuts the run first) on a warm killable worker: the seconds until
   the document came back rejected, against its budget.
"""

from __future__ import annotations

import argparse
import re
import threading
import time
import unicodedata
from typing import ClassVar

import attrs

from newsclean import RawDocument, default_pipeline
from newsclean.engine.budget import time_limit
from newsclean.engine.killable import HARD_FACTOR, DocumentPool
from newsclean.engine.local import process_parallel


def per_call(seconds: float | None, rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        with time_limit(seconds):
            pass
    return (time.perf_counter() - started) / rounds * 1e6


def in_thread(seconds: float | None, rounds: int) -> float:
    result: list[float] = []
    thread = threading.Thread(target=lambda: result.append(per_call(seconds, rounds)))
    thread.start()
    thread.join()
    return result[0]


@attrs.frozen
class Backtrack:
    name: ClassVar[str] = "backtrack"

    def __call__(self, article):
        if "BACKTRACK" in article.text:
            re.search(r"(x+x+)+y", "x" * 48)
        return article


@attrs.frozen
class Compose:
    name: ClassVar[str] = "compose"

    def __call__(self, article):
        if "COMPOSE" in article.text:
            unicodedata.normalize("NFC", "a" + "\u0301\u0316" * 200_000)
        return article


STORY = "The harbour board of town {n} approved {n} repairs to the north quay on Monday, its chair said."


def documents(n: int) -> list[RawDocument]:
    return [RawDocument(id=f"d{i}", content=STORY.format(n=i), format="text") for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200_000)
    parser.add_argument("--document-ms", type=float, default=2.0, help="a document's cleaning time to compare with")
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--budget", type=float, default=1.0, help="the budget of the stuck documents, seconds")
    args = parser.parse_args(argv)

    rows = [
        ("no budget", per_call(None, args.rounds)),
        ("main thread, SIGALRM", per_call(60.0, args.rounds)),
        ("other thread, deadline only", in_thread(60.0, args.rounds)),
    ]
    print(f"| soft limit | µs per document | share of a {args.document_ms:g} ms document |")
    print("|---|---:|---:|")
    for name, micros in rows:
        print(f"| {name} | {micros:.2f} | {micros / (args.document_ms * 1000):.2%} |")

    docs = documents(args.documents)
    plain = default_pipeline(dedup=False, site_repeat=False, time_budget=None)
    plain.prepare()
    started = time.perf_counter()
    expected = [a for a, _ in process_parallel(plain, docs, 1)]
    here = time.perf_counter() - started
    budgeted = attrs.evolve(plain, time_budget=60.0)
    started = time.perf_counter()
    got = [a for a, _ in process_parallel(budgeted, docs, 1)]
    worker = time.perf_counter() - started
    assert [a.to_dict() for a in got] == [a.to_dict() for a in expected]
    print()
    print(f"| {args.documents} text documents, jobs=1 | seconds | ms per document |")
    print("|---|---:|---:|")
    print(f"| in this process, no budget | {here:.2f} | {here / args.documents * 1000:.2f} |")
    print(f"| one killable worker, budget 60 s (start-up included) | {worker:.2f} | {worker / args.documents * 1000:.2f} |")
    print(f"| ratio | {worker / here:.2f}x | |")

    stuck = attrs.evolve(
        default_pipeline(dedup=False, site_repeat=False, time_budget=args.budget),
        stages=(default_pipeline().stages[0], Backtrack(), Compose(), *default_pipeline(dedup=False, site_repeat=False).stages[1:]),
    )
    cases = [
        ("catastrophic re in a user stage", f"{STORY.format(n=1)} BACKTRACK"),
        ("NFC of 400 KB of combining marks in a user stage", f"{STORY.format(n=2)} COMPOSE"),
        ("400 KB of combining marks through normalize", STORY.format(n=3) + " a" + "\u0301\u0316" * 200_000),
    ]
    print()
    print(f"| stuck document (budget {args.budget:g} s, kill at {args.budget * HARD_FACTOR:g} s) | seconds | x budget | outcome |")
    print("|---|---:|---:|---|")
    with DocumentPool(stuck, 1) as pool:
        list(pool.head(documents(2)))  # a warm worker
        for name, text in cases:
            started = time.perf_counter()
            [(article, _)] = list(pool.head([RawDocument(id="stuck", content=text, format="text")]))
            seconds = time.perf_counter() - started
            outcome = f"{article.drop.reason} ({article.drop.stage})" if article.drop else "kept"
            print(f"| {name} | {seconds:.2f} | {seconds / args.budget:.2f} | {outcome} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
