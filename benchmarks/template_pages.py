"""Dedup on clusters of template pages: time and memory of the ``Dedup`` stage on N pages
that differ only in their numbers, as crawls hold them by the thousand.

    python benchmarks/template_pages.py [--sizes 1000,5000,20000] [--kinds notfound,weather]
                                        [--limit-gb 6] [--timeout 900]

Kinds (our own wording): ``notfound``, a "page not found" notice whose only change is its
reference number; ``weather``, a daily weather and markets report with several numbers, a day
and a town changed. Each size runs in a child process (so its peak RSS is its own), under an
address-space limit and a timeout; a run over either is reported as such. Printed per run: N,
seconds for the stage, peak RSS growth over the RSS before the stage (the pages already built),
that growth per page, and how many pages were kept and removed. Run it with another tree first
on ``PYTHONPATH`` to measure that tree's code.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time

TOWNS = ["Arlen", "Brisk", "Calder", "Dunmore", "Elswick", "Farrow", "Glenholt", "Harwood"]
SKIES = ["sunny", "cloudy", "wet", "windy", "misty", "bright"]
WINDS = ["north", "south", "east", "west"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def notfound_page(rng: random.Random, n: int) -> str:
    return (
        "Page not found\n\n"
        "We are sorry, but the page you asked for is not on this site any more. It may have been "
        "moved or taken down, or the link that brought you here may be out of date.\n\n"
        f"Reference number: {rng.randrange(10**8):08d}-{n}. Please give this number to our help desk "
        "if you write to us about this page.\n\n"
        "You can go back to the front page, or use the search box at the top of this page to look "
        "for the story you wanted."
    )


def weather_page(rng: random.Random, n: int) -> str:
    day, town, sky, wind = rng.choice(DAYS), rng.choice(TOWNS), rng.choice(SKIES), rng.choice(WINDS)
    high = rng.randint(-5, 35)
    return (
        f"Weather and markets for {day}, edition {n}\n\n"
        f"In {town} the day will be {sky}, with a high of {high} degrees and a low of {high - rng.randint(3, 12)}. "
        f"The wind will blow from the {wind} at {rng.randint(5, 60)} km/h, and the chance of rain is "
        f"{rng.randint(0, 100)} per cent.\n\n"
        f"On the markets the main index closed at {rng.randint(3000, 9000)} points, a change of "
        f"{rng.uniform(-3, 3):.2f} per cent on the day. A dollar bought {rng.uniform(0.8, 1.2):.3f} euros "
        f"and a barrel of oil cost {rng.uniform(50, 120):.2f} dollars.\n\n"
        f"Tomorrow looks {rng.choice(SKIES)}, with highs near {rng.randint(-5, 35)} degrees."
    )


KINDS = {"notfound": notfound_page, "weather": weather_page}


def rss_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def one_run(kind: str, size: int) -> None:
    """In the child: build the pages, run the stage, print one tab-separated line."""
    from newsclean.model import Article
    from newsclean.stages import Dedup

    rng = random.Random(size)
    articles = [Article(id=f"{kind}-{i:06d}", text=KINDS[kind](rng, i)) for i in range(size)]
    before = rss_kb()
    start = time.perf_counter()
    kept = sum(article.kept for article in Dedup().run(articles))  # streamed, as a pipeline reads it
    seconds = time.perf_counter() - start
    growth = max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    print(f"{seconds:.1f}\t{growth}\t{kept}\t{size - kept}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated page counts")
    parser.add_argument("--kinds", default="notfound,weather", help=f"comma-separated, of {', '.join(KINDS)}")
    parser.add_argument("--limit-gb", type=float, default=6.0, help="address-space limit of each run")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds allowed to each run")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one_run(args.one[0], int(args.one[1]))
        return
    limit = int(args.limit_gb * 2**30)

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    print(f"{'kind':<9} {'N':>6} {'seconds':>8} {'peak RSS growth':>16} {'bytes/page':>11} {'kept':>6} {'removed':>8}")
    for kind in args.kinds.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            command = [sys.executable, __file__, "--one", kind, str(size)]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout, preexec_fn=limited)
            except subprocess.TimeoutExpired:
                print(f"{kind:<9} {size:>6} {'over ' + str(int(args.timeout)) + ' s':>8}")
                continue
            if done.returncode != 0:
                error = (done.stderr.strip().splitlines() or ["?"])[-1][:80]
                print(f"{kind:<9} {size:>6} failed (limit {args.limit_gb:g} GB address space): {error}")
                continue
            seconds, growth, kept, removed = done.stdout.split()
            growth_bytes = int(growth)
            print(
                f"{kind:<9} {size:>6} {float(seconds):>8.1f} {growth_bytes / 2**20:>13.1f} MB"
                f" {growth_bytes / size:>11.0f} {kept:>6} {removed:>8}"
            )


if __name__ == "__main__":
    main()
