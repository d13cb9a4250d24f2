"""Quality gate: the dev-set benchmark must not fall below the floors pinned in the repository.

Runs ``benchmarks/quality.py`` over the whole trafilatura evaluation set when it is present
(``$NEWSCLEAN_DEVSETS``, else ``../shared/devsets`` beside the checkout) and skips, saying why,
when it is not. The floors live in ``benchmarks/quality_floors.json`` with the digest of the data
they were measured on: a changed dev set fails here until the floors are pinned again. Floors
only ever move up: ``tests/test_quality_gate.py::test_floors_only_move_up`` compares them with
the floors of the previous commit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / "benchmarks" / "quality_floors.json"
METRICS = ("precision", "recall", "f1")


def devsets() -> Path:
    return Path(os.environ.get("NEWSCLEAN_DEVSETS") or ROOT.parent / "shared" / "devsets")


def load_quality():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import quality
    finally:
        sys.path.pop(0)
    return quality


def test_floors_file_is_well_formed():
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    assert len(floors["digest"]) == 64
    for system in floors["systems"].values():
        assert set(system) == set(METRICS)
        assert all(0.0 < value <= 1.0 for value in system.values())


def test_floors_only_move_up():
    shown = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"HEAD~1:{FLOORS.relative_to(ROOT).as_posix()}"],
        capture_output=True, text=True,
    )
    if shown.returncode != 0:
        pytest.skip("no floors file in the previous commit (or not a git checkout)")
    before = json.loads(shown.stdout)
    now = json.loads(FLOORS.read_text(encoding="utf-8"))
    if before["digest"] != now["digest"]:
        pytest.skip("the dev set changed: floors were pinned again on the new data")
    for name, old in before["systems"].items():
        for metric in METRICS:
            assert now["systems"][name][metric] >= old[metric], f"{name} {metric} floor moved down"


def test_dev_set_scores_stay_above_the_pinned_floors():
    quality = load_quality()
    found = quality.locate_dataset(devsets())
    if found is None:
        pytest.skip(f"no dev set at {devsets()} (set NEWSCLEAN_DEVSETS to run the quality gate)")
    root, digest_file = found
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    digest = quality.sha256_of(digest_file)
    assert digest == floors["digest"], (
        f"the dev set changed (sha256 {digest}, floors pinned on {floors['digest']}): "
        "re-run benchmarks/quality.py --pin-floors and review the new floors"
    )
    results = quality.evaluate(quality.load_pages(root, None), jobs=os.cpu_count() or 1)
    failures = []
    for name, floor in floors["systems"].items():
        score = quality.totals(results, name)
        for metric in METRICS:
            value = getattr(score, metric)
            if value < floor[metric]:
                failures.append(f"{name}: {metric} {value:.4f} < floor {floor[metric]:.4f}")
    assert not failures, "; ".join(failures)
