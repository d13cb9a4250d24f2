"""The pytest plugin, as a downstream project sees it (run in a fresh pytest with pytester)."""

from __future__ import annotations

import json

import pytest

from newsclean import clean
from newsclean.testing import assert_no_boilerplate, find_boilerplate

STORY = (
    "The harbour board approved the repair budget on Tuesday after a long debate, its chair said.\n\n"
    "Work on the north pier will start in spring and should take two years, the board added."
)


def make_case(root, name, text, expected_text, expected=None):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "input.txt").write_text(text, encoding="utf-8")
    (folder / "expected.txt").write_text(expected_text, encoding="utf-8")
    if expected is not None:
        (folder / "expected.json").write_text(json.dumps(expected), encoding="utf-8")
    return folder


TEST_FILE = """
def test_case(golden_case, newsclean_check):
    newsclean_check(golden_case)
"""


@pytest.fixture
def project(pytester):
    cases = pytester.path / "cases"
    make_case(cases, "ad_mid", STORY.replace("\n\n", "\n\nAdvertisement\n\n"), STORY, {"categories": ["advertisement"]})
    make_case(cases, "plain", STORY, STORY, {"categories": []})
    pytester.makeini("[pytest]\nnewsclean_fixtures = cases\n")
    pytester.makepyfile(test_cases=TEST_FILE)
    return cases


def test_golden_case_is_parametrised_over_the_ini_folder(pytester, project):
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*test_case?ad_mid? PASSED*", "*test_case?plain? PASSED*"])


def test_command_line_option_points_at_another_folder(pytester, project):
    other = pytester.path / "other"
    make_case(other, "only", STORY, STORY)
    result = pytester.runpytest("-v", "--newsclean-fixtures", str(other))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*test_case?only? PASSED*"])


def test_mismatch_fails_with_a_diff_and_writes_obtained_files(pytester, project):
    (project / "ad_mid" / "expected.txt").write_text(STORY + "\n\nA sentence the cleaner never produces.", encoding="utf-8")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*ad_mid: text differs*", "*--- expected.txt*", "*+++ obtained.txt*", "*-A sentence the cleaner never produces.*"])
    assert (project / "ad_mid" / "obtained.txt").read_text(encoding="utf-8").strip() == STORY
    assert json.loads((project / "ad_mid" / "obtained.json").read_text(encoding="utf-8"))["categories"] == ["advertisement"]


def test_regen_rewrites_expected_files_and_still_fails(pytester, project):
    (project / "ad_mid" / "expected.txt").write_text("stale", encoding="utf-8")
    first = pytester.runpytest("--newsclean-regen")
    first.assert_outcomes(passed=1, failed=1)
    first.stdout.fnmatch_lines(["*rewritten (--newsclean-regen): review the change*"])
    assert (project / "ad_mid" / "expected.txt").read_text(encoding="utf-8").strip() == STORY
    pytester.runpytest().assert_outcomes(passed=2)
    assert not (project / "ad_mid" / "obtained.txt").exists()


def test_pipeline_fixture_can_be_overridden_in_conftest(pytester, project):
    pytester.makeconftest(
        """
import pytest
from newsclean import default_pipeline

@pytest.fixture(scope="session")
def newsclean_pipeline():
    return default_pipeline(dedup=False).without("boilerplate")
"""
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)  # without boilerplate, the ad stays
    result.stdout.fnmatch_lines(["*ad_mid: text differs*"])


def test_golden_case_without_a_folder_is_a_usage_error(pytester):
    pytester.makepyfile(test_cases=TEST_FILE)
    result = pytester.runpytest()
    assert result.ret != 0
    assert "golden_case needs --newsclean-fixtures" in result.stdout.str() + result.stderr.str()


def test_assert_no_boilerplate_names_category_rule_and_line():
    dirty = STORY + "\n\nSign up for our morning newsletter and get the news in your inbox."
    with pytest.raises(AssertionError) as failure:
        assert_no_boilerplate(dirty)
    message = str(failure.value)
    assert "[newsletter] en.newsletter.signup: Sign up for our morning newsletter" in message


def test_assert_no_boilerplate_passes_clean_text_and_cleaned_articles():
    assert_no_boilerplate(STORY)
    assert_no_boilerplate(clean(text=STORY + "\n\nAdvertisement\n\nShare this article"))


def test_categories_narrow_the_check():
    dirty = STORY + "\n\nAdvertisement"
    assert find_boilerplate(dirty, categories=["newsletter"]) == []
    assert find_boilerplate(dirty, categories=["advertisement"]) == ["[advertisement] en.advertisement.label: Advertisement"]


def test_hard_negative_sentence_is_not_boilerplate():
    assert_no_boilerplate(STORY + "\n\nAdvertising revenue at the port authority's magazine fell by a third, the board said.")


# --- issue 15: lazy plugin, our frame hidden, misnamed inputs -----------------------------------


def test_loading_the_plugin_imports_none_of_the_library():
    import subprocess
    import sys

    code = (
        "import sys, newsclean, newsclean.pytest_plugin; "
        "print(sorted(m for m in ('trafilatura', 'lxml', 'newsclean.api', 'newsclean.pipeline', 'newsclean.testing') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_failing_assert_no_boilerplate_shows_the_callers_frame_not_ours(pytester):
    pytester.makepyfile(
        test_dirty="""
from newsclean.testing import assert_no_boilerplate

def test_dirty():
    assert_no_boilerplate("The board met on Tuesday.\\n\\nAdvertisement")
"""
    )
    result = pytester.runpytest()
    assert result.ret == 1
    output = result.stdout.str()
    assert 'assert_no_boilerplate("The board met on Tuesday.' in output
    assert "[advertisement] en.advertisement.label: Advertisement" in output
    assert "newsclean/testing.py" not in output and "found = find_boilerplate" not in output


def test_a_case_folder_with_a_misnamed_input_is_an_error_naming_the_accepted_names(pytester, project):
    misnamed = project / "misnamed"
    misnamed.mkdir()
    (misnamed / "input.htm").write_text("<p>" + STORY + "</p>", encoding="utf-8")
    (misnamed / "expected.txt").write_text(STORY, encoding="utf-8")
    result = pytester.runpytest()
    assert result.ret != 0
    output = result.stdout.str() + result.stderr.str()
    assert f"golden case {misnamed} needs exactly one of input.txt, input.html (it has expected.txt, input.htm)" in output
