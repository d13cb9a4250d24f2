"""The ``newsclean`` command, in-process through ``main`` and as a real subprocess."""

from __future__ import annotations


import gzip
import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsclean.cli import main
from newsclean.runner import default_rejects_path
import newsclean.checkpoint
import newsclean.runner as runner

FERRY = """Harbour Town Opens New Ferry Terminal

By Mara Lindqvist

The town of Eastmere opened its new ferry terminal on Tuesday after three years of construction, ending a long period of delays for island commuters.

Advertisement

The terminal, built on reclaimed land near the old fish market, can handle four vessels at once and includes a covered waiting hall for up to 300 passengers.

Local officials said the project came in slightly under budget. "We are proud of what the builders achieved here," said deputy mayor Oren Falk at the opening ceremony.

Tags: ferries, Eastmere
"""

LIBRARY = """Council Approves Budget For Library Repairs

The county council voted on Wednesday to spend two million on repairs to the central library, whose roof has leaked for several winters.

Advertisement

Councillors from both main groups supported the plan, although several asked for a review of the contractor's earlier work on the swimming baths.

Work is expected to begin in the spring and last about eight months, during which a temporary reading room will open in the town hall.

Tags: council, library
"""

ORCHARD = """Volunteers Replant Orchard After Spring Storm

Dozens of volunteers spent the weekend replanting an old community orchard on the edge of Millbrook after a storm in April flattened most of its apple trees.

The group raised money for sixty young trees through a bake sale and a sponsored walk, and a local nursery donated stakes and netting.

Organisers said the first harvest from the new trees could come within four years, and they plan to hold a blossom festival next spring.

Tags: gardening, Millbrook
"""

GERMAN = """Neue Fähre verbindet die Inseln

Die neue Fähre zwischen den beiden Inseln hat am Dienstag ihren Betrieb aufgenommen und soll die Fahrzeit für Pendler deutlich verkürzen.

Nach Angaben der Gemeinde wurde das Schiff in einer Werft an der Küste gebaut und bietet Platz für zweihundert Fahrgäste sowie zwanzig Autos.

Im Sommer sollen zusätzliche Fahrten am Abend angeboten werden, wenn die Nachfrage der Urlauber weiter steigt.
"""

ARTICLE_KEYS = {"id", "url", "source", "title", "description", "authors", "published", "language", "text", "removed"}
REMOVAL_KEYS = {"category", "rule", "stage", "text", "line"}
BALANCE = re.compile(r"^newsclean: (\d+) in = (\d+) out \+ (\d+) rejected$")


def write_corpus(folder: Path, **articles: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def read_jsonl(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def balance(stderr: str) -> tuple[int, int, int]:
    last = stderr.rstrip("\n").splitlines()[-1]
    found = BALANCE.match(last)
    assert found, f"last stderr line is not the balance line: {last!r}"
    return tuple(int(n) for n in found.groups())


def run_cli(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsclean.cli", *args], capture_output=True, text=True, timeout=300, **kwargs
    )


@pytest.fixture
def corpus(tmp_path) -> Path:
    # dup.txt has the same article text as ferry.txt; it sorts first, so it is the one kept.
    return write_corpus(tmp_path / "in", ferry=FERRY, dup=FERRY, library=LIBRARY, orchard=ORCHARD)


# --- clean ---------------------------------------------------------------------------------


def test_clean_folder_writes_articles_and_rejects(corpus, tmp_path, capsys):
    out, rejects = tmp_path / "out" / "clean.jsonl", tmp_path / "out" / "rej.jsonl"
    code = main(["clean", str(corpus), "-o", str(out), "--rejects", str(rejects)])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out == ""

    records = read_jsonl(out)
    assert [r["id"] for r in records] == ["dup", "library", "orchard"]
    for record in records:
        assert set(record) == ARTICLE_KEYS
        assert record["language"] == "en"
        assert record["text"] and "\n\n" in record["text"]
        assert isinstance(record["authors"], list)
        for removal in record["removed"]:
            assert set(removal) == REMOVAL_KEYS
    by_id = {r["id"]: r for r in records}

    ferry = by_id["dup"]
    assert ferry["title"] == "Harbour Town Opens New Ferry Terminal"
    assert ferry["authors"] == ["Mara Lindqvist"]
    assert ferry["text"].startswith("The town of Eastmere opened")
    assert "Advertisement" not in ferry["text"].split("\n\n")
    assert "Tags:" not in ferry["text"]
    removed = {(r["category"], r["text"]) for r in ferry["removed"]}
    assert ("advertisement", "Advertisement") in removed
    assert ("tags", "Tags: ferries, Eastmere") in removed
    assert all(r["rule"] and r["stage"] for r in ferry["removed"])

    [reject] = read_jsonl(rejects)
    assert reject["id"] == "ferry"
    assert reject["reason"] == "dedup:exact"
    assert reject["duplicate_of"] == "dup"
    assert isinstance(reject["detail"], str)

    n_in, n_out, n_rejected = balance(captured.err)
    assert (n_in, n_out, n_rejected) == (4, 3, 1)
    assert n_in == n_out + n_rejected == len(list(corpus.iterdir()))


def test_no_dedup_keeps_exact_duplicates(corpus, tmp_path, capsys):
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--no-dedup"]) == 0
    records = read_jsonl(out)
    assert [r["id"] for r in records] == ["dup", "ferry", "library", "orchard"]
    assert records[0]["text"] == records[1]["text"]
    assert read_jsonl(tmp_path / "clean.rejects.jsonl") == []
    assert balance(capsys.readouterr().err) == (4, 4, 0)


def test_lang_rejects_other_languages(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "in", ferry=FERRY, library=LIBRARY, zeitung=GERMAN)
    out = tmp_path / "de.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--lang", "de"]) == 0
    records = read_jsonl(out)
    assert [(r["id"], r["language"]) for r in records] == [("zeitung", "de")]
    rejects = read_jsonl(tmp_path / "de.rejects.jsonl")
    assert [(r["id"], r["reason"]) for r in rejects] == [("ferry", "language"), ("library", "language")]
    assert all("en" in r["detail"] for r in rejects)
    assert all("duplicate_of" not in r for r in rejects)
    assert balance(capsys.readouterr().err) == (3, 1, 2)


def test_lang_accepts_a_comma_separated_list(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "in", ferry=FERRY, zeitung=GERMAN)
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--lang", "de, en"]) == 0
    assert [r["id"] for r in read_jsonl(out)] == ["ferry", "zeitung"]
    assert balance(capsys.readouterr().err) == (2, 2, 0)


def test_min_words_rejects_short_articles(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "in", ferry=FERRY, brief="Markets were closed on Monday for the holiday.\n")
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--min-words", "20", "--quiet"]) == 0
    assert [r["id"] for r in read_jsonl(out)] == ["ferry"]
    [reject] = read_jsonl(tmp_path / "o.rejects.jsonl")
    assert (reject["id"], reject["reason"]) == ("brief", "too_short")


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("out/clean.jsonl", "out/clean.rejects.jsonl"),
        ("out/clean.jsonl.gz", "out/clean.rejects.jsonl"),
        ("clean", "clean.rejects.jsonl"),
        ("-", "newsclean.rejects.jsonl"),
    ],
)
def test_default_rejects_path(output, expected):
    assert Path(default_rejects_path(output)) == Path(expected)


def test_default_rejects_file_is_written_next_to_output(corpus, tmp_path, capsys):
    out = tmp_path / "run" / "articles.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--quiet"]) == 0
    rejects = tmp_path / "run" / "articles.rejects.jsonl"
    assert rejects.exists()
    assert [r["id"] for r in read_jsonl(rejects)] == ["ferry"]


def test_gzipped_output(corpus, tmp_path, capsys):
    out = tmp_path / "clean.jsonl.gz"
    assert main(["clean", str(corpus), "-o", str(out), "--quiet"]) == 0
    lines = gzip.decompress(out.read_bytes()).decode("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["dup", "library", "orchard"]


def test_output_to_stdout(corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["clean", str(corpus), "-o", "-"]) == 0
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["id"] for r in records] == ["dup", "library", "orchard"]
    assert [r["id"] for r in read_jsonl(tmp_path / "newsclean.rejects.jsonl")] == ["ferry"]
    assert balance(captured.err) == (4, 3, 1)


def test_mixed_inputs_html_jsonl_and_skipped_files(tmp_path, capsys):
    folder = write_corpus(tmp_path / "in", ferry=FERRY)
    (folder / "notes.md").write_text("not read", encoding="utf-8")
    paragraphs = "".join(f"<p>{p}</p>" for p in LIBRARY.split("\n\n")[1:4])
    (folder / "page.html").write_text(f"<html><head><title>Library</title></head><body><article>{paragraphs}</article></body></html>")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "orchard-1", "text": ORCHARD, "url": "https://news.example/orchard"}) + "\n")
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(folder), str(feed), "-o", str(out)]) == 0
    records = read_jsonl(out)
    assert [r["id"] for r in records] == ["ferry", "page", "orchard-1"]
    assert records[2]["url"] == "https://news.example/orchard"
    err = capsys.readouterr().err
    assert "files skipped in folders: 1" in err and "(extension .md is not one newsclean reads)" in err
    assert balance(err) == (3, 3, 0)


def test_malformed_jsonl_lines_become_rejects_and_run_succeeds(tmp_path, capsys):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            [
                json.dumps({"id": "good", "text": ORCHARD}),
                "{this is not json",
                "[1, 2]",
                json.dumps({"id": "hollow", "url": "https://news.example/h"}),
                "",
                json.dumps({"text": LIBRARY}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(feed), "-o", str(out)]) == 0
    assert [r["id"] for r in read_jsonl(out)] == ["good", "feed:6"]
    rejects = read_jsonl(tmp_path / "o.rejects.jsonl")
    assert [(r["id"], r["reason"]) for r in rejects] == [
        ("feed:2", "bad_json"),
        ("feed:3", "bad_record"),
        ("hollow", "no_content"),
    ]
    assert rejects[2]["url"] == "https://news.example/h"
    assert all({"id", "reason", "detail"} <= set(r) for r in rejects)
    assert balance(capsys.readouterr().err) == (5, 2, 3)


def test_output_is_byte_identical_across_runs(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "in", ferry=FERRY, dup=FERRY, library=LIBRARY, orchard=ORCHARD, zeitung=GERMAN)
    outputs = []
    for run in ("a", "b"):
        out, rej = tmp_path / run / "o.jsonl", tmp_path / run / "r.jsonl"
        assert main(["clean", str(corpus), "-o", str(out), "--rejects", str(rej), "--quiet"]) == 0
        outputs.append((out.read_bytes(), rej.read_bytes()))
    assert outputs[0] == outputs[1]
    assert outputs[0][0].count(b"\n") == 4


def test_gzipped_output_is_byte_identical_across_runs(corpus, tmp_path, capsys, monkeypatch):
    outputs = []
    for run, clock in (("a", 1_700_000_000.0), ("b", 1_700_000_100.0)):
        monkeypatch.setattr(gzip.time, "time", lambda clock=clock: clock)  # runs 100 s apart
        out = tmp_path / run / "o.jsonl.gz"
        assert main(["clean", str(corpus), "-o", str(out), "--quiet"]) == 0
        outputs.append(out.read_bytes())
    assert gzip.decompress(outputs[0]) == gzip.decompress(outputs[1])  # same content...
    assert outputs[0] == outputs[1]  # ...and same bytes


# --- errors and usage ------------------------------------------------------------------------


def test_missing_input_path_exits_2_with_one_line_error(tmp_path, capsys):
    missing = tmp_path / "no-such-folder"
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(missing), "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("newsclean: error: ")
    assert str(missing) in lines[0]
    assert not out.exists()


def test_missing_input_among_good_ones_reads_nothing(corpus, tmp_path, capsys):
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(corpus), str(tmp_path / "gone.txt"), "-o", str(out)]) == 2
    assert not out.exists()


def test_stdin_twice_is_a_usage_error(tmp_path, capsys):
    assert main(["clean", "-", "-", "-o", str(tmp_path / "o.jsonl")]) == 2
    assert capsys.readouterr().err.startswith("newsclean: error: ")


@pytest.mark.parametrize(
    "argv",
    [
        ["clean", "somewhere"],  # no -o
        ["clean", "-o", "out.jsonl"],  # no input
        [],  # no command
        ["tidy", "x"],  # unknown command
        ["clean", "x", "-o", "o.jsonl", "--min-words", "many"],
    ],
)
def test_bad_usage_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"newsclean {importlib.metadata.version('newsclean')}"


def test_the_version_comes_from_package_metadata(monkeypatch):
    import newsclean

    assert newsclean.__version__ == importlib.metadata.version("newsclean")
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.8.7")
    assert newsclean._version() == "9.8.7"

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)
    assert newsclean._version() == newsclean.UNKNOWN_VERSION


# --- explain --------------------------------------------------------------------------------


def test_explain_prints_clean_text_and_removals(tmp_path, capsys):
    path = tmp_path / "ferry.txt"
    path.write_text(FERRY, encoding="utf-8")
    assert main(["explain", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# ferry\n")
    assert "title: Harbour Town Opens New Ferry Terminal\n" in out
    assert "authors: Mara Lindqvist\n" in out
    assert "language: en\n" in out
    text, _, removed = out.partition("--- removed")
    assert "The town of Eastmere opened its new ferry terminal" in text
    assert "Advertisement" not in text
    assert "Tags:" not in text
    assert removed.startswith(": 4 ---\n")
    listed = [line for line in removed.splitlines()[1:] if line]
    assert listed == [
        "[headline] header.headline.first-line: Harbour Town Opens New Ferry Terminal",
        "[byline] header.byline: By Mara Lindqvist",
        "[advertisement] en.advertisement.label: Advertisement",
        "[tags] en.tags.label: Tags: ferries, Eastmere",
    ]
    assert all(re.match(r"^\[[a-z_]+\] [\w.-]+: .+$", line) for line in listed)


def test_explain_shows_why_a_document_was_dropped(tmp_path, capsys):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"id": "x", "text": "Fine words for a small test."}\nnot json\n', encoding="utf-8")
    assert main(["explain", str(path)]) == 0
    out = capsys.readouterr().out
    assert "# x\n" in out and "# feed:2\n" in out
    assert "dropped: bad_json (" in out


def test_explain_leading_advertisement_label_is_not_the_title(tmp_path, capsys):
    path = tmp_path / "ad-first.txt"
    path.write_text("Advertisement\n\n" + ORCHARD, encoding="utf-8")
    assert main(["explain", str(path)]) == 0
    out = capsys.readouterr().out
    assert "title: Advertisement" not in out
    assert "[advertisement] en.advertisement.label: Advertisement" in out
    assert "title: Volunteers Replant Orchard After Spring Storm" in out


def test_explain_missing_file_exits_2(tmp_path, capsys):
    assert main(["explain", str(tmp_path / "nope.txt")]) == 2
    assert capsys.readouterr().err.startswith("newsclean: error: ")


# --- as a real process -----------------------------------------------------------------------


def test_subprocess_clean_folder(corpus, tmp_path):
    out = tmp_path / "o.jsonl"
    result = run_cli(["clean", str(corpus), "-o", str(out)])
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in read_jsonl(out)] == ["dup", "library", "orchard"]
    assert balance(result.stderr) == (4, 3, 1)


def test_subprocess_reads_jsonl_from_stdin(tmp_path):
    feed = "\n".join(
        [
            json.dumps({"id": "s1", "text": FERRY, "url": "https://news.example/ferry"}),
            "oops, not json",
            json.dumps({"text": ORCHARD, "title": "Orchard replanted", "published": "2024-05-01"}),
        ]
    )
    result = run_cli(["clean", "-", "-o", "-", "--rejects", str(tmp_path / "r.jsonl")], input=feed)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["s1", "stdin:3"]
    assert records[0]["url"] == "https://news.example/ferry"
    assert records[1]["title"] == "Orchard replanted"
    assert records[1]["published"] == "2024-05-01"
    assert [(r["id"], r["reason"]) for r in read_jsonl(tmp_path / "r.jsonl")] == [("stdin:2", "bad_json")]
    assert balance(result.stderr) == (3, 2, 1)


def test_subprocess_missing_path_and_bad_usage(tmp_path):
    result = run_cli(["clean", str(tmp_path / "missing"), "-o", str(tmp_path / "o.jsonl")])
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"newsclean: error: input path {str(tmp_path / 'missing')!r} does not exist"]
    assert "Traceback" not in result.stderr
    usage = run_cli(["clean", str(tmp_path)])
    assert usage.returncode == 2
    assert "-o/--output" in usage.stderr


def test_site_repeat_removes_a_publishers_line_and_can_be_switched_off(tmp_path, capsys):
    appeal = "Keep the Valley Courier free: chip in what you can today!"
    records = [
        {"id": f"v{n}", "url": f"https://valleycourier.example/{n}",
         "text": f"The valley road reopened after repair number {n}, the county said on Friday afternoon.\n\n{appeal}"}
        for n in range(6)
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    on, off = tmp_path / "on.jsonl", tmp_path / "off.jsonl"
    # --dedup off: the six stories differ in one number, so they are near copies of each other.
    assert main(["clean", str(source), "-o", str(on), "--dedup", "off", "--quiet"]) == 0
    assert main(["clean", str(source), "-o", str(off), "--no-site-repeat", "--dedup", "off", "--quiet"]) == 0
    cleaned = read_jsonl(on)
    assert len(cleaned) == 6 and all(appeal not in a["text"] for a in cleaned)
    assert cleaned[0]["removed"][-1]["category"] == "site_repeat"
    assert all(appeal in a["text"] for a in read_jsonl(off))


def test_jobs_give_the_same_output_bytes_as_one_process(tmp_path, capsys):
    stories = {
        f"story{n}": (
            f"Headline number {n} about the harbour\n\n"
            f"The harbour board met on day {n} and approved a budget of {n * 7} million for repairs, its chair said.\n\n"
            "Advertisement\n\n"
            f"Work on berth {n} will start in spring and last until the autumn, the board added in a statement.\n\n"
            "Read more: Ferry fares to rise"
        )
        for n in range(100)  # enough for three workers to get batches (small inputs run in-process)
    }
    stories["copy"] = stories["story3"]
    stories["empty"] = ""
    corpus = write_corpus(tmp_path / "in", **stories)
    outputs = []
    for jobs in ("1", "2", "3"):
        out, rejects = tmp_path / f"out{jobs}.jsonl", tmp_path / f"rejects{jobs}.jsonl"
        # Exact dedup: these template stories differ in a few numbers only, a similarity near the
        # near-dedup threshold, and this test is about --jobs, not about that threshold.
        args = ["clean", str(corpus), "-o", str(out), "--rejects", str(rejects), "--jobs", jobs, "--dedup", "exact"]
        assert main(args + ["--quiet"]) == 0
        outputs.append((out.read_bytes(), rejects.read_bytes()))
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(read_jsonl(tmp_path / "out1.jsonl")) == 100
    assert {r["reason"] for r in read_jsonl(tmp_path / "rejects1.jsonl")} == {"dedup:exact", "empty"}


def test_jobs_must_be_positive(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "in", a="The harbour board met on Monday and approved the repair budget, its chair said.")
    assert main(["clean", str(corpus), "-o", str(tmp_path / "out.jsonl"), "--jobs", "0", "--quiet"]) == 2


def test_stats_file_beside_the_output_balances_the_run(corpus, tmp_path, capsys):
    out = tmp_path / "o" / "clean.jsonl"
    out.parent.mkdir()
    assert main(["clean", str(corpus), "-o", str(out), "--quiet"]) == 0
    stats = json.loads((tmp_path / "o" / "clean.stats.json").read_text(encoding="utf-8"))
    kept = len(read_jsonl(out))
    rejected = len(read_jsonl(tmp_path / "o" / "clean.rejects.jsonl"))
    assert stats["documents_in"] == kept + rejected == stats["documents_out"] + stats["rejected"]
    assert stats["balanced"] is True
    assert sum(stats["rejected_by_reason"].values()) == rejected
    assert stats["options"]["min_words"] == 1 and stats["versions"]["newsclean"]
    assert set(stats["rule_packs"]) >= {"_common", "en", "de"}
    assert sum(stats["removed_by_rule"].values()) == sum(stats["removed_by_category"].values())


def test_interrupted_run_leaves_only_partial_files(tmp_path, monkeypatch, capsys):
    import newsclean.cli as cli

    corpus = write_corpus(tmp_path / "in", **{f"s{n}": f"The harbour board met for the {n}th time on Monday, its chair said." for n in range(5)})
    real = runner.process_parallel

    def interrupted(pipeline, documents, jobs):
        for i, article in enumerate(real(pipeline, documents, jobs)):
            if i == 2:
                raise KeyboardInterrupt
            yield article

    monkeypatch.setattr(runner, "process_parallel", interrupted)
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--dedup", "off", "--no-site-repeat", "--quiet"]) == 130
    assert not out.exists()
    assert (tmp_path / "out.jsonl.partial").read_text(encoding="utf-8").count("\n") == 2
    assert "partial" in capsys.readouterr().err


def test_completed_run_leaves_no_partial_files(corpus, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--quiet"]) == 0
    assert out.exists() and not list(tmp_path.glob("*.partial"))


# --- options checked before any work (issue 15) ------------------------------------------------


@pytest.mark.parametrize("lang", ["english", "EN", "En,German"])
def test_lang_accepts_case_and_language_names(tmp_path, capsys, lang):
    corpus = write_corpus(tmp_path / "in", ferry=FERRY, zeitung=GERMAN)
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--lang", lang]) == 0
    assert "ferry" in [r["id"] for r in read_jsonl(out)]


@pytest.mark.parametrize(
    "option, message",
    [
        (["--lang", "klingon"], "--lang: unknown or unsupported language 'klingon'; accepted: ISO 639-1 codes af, ar,"),
        (["--min-words", "0"], "--min-words must be at least 1, not 0"),
        (["--min-words", "-1"], "--min-words must be at least 1, not -1"),
        (["--max-bytes", "0"], "--max-bytes must be at least 1"),
        (["--dedup-threshold", "1.5"], "--dedup-threshold must be over 0 and at most 1"),
        (["--max-reject-rate", "2"], "--max-reject-rate must be at least 0 and at most 1"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
        (["--workers", "2"], "--workers needs --engine dask"),
        (["--stdin-format", "html"], "--stdin-format applies to standard input"),
    ],
)
def test_bad_options_exit_2_before_any_work(corpus, tmp_path, capsys, option, message):
    out = tmp_path / "run" / "o.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), *option]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"newsclean: error: {message}"), err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "run").exists()  # refused before even the output folder was made


def test_stats_folder_is_created_like_the_output_folders(corpus, tmp_path, capsys):
    out, stats = tmp_path / "a" / "o.jsonl", tmp_path / "b" / "c" / "stats.json"
    assert main(["clean", str(corpus), "-o", str(out), "--stats", str(stats)]) == 0
    assert json.loads(stats.read_text())["documents_in"] == 4


def test_stats_path_that_cannot_be_written_is_refused_before_the_run(corpus, tmp_path, capsys):
    (tmp_path / "blocker").write_text("a file, not a folder")
    out = tmp_path / "run" / "o.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--stats", str(tmp_path / "blocker" / "stats.json")]) == 2
    assert "--stats" in capsys.readouterr().err
    assert not out.exists() and not Path(str(out) + ".partial").exists()
    assert main(["clean", str(corpus), "-o", str(tmp_path)]) == 2
    assert "-o" in capsys.readouterr().err


# --- stdin ----------------------------------------------------------------------------------


PAGE = (
    "<html><head><title>Ferry terminal opens</title><link rel='canonical' href='https://news.example/ferry'></head>"
    "<body><nav><a href='/'>Home</a></nav><article>"
    + "".join(f"<p>{p}</p>" for p in FERRY.split("\n\n")[2:5])
    + "</article></body></html>"
)


def test_subprocess_html_on_stdin_read_as_jsonl_is_refused_with_a_hint(tmp_path):
    out = tmp_path / "x.jsonl"
    result = run_cli(["clean", "-", "-o", str(out)], input=PAGE)
    assert result.returncode == 2
    assert "--stdin-format html" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("fmt", ["html", "text"])
def test_subprocess_stdin_format_reads_one_document(tmp_path, fmt):
    out = tmp_path / "x.jsonl"
    given = PAGE if fmt == "html" else FERRY
    result = run_cli(["clean", "-", "-o", str(out), "--stdin-format", fmt], input=given)
    assert result.returncode == 0, result.stderr
    [record] = read_jsonl(out)
    assert record["id"] == "stdin"
    assert record["text"].startswith("The town of Eastmere opened")
    assert "<" not in record["text"]
    if fmt == "html":
        assert record["url"] == "https://news.example/ferry"


# --- exit status ----------------------------------------------------------------------------


def test_a_run_where_every_input_is_rejected_exits_1_with_the_reasons(corpus, tmp_path, capsys):
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--lang", "de"]) == 1
    err = capsys.readouterr().err
    assert "newsclean: 4 in = 0 out + 4 rejected" in err
    assert err.rstrip().splitlines()[-1] == "newsclean: error: every input was rejected (4 of 4); reasons: language 4"
    assert len(read_jsonl(tmp_path / "o.rejects.jsonl")) == 4  # the output is complete, and says why


def test_max_reject_rate(corpus, tmp_path, capsys):
    out = tmp_path / "o.jsonl"
    # One of four is a duplicate: 25 % rejected.
    assert main(["clean", str(corpus), "-o", str(out), "--max-reject-rate", "0.25"]) == 0
    assert main(["clean", str(corpus), "-o", str(out), "--max-reject-rate", "0.2"]) == 1
    last = capsys.readouterr().err.rstrip().splitlines()[-1]
    assert last == "newsclean: error: 1 of 4 inputs rejected (25.0%), over --max-reject-rate 0.2; reasons: dedup:exact 1"


def test_a_run_that_reads_no_document_exits_1(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "README.md").write_text("not an article")
    assert main(["clean", str(folder), "-o", str(tmp_path / "o.jsonl")]) == 1
    assert capsys.readouterr().err.rstrip().endswith("newsclean: error: no documents were read")


# --- names, not counts; --quiet ----------------------------------------------------------------


def test_skipped_files_are_named_with_the_reason(corpus, tmp_path, capsys):
    (corpus / "README.md").write_text("about this folder")
    (corpus / "logo.png").write_bytes(b"\x89PNG")
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(corpus), "-o", str(out)]) == 0
    stats = json.loads((tmp_path / "o.stats.json").read_text())
    assert stats["files_skipped"] == 2
    assert stats["files_skipped_named"] == [
        {"path": str(corpus / "README.md"), "reason": "extension .md is not one newsclean reads"},
        {"path": str(corpus / "logo.png"), "reason": "extension .png is not one newsclean reads"},
    ]
    err = capsys.readouterr().err
    assert f"  {corpus / 'README.md'} (extension .md is not one newsclean reads)\n" in err


def test_quiet_prints_nothing_but_errors(corpus, tmp_path, capsys):
    assert main(["clean", str(corpus), "-o", str(tmp_path / "o.jsonl"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["clean", str(corpus), "-o", str(tmp_path / "o.jsonl"), "--quiet", "--lang", "de"]) == 1
    assert capsys.readouterr().err.startswith("newsclean: error: every input was rejected")


# --- metadata kept ------------------------------------------------------------------------------


def test_extra_jsonl_fields_pass_through_as_meta(tmp_path, capsys):
    feed = tmp_path / "feed.jsonl"
    records = [
        {"id": "a", "text": ORCHARD, "cc_segment": "2024-10/3", "domain_score": 0.8, "tags": ["x"]},
        {"id": "b", "text": LIBRARY},
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(feed), "-o", str(out)]) == 0
    a, b = read_jsonl(out)
    assert a["meta"] == {"cc_segment": "2024-10/3", "domain_score": 0.8, "tags": ["x"]}
    assert "meta" not in b and set(b) == ARTICLE_KEYS


def test_subprocess_text_on_stdin_read_as_jsonl_exits_1_with_a_hint(tmp_path):
    result = run_cli(["clean", "-", "-o", str(tmp_path / "x.jsonl")], input=FERRY)
    assert result.returncode == 1
    last = result.stderr.rstrip().splitlines()[-1]
    assert last.startswith("newsclean: error: every input was rejected (7 of 7); reasons: bad_json 7")
    assert last.endswith("(- is read as JSONL; --stdin-format html or text reads one document)")


# --- every command guards every output (issue 29, items 1 and 2) ----------------------------------


@pytest.fixture
def finished_run(corpus, tmp_path):
    out = tmp_path / "out" / "clean.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--quiet"]) == 0
    return out


@pytest.mark.parametrize("target", ["run", "rejects", "stats"])
def test_report_never_writes_over_a_file_it_reads(finished_run, target, capsys):
    files = {"run": finished_run, "rejects": Path(default_rejects_path(str(finished_run))), "stats": finished_run.with_name("clean.stats.json")}
    before = {name: path.read_bytes() for name, path in files.items()}
    code = main(["report", str(finished_run), "-o", str(files[target])])
    assert code == 2
    assert "is the input" in capsys.readouterr().err
    assert {name: path.read_bytes() for name, path in files.items()} == before


@pytest.mark.parametrize("suffix", [".partial", ".lock", ".partial.spill", ".partial.checkpoint"])
def test_an_input_named_like_a_file_the_run_owns_is_refused_not_deleted(tmp_path, suffix, capsys):
    out = tmp_path / "clean.jsonl"
    planted = tmp_path / f"clean.jsonl{suffix}"
    planted.write_text(FERRY, encoding="utf-8")
    code = main(["clean", str(planted), "-o", str(out), "--quiet"])
    assert code == 2
    assert "a file the run" in capsys.readouterr().err
    assert planted.read_text(encoding="utf-8") == FERRY
    assert not out.exists()


def test_an_input_named_like_the_rejects_files_partial_is_refused(tmp_path, capsys):
    planted = tmp_path / "clean.rejects.jsonl.partial"
    planted.write_text(FERRY, encoding="utf-8")
    assert main(["clean", str(planted), "-o", str(tmp_path / "clean.jsonl"), "--quiet"]) == 2
    assert planted.read_text(encoding="utf-8") == FERRY


def test_an_output_named_like_another_outputs_partial_is_refused(corpus, tmp_path, capsys):
    out = tmp_path / "clean.jsonl"
    code = main(["clean", str(corpus), "-o", str(out), "--rejects", f"{out}.partial", "--quiet"])
    assert code == 2
    assert "give --rejects another name" in capsys.readouterr().err


def test_run_files_are_named_as_the_guard_knows_them():
    from newsclean.checkpoint import checkpoint_path
    from newsclean.options import RUN_FILE_SUFFIXES
    from newsclean.writers import lock_path, partial_path

    names = {str(p)[len("o.jsonl"):] for p in (partial_path("o.jsonl"), lock_path("o.jsonl"), runner.spill_path("o.jsonl"), checkpoint_path("o.jsonl"))}
    assert names <= set(RUN_FILE_SUFFIXES)


# --- inputs are what they claim (issue 29, items 3, 4 and 7) --------------------------------------

PAGE_AS_TEXT = (
    "<!doctype html><html><head><title>Harbour Town Opens New Ferry Terminal</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Harbour Town Opens New Ferry Terminal</h1>"
    + "".join(f"<p>{p}</p>" for p in FERRY.split("\n\n")[2:4])
    + "</article><script>var tracking = {'id': 42};</script></body></html>"
)


def test_a_new_users_folder_of_misnamed_inputs_gives_no_markup_and_no_raw_file(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.txt").write_text(PAGE_AS_TEXT, encoding="utf-8")
    (folder / "articles.json").write_text(json.dumps([{"text": LIBRARY}, {"text": ORCHARD}]), encoding="utf-8")
    (folder / "table.csv").write_text('id,text\n1,"' + LIBRARY.replace("\n", " ") + '"\n', encoding="utf-8")
    out = tmp_path / "out" / "clean.jsonl"
    code = main(["clean", str(folder), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0
    [article] = read_jsonl(out)
    assert article["id"] == "story"
    assert "<" not in article["text"] and "tracking" not in article["text"]
    assert article["text"].startswith("The town of Eastmere opened")
    rejects = {r["id"]: r for r in read_jsonl(Path(default_rejects_path(str(out))))}
    assert {i: r["reason"] for i, r in rejects.items()} == {"articles": "not_articles", "table": "not_articles"}
    assert "jq -c" in rejects["articles"]["detail"] and "to_json" in rejects["table"]["detail"]
    assert "e.g. " in err  # the summary says what to do instead
    assert balance(err) == (3, 1, 2)


def test_text_only_rejects_a_page_saved_as_text(tmp_path, capsys):
    (tmp_path / "story.txt").write_text(PAGE_AS_TEXT, encoding="utf-8")
    (tmp_path / "plain.txt").write_text(FERRY, encoding="utf-8")
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(tmp_path / "story.txt"), str(tmp_path / "plain.txt"), "-o", str(out), "--text-only", "--quiet"]) == 0
    [reject] = read_jsonl(Path(default_rejects_path(str(out))))
    assert reject["reason"] == "html_as_text" and reject["id"] == "story"


def test_colliding_ids_are_renamed_and_named_in_the_stats(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.txt").write_text(FERRY, encoding="utf-8")
    (folder / "page.HTML").write_text(PAGE_AS_TEXT.replace("Eastmere", "Westmere"), encoding="utf-8")
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(folder), "-o", str(out), "--no-dedup"]) == 0
    ids = [r["id"] for r in read_jsonl(out)]
    assert len(ids) == len(set(ids)) == 2
    stats = json.loads(out.with_name("clean.stats.json").read_text(encoding="utf-8"))
    assert stats["ids_renamed"] == 1
    assert "documents renamed" in capsys.readouterr().err


# --- the conveniences (issue 29, item 8) -----------------------------------------------------------


def test_limit_cleans_only_the_first_documents(corpus, tmp_path, capsys):
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--limit", "2", "--no-dedup"]) == 0
    assert [r["id"] for r in read_jsonl(out)] == ["dup", "ferry"]
    assert balance(capsys.readouterr().err) == (2, 2, 0)
    assert main(["clean", str(corpus), "-o", str(out), "--limit", "0"]) == 2


def test_progress_on_a_stderr_that_is_not_a_terminal_is_whole_lines(corpus, tmp_path, capsys):
    assert main(["clean", str(corpus), "-o", str(tmp_path / "clean.jsonl")]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err
    assert "newsclean: documents: 4/4" in err.splitlines()


# --- smaller breaks (issue 29, items 11 and 12) ----------------------------------------------------


def test_an_output_named_for_another_format_is_refused(corpus, tmp_path, capsys):
    assert main(["clean", str(corpus), "-o", str(tmp_path / "clean.csv"), "--quiet"]) == 2
    assert "JSONL (.jsonl, .jsonl.gz) or Parquet" in capsys.readouterr().err
    assert not (tmp_path / "clean.csv").exists()


def test_a_time_budget_past_the_timer_is_an_option_error(corpus, tmp_path, capsys):
    assert main(["clean", str(corpus), "-o", str(tmp_path / "clean.jsonl"), "--time-budget", "1e10", "--quiet"]) == 2
    assert "--time-budget must be" in capsys.readouterr().err


def test_explain_of_a_folder_with_nothing_to_read_says_so(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("# notes", encoding="utf-8")
    assert main(["explain", str(tmp_path / "empty")]) == 1
    assert "holds no document newsclean reads" in capsys.readouterr().err


def test_explain_into_a_closed_pipe_ends_quietly(tmp_path):
    long = tmp_path / "long.txt"  # more than a pipe holds
    long.write_text("\n\n".join(f"Paragraph {i} of the council's long report on the harbour and its ferries." for i in range(3000)), encoding="utf-8")
    script = "import sys; from newsclean.cli import main; sys.exit(main(sys.argv[1:]))"
    with subprocess.Popen([sys.executable, "-c", script, "explain", str(long)], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        process.stdout.readline()
        process.stdout.close()  # like `| head -1`
        stderr = process.stderr.read().decode()
        code = process.wait(timeout=300)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    assert code == 141


def test_pipeline_option_builds_the_pipeline_from_a_users_function(corpus, tmp_path, monkeypatch, capsys):
    (tmp_path / "mypipeline.py").write_text(
        "from newsclean import default_pipeline\n\ndef build():\n    return default_pipeline(dedup=False, min_words=500)\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--quiet", "--jobs", "1", "--pipeline", "mypipeline:build"]) == 1  # all too short
    rejects = read_jsonl(Path(default_rejects_path(str(out))))
    assert {r["reason"] for r in rejects} == {"too_short"}  # min_words=500 came from the function
    assert main(["clean", str(corpus), "-o", str(out), "--pipeline", "mypipeline:build", "--min-words", "5"]) == 2
    assert "set --min-words in its function" in capsys.readouterr().err
    assert main(["clean", str(corpus), "-o", str(out), "--pipeline", "mypipeline:nothing"]) == 2
    assert "has no function nothing" in capsys.readouterr().err


WIDGET = "Weather today\n\nSunny 21°C\n\nWind 5 km/h, humidity 40%\n\nTomorrow cloudy 18°C"
LINKS = "\n\n".join(f"Harbour news {i}: ferry timetable, council minutes, library hours and parking" for i in range(8))


def test_the_corpus_preset_keeps_articles_and_drops_widgets_and_link_lists(tmp_path, capsys):
    folder = write_corpus(tmp_path / "in", ferry=FERRY, widget=WIDGET, links=LINKS)
    plain, preset = tmp_path / "plain.jsonl", tmp_path / "preset.jsonl"
    assert main(["clean", str(folder), "-o", str(plain), "--quiet", "--no-dedup"]) == 0
    assert {r["id"] for r in read_jsonl(plain)} == {"ferry", "widget", "links"}  # the default keeps them
    assert main(["clean", str(folder), "-o", str(preset), "--quiet", "--no-dedup", "--preset", "corpus"]) == 0
    assert [r["id"] for r in read_jsonl(preset)] == ["ferry"]
    reasons = {r["id"]: r["reason"] for r in read_jsonl(Path(default_rejects_path(str(preset))))}
    assert reasons == {"widget": "too_short", "links": "no_sentences"}
