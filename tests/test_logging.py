"""``newsclean clean -v``: log records say what a long run is doing; quiet by default."""

from __future__ import annotations

import json

from newsclean.cli import main

TEXT = "The harbour board voted on Tuesday to rebuild the north breakwater, officials said in a statement."


def run(tmp_path, capsys, *extra):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"d{i}", "text": f"{TEXT} Story {i}."}) + "\n" for i in range(3)), encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><article><p>{TEXT} A page.</p></article></body></html>", encoding="utf-8")
    status = main(["clean", str(source), str(page), "-o", str(tmp_path / "out.jsonl"), "--jobs", "1", *extra])
    assert status == 0
    return capsys.readouterr().err


def test_verbose_logs_inputs_counts_checkpoints_corpus_passes_and_rejects(tmp_path, capsys):
    err = run(tmp_path, capsys, "-v")
    assert f"reading {tmp_path / 'in.jsonl'}" in err
    assert f"read {tmp_path / 'in.jsonl'}: 3 documents" in err
    assert "reading done: 4 documents from 2 inputs" in err
    assert "checkpoint: 4 documents done" in err
    assert "dedup: observed in" in err
    assert "run done: 4 in," in err and "rejected:" in err
    assert f"reading {tmp_path / 'page.html'}" not in err  # one page a file: only at -vv


def test_very_verbose_names_every_file(tmp_path, capsys):
    err = run(tmp_path, capsys, "-vv")
    assert f"read {tmp_path / 'page.html'}: 1 documents" in err


def test_quiet_by_default(tmp_path, capsys):
    err = run(tmp_path, capsys)
    assert "INFO" not in err and "DEBUG" not in err
