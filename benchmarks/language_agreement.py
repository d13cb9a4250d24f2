"""Does newsclean's language detection give langdetect's answers? On every dev text.

Usage::

    python benchmarks/language_agreement.py ../shared/devsets [--limit N] [--jobs J] [--explore]

Texts: trafilatura's extraction of the pages of both dev sets (``newspaper4k-news-html.tgz``
and ``trafilatura-eval.tgz``). When the data is absent the script says so and exits 0.

For each text, in four forms (what the language stage sees on the text path: the normalised
text's first 1,000 characters; the raw extraction's first 1,000; the first 300; the whole
text), ``detect_language`` is compared with ``langdetect_reference`` (langdetect's own
``Detector``, as newsclean called it before): the n-grams sampled, the probability of every
language (to the bit) and the answer. Exits 1 on any difference.

``--explore`` also prints how often cheaper settings (shorter prefixes, fewer trials) give the
stage's answer; the stage does not use them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quality import load_pages as load_eval_pages  # noqa: E402
from quality import locate_dataset, unpack_tgz  # noqa: E402
from speed import PAGES_GLOB, TGZ_NAME  # noqa: E402


def page_paths(devsets: Path) -> list[tuple[Path, str | None]]:
    """(page file, url) of both dev sets; the newspaper pages have no url."""
    found: list[tuple[Path, str | None]] = []
    news = devsets / TGZ_NAME
    if news.is_file():
        found += [(p, None) for p in sorted(unpack_tgz(news).glob(PAGES_GLOB))]
    located = locate_dataset(devsets)
    if located is not None:
        found += [(page.path, page.url) for page in load_eval_pages(located[0], None)]
    return found


def extract(item: tuple[Path, str | None]) -> str:
    import trafilatura

    path, url = item
    return trafilatura.extract(path.read_bytes(), url=url) or ""


def forms(text: str) -> dict[str, str]:
    """The texts compared for one extraction."""
    from newsclean.model import Article
    from newsclean.stages import Normalize

    normalised = Normalize()(Article(id="t", text=text)).text
    return {"stage input (normalised, 1,000)": normalised[:1000], "raw, 1,000": text[:1000],
            "normalised, 300": normalised[:300], "whole normalised text": normalised}


def reference(text: str, seed: int = 0, trials: int = 3) -> tuple[list[str], list[float] | None, str | None]:
    """langdetect's own n-grams, probabilities and answer."""
    from newsclean.stages.language import _factory, langdetect_reference

    detector = _factory().create()
    detector.seed, detector.n_trial = seed, trials
    detector.append(text)
    detector.cleaning_text()
    grams = detector._extract_ngrams()
    probabilities = None
    if grams:
        detector.get_probabilities()
        probabilities = detector.langprob
    return grams, probabilities, langdetect_reference(text, seed=seed, trials=trials)


def ours(text: str, seed: int = 0, trials: int = 3) -> tuple[list[str], list[float] | None, str | None]:
    from newsclean.stages.language import _ngrams, _prepared, _probabilities, detect_language

    grams = _ngrams(_prepared(text))
    probabilities = _probabilities(grams, seed, trials) if grams else None
    return grams, probabilities, detect_language(text, seed=seed, trials=trials)


def compare(texts: list[str]) -> int:
    """Print agreement per form; return the number of differences."""
    differences = 0
    per_form: dict[str, list[str]] = {}
    for text in texts:
        for name, form in forms(text).items():
            per_form.setdefault(name, []).append(form)
    print("| texts | n-grams equal | probabilities equal (bitwise) | answers equal |")
    print("|---|---:|---:|---:|")
    for name, items in per_form.items():
        grams = probs = answers = 0
        for i, item in enumerate(items):
            old, new = reference(item), ours(item)
            grams += old[0] == new[0]
            probs += old[1] == new[1]
            answers += old[2] == new[2]
            if old != new:
                differences += 1
                print(f"DIFFERENT ({name}, text {i}): langdetect {old[2]!r}, ours {new[2]!r}: {item[:80]!r}")
        n = len(items)
        print(f"| {name} | {grams}/{n} | {probs}/{n} | {answers}/{n} |")
    return differences


def timing(texts: list[str], rounds: int = 3) -> None:
    """Seconds for the stage inputs, langdetect and ours interleaved, best of ``rounds``."""
    from newsclean.stages.language import detect_language, langdetect_reference

    inputs = [forms(t)["stage input (normalised, 1,000)"] for t in texts]
    detect_language(inputs[0])
    best = {"langdetect Detector": float("inf"), "detect_language": float("inf")}
    for _ in range(rounds):
        for name, func in (("langdetect Detector", langdetect_reference), ("detect_language", detect_language)):
            start = time.perf_counter()
            for text in inputs:
                func(text)
            best[name] = min(best[name], time.perf_counter() - start)
    for name, seconds in best.items():
        print(f"- {name}: {seconds:.2f} s for {len(inputs)} stage inputs, {len(inputs) / seconds:.0f} texts/s")


def explore(texts: list[str]) -> None:
    """How often cheaper settings give the stage's answer."""
    from newsclean.stages.language import detect_language

    normalised = [forms(t)["whole normalised text"] for t in texts]
    stage = [detect_language(t[:1000]) for t in normalised]
    print("| setting | same answer as the stage |")
    print("|---|---:|")
    for prefix in (300, 600, 1000):
        for trials in (1, 2, 3):
            if (prefix, trials) == (1000, 3):
                continue
            same = sum(detect_language(t[:prefix], trials=trials) == s for t, s in zip(normalised, stage))
            print(f"| first {prefix} characters, {trials} trial(s) | {same}/{len(stage)} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("devsets", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for extraction")
    parser.add_argument("--explore", action="store_true")
    args = parser.parse_args(argv)
    paths = page_paths(args.devsets)[: args.limit]
    if not paths:
        print(f"skipping: no dev sets at {args.devsets}")
        return 0
    with ProcessPoolExecutor(args.jobs) as pool:
        texts = [t for t in pool.map(extract, paths, chunksize=8) if t]
    print(f"{len(texts)} texts with content from {len(paths)} pages\n")
    differences = compare(texts)
    print()
    timing(texts)
    if args.explore:
        print()
        explore(texts)
    print(f"\n{'all agree' if not differences else f'{differences} texts differ'}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
