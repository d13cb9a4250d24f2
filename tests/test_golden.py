"""Every case under fixtures/ (see fixtures/README.md); adding a case is adding files."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from newsclean import default_pipeline
from newsclean.golden import compare, discover, run_case

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = discover(FIXTURES)
PIPELINE = default_pipeline(dedup=False)


def test_there_are_enough_cases():
    assert len(CASES) >= 33


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case):
    article = run_case(case, PIPELINE)
    problems = compare(case, article)
    if problems:
        diff = ""
        if case.expected_text is not None and article.text != case.expected_text:
            diff = "\n".join(
                difflib.unified_diff(
                    case.expected_text.splitlines(), article.text.splitlines(), "expected.txt", "obtained", lineterm=""
                )
            )
        removed = "\n".join(f"  [{r.category.value}] {r.rule}: {r.text[:90]}" for r in article.removed)
        pytest.fail(f"{case.name}: {'; '.join(problems)}\n{diff}\nremoved:\n{removed}", pytrace=False)
