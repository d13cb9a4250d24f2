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


# --- declared order: requires / provides ---------------------------------------------------------


def test_a_stage_before_the_one_that_sets_what_it_needs_is_refused_naming_both():
    from newsclean.errors import ConfigError
    from newsclean.stages import Boilerplate, Language

    with pytest.raises(ConfigError) as refused:
        Pipeline(stages=(Normalize(), Boilerplate.for_languages("en"), Language()))
    message = str(refused.value)
    assert "'boilerplate'" in message and "'language'" in message and "put 'language' before 'boilerplate'" in message


def test_the_order_is_checked_again_when_a_pipeline_is_changed():
    from newsclean.errors import ConfigError
    from newsclean.stages import Language

    pipeline = newsclean.default_pipeline()
    with pytest.raises(ConfigError, match="put 'language' before 'boilerplate'"):
        pipeline.without("language").then(Language())
    with pytest.raises(ConfigError, match="put 'normalize' before 'language'"):
        pipeline.without("normalize").then(Normalize())


def test_a_fact_no_stage_sets_is_not_checked():
    """The input may carry it: Articles whose language is known go straight to the rules."""
    from newsclean.stages import Boilerplate

    pipeline = Pipeline(stages=(Boilerplate.for_languages("en"),))
    article = Article(id="a", language="en", text="The council met on Tuesday.\n\nShare this article")
    assert pipeline.process(article).text == "The council met on Tuesday."


@attrs.frozen
class Tagger(DocumentStage):
    name: ClassVar[str] = "tagger"
    provides: ClassVar[frozenset[str]] = frozenset({"topic"})

    def apply(self, article):
        return attrs.evolve(article, meta={**article.meta, "topic": "harbour"})


def needs_topic(article: Article) -> Article:
    return attrs.evolve(article, text=article.text + f"\n\n[{article.meta['topic']}]")


needs_topic.name = "needs_topic"  # type: ignore[attr-defined]
needs_topic.requires = {"topic"}  # type: ignore[attr-defined]


def test_a_users_stages_declare_facts_of_their_own_plain_functions_too():
    from newsclean.errors import ConfigError

    assert Pipeline(stages=(Tagger(), needs_topic)).process(Article(id="a", text="Quay.")).text == "Quay.\n\n[harbour]"
    with pytest.raises(ConfigError, match="stage 'needs_topic' needs 'topic', which stage 'tagger' sets after it"):
        Pipeline(stages=(needs_topic, Tagger()))


@attrs.frozen
class Stringly(DocumentStage):
    name: ClassVar[str] = "stringly"
    requires: ClassVar = "language"  # a string: its letters would be taken for facts

    def apply(self, article):
        return article


def test_requires_as_a_bare_string_is_refused_by_the_pipeline_and_check_stage():
    from newsclean.errors import ConfigError

    with pytest.raises(ConfigError, match="requires must be a set of fact names"):
        Pipeline(stages=(Stringly(),))
    with pytest.raises(StageContractError, match="`requires` must be a set of fact names"):
        check_stage(Stringly())
    check_stage(Tagger())


def test_flags_travel_with_the_article_but_not_into_the_output():
    from newsclean.duplicates import record_json
    from newsclean.model import Flag
    from newsclean.writers import article_record

    flagged = Article(id="a", text="Quay.", trace=("extract", "extract:no-title"), flags={Flag.NO_TITLE})
    assert Article.from_dict(json.loads(json.dumps(flagged.to_dict()))) == flagged
    assert "flags" not in article_record(flagged)
    # The dedup tie-break hashes the record as it was before flags existed.
    assert record_json(flagged) == record_json(attrs.evolve(flagged, flags=()))
