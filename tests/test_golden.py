"""Every case under fixtures/ (see fixtures/README.md), through newsclean's own pytest plugin:
``golden_case`` is parametrised over the folder named by ``newsclean_fixtures`` in
pyproject.toml. Adding a case is adding files."""

from __future__ import annotations

from pathlib import Path

from newsclean.testing import discover

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_there_are_enough_cases():
    assert len(discover(FIXTURES)) >= 33


def test_golden_case(golden_case, newsclean_check):
    newsclean_check(golden_case)
