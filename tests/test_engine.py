"""Issue 14: one engine. A corpus stage is one class and runs unchanged on every runner; the
same inputs give byte-identical files on every engine, time budget included; a default run
killed at any point resumes to the uninterrupted run's output without cleaning a finished
document again."""

from __future__ import annotations

import collections
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import attrs
import pytest

from newsclean import Article, Drop, RawDocument, default_pipeline
from newsclean.corpus import Keyed
from newsclean.stages.base import CorpusStage
from newsclean.model import Reject
from newsclean.pipeline import Pipeline
from newsclean.runner import Runner, run


@attrs.frozen
class BusyDays(CorpusStage[dict, set]):
    """Drops every article of a source on a day it published more than ``limit`` articles
    (the toy corpus stage of the issue)."""

    name: ClassVar[str] = "busy_days"
    limit: int = 2

    def observe(self, batch: Sequence[Keyed]) -> dict:
        counts: collections.Counter = collections.Counter()
        for _, article in batch:
            counts[(article.source, str(article.published))] += 1
        return dict(counts)

    def merge(self, states: Sequence[dict]) -> dict:
        total: collections.Counter = collections.Counter()
        for state in states:
            total.update(state)
        return dict(total)

    def decide(self, state: dict) -> set:
        return {day for day, n in state.items() if n > self.limit}

    def apply(self, key: int, article: Article, model: set) -> Article:
        if (article.source, str(article.published)) in model:
            return attrs.evolve(article, drop=Drop(stage=self.name, reason="busy_day", detail=f"over {self.limit} a day"))
        return article


@attrs.frozen
class Slow:
    """Sleeps on documents that ask for it (a stage that hangs on some input)."""

    name: ClassVar[str] = "slow"

    def __call__(self, article: Article) -> Article:
        if "SLOW" in article.text:
            time.sleep(3.0)
        return article


def write_corpus(folder: Path, n: int = 40) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(3)
    with (folder / "news.jsonl").open("w", encoding="utf-8") as handle:
        for i in range(n):
            text = (
                f"The harbour board of town {i} approved {rng.randint(2, 90)} repairs to berth {i % 9} on Monday, its chair said.\n\n"
                f"Ferry number {i} will use the {rng.choice(['north', 'south'])} quay until the work is done in {rng.choice(['May', 'June'])}."
            )
            if i % 11 == 5:
                text += "\n\nSLOW"
            record = {"id": f"n{i:03d}", "text": text, "source": f"site{i % 3}", "published": f"2024-05-0{1 + i % 5}"}
            if i % 13 == 0:
                record = {"id": f"n{i:03d}", "text": ""}  # a reader's reject
            handle.write(json.dumps(record) + "\n")
        handle.write("not json\n")
    (folder / "page.html").write_text("<html><body><article><p>" + "The quay reopened on Friday after a month of repairs, the harbour master said. " * 3 + "</p></article></body></html>")
    return folder


def toy_pipeline(time_budget: float | None = None) -> Pipeline:
    pipeline = default_pipeline(dedup="near", time_budget=time_budget)
    return attrs.evolve(pipeline, stages=pipeline.stages[:1] + (Slow(),) + pipeline.stages[1:] + (BusyDays(limit=2),))


RUNNERS = {
    "jobs-1": lambda: Runner.local(jobs=1),
    "jobs-2": lambda: Runner.local(jobs=2),
    "dask-2": lambda: Runner.dask(workers=2),
}


def run_with(name: str, corpus: Path, out: Path, pipeline: Pipeline) -> dict[str, bytes]:
    if name.startswith("dask"):
        pytest.importorskip("distributed")
    RUNNERS[name]().run([str(corpus)], str(out), pipeline=pipeline)
    return {p.name: p.read_bytes() for p in (out, out.with_name(out.stem + ".rejects.jsonl"))}


def test_a_toy_corpus_stage_runs_unchanged_on_every_runner(tmp_path):
    corpus = write_corpus(tmp_path / "in")
    pipeline = toy_pipeline()
    expected = [a.to_dict() for a in pipeline.run(__import__("newsclean.readers", fromlist=["x"]).read_inputs([str(corpus)]))]
    assert any(a["drop"] and a["drop"]["reason"] == "busy_day" for a in expected)
    assert any(a["drop"] is None for a in expected)
    files = {name: run_with(name, corpus, tmp_path / name / "out.jsonl", pipeline) for name in RUNNERS}
    assert files["jobs-2"] == files["jobs-1"] == files["dask-2"]
    written = [json.loads(line) for line in files["jobs-1"]["out.jsonl"].splitlines()]
    assert [r["id"] for r in written] == [a["id"] for a in expected if a["drop"] is None]


def test_same_bytes_on_every_engine_with_a_time_budget(tmp_path):
    corpus = write_corpus(tmp_path / "in")
    pipeline = toy_pipeline(time_budget=1.5)
    files = {name: run_with(name, corpus, tmp_path / name / "out.jsonl", pipeline) for name in RUNNERS}
    assert files["jobs-2"] == files["jobs-1"] == files["dask-2"]
    rejects = [json.loads(line) for line in files["dask-2"]["out.rejects.jsonl"].splitlines()]
    timeouts = {r["id"] for r in rejects if r["reason"] == "timeout"}
    assert timeouts == {"n005", "n016", "n027", "n038"}  # every SLOW document, on Dask's threads too


def test_a_readers_reject_stands_with_a_users_own_extractor():
    seen: list[str] = []

    def my_extractor(raw: RawDocument) -> Article:
        seen.append(raw.id)
        return Article(id=raw.id, text=str(raw.content))

    pipeline = Pipeline(extract=my_extractor)
    bad = RawDocument(id="bad", error=Reject("too_large", "over the limit"))
    good = RawDocument(id="good", content="Text.")
    out = {a.id: a for a in pipeline.run([bad, good])}
    assert seen == ["good"]
    assert (out["bad"].drop.reason, out["bad"].drop.detail) == ("too_large", "over the limit")
    assert RawDocument(id="x", error="bad_json: line 3").error == Reject("bad_json", "line 3")
    with pytest.raises(ValueError):
        Reject("no_such_reason")


def test_run_from_python_returns_the_stats_and_writes_the_files(tmp_path):
    corpus = write_corpus(tmp_path / "in", n=12)
    out = tmp_path / "out" / "clean.jsonl"
    stats = run([str(corpus)], str(out), jobs=1)
    assert stats.documents_in == 14 and stats.documents_in == stats.kept + stats.rejected_total
    assert json.loads((tmp_path / "out" / "clean.stats.json").read_text())["documents_in"] == 14
    assert len(out.read_text().splitlines()) == stats.kept


# --- SIGKILL, then --resume -----------------------------------------------------------------------

SCRIPT = textwrap.dedent(
    """
    import os, sys, attrs
    import newsclean.runner as runner
    from newsclean import default_pipeline

    runner.CHECKPOINT_EVERY = 25

    @attrs.frozen
    class Count:
        name = "count"
        def __call__(self, article):
            with open(os.environ["COUNT_LOG"], "a") as log:
                log.write(article.id + "\\n")
            return article

    pipeline = default_pipeline()
    pipeline = attrs.evolve(pipeline, stages=(Count(),) + pipeline.stages)
    runner.Runner.local(jobs=2).run([sys.argv[1]], sys.argv[2], pipeline=pipeline, resume=sys.argv[3] == "resume")
    """
)


def kill_corpus(path: Path, n: int = 400) -> None:
    rng = random.Random(11)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            base = i // 3 if i % 5 == 0 else i  # some near copies for dedup
            text = " ".join(
                f"The board of town {base} approved {rng.randint(2, 900) if i % 5 else base} repairs to berth {base % 40} on day {base}."
                for _ in range(3)
            )
            handle.write(json.dumps({"id": f"d{i:04d}", "text": text, "source": f"s{i % 4}"}) + "\n")


def start(script: Path, corpus: Path, out: Path, log: Path, mode: str) -> subprocess.Popen:
    env = {**os.environ, "COUNT_LOG": str(log), "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.Popen([sys.executable, str(script), str(corpus), str(out), mode], env=env, start_new_session=True)


def test_sigkill_at_any_point_of_a_default_run_then_resume_gives_the_same_bytes(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    corpus = tmp_path / "in.jsonl"
    kill_corpus(corpus)
    whole = tmp_path / "whole" / "out.jsonl"
    started = time.monotonic()
    assert start(script, corpus, whole, tmp_path / "whole.log", "fresh").wait(300) == 0
    duration = time.monotonic() - started
    expected = {name: (whole.parent / name).read_bytes() for name in ("out.jsonl", "out.rejects.jsonl")}
    rng = random.Random(5)
    # Kill points: random times, and once the document pass is known complete (the corpus steps).
    for trial, when in enumerate([rng.uniform(0.1, 1.0) * duration for _ in range(4)] + ["corpus"]):
        out = tmp_path / f"t{trial}" / "out.jsonl"
        log = tmp_path / f"t{trial}.log"
        process = start(script, corpus, out, log, "fresh")
        checkpoint = Path(str(out) + ".partial.checkpoint")
        if when == "corpus":
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and process.poll() is None:
                if checkpoint.exists() and json.loads(checkpoint.read_text() or "{}").get("phase") == "corpus":
                    break
                time.sleep(0.01)
        else:
            time.sleep(when)
        killed = process.poll() is None
        if killed:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(60)
        cleaned_before = log.read_text().splitlines() if log.exists() else []
        if killed and checkpoint.exists():
            state = json.loads(checkpoint.read_text())
            assert start(script, corpus, out, log, "resume").wait(300) == 0
            cleaned_after = log.read_text().splitlines()[len(cleaned_before):]
            if state["phase"] == "corpus":
                assert cleaned_after == []  # no finished document cleaned again
            else:
                assert len(cleaned_after) == 400 - state["documents_done"]
        elif killed:  # killed before the first checkpoint: run afresh
            assert start(script, corpus, out, log, "fresh").wait(300) == 0
        for name, data in expected.items():
            assert (out.parent / name).read_bytes() == data, (trial, when, name)


def test_progress_shows_each_pass_with_a_total_and_v_logs_the_passes(tmp_path, capsys):
    from newsclean.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(7):
        (folder / f"p{i}.txt").write_text(f"The ferry to island number {i} left on time on Sunday, the operator said.")
    assert main(["clean", str(folder), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1", "-v"]) == 0
    err = capsys.readouterr().err
    # stderr is no terminal here: plain lines, not bars (issue 29); seven files: the total is known
    assert "newsclean: documents: 7/7" in err.splitlines()
    for bar in ("site_repeat: observe", "site_repeat: apply", "dedup: observe", "dedup: apply"):
        assert f"newsclean: {bar}: 7/7" in err.splitlines()
    assert "document pass: 7 documents" in err and "dedup: observed in" in err


def test_the_dask_runner_reads_with_the_pipelines_size_limit(tmp_path):
    pytest.importorskip("distributed")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "big.txt").write_text("The harbour board met again on Monday, its chair said. " * 100)
    (folder / "small.txt").write_text("The harbour board met on Monday, its chair said.")
    pipeline = default_pipeline(max_bytes=1000)
    files = {name: run_with(name, folder, tmp_path / name / "out.jsonl", pipeline) for name in ("jobs-1", "dask-2")}
    assert files["jobs-1"] == files["dask-2"]
    [reject] = [json.loads(line) for line in files["dask-2"]["out.rejects.jsonl"].splitlines()]
    assert (reject["id"], reject["reason"]) == ("big", "too_large")


def test_an_engine_is_a_type_and_an_unknown_one_cannot_be_built(tmp_path):
    from newsclean.errors import ConfigError
    from newsclean.runner import DaskEngine, LocalEngine

    assert Runner.local(jobs=2).engine == LocalEngine(jobs=2)
    assert Runner.dask(workers=3).engine == DaskEngine(workers=3)
    assert Runner().engine == LocalEngine(jobs=1)
    for engine in ("x", "local", None, 2):
        with pytest.raises(ConfigError, match="engine must be"):
            Runner(engine=engine)
    with pytest.raises(ConfigError, match="jobs"):
        Runner.local(jobs=0)
