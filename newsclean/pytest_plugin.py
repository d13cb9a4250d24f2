"""pytest plugin: golden cases and boilerplate checks in any project's test suite.

Installed with the package (entry point ``pytest11``), nothing to configure. It gives:

- ``newsclean_pipeline``: the pipeline cases are cleaned with (``default_pipeline(dedup=False)``);
  override the fixture in your ``conftest.py`` to test your own;
- ``golden_case``: any test asking for it runs once per case in the fixtures folder, named by
  ``--newsclean-fixtures DIR`` or the ``newsclean_fixtures`` ini option (relative to the rootdir);
- ``newsclean_check``: call it with the case; on a mismatch it writes ``obtained.*`` files into
  the case folder and fails with a unified diff. With ``--newsclean-regen`` it rewrites the
  expected files instead, and still fails so that a human reviews the change.

See docs/testing.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# The library is imported only by the fixtures and hooks that use it: pytest loads this plugin
# in every project that has newsclean installed, and most of their runs never touch it.
if TYPE_CHECKING:
    from newsclean.pipeline import Pipeline
    from newsclean.testing import GoldenCase


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("newsclean")
    group.addoption("--newsclean-fixtures", metavar="DIR", default=None, help="folder of newsclean golden cases")
    group.addoption(
        "--newsclean-regen", action="store_true", default=False,
        help="rewrite the expected files of failing golden cases (the tests still fail: review the change)",
    )
    parser.addini("newsclean_fixtures", "folder of newsclean golden cases, relative to the rootdir", default="")


def fixtures_folder(config: pytest.Config) -> Path | None:
    option = config.getoption("--newsclean-fixtures")
    if option:
        return Path(option).resolve()
    ini = config.getini("newsclean_fixtures")
    return (Path(config.rootpath) / ini).resolve() if ini else None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "golden_case" not in metafunc.fixturenames:
        return
    folder = fixtures_folder(metafunc.config)
    if folder is None:
        raise pytest.UsageError("golden_case needs --newsclean-fixtures DIR or the newsclean_fixtures ini option")
    from newsclean.testing import discover

    try:
        cases = discover(folder) if folder.is_dir() else []
    except ValueError as exc:  # a case folder without exactly one recognised input
        raise pytest.UsageError(str(exc)) from None
    if not cases:
        raise pytest.UsageError(f"no newsclean golden cases in {folder}")
    metafunc.parametrize("golden_case", cases, ids=[c.name for c in cases])


@pytest.fixture(scope="session")
def newsclean_pipeline() -> Pipeline:
    """The pipeline golden cases are cleaned with; override it in your conftest.py."""
    from newsclean.api import default_pipeline

    return default_pipeline(dedup=False)


@pytest.fixture
def newsclean_check(request: pytest.FixtureRequest, newsclean_pipeline: Pipeline) -> Callable[[GoldenCase], None]:
    """Check one golden case; fails with a diff (and, with --newsclean-regen, rewrites it)."""
    from newsclean.testing import check_case, regenerate

    regen = request.config.getoption("--newsclean-regen")

    def check(case: GoldenCase) -> None:
        result = check_case(case, newsclean_pipeline)
        if result.passed:
            return
        message = result.report()
        if regen:
            regenerate(case, result.article)
            message += f"\nexpected files of {case.name} rewritten (--newsclean-regen): review the change"
        pytest.fail(message, pytrace=False)

    return check
