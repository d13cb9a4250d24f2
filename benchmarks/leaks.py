"""Families of junk that leak into the HTML path's output, counted across sites.

    python benchmarks/leaks.py ../shared/devsets [--set NAME] [--limit N] [--jobs N]
        [--save runs.pickle | --load runs.pickle] [--words 3] [--top 60] [--show 3]

For every output line (HTML path, or ``--path text``: newsclean on trafilatura's text; after the corpus pass, as ``fulltext.run_set`` makes it) whose
4-word shingles are mostly not in the page's scored gold, computes a shape: lowercased, digits
turned to 0, the first ``--words`` words. Shapes are ranked by the number of distinct sites (the
URL's host; the page id when there is none), then pages, then leaked words, so that a family seen
across many sites shows above the quirks of one page. ``--show`` prints a few examples per shape.

The text printed is dev-set text: read it on the terminal, never copy it into the project.
"""

from __future__ import annotations

import argparse
import collections
import pickle
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fulltext  # noqa: E402

_DIGIT = re.compile(r"\d")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devsets", type=Path)
    parser.add_argument("--set", dest="sets", action="append", default=[], choices=fulltext.SETS)
    parser.add_argument("--path", choices=("html", "text"), default="html", help="newsclean's HTML or text path")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--load", type=Path)
    parser.add_argument("--words", type=int, default=3, help="words of the line kept in its shape")
    parser.add_argument("--junk", type=float, default=0.5, help="share of a line's shingles not in gold")
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--show", type=int, default=3)
    parser.add_argument("--by", choices=("sites", "words", "share"), default="sites", help="ranking key; share: the summed share of each page's output words the family takes, what it costs the per-page precision mean")
    parser.add_argument("--min-sites", type=int, default=1)
    parser.add_argument("--width", type=int, default=160)
    return parser.parse_args(argv)


def load_runs(args) -> dict[str, list]:
    if args.load:
        return pickle.loads(args.load.read_bytes())
    results = {}
    for name in args.sets or fulltext.SETS:
        pages = fulltext.load_set(args.devsets, name, args.limit)
        print(f"{len(pages)} pages of {name}", file=sys.stderr)
        results[name] = fulltext.run_set(pages, args.jobs, (fulltext.TRAFILATURA, system_of(args.path)))
    if args.save:
        args.save.write_bytes(pickle.dumps(results))
    return results


def system_of(path: str) -> str:
    return fulltext.NEWSCLEAN_HTML if path == "html" else fulltext.NEWSCLEAN_TEXT


def shape(line: str, words: int) -> str:
    return " ".join(_DIGIT.sub("0", line.lower()).split()[:words])


_URL_META = re.compile(
    rb"""(?:rel=["']canonical["'][^>]*href|property=["']og:url["'][^>]*content)=["'](https?://[^"'/]+)""", re.I
)
_ANY_URL = re.compile(rb"""href=["'](https?://[^"'/]+)""", re.I)


def sniff_url(path: Path) -> str | None:
    """The page's own address when it names one (canonical, og:url), else its most linked host."""
    raw = path.read_bytes()[:400_000]
    found = _URL_META.search(raw)
    if found:
        return found.group(1).decode("ascii", "replace")
    hosts = collections.Counter(m.group(1) for m in _ANY_URL.finditer(raw))
    return hosts.most_common(1)[0][0].decode("ascii", "replace") if hosts else None


def leaked_lines(run, junk: float, path: str = "html"):
    """(line, leaked words) for each output line mostly not in the gold."""
    gold = fulltext.shingles(fulltext.tokens(fulltext.scored_gold(run, mission=True)))
    output = run.outputs.get(system_of(path), "")
    for line in output.splitlines():
        line = line.strip()
        if not line:
            continue
        own = fulltext.shingles(fulltext.tokens(line))
        total = sum(own.values())
        if not total:
            continue
        missing = sum((own - gold).values())
        if missing / total >= junk:
            yield line, len(fulltext.tokens(line))


def main(argv=None) -> int:
    args = parse_args(argv)
    results = load_runs(args)
    urls = {}
    for name in results:
        for page in fulltext.load_set(args.devsets, name, args.limit):
            urls[(name, page.id)] = page.url or sniff_url(page.path)
    families: dict[str, dict] = collections.defaultdict(
        lambda: {"sites": set(), "pages": set(), "words": 0, "share": 0.0, "examples": []}
    )
    total_words = 0
    for name, runs in results.items():
        if args.sets and name not in args.sets:
            continue
        for run in runs:
            out_words = len(fulltext.tokens(run.outputs.get(system_of(args.path), ""))) or 1
            host = urlparse(urls.get((name, run.id)) or "").netloc.lower().removeprefix("www.") or run.id
            for line, n in leaked_lines(run, args.junk, args.path):
                fam = families[shape(line, args.words)]
                fam["sites"].add((name, host))
                fam["pages"].add((name, run.id))
                fam["words"] += n
                fam["share"] += n / out_words
                total_words += n
                if len(fam["examples"]) < args.show:
                    fam["examples"].append(f"[{name} {run.id}] {line[: args.width]}")
    print(f"leaked words in all: {total_words}")
    if args.by == "share":
        key = lambda kv: (-kv[1]["share"], -len(kv[1]["sites"]))  # noqa: E731
    elif args.by == "words":
        key = lambda kv: (-kv[1]["words"], -len(kv[1]["sites"]))  # noqa: E731
    else:
        key = lambda kv: (-len(kv[1]["sites"]), -len(kv[1]["pages"]), -kv[1]["words"])  # noqa: E731
    ranked = sorted((kv for kv in families.items() if len(kv[1]["sites"]) >= args.min_sites), key=key)
    for key, fam in ranked[: args.top]:
        print(f"\n{len(fam['sites']):4d} sites {len(fam['pages']):4d} pages {fam['words']:6d} words {fam['share']:6.2f} page-share  | {key}")
        for example in fam["examples"]:
            print("      " + example)
    return 0


if __name__ == "__main__":
    sys.exit(main())
