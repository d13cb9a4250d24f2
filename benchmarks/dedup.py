"""Near-duplicate detection: newsclean's MinHash/LSH beside datasketch's, in one run.

Usage::

    python benchmarks/dedup.py ../shared/devsets [--copies-share 0.4] [--scale 100000]
                                                 [--write-docs docs/benchmarks.md]

Base texts are trafilatura's text of the dev-set pages (``trafilatura-eval.tgz`` and
``newspaper4k-news-html.tgz``; extracted once and cached under the system temp dir, never in
the repo). Texts under 80 words and exact repeats are left out. 70 % of them are originals, the
rest is fresh material for hard negatives. The corpus (seeded) holds:

- every original;
- copies of ``--copies-share`` of the originals, one to three each, of these kinds:
  ``syndicated`` (a wire dateline before, an agency and copyright tail after), ``quotes`` (quote
  marks, spacing and line breaks changed), ``edited-3%`` and ``edited-6%`` (that share of the
  words replaced), ``truncated-90%`` (the first 90 % of the characters);
- hard negatives: for 15 % of the originals a new story made of the first 40 % of the
  original's words followed by fresh text at least as long as the original.

Copies are fed as they are, without newsclean's cleaning, which would remove datelines and
tails first: a harder test than the pipeline's. Truth: an original and its copies are one
story; everything else is distinct. A system's clusters (kept article plus the articles naming
it) give its pairs; pair precision and recall compare them with the truth's pairs.

Systems, same texts, 3-word shingles of casefolded words (for datasketch split with a regular
expression and joined into byte strings, as its users do), 128 permutations, threshold 0.5:

- newsclean: ``MinHasher`` signatures in batches, band keys, ``candidate_pairs``, confirmation
  and the keeper walk (``newsclean.duplicates``);
- datasketch: ``MinHash`` with an xxhash hash function and ``update_batch`` per document, and
  ``MinHash.bulk``; ``MinHashLSH(threshold=0.5)`` insert and query; candidates confirmed with
  ``jaccard`` and the same keeper walk, so the two differ only in hashing and indexing.

Throughput is one core, shingling included, best of ``--rounds``. Memory: bytes per article held
by ``DuplicateFinder`` (tracemalloc), and peak RSS of a child process pushing ``--scale``
generated articles through the ``Dedup`` stage (spill file included).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import re
import resource
import subprocess
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import numpy as np
import xxhash

sys.path.insert(0, str(Path(__file__).resolve().parent))
from docs_section import write_section  # noqa: E402
from quality import CACHE_ROOT, locate_dataset, load_pages, sha256_of  # noqa: E402
from speed import load_pages as load_news_pages  # noqa: E402

from newsclean.batching import batched  # noqa: E402
from newsclean.duplicates import DuplicateFinder, keepers_from_edges, text_fingerprint  # noqa: E402
from newsclean.minhash import MinHasher, MinHashParams, candidate_pairs, pair_similarities  # noqa: E402
from newsclean.model import Article  # noqa: E402
from newsclean.text import words  # noqa: E402

KINDS = ("syndicated", "quotes", "edited-3%", "edited-6%", "truncated-90%")
MIN_WORDS = 80
PARAMS = MinHashParams()


# --- data -----------------------------------------------------------------------------------


def base_texts(devsets: Path) -> tuple[list[str], str] | None:
    """Distinct dev-set texts of at least MIN_WORDS words, and a digest of the archives."""
    found = locate_dataset(devsets)
    news = load_news_pages(devsets, None)
    if found is None and news is None:
        return None
    archives = [p for p in ((found[1] if found else None), (news[1] if news else None)) if p]
    digest = "-".join(sha256_of(p)[:12] for p in archives)
    cache = CACHE_ROOT / f"dedup-texts-{digest}.json"
    if cache.exists():
        texts = json.loads(cache.read_text(encoding="utf-8"))
    else:
        import trafilatura

        raws = [p.path.read_bytes() for p in load_pages(found[0], None)] if found else []
        raws += [raw for _, raw in news[0]] if news else []
        texts = [trafilatura.extract(raw) or "" for raw in raws]
        CACHE_ROOT.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(texts), encoding="utf-8")
    seen: set[bytes] = set()
    distinct = []
    for text in texts:
        key = text_fingerprint(text)
        if len(words(text)) >= MIN_WORDS and key not in seen:
            seen.add(key)
            distinct.append(text)
    return distinct, digest


def make_copy(text: str, kind: str, rng: random.Random, vocabulary: list[str]) -> str:
    if kind == "syndicated":
        city = rng.choice(["LONDON", "NAIROBI", "LIMA", "OSLO", "MANILA"])
        return (f"{city}, March {rng.randint(1, 28)} (Wire) — {text}\n\n"
                "Reporting by the Wire desk; editing by the night editor.\n\n"
                "© 2024 Wire Agency. All rights reserved.")
    if kind == "quotes":
        swapped = re.sub(r'"([^"]*)"', r"“\1”", text).replace("'", "’")
        return swapped.replace(". ", ".  ").replace("\n\n", "\n \n")
    if kind.startswith("edited"):
        share = int(kind.split("-")[1].rstrip("%")) / 100
        tokens = text.split(" ")
        for i in rng.sample(range(len(tokens)), max(1, int(len(tokens) * share))):
            tokens[i] = rng.choice(vocabulary)
        return " ".join(tokens)
    if kind == "truncated-90%":
        return text[: int(len(text) * 0.9)]
    raise ValueError(kind)


def make_corpus(bases: list[str], copies_share: float, seed: int = 7):
    """(ids, texts, story of each text, kind of each text)."""
    rng = random.Random(seed)
    shuffled = bases[:]
    rng.shuffle(shuffled)
    cut = int(len(shuffled) * 0.7)
    originals, fresh = shuffled[:cut], shuffled[cut:]
    vocabulary = sorted({w for text in fresh for w in text.split(" ")})
    texts, stories, kinds = [], [], []
    for story, text in enumerate(originals):
        texts.append(text), stories.append(story), kinds.append("original")
        if rng.random() < copies_share:
            for _ in range(rng.randint(1, 3)):
                kind = rng.choice(KINDS)
                texts.append(make_copy(text, kind, rng, vocabulary)), stories.append(story), kinds.append(kind)
    next_story = len(originals)
    fresh_words = " ".join(fresh).split(" ")
    for text in rng.sample(originals, int(len(originals) * 0.15)):
        tokens = text.split(" ")
        start = rng.randrange(0, max(1, len(fresh_words) - len(tokens)))
        new = " ".join(tokens[: int(len(tokens) * 0.4)]) + "\n\n" + " ".join(fresh_words[start : start + len(tokens)])
        texts.append(new), stories.append(next_story), kinds.append("hard-negative")
        next_story += 1
    order = list(range(len(texts)))
    rng.shuffle(order)
    ids = [f"doc{i:06d}" for i in range(len(texts))]
    return ids, [texts[i] for i in order], [stories[i] for i in order], [kinds[i] for i in order]


# --- systems --------------------------------------------------------------------------------


def newsclean_clusters(texts: list[str]) -> tuple[dict[int, int], float]:
    """{removed index: kept index} and seconds for signatures + LSH + confirmation."""
    start = time.perf_counter()
    hasher = MinHasher(PARAMS)
    signatures = np.concatenate([hasher.signatures(batch) for batch in batched(texts, 256)])
    keys = hasher.band_keys(signatures)
    pairs = candidate_pairs(keys)
    sims = pair_similarities(signatures, pairs)
    ok = sims >= PARAMS.threshold
    seconds = time.perf_counter() - start
    removed = keepers_from_edges(np.arange(len(texts)), pairs[ok], sims[ok])
    return {i: kept for i, (kept, _) in removed.items()}, seconds


def shingles(text: str) -> list[bytes]:
    tokens = words(text.casefold())
    k = min(PARAMS.shingle_size, len(tokens)) or 1
    return [" ".join(tokens[i : i + k]).encode("utf-8") for i in range(max(1, len(tokens) - k + 1))]


def datasketch_signatures(texts: list[str], mode: str):
    from datasketch import MinHash

    if mode == "bulk":
        return MinHash.bulk([shingles(t) for t in texts], num_perm=PARAMS.num_perm, hashfunc=xxhash.xxh32_intdigest)
    out = []
    for text in texts:
        m = MinHash(num_perm=PARAMS.num_perm, hashfunc=xxhash.xxh32_intdigest)
        m.update_batch(shingles(text))
        out.append(m)
    return out


def datasketch_clusters(texts: list[str], mode: str) -> tuple[dict[int, int], float]:
    from datasketch import MinHashLSH

    start = time.perf_counter()
    signatures = datasketch_signatures(texts, mode)
    lsh = MinHashLSH(threshold=PARAMS.threshold, num_perm=PARAMS.num_perm)
    for i, m in enumerate(signatures):
        lsh.insert(i, m)
    pairs, sims = [], []
    for i, m in enumerate(signatures):
        for j in lsh.query(m):
            if j > i:
                sim = m.jaccard(signatures[j])
                if sim >= PARAMS.threshold:
                    pairs.append((i, j)), sims.append(sim)
    seconds = time.perf_counter() - start
    removed = keepers_from_edges(np.arange(len(texts)), np.array(pairs).reshape(-1, 2), np.array(sims))
    return {i: kept for i, (kept, _) in removed.items()}, seconds


# --- scoring --------------------------------------------------------------------------------


def cluster_pairs(groups: dict[int, list[int]]) -> set[tuple[int, int]]:
    pairs = set()
    for members in groups.values():
        members = sorted(members)
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def score(removed: dict[int, int], stories: list[int], kinds: list[str]) -> dict:
    predicted: dict[int, list[int]] = defaultdict(list)
    for i in range(len(stories)):
        predicted[removed.get(i, i)].append(i)
    truth: dict[int, list[int]] = defaultdict(list)
    for i, story in enumerate(stories):
        truth[story].append(i)
    got, want = cluster_pairs(predicted), cluster_pairs(truth)
    hit = len(got & want)
    per_kind = {}
    original_of = {stories[i]: i for i in range(len(stories)) if kinds[i] == "original"}
    for kind in KINDS:
        members = [i for i in range(len(kinds)) if kinds[i] == kind]
        found = sum(removed.get(i, i) == removed.get(original_of[stories[i]], original_of[stories[i]]) for i in members)
        per_kind[kind] = (found, len(members))
    negatives = [i for i in range(len(kinds)) if kinds[i] == "hard-negative"]
    return {
        "precision": hit / len(got) if got else 1.0,
        "recall": hit / len(want) if want else 1.0,
        "pairs": (len(got), len(want)),
        "per_kind": per_kind,
        "hard_negatives_removed": sum(i in removed for i in negatives),
        "hard_negatives": len(negatives),
    }


# --- memory ---------------------------------------------------------------------------------


def finder_bytes_per_article(texts: list[str]) -> float:
    articles = [Article(id=f"doc{i:06d}", text=t) for i, t in enumerate(texts)]
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    finder = DuplicateFinder(PARAMS)
    for start in range(0, len(articles), 256):
        finder.add(range(start, start + 256), articles[start : start + 256])
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / len(articles)


def scale_child(count: int, bases_file: str) -> None:
    """Stream ``count`` generated articles through the Dedup stage; print a JSON result."""
    from newsclean.stages import Dedup

    bases = json.loads(Path(bases_file).read_text(encoding="utf-8"))
    rng = random.Random(11)
    paragraphs = [p for text in bases for p in text.split("\n") if len(p) > 40]

    def generate():
        for i in range(count):
            if i % 5 == 4:  # every fifth article a lightly edited copy of the one before
                text = previous.replace(" the ", " a ", 2)
            else:
                text = "\n\n".join(rng.sample(paragraphs, 6))
            previous = text
            yield Article(id=f"gen{i:07d}", text=text)

    start = time.perf_counter()
    kept = dropped = 0
    for article in Dedup().run(generate()):
        kept += article.kept
        dropped += not article.kept
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"count": count, "kept": kept, "dropped": dropped, "seconds": seconds, "peak_rss_mb": peak_kb / 1024}))


def run_scale(count: int, bases: list[str]) -> dict:
    bases_file = CACHE_ROOT / "dedup-scale-bases.json"
    bases_file.write_text(json.dumps(bases), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, __file__, "--scale-child", str(count), str(bases_file)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- report ---------------------------------------------------------------------------------


def report(corpus_size: int, digest: str, results: dict, rates: dict, per_article: float, scale: dict | None) -> str:
    import datasketch

    ours = rates["newsclean"]
    fastest_name = max((k for k in rates if k != "newsclean"), key=lambda k: rates[k])
    lines = [
        "## Near-duplicate detection",
        "",
        f"`benchmarks/dedup.py`: {corpus_size} texts generated from the dev-set pages (archives {digest}),",
        f"one core, {platform.python_implementation()} {platform.python_version()}, datasketch {datasketch.__version__},",
        f"3-word shingles, {PARAMS.num_perm} permutations, threshold {PARAMS.threshold}. Same run, same machine.",
        "",
        "| system | pair precision | pair recall | docs/s (signatures + LSH) | vs fastest datasketch |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        lines.append(
            f"| {name} | {result['precision']:.3f} | {result['recall']:.3f} | {rates[name]:,.0f} | "
            f"{rates[name] / rates[fastest_name]:.2f}x |"
        )
    lines += ["", "Copies found, by kind (newsclean / datasketch update_batch):", "", "| kind | newsclean | datasketch |", "|---|---:|---:|"]
    reference = results["datasketch (update_batch)"]
    for kind in KINDS:
        f1, n = results["newsclean"]["per_kind"][kind]
        f2, _ = reference["per_kind"][kind]
        lines.append(f"| {kind} | {f1}/{n} | {f2}/{n} |")
    r = results["newsclean"]
    lines.append(f"| hard negatives removed (should be 0) | {r['hard_negatives_removed']}/{r['hard_negatives']} | "
                 f"{reference['hard_negatives_removed']}/{reference['hard_negatives']} |")
    lines += ["", f"Memory held by `DuplicateFinder`: {per_article:,.0f} bytes per article (tracemalloc; target ≤ 2,048)."]
    if scale:
        lines.append(
            f"Scale: {scale['count']:,} generated articles through the `Dedup` stage in a child process: "
            f"{scale['seconds']:.0f} s ({scale['count'] / scale['seconds']:,.0f} docs/s, JSON spill included), "
            f"peak RSS {scale['peak_rss_mb']:,.0f} MB, {scale['dropped']:,} dropped as copies."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devsets", type=Path)
    parser.add_argument("--copies-share", type=float, default=0.4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--scale", type=int, default=100_000, help="articles for the memory run (0: skip)")
    parser.add_argument("--write-docs", type=Path)
    args = parser.parse_args(argv)

    loaded = base_texts(args.devsets)
    if loaded is None:
        print(f"no dev-set data under {args.devsets}; nothing to measure")
        return 0
    bases, digest = loaded
    ids, texts, stories, kinds = make_corpus(bases, args.copies_share)
    print(f"{len(bases)} base texts -> corpus of {len(texts)} texts ({kinds.count('hard-negative')} hard negatives)", flush=True)

    systems = {
        "newsclean": newsclean_clusters,
        "datasketch (update_batch)": lambda t: datasketch_clusters(t, "update_batch"),
        "datasketch (bulk)": lambda t: datasketch_clusters(t, "bulk"),
    }
    results, rates = {}, {}
    for name, run in systems.items():
        best = float("inf")
        for _ in range(args.rounds):
            removed, seconds = run(texts)
            best = min(best, seconds)
        results[name] = score(removed, stories, kinds)
        rates[name] = len(texts) / best
        print(f"{name}: P {results[name]['precision']:.3f} R {results[name]['recall']:.3f} {rates[name]:,.0f} docs/s", flush=True)
    per_article = finder_bytes_per_article(texts)
    scale = run_scale(args.scale, bases) if args.scale else None
    body = report(len(texts), digest, results, rates, per_article, scale)
    print("\n" + body)
    if args.write_docs:
        write_section(args.write_docs, "dedup", body)
        print(f"\nwrote the dedup section of {args.write_docs}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--scale-child":
        scale_child(int(sys.argv[2]), sys.argv[3])
        sys.exit(0)
    sys.exit(main())
