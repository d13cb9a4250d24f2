"""Hostile input: every document comes out as an article or a reject with a reason, never an
exception, and the run goes on."""

from __future__ import annotations

import gzip
import json
import random
import time

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsclean import Pipeline, RawDocument, default_pipeline
from newsclean.cli import main
from newsclean.model import Article
from newsclean.rulepack import RulePack, available_languages

PIPELINE = default_pipeline(dedup=False, site_repeat=False)
STORY = "The harbour board approved the repair budget on Tuesday after a long debate, its chair said."


def outcome(document: RawDocument) -> Article:
    article = PIPELINE.process(document)
    assert isinstance(article, Article)
    assert article.kept or article.drop.reason
    return article


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000), st.sampled_from([None, "text", "html"]))
def test_arbitrary_bytes_never_raise(data, fmt):
    outcome(RawDocument(id="x", content=data, format=fmt))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000), st.sampled_from([None, "text", "html"]))
def test_arbitrary_text_never_raises(text, fmt):
    outcome(RawDocument(id="x", content=text, format=fmt))


TAGS = st.sampled_from(["p", "div", "article", "aside", "nav", "li", "ul", "span", "script", "style", "h1", "figure", "figcaption", "a"])


@st.composite
def html_documents(draw):
    parts = []
    for _ in range(draw(st.integers(0, 30))):
        tag = draw(TAGS)
        attrs_ = draw(st.sampled_from(["", " class='share'", " id='related'", " class='ad-slot'", " class='story'", " class=''"]))
        text = draw(st.text(max_size=80))
        closing = draw(st.booleans())
        parts.append(f"<{tag}{attrs_}>{text}" + (f"</{tag}>" if closing else ""))
    return "<html><body>" + "".join(parts) + "</body></html>"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(html_documents())
def test_arbitrary_html_never_raises(html):
    outcome(RawDocument(id="x", content=html, format="html"))


HOSTILE = {
    "empty": b"",
    "nuls": b"\x00" * 5000,
    "random": bytes(random.Random(1).randrange(256) for _ in range(20000)),
    "latin1": ("Le café de la société a rouvert après deux ans de travaux. " * 20).encode("latin-1"),
    "utf16_bom": ("\ufeff" + STORY * 5).encode("utf-16"),
    "mojibake": (STORY + " The cafÃ© reopened â€” finally.").encode("utf-8"),
    "deep_nesting": ("<div>" * 100_000 + STORY + "</div>" * 100_000).encode(),
    "long_line": ("word " * 1_000_000).encode(),
    "script_only": b"<html><head><script>" + b"var a = 1;" * 10000 + b"</script></head><body></body></html>",
    "broken_gzip": gzip.compress(STORY.encode())[:30],
    "regex_bait": ("Related " * 20000 + ": " + "( [ " * 20000).encode(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_document_is_an_article_or_a_reject(name):
    article = outcome(RawDocument(id=name, content=HOSTILE[name]))
    if name in ("empty", "broken_gzip", "script_only", "nuls"):
        assert not article.kept


def test_oversized_document_is_rejected_as_too_large():
    big = b"<html><body>" + b"<p>" + STORY.encode() * 200_000 + b"</p></body></html>"  # about 20 MB
    article = outcome(RawDocument(id="big", content=big))
    assert article.drop.reason == "too_large"


def test_a_stage_over_its_time_budget_drops_the_document_and_the_run_goes_on():
    @attrs.frozen
    class Hang:
        name = "hang"

        def __call__(self, article):
            if "hang" in article.text:
                time.sleep(10)
            return article

    pipeline = attrs.evolve(default_pipeline(dedup=False, site_repeat=False).then(Hang()), time_budget=0.2)
    docs = [RawDocument(id="a", content=STORY, format="text"), RawDocument(id="b", content=STORY + " hang", format="text")]
    pipeline.prepare()  # the one-off loading is not what this test times
    start = time.perf_counter()
    out = list(pipeline.run(docs))
    assert time.perf_counter() - start < 5  # behaviour: the 10 s sleep was cut short
    assert out[0].kept
    assert out[1].drop.reason == "timeout" and out[1].drop.stage == "hang"


def test_the_time_budget_covers_the_whole_document_not_each_stage():
    @attrs.frozen
    class Slow:
        name: str

        def __call__(self, article):
            time.sleep(0.3)
            return article

    base = default_pipeline(dedup=False, site_repeat=False, time_budget=0.5)
    one = base.then(Slow("slow-1"))
    two = one.then(Slow("slow-2"))
    doc = RawDocument(id="a", content=STORY, format="text")
    assert one.process(doc).kept  # 0.3 s is inside the budget
    dropped = two.process(doc)  # 0.6 s in all is not, though each stage is
    assert dropped.drop.reason == "timeout" and dropped.drop.stage == "slow-2"
    # the same with a corpus stage in the pipeline (documents run in segments)
    [article] = list(two.then(default_pipeline().stages[-1]).run([doc]))
    assert article.drop.reason == "timeout" and article.drop.stage == "slow-2"


def test_extraction_over_the_budget_is_a_timeout_of_the_extract_stage():
    def slow_extract(document):
        time.sleep(10)

    pipeline = Pipeline(extract=slow_extract, time_budget=0.2)
    start = time.perf_counter()
    article = pipeline.process(RawDocument(id="x", content="<p>hi</p>", url="https://example.org/x"))
    assert time.perf_counter() - start < 5
    assert article.drop.reason == "timeout" and article.drop.stage == "slow_extract"
    assert article.url == "https://example.org/x"


def test_malformed_jsonl_lines_and_wrong_types_are_rejects(tmp_path, capsys):
    lines = [
        json.dumps({"id": "ok", "text": STORY}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "numbers", "text": 12345}),
        json.dumps({"id": "nulls", "text": None, "html": None}),
        json.dumps({"id": 7, "text": STORY + " Seven."}),
        json.dumps({"id": "weird-authors", "text": STORY + " Again.", "authors": {"a": 1}}),
        "",
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    # --dedup off: the three readable records are near copies of each other.
    assert main(["clean", str(source), "-o", str(out), "--rejects", str(rejects), "--dedup", "off"]) == 0
    kept = [json.loads(l) for l in out.read_text().splitlines()]
    rejected = [json.loads(l) for l in rejects.read_text().splitlines()]
    assert {"ok", "7", "weird-authors"} <= {a["id"] for a in kept}
    assert all(r["reason"] for r in rejected)
    summary = capsys.readouterr().err.strip().splitlines()[-1]
    assert summary == f"newsclean: {len(kept) + len(rejected)} in = {len(kept)} out + {len(rejected)} rejected"


ADVERSARIAL = ["{prefix}" * 2000, " " * 20000, "(" * 5000 + "[" * 5000, "{prefix} " * 2000 + "x"]


@pytest.mark.parametrize("language", ["_common", *available_languages()])
def test_rules_run_in_linear_time_on_adversarial_lines(language):
    pack = RulePack.load(language)
    baseline_line = "a" * 20000
    start = time.perf_counter()
    for _ in range(20):
        baseline_line.count("z")
    plain = max(time.perf_counter() - start, 1e-4)
    for rule in pack.rules:
        prefix = rule.pattern.pattern.lstrip("^(?:").split("|")[0][:12] or "a"
        prefix = "".join(ch for ch in prefix if ch.isalnum() or ch == " ") or "a"
        for template in ADVERSARIAL:
            line = template.format(prefix=prefix)
            start = time.perf_counter()
            rule.pattern.search(line)
            if rule.requires is not None:
                rule.requires.search(line)
            if rule.unless is not None:
                rule.unless.search(line)
            elapsed = time.perf_counter() - start
            # Catastrophic backtracking takes seconds to hours; a linear scan stays within a
            # generous multiple of a plain pass over a line of the same size.
            assert elapsed < max(2000 * plain, 0.5), f"{rule.id} took {elapsed:.3f}s on {template[:20]!r}"


# --- bounded memory on every reader (issue 29, item 5): the bombs of benchmarks/bombs.py, small -----


def _bombs():
    import importlib
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    try:
        return importlib.import_module("bombs")
    finally:
        sys.path.pop(0)


def _clean(path, tmp_path, *options):
    out = tmp_path / "out" / "clean.jsonl"
    code = main(["clean", str(path), "-o", str(out), "--jobs", "1", "--quiet", *options])
    stats = json.loads(out.with_name("clean.stats.json").read_text(encoding="utf-8"))
    rejects = [json.loads(line) for line in out.with_name("clean.rejects.jsonl").read_text(encoding="utf-8").splitlines()]
    assert code in (0, 1)
    assert stats["documents_in"] == stats["documents_out"] + stats["rejected"]
    return stats, rejects


@pytest.mark.parametrize(
    ("bomb", "size", "options", "limit"),
    [
        ("gzip_page", 200_000, ("--max-bytes", "10000"), "10000"),
        ("warc_body", 200_000, ("--max-bytes", "10000"), "10000"),
        ("parquet_cell", 200_000, ("--max-bytes", "10000"), "10000"),
        ("list_column", 300_000, (), "100000"),
        ("jsonl_field", 50_000, ("--max-bytes", "10000"), "10000"),
    ],
)
def test_a_small_file_that_unpacks_to_a_lot_is_too_large_with_the_limit_named(tmp_path, bomb, size, options, limit):
    if bomb in ("parquet_cell", "list_column"):
        pytest.importorskip("pyarrow")
    if bomb.startswith("warc"):
        pytest.importorskip("warcio")
    path = getattr(_bombs(), bomb)(tmp_path, size)
    stats, rejects = _clean(path, tmp_path, "--no-dedup", *options)
    [reject] = [r for r in rejects if r["reason"] == "too_large"]
    assert limit in reject["detail"]


def test_a_warc_header_line_over_the_limit_stops_the_file_with_too_large(tmp_path, monkeypatch):
    pytest.importorskip("warcio")
    import newsclean.readers as readers

    monkeypatch.setattr(readers, "WARC_HEADER_LIMIT", 4096)
    path = _bombs().warc_header(tmp_path, 200_000)
    stats, rejects = _clean(path, tmp_path, "--no-dedup")
    assert stats["documents_out"] == 1  # the page before the bomb
    [reject] = rejects
    assert reject["reason"] == "too_large" and "WARC header is over the limit of 4096 bytes" in reject["detail"]


def test_an_http_header_block_over_the_limit_is_too_large(tmp_path, monkeypatch):
    pytest.importorskip("warcio")
    import newsclean.readers as readers

    bombs = _bombs()
    monkeypatch.setattr(readers, "WARC_HEADER_LIMIT", 4096)
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nSet-Cookie: " + b"a" * 100_000 + b"\r\n\r\n" + bombs.PAGE
    record = bombs._warc_record(b"WARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\n", http)
    path = tmp_path / "cookie.warc.gz"
    path.write_bytes(bombs._page_record(1) + gzip.compress(record, mtime=0))
    stats, rejects = _clean(path, tmp_path, "--no-dedup")
    assert stats["documents_out"] == 1
    assert [r["reason"] for r in rejects] == ["too_large"] and "HTTP header block" in rejects[0]["detail"]


def test_a_parquet_row_group_that_unpacks_to_a_lot_is_never_decoded(tmp_path, monkeypatch):
    pytest.importorskip("pyarrow")
    import newsclean.readers as readers

    monkeypatch.setattr(readers, "PARQUET_COLUMN_BYTES", 100_000)
    monkeypatch.setattr(readers, "_without_large_content", None)  # would fail if the group were decoded
    path = _bombs().parquet_cell(tmp_path, 200_000)
    stats, [reject] = _clean(path, tmp_path, "--no-dedup", "--max-bytes", "10000")
    assert reject["reason"] == "too_large" and "the row group was not read" in reject["detail"]


def test_a_parquet_passthrough_cell_counts_against_max_bytes(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    path = tmp_path / "meta.parquet"
    page = _bombs().PAGE.decode()
    pq.write_table(pa.table({"id": ["a", "b"], "html": [page, page.replace("Eastmere", "Westmere")], "notes": ["short", "n" * 50_000]}), path)
    stats, rejects = _clean(path, tmp_path, "--no-dedup", "--max-bytes", "10000")
    assert stats["documents_out"] == 1
    assert [(r["id"], r["reason"]) for r in rejects] == [("b", "too_large")]


# --- blank lines cost no Python step each (issue 29, item 12: a small .jsonl.gz of blank lines took minutes) ---


def _lines_run_in_readers(read):
    """``read()`` and how many lines of newsclean/readers.py it ran (a count, not a time)."""
    import sys

    import newsclean.readers as readers

    count = 0

    def local(frame, event, arg):
        nonlocal count
        count += event == "line"
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename == readers.__file__ else None

    sys.settrace(calls)
    try:
        result = read()
    finally:
        sys.settrace(None)
    return result, count


@pytest.mark.parametrize("blank", [b"\n", b"  \r\n", b"\t\n"])
def test_blank_jsonl_lines_are_passed_over_in_blocks_and_still_counted(tmp_path, blank):
    from newsclean.readers import read_inputs

    record = json.dumps({"text": STORY}).encode()
    path = tmp_path / "gaps.jsonl.gz"
    path.write_bytes(gzip.compress(record + b"\n" + blank * 200_000 + record + b"\n", mtime=0))
    docs, lines = _lines_run_in_readers(lambda: list(read_inputs([str(path)])))
    assert [d.id for d in docs] == ["gaps:1", "gaps:200002"]
    assert lines < 5_000  # one Python step a line would be over a million


def test_blank_lines_between_warc_records_are_passed_over_in_blocks(tmp_path):
    pytest.importorskip("warcio")
    from newsclean.readers import read_inputs

    bombs = _bombs()
    path = tmp_path / "gaps.warc.gz"
    path.write_bytes(gzip.compress(bombs._page_warc(1) + b"\r\n" * 200_000, mtime=0) + bombs._page_record(2))
    docs, lines = _lines_run_in_readers(lambda: list(read_inputs([str(path)])))
    assert [(d.id, d.error) for d in docs] == [("urn:uuid:1", None), ("urn:uuid:2", None)]
    assert lines < 5_000
