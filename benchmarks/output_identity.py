"""Does a change keep the HTML path's output? One sha256 per dev page of its article record.

Usage::

    PYTHONPATH=/path/to/main python benchmarks/output_identity.py ../shared/devsets main.txt
    python benchmarks/output_identity.py ../shared/devsets mine.txt
    python benchmarks/output_identity.py --compare main.txt mine.txt

Pages: every page of l3s-gn1-dev and dragnet-news (loaded as ``fulltext.py`` does) and of
trafilatura-eval (as ``quality.py`` does), through the default pipeline without its corpus
stages and without a time budget (a page near the budget would differ by the machine's load).
Each line is ``set/page-id sha256`` of ``json.dumps(article.to_dict(), sort_keys=True)``.
``--compare`` prints how many pages differ (or are in one file only) and exits 1 if any do.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fulltext  # noqa: E402
import quality  # noqa: E402


def pages(devsets: Path):
    """(key, raw bytes, url) of every page, set by set."""
    for name in fulltext.SETS:
        for page in fulltext.load_set(devsets, name):
            yield f"{name}/{page.id}", page.path.read_bytes(), page.url
    found = quality.locate_dataset(devsets)
    if found is not None:
        for page in quality.load_pages(found[0], None):
            yield f"{quality.DATASET}/{page.path.name}", page.path.read_bytes(), page.url


def digests(devsets: Path):
    import newsclean
    from newsclean import RawDocument

    print(f"newsclean from {Path(newsclean.__file__).parent}", file=sys.stderr)
    pipeline = newsclean.default_pipeline(dedup=False, site_repeat=False, time_budget=None)
    for key, raw, url in pages(devsets):
        article = pipeline.process(RawDocument(id=key, content=raw, format="html", url=url))
        record = json.dumps(article.to_dict(), sort_keys=True)
        yield key, hashlib.sha256(record.encode("utf-8")).hexdigest()


def read(path: Path) -> dict[str, str]:
    return dict(line.rsplit(" ", 1) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def compare(a: Path, b: Path) -> int:
    left, right = read(a), read(b)
    differ = sorted(k for k in left.keys() & right.keys() if left[k] != right[k])
    only = sorted(left.keys() ^ right.keys())
    print(f"{len(left.keys() & right.keys())} pages in both, {len(differ)} differ, {len(only)} in one file only")
    for key in (differ + only)[:20]:
        print(f"  {key}")
    return 1 if differ or only else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs=2, type=Path, help="DEVSETS OUT, or with --compare: A B")
    parser.add_argument("--compare", action="store_true", help="compare two digest files")
    args = parser.parse_args()
    if args.compare:
        return compare(*args.paths)
    devsets, out = args.paths
    if not devsets.exists():
        print(f"no dev sets at {devsets}; nothing to do")
        return 0
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for key, digest in digests(devsets):
            handle.write(f"{key} {digest}\n")
            count += 1
    print(f"{count} pages written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
