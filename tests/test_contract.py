"""The stage contract: check_stage finds the stages that would break a run, and the runner
names a stage that returns something other than an Article."""

from __future__ import annotations

import json
from typing import ClassVar

import attrs
import pytest

import newsclean
from newsclean.model import Article
from newsclean.pipeline import Pipeline
from newsclean.stages import Dedup, MinLength, Normalize, SiteRepeat
from newsclean.stages.base import CorpusStage, DocumentStage
from newsclean.testing import StageContractError, check_stage


@attrs.frozen
class Forgetful(DocumentStage):
    name: ClassVar[str] = "forgetful"

    def apply(self, article):
        attrs.evolve(article, text=article.text.upper())  # no return


@attrs.frozen
class Meddling(DocumentStage):
    name: ClassVar[str] = "meddling"

    def apply(self, article):
        article.meta["seen"] = True
        return article


def shout(article: Article) -> Article:
    return attrs.evolve(article, text=article.text.upper())


shout.name = "shout"  # type: ignore[attr-defined]


@attrs.frozen
class ForgetfulCorpus(CorpusStage):
    name: ClassVar[str] = "forgetful_corpus"

    def observe(self, batch):
        return len(batch)

    def merge(self, states):
        return sum(states)

    def decide(self, state):
        return state

    def apply(self, key, article, model):
        return None


@pytest.mark.parametrize("stage", [Normalize(), MinLength(min_words=3), SiteRepeat(), Dedup(), shout])
def test_the_built_in_stages_keep_the_contract(stage):
    check_stage(stage)


@pytest.mark.parametrize(
    ("stage", "problem"),
    [
        (Forgetful(), "returned NoneType for 'sample-0', not an Article (a missing return?)"),
        (Meddling(), "changed its input article"),
        (lambda article: article, "cannot be pickled"),
        (ForgetfulCorpus(), "apply returned NoneType, not an Article"),
    ],
)
def test_check_stage_finds_each_broken_contract(stage, problem):
    with pytest.raises(StageContractError, match="stage contract broken") as raised:
        check_stage(stage)
    assert problem in str(raised.value)


def test_a_lambda_is_told_to_become_a_module_level_function():
    with pytest.raises(StageContractError, match="module-level function or class, not a lambda"):
        check_stage(lambda article: article)


def test_a_stage_returning_none_drops_the_document_naming_the_stage(tmp_path):
    pipeline = Pipeline(stages=(Normalize(), Forgetful(), MinLength()))
    article = pipeline.process(newsclean.RawDocument(id="a", content="The harbour board met on Tuesday.", format="text"))
    assert article.drop.stage == "forgetful" and article.drop.reason == "error"
    assert "stage 'forgetful' returned NoneType, not an Article (does it end without a return?)" in article.drop.detail
    # The same in a run: the document is rejected with that reason, the run goes on and balances.
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("The harbour board met on Tuesday and approved the budget.")
    stats = newsclean.run([str(tmp_path / "in")], str(tmp_path / "out.jsonl"), jobs=1, pipeline=pipeline)
    assert stats.documents_in == 1 and stats.rejected["error"] == 1
    reject = json.loads((tmp_path / "out.rejects.jsonl").read_text())
    assert reject["stage"] == "forgetful" and "returned NoneType" in reject["detail"]


def test_a_corpus_stage_returning_none_is_named_too():
    with pytest.raises(TypeError, match="stage 'forgetful_corpus' returned NoneType"):
        list(ForgetfulCorpus().run([Article(id="a", text="One line of text.")]))


def test_no_import_cycle_goes_through_the_corpus_module():
    import ast
    from pathlib import Path

    import newsclean.corpus as corpus

    tree = ast.parse(Path(corpus.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.col_offset == 0}
    assert not any(name and (name.startswith("newsclean.stages") or name == "newsclean.pipeline") for name in imported)
    assert newsclean.CorpusStage is CorpusStage
