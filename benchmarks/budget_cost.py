"""What the per-document time budget costs: ``time_limit`` entered and left around an empty
block, in the main thread (SIGALRM) and in a worker thread (the watchdog), beside no budget.

    python benchmarks/budget_cost.py [--rounds 200000]

Prints microseconds per document for each, and the share of a typical document's cleaning
time (the text path's median, about 2 ms here; the HTML path costs ten times more).
"""

from __future__ import annotations

import argparse
import threading
import time

from newsclean.budget import time_limit


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200_000)
    parser.add_argument("--document-ms", type=float, default=2.0, help="a document's cleaning time to compare with")
    args = parser.parse_args(argv)
    rows = [
        ("no budget", per_call(None, args.rounds)),
        ("main thread, SIGALRM", per_call(60.0, args.rounds)),
        ("worker thread, watchdog", in_thread(60.0, args.rounds)),
    ]
    print(f"| time budget | µs per document | share of a {args.document_ms:g} ms document |")
    print("|---|---:|---:|")
    for name, micros in rows:
        print(f"| {name} | {micros:.2f} | {micros / (args.document_ms * 1000):.2%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
