"""Per rule: the exact removals whose words the gold keeps, on the full-text dev sets.

    python benchmarks/rule_lines.py ../shared/devsets [--rule ID ...] [--set NAME] [--jobs N]
        [--save runs.pickle | --load runs.pickle] [--all]

For every removal the newsclean HTML path made, charges its words against the gold as the audit
does (``fulltext.GoldLedger``) and prints, grouped by rule, the removals of which the gold keeps
some words: set, page id, category, words kept / removed, and the removed text. ``--all`` prints
every removal of the chosen rules (junk ones too), to see what a rule is for. A rule summary line
(removals, words removed, gold keeps, junk share) heads each group, as in the audit table.

The text printed is dev-set text: read it on the terminal, never copy it into the project.
``--save`` keeps the page runs (pickled) so that a second look does not rerun the pipeline.
"""

from __future__ import annotations

import argparse
import collections
import pickle
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fulltext  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devsets", type=Path)
    parser.add_argument("--rule", action="append", default=[], help="rule id (repeatable; prefix ok)")
    parser.add_argument("--set", dest="sets", action="append", default=[], choices=fulltext.SETS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--load", type=Path)
    parser.add_argument("--all", action="store_true", help="print junk removals too")
    parser.add_argument("--under", type=float, default=fulltext.JUNK_FLOOR,
                        help="without --rule: the rules whose junk share is under this")
    parser.add_argument("--width", type=int, default=300, help="characters of each removal shown")
    return parser.parse_args(argv)


def load_runs(args) -> dict[str, list]:
    if args.load:
        return pickle.loads(args.load.read_bytes())
    results = {}
    systems = (fulltext.TRAFILATURA, fulltext.NEWSCLEAN_HTML)
    for name in args.sets or fulltext.SETS:
        pages = fulltext.load_set(args.devsets, name, args.limit)
        print(f"{len(pages)} pages of {name}", file=sys.stderr)
        results[name] = fulltext.run_set(pages, args.jobs, systems)
    if args.save:
        args.save.write_bytes(pickle.dumps(results))
    return results


def charged(runs) -> list[tuple]:
    """(rule, set, page id, category, kept, junk, convention, text) for every removal, charged
    in the order the audit charges them."""
    rows = []
    for run in runs:
        article = run.articles.get("html")
        if article is None or not article.removed:
            continue
        ledger = fulltext.GoldLedger(fulltext.scored_gold(run, captions=False), fulltext.delivered_text(article))
        for removal in article.removed:
            kept, junk = ledger.charge(removal.text)
            convention = run.dataset == "dragnet-news" and (
                removal.category.value in fulltext.DRAGNET_CONVENTION or removal.rule == "doc.repeat.headline"
            )
            rows.append((removal.rule, run.dataset, run.id, removal.category.value, kept, junk, convention, removal.text))
    return rows


def main(argv=None) -> int:
    args = parse_args(argv)
    results = load_runs(args)
    rows = [row for name, runs in results.items() if not args.sets or name in args.sets for row in charged(runs)]
    totals = collections.defaultdict(lambda: [0, 0, 0])  # removals, kept, junk
    for rule, _s, _p, _c, kept, junk, convention, _t in rows:
        totals[rule][0] += 1
        if not convention:
            totals[rule][1] += kept
            totals[rule][2] += junk

    def share(rule):
        _n, kept, junk = totals[rule]
        return junk / (kept + junk) if kept + junk else 1.0

    if args.rule:
        chosen = [r for r in totals if any(r == want or r.startswith(want) for want in args.rule)]
    else:
        chosen = [r for r in totals if share(r) < args.under]
    for rule in sorted(chosen, key=share):
        n, kept, junk = totals[rule]
        print(f"\n=== {rule}: {n} removals, {kept + junk} words, gold keeps {kept}, junk share {share(rule):.3f}")
        for r, dataset, page_id, category, k, j, convention, text in rows:
            if r != rule or convention or not (k or args.all):
                continue
            shown = " ".join(text.split())
            shown = shown if len(shown) <= args.width else shown[: args.width] + " ..."
            print(f"- [{dataset} {page_id} {category}] kept {k}/{k + j}")
            print(textwrap.indent(textwrap.fill(shown, 110), "    "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
