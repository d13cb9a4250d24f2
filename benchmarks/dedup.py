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
- hard negatives, each a story of its own:
  ``reuse-40%``: for 15 % of the originals, the first 40 % of the original's words followed by
  fresh text at least as long as the original;
  ``follow-up``: for 20 % of the originals, a contiguous 50 to 70 % of the original's words
  and fresh text a quarter to four fifths as long as that part, before or after it;
  ``spliced``: for 10 % of the originals, the first 40 % of another original and the last two
  thirds of this one;
  ``template``: instances of our own report templates (markets, weather, match results,
  traffic: the same sentences with other numbers, names and dates), 12 of each.

Copies are fed as they are, without newsclean's cleaning, which would remove datelines and
tails first: a harder test than the pipeline's. Truth: an original and its copies are one
story; everything else is distinct. A system's clusters (kept article plus the articles naming
it) give its pairs; pair precision and recall compare them with the truth's pairs. A story is
lost when no kept article holds it whole: neither a kept member of the story nor the article
kept in place of one holds sentences with 90 % of the story's words (a sentence is held when
half of its word 3-grams are in the article; exact word sets, not newsclean's sketches).

Systems, same texts, 3-word shingles of casefolded words (for datasketch split with a regular
expression and joined into byte strings, as its users do), 128 permutations, threshold 0.5:

- newsclean: ``MinHasher`` signatures and coverage sketches in batches, band keys,
  ``near_candidates`` (``candidate_pairs`` with large buckets bounded), confirmation, the
  coverage checks and the keeper walk (``newsclean.duplicates.choose_keepers``);
- newsclean, similarity only: the same signatures and candidates, confirmed by similarity
  alone and walked longest text first (the policy before coverage);
- datasketch: ``MinHash`` with an xxhash hash function and ``update_batch`` per document, and
  ``MinHash.bulk``; ``MinHashLSH(threshold=0.5)`` insert and query; candidates confirmed with
  ``jaccard`` and the similarity-only walk: its rows differ from newsclean's similarity-only
  row only in hashing and indexing, and its throughput is compared with newsclean's full run.

Throughput is one core, shingling included, best of ``--rounds`` taken in turns. Memory: bytes per article held
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
from newsclean.duplicates import (  # noqa: E402
    DuplicateFinder,
    Entry,
    choose_keepers,
    keepers_from_edges,
    near_candidates,
    text_fingerprint,
)
from newsclean.minhash import MinHasher, MinHashParams, candidate_pairs, pair_similarities  # noqa: E402
from newsclean.model import Article  # noqa: E402
from newsclean.text import words  # noqa: E402

KINDS = ("syndicated", "quotes", "edited-3%", "edited-6%", "truncated-90%")
NEGATIVES = ("reuse-40%", "follow-up", "spliced", "template")
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
    return unrelated(distinct), digest


def unrelated(texts: list[str], share: float = 0.2) -> list[str]:
    """The texts that share less than ``share`` of their word 3-grams with any text kept before
    them (the dev sets hold a few pages of one site with the same long passages; as bases they
    would make copies the truth calls distinct), and that do not repeat a tenth of their own
    lines (menu pages, whose end holds their start). Exact 3-gram sets, not newsclean's code."""
    owners: dict[str, list[int]] = {}
    kept: list[str] = []
    for text in texts:
        lines = [line for line in text.split("\n") if line.strip()]
        if len(set(lines)) < 0.9 * len(lines):  # a page of menus that repeat: not an article
            continue
        tokens = words(text.casefold())
        grams = {" ".join(tokens[i : i + 3]) for i in range(max(1, len(tokens) - 2))}
        shared: dict[int, int] = defaultdict(int)
        for gram in grams:
            for owner in owners.get(gram, ()):
                shared[owner] += 1
        if shared and max(shared.values()) >= share * len(grams):
            continue
        for gram in grams:
            owners.setdefault(gram, []).append(len(kept))
        kept.append(text)
    return kept


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


# Our own report templates: the same sentences each day, other numbers, names and dates.
TEMPLATES = (
    """Shares in {city} closed {dir} on {day}, with the main index ending the session {n1} points {dir} at {n2} as trading volumes stayed {vol} ahead of the central bank's meeting next week.

{firm} led the movers after the company said quarterly sales had risen {n3} percent, while {firm2} slipped {n4} percent as investors took profits after a strong run since the start of the month.

On the currency market the dollar bought {n5} units of the local currency, little changed from the previous close, and the yield on ten-year government bonds stood at {n6} percent.

Analysts at {firm3} said the market was likely to stay in a narrow range until the rate decision, and that smaller companies would remain sensitive to news about energy prices and wages.""",
    """Forecasters expect {city} to wake up to {n1} degrees on {day}, with showers moving in from the west by mid-morning and gusts of up to {n2} kilometres an hour along the coast that could delay the first ferries.

In {city2} the afternoon should stay mostly dry, with highs near {n3} degrees, before cloud thickens in the evening and around {n4} millimetres of rain fall across the hills overnight.

The weather service said the outlook for {day2} was much the same, with temperatures around {n5} degrees in the north and {n6} in the south, and it advised drivers on the {road} to allow extra time for their journeys.

Farmers in the valley were told to expect a frost on higher ground before dawn, and the river authority said levels on the {river} were being watched but were not yet a cause for concern.""",
    """{team} beat {team2} {n1}-{n2} at home on {day}, with {player} scoring twice in the second half to lift the club to {n3} points and within reach of the places that lead to a cup spot.

The visitors had taken the lead after {n4} minutes through a header from a corner, and for long spells they looked the more dangerous side as the home crowd of {n5} grew restless.

The coach said afterwards that the team had shown patience and that the changes made at half-time had given them more control in midfield, where they had struggled in recent weeks.

{team} travel to {city} next {day2}, while {team2} host a side from the bottom of the table and will hope to end a run of {n6} games without a win.""",
    """Traffic on the {road} was held up for {n1} minutes on {day} morning after a lorry broke down near the {city} junction, and queues stretched back for {n2} kilometres at the height of the rush hour.

Police closed one lane while the vehicle was recovered, and drivers heading towards {city2} were advised to use the old coast road, where delays of around {n3} minutes were reported.

Rail services were running normally, although the {n4} train from {city} was cancelled because of a shortage of staff, and the operator said the {n5} service would have extra carriages.

The roads agency said the lane would reopen by {n6} o'clock and repeated its advice that drivers should check the latest information before setting out on longer journeys this week.""",
)
TOWNS = ("Eastmere", "Portville", "Northam", "Lowbridge", "Ashford Vale", "Kelby", "Marrow Point", "Tillbury",
         "Oakhaven", "Redcliff", "Fenwick", "Sallow Cross", "Brinmoor", "Cadwell", "Hollins", "Westerby")
FIRMS = ("Harrow Foods", "Kestrel Mining", "Lindqvist Motors", "Orbell Telecom", "Pemberton Bank", "Quayside Retail",
         "Stanmore Energy", "Tallis Pharma", "Verity Insurance", "Wexley Steel")
TEAMS = ("Eastmere Rovers", "Portville Athletic", "Northam United", "Lowbridge Town", "Kelby City", "Redcliff Wanderers",
         "Fenwick Albion", "Cadwell Rangers")
PLAYERS = ("Tomas Ribeiro", "Ada Okafor", "Lena Marsh", "Piotr Zielinski", "Sam Whitlow", "Yusuf Demir")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ROADS = ("A12", "M4", "B1060", "A38", "M62", "A9")
RIVERS = ("Tamber", "Wyre", "Lune", "Avonmere")


def template_story(template: str, rng: random.Random) -> str:
    fields = {
        "city": rng.choice(TOWNS), "city2": rng.choice(TOWNS), "day": rng.choice(DAYS), "day2": rng.choice(DAYS),
        "firm": rng.choice(FIRMS), "firm2": rng.choice(FIRMS), "firm3": rng.choice(FIRMS), "team": rng.choice(TEAMS),
        "team2": rng.choice(TEAMS), "player": rng.choice(PLAYERS), "road": rng.choice(ROADS),
        "river": rng.choice(RIVERS), "dir": rng.choice(("higher", "lower")), "vol": rng.choice(("thin", "heavy")),
    }
    fields.update({f"n{i}": rng.randint(2, 999) for i in range(1, 7)})
    return template.format(**fields)


def tokens(text: str) -> list[str]:
    """The text split at spaces, without empty or blank tokens (line breaks stay inside)."""
    return [token for token in text.split(" ") if token.strip()]


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
    fresh_words = tokens(" ".join(fresh))

    def fresh_text(length: int) -> str:
        start = rng.randrange(0, max(1, len(fresh_words) - length))
        return " ".join(fresh_words[start : start + length])

    def add(text: str, kind: str) -> None:
        nonlocal next_story
        texts.append(text), stories.append(next_story), kinds.append(kind)
        next_story += 1

    for text in rng.sample(originals, int(len(originals) * 0.15)):
        parts = tokens(text)
        add(" ".join(parts[: int(len(parts) * 0.4)]) + "\n\n" + fresh_text(len(parts)), "reuse-40%")
    for text in rng.sample(originals, int(len(originals) * 0.2)):
        parts = tokens(text)
        size = int(len(parts) * rng.uniform(0.5, 0.7))
        start = rng.randrange(0, len(parts) - size + 1)
        reused = " ".join(parts[start : start + size])
        new = fresh_text(max(20, int(size * rng.uniform(0.25, 0.8))))
        add(reused + "\n\n" + new if rng.random() < 0.5 else new + "\n\n" + reused, "follow-up")
    length = [len(tokens(o)) for o in originals]
    for text in rng.sample(originals, int(len(originals) * 0.1)):
        b = tokens(text)
        # the other story of comparable length, so its 40 % is more than a dateline
        others = [o for o, n in zip(originals, length) if o is not text and 0.5 <= n / len(b) <= 2]
        a = tokens(rng.choice(others or [o for o in originals if o is not text]))
        add(" ".join(a[: int(len(a) * 0.4)]) + "\n\n" + " ".join(b[len(b) - int(len(b) * 2 / 3) :]), "spliced")
    for template in TEMPLATES:
        for _ in range(12):
            add(template_story(template, rng), "template")
    order = list(range(len(texts)))
    rng.shuffle(order)
    ids = [f"doc{i:06d}" for i in range(len(texts))]
    return ids, [texts[i] for i in order], [stories[i] for i in order], [kinds[i] for i in order]


# --- systems --------------------------------------------------------------------------------


def newsclean_clusters(texts: list[str]) -> tuple[dict[int, int], float]:
    """{removed index: kept index} and seconds for signatures, sketches, LSH, confirmation,
    coverage checks and the keeper walk."""
    start = time.perf_counter()
    hasher = MinHasher(PARAMS)
    signatures, sketches = [], []
    for batch in batched(texts, 256):
        sigs, sks = hasher.signatures_and_sketches(batch)
        signatures.append(sigs)
        sketches.extend(sks)
    signatures = np.concatenate(signatures)
    entries = [Entry(id=f"doc{i:06d}", published=0, removed=0, record=b"", fingerprint=b"") for i in range(len(texts))]
    pairs = near_candidates(entries, hasher.band_keys(signatures))
    verdict = choose_keepers(entries, signatures, sketches, pairs, PARAMS.threshold)
    seconds = time.perf_counter() - start
    return {i: kept for i, (kept, _, _) in verdict.removed.items()}, seconds


def similarity_only_clusters(texts: list[str]) -> tuple[dict[int, int], float]:
    """The policy before coverage: similarity alone, longest text kept first."""
    start = time.perf_counter()
    hasher = MinHasher(PARAMS)
    signatures = np.concatenate([hasher.signatures(batch) for batch in batched(texts, 256)])
    keys = hasher.band_keys(signatures)
    pairs = candidate_pairs(keys)
    sims = pair_similarities(signatures, pairs)
    ok = sims >= PARAMS.threshold
    seconds = time.perf_counter() - start
    order = sorted(range(len(texts)), key=lambda i: (-len(words(texts[i])), i))
    rank = np.empty(len(texts), dtype=np.int64)
    rank[order] = np.arange(len(texts))
    removed = keepers_from_edges(rank, pairs[ok], sims[ok])
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


def sentence_shingles(text: str) -> list[set[str]]:
    return [set(" ".join(t[i : i + 3]) for i in range(max(1, len(t) - 2))) for t in
            (words(sentence.casefold()) for sentence in re.split(r"(?<=[.!?])\s+|\n+", text)) if t]


def holds_whole(story: list[set[str]], article: set[str]) -> bool:
    """True when sentences with 90 % of the story's 3-grams each have half of them in ``article``."""
    total = sum(len(s) for s in story)
    held = sum(len(s) for s in story if len(s & article) * 2 >= len(s))
    return held >= 0.9 * total


def stories_lost(removed: dict[int, int], texts: list[str], stories: list[int], kinds: list[str]) -> int:
    members: dict[int, list[int]] = defaultdict(list)
    for i, story in enumerate(stories):
        members[story].append(i)
    grams: dict[int, set[str]] = {}

    def all_grams(i: int) -> set[str]:
        if i not in grams:
            grams[i] = set().union(*sentence_shingles(texts[i]))
        return grams[i]

    lost = 0
    for story, indices in members.items():
        first = next(i for i in indices if kinds[i] not in KINDS)  # the original, or the negative itself
        sentences = sentence_shingles(texts[first])
        places = {removed.get(i, i) for i in indices}
        if not any(holds_whole(sentences, all_grams(j)) for j in sorted(places) if j not in removed):
            lost += 1
    return lost


def score(removed: dict[int, int], texts: list[str], stories: list[int], kinds: list[str]) -> dict:
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
    wrong = got - want
    negatives = {}
    for kind in NEGATIVES:
        members = {i for i in range(len(kinds)) if kinds[i] == kind}
        negatives[kind] = (sum(1 for a, b in wrong if a in members or b in members), len(members))
    return {
        "precision": hit / len(got) if got else 1.0,
        "recall": hit / len(want) if want else 1.0,
        "pairs": (len(got), len(want)),
        "per_kind": per_kind,
        "negatives": negatives,
        "lost": stories_lost(removed, texts, stories, kinds),
        "stories": len(truth),
    }


# --- memory ---------------------------------------------------------------------------------


def finder_bytes_per_article(texts: list[str]) -> float:
    articles = [Article(id=f"doc{i:06d}", text=t) for i, t in enumerate(texts)]
    DuplicateFinder(PARAMS).add(range(8), articles[:8])  # modules numpy loads on first use are not per article
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


def report(corpus_size: int, digest: str, results: dict, rates: dict, per_article: float, scale: dict | None,
           negatives: dict[str, int]) -> str:
    import datasketch

    fastest_name = max((k for k in rates if k.startswith("datasketch")), key=lambda k: rates[k])
    r = results["newsclean"]
    lines = [
        "## Near-duplicate detection",
        "",
        f"`benchmarks/dedup.py`: {corpus_size} texts ({r['stories']} stories) generated from the dev-set pages "
        f"(archives {digest}), among them hard negatives: "
        + ", ".join(f"{n} {kind}" for kind, n in negatives.items()) + ";",
        f"one core, {platform.python_implementation()} {platform.python_version()}, datasketch {datasketch.__version__},",
        f"3-word shingles, {PARAMS.num_perm} permutations, threshold {PARAMS.threshold}. Same run, same machine.",
        "newsclean's docs/s include its coverage sketches and checks; the other rows confirm by similarity alone.",
        "",
        "| system | pair precision | pair recall | stories lost | docs/s | vs fastest datasketch |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        lines.append(
            f"| {name} | {result['precision']:.3f} | {result['recall']:.3f} | {result['lost']} | {rates[name]:,.0f} | "
            f"{rates[name] / rates[fastest_name]:.2f}x |"
        )
    names = list(results)
    lines += ["", "Copies found, by kind:", "", "| kind | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for kind in KINDS:
        n = r["per_kind"][kind][1]
        lines.append(f"| {kind} | " + " | ".join(f"{results[m]['per_kind'][kind][0]}/{n}" for m in names) + " |")
    lines += ["", "Wrong pairs with a hard negative (should be 0), of the negatives of each kind:", "",
              "| kind | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for kind in NEGATIVES:
        n = r["negatives"][kind][1]
        lines.append(f"| {kind} | " + " | ".join(f"{results[m]['negatives'][kind][0]} ({n})" for m in names) + " |")
    lines += ["", f"Memory held by `DuplicateFinder`: {per_article:,.0f} bytes per article, signatures and coverage "
              "sketches included (tracemalloc; target ≤ 2,048)."]
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
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=int, default=100_000, help="articles for the memory run (0: skip)")
    parser.add_argument("--write-docs", type=Path)
    args = parser.parse_args(argv)

    loaded = base_texts(args.devsets)
    if loaded is None:
        print(f"no dev-set data under {args.devsets}; nothing to measure")
        return 0
    bases, digest = loaded
    ids, texts, stories, kinds = make_corpus(bases, args.copies_share)
    negatives = {kind: kinds.count(kind) for kind in NEGATIVES}
    print(f"{len(bases)} base texts -> corpus of {len(texts)} texts, hard negatives {negatives}", flush=True)

    systems = {
        "newsclean": newsclean_clusters,
        "newsclean, similarity only": similarity_only_clusters,
        "datasketch (update_batch)": lambda t: datasketch_clusters(t, "update_batch"),
        "datasketch (bulk)": lambda t: datasketch_clusters(t, "bulk"),
    }
    # Rounds alternate between the systems, so a busy spell of a shared machine does not fall
    # on one system's rounds only; each system's best round counts.
    best = {name: float("inf") for name in systems}
    found: dict[str, dict[int, int]] = {}
    for _ in range(args.rounds):
        for name, run in systems.items():
            found[name], seconds = run(texts)
            best[name] = min(best[name], seconds)
    results, rates = {}, {}
    for name in systems:
        results[name] = score(found[name], texts, stories, kinds)
        rates[name] = len(texts) / best[name]
        print(f"{name}: P {results[name]['precision']:.3f} R {results[name]['recall']:.3f} "
              f"lost {results[name]['lost']} {rates[name]:,.0f} docs/s", flush=True)
    per_article = finder_bytes_per_article(texts)
    scale = run_scale(args.scale, bases) if args.scale else None
    body = report(len(texts), digest, results, rates, per_article, scale, negatives)
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
