"""RunConfig: one value with every setting of a run, its checks, and the identity resume keys on."""

from __future__ import annotations

import json
import os

import pytest

import newsclean
import newsclean.checkpoint
import newsclean.runner as runner
from newsclean.cli import main
from newsclean.config import RunConfig, SettingError, stage_settings
from newsclean.errors import ConfigError
from newsclean.integrations import clean_batch
from newsclean.pipeline import Pipeline
from newsclean.stages import MinLength, Normalize

from test_resume import STORIES, interrupt_after


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in STORIES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"min_words": 0}, "min_words"),
        ({"dedup_threshold": 1.5}, "dedup_threshold"),
        ({"dedup": "fuzzy"}, "dedup"),
        ({"keep_languages": "klingon"}, "keep_languages"),
        ({"time_budget": -1}, "time_budget"),
        ({"max_bytes": "10"}, "max_bytes"),
        ({"limit": 0}, "limit"),
        ({"stdin_format": "csv"}, "stdin_format"),
        ({"text_field": ""}, "text_field"),
        ({"text_field": "body", "html_field": "body"}, "html_field"),
        ({"site_repeat": "yes"}, "site_repeat"),
        ({"pipeline": "mine"}, "pipeline"),
    ],
)
def test_a_setting_not_accepted_is_named(settings, named):
    with pytest.raises(SettingError) as raised:
        RunConfig(**settings)
    assert raised.value.setting == named and named in str(raised.value)


def test_settings_are_normalised_and_unknown_ones_refused():
    config = RunConfig(keep_languages="EN,german", dedup=True, time_budget=0)
    assert config.keep_languages == ("en", "de") and config.dedup == "near" and config.time_budget is None
    with pytest.raises(ConfigError, match="unknown setting.*min_wrods"):
        RunConfig.of(min_wrods=3)
    assert RunConfig.of(config, min_words=4).min_words == 4 and config.min_words == 1


def test_an_own_pipeline_excludes_the_default_pipelines_settings():
    own = Pipeline(stages=(Normalize(),))
    assert RunConfig(pipeline=own).build_pipeline() is own
    with pytest.raises(SettingError, match="min_words is a setting of the default pipeline"):
        RunConfig(pipeline=own, min_words=5)
    assert RunConfig(pipeline=own).settings()["pipeline"] == ["extract", "normalize"]
    assert "min_words" not in RunConfig(pipeline=own).settings()


def test_identity_holds_every_stage_setting_rule_packs_and_versions():
    identity = RunConfig(dedup_threshold=0.7).identity()
    assert identity["dedup.params.threshold"] == 0.7
    assert identity["min_length.min_words"] == 1
    assert identity["reader.text_field"] == "text"
    assert identity["rule_pack.en"] and identity["version.ftfy"] and identity["version.newsclean"]
    # The rule lists of a stage are recorded by digest, never by a repr holding addresses.
    assert identity["header.masthead_rules.groups"].startswith("sha256:")
    assert "0x" not in json.dumps(identity)
    assert RunConfig(dedup_threshold=0.7).digest() == RunConfig(dedup_threshold=0.7).digest() != RunConfig().digest()


def test_identity_is_the_same_in_every_process():
    # A resumed run is another process, with another hash seed: its identity must not move.
    import subprocess
    import sys

    code = "from newsclean.config import RunConfig; print(RunConfig().digest())"
    digests = {
        subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True).stdout
        for seed in ("1", "2")
    }
    assert digests == {RunConfig().digest() + "\n"}


def test_identity_reads_the_settings_of_an_own_pipelines_stages():
    def own(min_words: int) -> RunConfig:
        return RunConfig(pipeline=Pipeline(stages=(Normalize(), MinLength(min_words=min_words))))

    assert own(3).identity()["min_length.min_words"] == 3
    assert own(3).digest() != own(4).digest()
    assert stage_settings(lambda article: article)[""].endswith("<lambda>")


def test_an_api_run_records_its_config_in_the_stats_file(corpus, tmp_path):
    out = tmp_path / "out.jsonl"
    newsclean.run([str(corpus)], str(out), jobs=1, min_words=2, dedup="exact")
    stats = json.loads((tmp_path / "out.stats.json").read_text(encoding="utf-8"))
    assert stats["options"]["min_words"] == 2 and stats["options"]["dedup"] == "exact"
    assert stats["options"]["engine"] == {"engine": "local", "jobs": 1}
    assert stats["config_digest"] == RunConfig(min_words=2, dedup="exact").digest()
    assert stats["versions"]["newsclean"] and "en" in stats["rule_packs"]


def _interrupted_api_run(corpus, out, monkeypatch, **settings):
    monkeypatch.setattr(runner, "CHECKPOINT_EVERY", 2)
    with monkeypatch.context() as patch:
        interrupt_after(patch, 5)
        with pytest.raises(KeyboardInterrupt):
            newsclean.run([str(corpus)], str(out), jobs=1, **settings)
    assert newsclean.checkpoint.checkpoint_path(str(out)).exists()


def test_an_api_resume_with_another_stage_setting_is_refused_naming_it(corpus, tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    _interrupted_api_run(corpus, out, monkeypatch)
    with pytest.raises(ConfigError, match=r"dedup\.params\.threshold \(0\.5 then, 0\.8 now\)"):
        newsclean.run([str(corpus)], str(out), jobs=1, resume=True, dedup_threshold=0.8)
    with pytest.raises(ConfigError, match=r"reader\.id_field"):
        newsclean.run([str(corpus)], str(out), jobs=1, resume=True, id_field="key")
    # The same settings, another number of jobs: resumed, and the output is the whole run's.
    newsclean.run([str(corpus)], str(out), jobs=2, resume=True)
    whole = tmp_path / "whole.jsonl"
    newsclean.run([str(corpus)], str(whole), jobs=1)
    assert out.read_bytes() == whole.read_bytes()


def test_a_cli_resume_with_another_stage_setting_is_refused_naming_it(corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(runner, "CHECKPOINT_EVERY", 2)
    out = tmp_path / "out.jsonl"
    with monkeypatch.context() as patch:
        interrupt_after(patch, 5)
        assert main(["clean", str(corpus), "-o", str(out), "--quiet", "--jobs", "1"]) == 130
    capsys.readouterr()
    assert main(["clean", str(corpus), "-o", str(out), "--quiet", "--dedup-threshold", "0.8", "--resume"]) == 2
    assert "dedup.params.threshold (0.5 then, 0.8 now)" in capsys.readouterr().err
    assert main(["clean", str(corpus), "-o", str(out), "--quiet", "--no-site-repeat", "--resume"]) == 2
    assert "pipeline (" in capsys.readouterr().err  # the stages differ
    assert main(["clean", str(corpus), "-o", str(out), "--quiet", "--jobs", "2", "--resume"]) == 0


# --- the reader's field names ------------------------------------------------------------------

RECORDS = [
    {"key": "k1", "body": STORIES["s01"], "id": "not-this"},
    {"key": "k2", "page": "<html><body><article><p>" + STORIES["s02"] + "</p></article></body></html>"},
]


def test_cli_reads_the_fields_it_is_told(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["clean", str(source), "-o", str(out), "--quiet", "--text-field", "body", "--html-field", "page", "--id-field", "key"]
    assert main(args) == 0
    kept = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in kept] == ["k1", "k2"]
    assert kept[0]["meta"]["id"] == "not-this"  # an unread field stays in meta
    assert "board of town number 2" in kept[1]["text"]
    # Without the options, neither record has content.
    assert main(["clean", str(source), "-o", str(tmp_path / "plain.jsonl"), "--quiet"]) == 1
    assert "no_content 2" in capsys.readouterr().err


def test_parquet_columns_are_read_by_the_field_names(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"key": ["p1"], "body": [STORIES["s04"]]}), source)
    out = tmp_path / "out.jsonl"
    newsclean.run([str(source)], str(out), jobs=1, text_field="body", id_field="key")
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["p1"]
    newsclean.run([str(source)], str(tmp_path / "plain.jsonl"), jobs=1)
    rejects = [json.loads(line) for line in (tmp_path / "plain.rejects.jsonl").read_text().splitlines()]
    assert rejects[0]["reason"] == "bad_schema" and "'html' or 'text'" in rejects[0]["detail"]


def test_integrations_take_the_id_field_and_a_config():
    batch = {"body": [STORIES["s05"]], "key": ["row-a"]}
    assert clean_batch(batch, "body", id_field="key")["clean_drop"] == [""]
    config = RunConfig(dedup="off", site_repeat=False, min_words=500)
    assert clean_batch(batch, "body", config=config)["clean_drop"] == ["too_short"]
    with pytest.raises(ConfigError, match="min_words"):
        clean_batch(batch, "body", min_words=0)


USER_PACK = """name = "mysite"
[[rule]]
id = "mysite.promo"
category = "advertisement"
action = "line"
position = "any"
pattern = '''^visit our harbour shop today$'''
examples = ["Visit our harbour shop today"]
counterexamples = ["We visit the harbour shop on Fridays."]
"""


def test_rule_packs_of_ones_own_join_the_pipeline_and_its_identity(tmp_path):
    pack = tmp_path / "mysite.toml"
    pack.write_text(USER_PACK, encoding="utf-8")
    config = RunConfig(rules=[str(pack)])
    text = "The harbour board approved a new ferry timetable on Monday after complaints from residents.\n\nVisit our harbour shop today"
    article = config.build_pipeline().process(newsclean.RawDocument(id="a", content=text, format="text"))
    assert [r.rule for r in article.removed] == ["mysite.promo"]
    assert RunConfig().digest() != config.digest()
    with pytest.raises(SettingError):
        RunConfig(rules=[3])
