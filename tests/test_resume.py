"""--resume: an interrupted run continues from its checkpoint, without duplicates or gaps."""

from __future__ import annotations


import json

import pytest

import newsclean.checkpoint
import newsclean.cli as cli
from newsclean.cli import main

from test_dedup import FERRY, ORCHARD, syndicated
import newsclean.runner as runner

STORIES = {
    f"s{n:02d}": f"The harbour board of town number {n} met on Monday and approved {n * 3} repairs to berth {n}, its chair said."
    for n in range(20)
}
STORIES.update({"copy": STORIES["s03"], "empty": "", "ferry": FERRY, "ferry-wire": syndicated(FERRY), "orchard": ORCHARD})


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in STORIES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def interrupt_after(monkeypatch, count: int, processed: list[str] | None = None):
    real = runner.process_parallel

    def interrupted(pipeline, documents, jobs):
        def counted():
            for document in documents:
                if processed is not None:
                    processed.append(document.id)
                yield document

        for i, article in enumerate(real(pipeline, counted(), jobs)):
            if i == count:
                raise KeyboardInterrupt
            yield article

    monkeypatch.setattr(runner, "process_parallel", interrupted)


@pytest.mark.parametrize("options", [[], ["--dedup", "off", "--no-site-repeat"]])
def test_resumed_run_equals_an_uninterrupted_one(corpus, tmp_path, monkeypatch, capsys, options):
    monkeypatch.setattr(newsclean.checkpoint, "EVERY", 4)
    monkeypatch.setattr(runner, "CHECKPOINT_EVERY", 4)
    whole = tmp_path / "whole.jsonl"
    assert main(["clean", str(corpus), "-o", str(whole), "--jobs", "1", "--quiet", *options]) == 0

    out = tmp_path / "out.jsonl"
    args = ["clean", str(corpus), "-o", str(out), "--jobs", "1", *options]
    with monkeypatch.context() as patch:
        interrupt_after(patch, 10)
        assert main(args) == 130
    assert not out.exists() and newsclean.checkpoint.checkpoint_path(str(out)).exists()
    checkpoint = json.loads(newsclean.checkpoint.checkpoint_path(str(out)).read_text())
    assert checkpoint["documents_done"] == 8
    processed: list[str] = []
    with monkeypatch.context() as patch:
        interrupt_after(patch, 10_000, processed)
        assert main(args + ["--resume"]) == 0
    assert out.read_bytes() == whole.read_bytes()
    assert (tmp_path / "out.rejects.jsonl").read_bytes() == (tmp_path / "whole.rejects.jsonl").read_bytes()
    assert not newsclean.checkpoint.checkpoint_path(str(out)).exists()
    stats = json.loads((tmp_path / "out.stats.json").read_text())
    assert stats["documents_in"] == len(STORIES) and stats["balanced"]
    # The 8 documents done are not cleaned again: with corpus stages, they wait in the spill file.
    assert len(processed) == len(STORIES) - 8
    assert capsys.readouterr().err.strip().endswith(f"{len(STORIES)} in = {stats['documents_out']} out + {stats['rejected']} rejected")


@pytest.mark.parametrize(("options", "written"), [(["--no-site-repeat"], "out.jsonl.partial"), ([], "out.jsonl.partial.spill")])
def test_lines_written_after_the_last_checkpoint_are_not_duplicated(corpus, tmp_path, monkeypatch, capsys, options, written):
    monkeypatch.setattr(runner, "CHECKPOINT_EVERY", 5)
    out = tmp_path / "out.jsonl"
    args = ["clean", str(corpus), "-o", str(out), "--jobs", "1", "--quiet", "--dedup", "off", *options]
    with monkeypatch.context() as patch:
        interrupt_after(patch, 13)
        assert main(args) == 130
    partial = tmp_path / written
    # A crash can leave half a line behind the checkpoint, too.
    partial.write_bytes(partial.read_bytes() + b'{"id": "half a li')
    assert main(args + ["--resume"]) == 0
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    rejected = [json.loads(line)["id"] for line in (tmp_path / "out.rejects.jsonl").read_text().splitlines()]
    assert len(ids) == len(set(ids)) and len(ids) + len(rejected) == len(STORIES)


def test_resume_refuses_other_options_missing_checkpoints_and_stdout(corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(runner, "CHECKPOINT_EVERY", 2)
    out = tmp_path / "out.jsonl"
    with monkeypatch.context() as patch:
        interrupt_after(patch, 5)
        assert main(["clean", str(corpus), "-o", str(out), "--quiet"]) == 130
    capsys.readouterr()
    assert main(["clean", str(corpus), "-o", str(out), "--quiet", "--min-words", "3", "--resume"]) == 2
    assert "min_words" in capsys.readouterr().err
    # Nothing to resume: the run starts afresh and says so (issue 29, item 9).
    assert main(["clean", str(corpus), "-o", str(tmp_path / "other.jsonl"), "--quiet", "--resume"]) == 0
    assert "nothing to resume" in capsys.readouterr().err
    assert (tmp_path / "other.jsonl").exists()
    assert main(["clean", str(corpus), "-o", "-", "--quiet", "--resume"]) == 2
    assert main(["clean", str(corpus), "-o", str(tmp_path / "o.jsonl.gz"), "--quiet", "--resume"]) == 2
    # --jobs may change between a run and its resumption
    assert main(["clean", str(corpus), "-o", str(out), "--quiet", "--jobs", "2", "--resume"]) == 0


def test_output_records_do_not_depend_on_input_order(tmp_path, capsys):
    """Same records, kept and rejected, whatever the input order (only their order follows it)."""
    import random

    records = [{"id": name, "text": text} for name, text in STORIES.items()]
    outputs = []
    for seed in range(3):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        source = tmp_path / f"in{seed}.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in shuffled), encoding="utf-8")
        out = tmp_path / f"out{seed}.jsonl"
        assert main(["clean", str(source), "-o", str(out), "--quiet", "--jobs", str(1 + seed % 2)]) == 0
        kept = sorted(out.read_text().splitlines())
        rejected = sorted((tmp_path / f"out{seed}.rejects.jsonl").read_text().splitlines())
        outputs.append((kept, rejected))
    assert outputs[0] == outputs[1] == outputs[2]
    assert any('"dedup:near"' in line for line in outputs[0][1]) and any('"dedup:exact"' in line for line in outputs[0][1])


def test_a_run_stopped_before_its_first_count_checkpoint_resumes_from_a_timed_one(corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(runner, "CHECKPOINT_EVERY", 10_000)
    monkeypatch.setattr(runner, "CHECKPOINT_SECONDS", 0.0)  # every document is "30 s later"
    whole = tmp_path / "whole.jsonl"
    assert main(["clean", str(corpus), "-o", str(whole), "--jobs", "1", "--quiet"]) == 0
    out = tmp_path / "out.jsonl"
    args = ["clean", str(corpus), "-o", str(out), "--jobs", "1", "--quiet"]
    with monkeypatch.context() as patch:
        interrupt_after(patch, 3)
        assert main(args) == 130
    assert "--resume continues it" in capsys.readouterr().err
    assert json.loads(newsclean.checkpoint.checkpoint_path(str(out)).read_text())["documents_done"] == 3
    processed: list[str] = []
    with monkeypatch.context() as patch:
        interrupt_after(patch, 10_000, processed)
        assert main(args + ["--resume"]) == 0
    assert out.read_bytes() == whole.read_bytes()
    assert len(processed) == len(STORIES) - 3
