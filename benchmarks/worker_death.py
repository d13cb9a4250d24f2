"""A worker process killed mid-run (as the OOM killer does) must not hang the run or lose a
document: prints how many documents went in and came out, how many were rejected as
``worker_died``, and how long the run took.

    python benchmarks/worker_death.py [--documents N] [--jobs J] [--killers K]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections import Counter

import attrs

from newsclean import RawDocument, default_pipeline
from newsclean.engine.local import run_parallel

MARK = "kill-this-worker"


@attrs.frozen
class KillWorker:
    """Kills the process it runs in on a document holding MARK, but never the main process."""

    main_pid: int
    name = "kill_worker"

    def __call__(self, article):
        if MARK in article.text and os.getpid() != self.main_pid:
            os.kill(os.getpid(), signal.SIGKILL)
        return article


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--killers", type=int, default=2, help="documents that kill their worker")
    args = parser.parse_args(argv)
    pipeline = default_pipeline(dedup=False, site_repeat=False, time_budget=None).then(KillWorker(os.getpid()))
    step = max(1, args.documents // (args.killers + 1))
    killers = {step * (k + 1) for k in range(args.killers)}
    documents = [
        RawDocument(
            id=f"d{n:05d}",
            content=f"The harbour board of town {n} approved {n} repairs on Monday, its chair said." + (f" {MARK}" if n in killers else ""),
            format="text",
        )
        for n in range(args.documents)
    ]
    start = time.perf_counter()
    articles = list(run_parallel(pipeline, documents, args.jobs))
    seconds = time.perf_counter() - start
    reasons = Counter(a.drop.reason for a in articles if a.drop is not None)
    died = sorted(a.id for a in articles if a.drop is not None and a.drop.reason == "worker_died")
    in_order = [a.id for a in articles] == [d.id for d in documents]
    print(f"documents in {len(documents)}, out {len(articles)}, kept {sum(a.kept for a in articles)}, "
          f"worker_died {reasons['worker_died']} ({', '.join(died)}), other rejects {sum(reasons.values()) - reasons['worker_died']}, "
          f"in order {in_order}, {seconds:.1f} s with --jobs {args.jobs}")
    expected = sorted(f"d{n:05d}" for n in killers)
    return 0 if len(articles) == len(documents) and died == expected and in_order else 1


if __name__ == "__main__":
    sys.exit(main())
