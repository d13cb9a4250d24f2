"""WARC and Parquet input, Parquet output, the writer chosen by extension, Article.crawled."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

from newsclean import Article, Category, ConfigError, InputError, RawDocument, Removal, default_pipeline
from newsclean.cli import main
from newsclean.model import Reject, RejectReason
from newsclean.readers import ReadReport, check_paths, kind_of, read_inputs
from newsclean.stats import RunStats
from newsclean.writers import JsonlWriter, ParquetWriter, article_record, open_writer, partial_path

PAGE = (
    "<html><head><title>Eastmere opens ferry terminal</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav>"
    "<article><h1>Eastmere opens ferry terminal</h1>"
    "<p>The town of Eastmere opened its new ferry terminal on Tuesday after three years of building work.</p>"
    "<p>The terminal can handle four vessels at once and has a covered waiting hall for foot passengers.</p>"
    "</article></body></html>"
)
STORY = (
    "Council Approves Library Repairs\n\n"
    "The council approved two million for repairs to the central library on Monday evening.\n\n"
    "Advertisement\n\n"
    "Work on the roof starts in spring and should end before the autumn term."
)
RECORD_ID = "<urn:uuid:00000000-0000-4000-8000-000000000001>"
CRAWLED = "2024-05-01T10:00:00Z"


def records_of(path: Path, report: ReadReport | None = None) -> list[RawDocument]:
    return list(read_inputs([str(path)], report))


# --- WARC -----------------------------------------------------------------------------------


def warc_bytes(*, gzip: bool = True, page: str = PAGE) -> bytes:
    """A small CC-NEWS-like WARC: warcinfo, then a request and an HTML response for one page, a
    PDF response, a redirect, and a metadata record."""
    warcio = pytest.importorskip("warcio")
    from warcio.statusandheaders import StatusAndHeaders

    buffer = io.BytesIO()
    writer = warcio.WARCWriter(buffer, gzip=gzip)

    def headers(n: int, date: str = CRAWLED) -> dict[str, str]:
        return {"WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-00000000000{n}>", "WARC-Date": date}

    def response(uri: str, status: str, content_type: str, body: bytes, n: int):
        http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        return writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=headers(n))

    info = writer.create_warcinfo_record("news.warc.gz", {"software": "newsclean tests"})
    request_http = StatusAndHeaders("GET /ferry HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    request = writer.create_warc_record(
        "https://news.example/ferry", "request", payload=io.BytesIO(b""), http_headers=request_http, warc_headers_dict=headers(2)
    )
    metadata = writer.create_warc_record(
        "https://news.example/ferry", "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
        warc_content_type="application/warc-fields", warc_headers_dict=headers(5),
    )
    for record in (
        info,
        request,
        response("https://news.example/ferry", "200 OK", "text/html; charset=utf-8", page.encode("utf-8"), 1),
        response("https://news.example/report.pdf", "200 OK", "application/pdf", b"%PDF-1.4 not a page", 3),
        response("https://news.example/old", "301 Moved Permanently", "text/html", b"<html>moved</html>", 4),
        metadata,
    ):
        writer.write_record(record)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["news.warc", "news.warc.gz"])
def test_warc_html_response_becomes_a_document_and_other_records_are_counted(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(warc_bytes(gzip=name.endswith(".gz")))
    report = ReadReport()
    [doc] = records_of(path, report)
    assert doc.id == RECORD_ID.strip("<>")
    assert doc.url == "https://news.example/ferry"
    assert doc.format == "html"
    assert doc.hints == {"crawled": CRAWLED}
    assert doc.content == PAGE.encode("utf-8")
    assert doc.error is None
    assert dict(report.skipped_records) == {"warcinfo": 1, "request": 1, "not_html": 1, "http_3xx": 1, "metadata": 1}


def test_warc_page_is_cleaned_with_url_and_crawl_date(tmp_path):
    path = tmp_path / "news.warc.gz"
    path.write_bytes(warc_bytes())
    [article] = default_pipeline(dedup=False, site_repeat=False).run(records_of(path))
    assert article.kept
    assert article.crawled == CRAWLED
    assert article.url == "https://news.example/ferry"
    assert article.paragraphs[0].startswith("The town of Eastmere opened its new ferry terminal")
    assert "Sport" not in article.text


def record_spans(data: bytes) -> list[tuple[str, int, int]]:
    """(WARC-Type, offset, length) of each record, offsets in the (compressed) file."""
    from warcio.archiveiterator import ArchiveIterator

    records = ArchiveIterator(io.BytesIO(data))
    return [(r.rec_type, records.get_record_offset(), records.get_record_length()) for r in records]


def test_truncated_gzip_warc_ends_in_a_reject_not_a_crash(tmp_path):
    data = warc_bytes()
    _, offset, length = record_spans(data)[3]  # the PDF response, after the page
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: offset + length // 2])
    report = ReadReport()
    docs = records_of(path, report)
    assert [d.error is None for d in docs] == [True, False]
    assert docs[0].content == PAGE.encode("utf-8")
    assert docs[1].id == "cut:4"  # the fourth record, where the file ends
    assert docs[1].error.reason == RejectReason.UNREADABLE
    assert "cut.warc.gz" in docs[1].error.detail
    assert dict(report.skipped_records) == {"warcinfo": 1, "request": 1}
    articles = list(default_pipeline(dedup=False, site_repeat=False).run(docs))
    assert [a.drop.reason if a.drop else None for a in articles] == [None, "unreadable"]


@pytest.mark.parametrize("gzip", [True, False], ids=["gz", "plain"])
def test_a_warc_cut_anywhere_never_raises_and_never_yields_a_short_page(tmp_path, gzip):
    data = warc_bytes(gzip=gzip)
    path = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
    cuts_with_error = 0
    for cut in range(1, len(data), 5):
        path.write_bytes(data[:cut])
        docs = records_of(path)
        pages = [d for d in docs if d.error is None]
        assert len(pages) <= 1
        # A page comes out whole or not at all; a cut inside it shows as an error.
        assert all(d.content == PAGE.encode("utf-8") for d in pages), cut
        assert len(docs) - len(pages) <= 1
        cuts_with_error += len(docs) > len(pages)
    assert cuts_with_error > len(data) // 10


def test_file_that_is_not_a_warc_is_one_reject(tmp_path):
    pytest.importorskip("warcio")
    path = tmp_path / "junk.warc"
    path.write_bytes(b"this is not a web archive\n" * 10)
    [doc] = records_of(path)
    assert doc.error.reason == RejectReason.UNREADABLE
    assert "WARC record 1 in junk.warc" in doc.error.detail


def test_warc_in_a_folder_is_read_and_its_skips_reach_the_cli_summary(tmp_path, capsys):
    corpus = tmp_path / "crawl"
    corpus.mkdir()
    (corpus / "a.warc.gz").write_bytes(warc_bytes())
    (corpus / "b.txt").write_text(STORY, encoding="utf-8")
    out = tmp_path / "out" / "clean.jsonl"
    assert main(["clean", str(corpus), "-o", str(out), "--jobs", "1"]) == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [RECORD_ID.strip("<>"), "b"]
    assert records[0]["crawled"] == CRAWLED
    assert "crawled" not in records[1]
    summary = capsys.readouterr().err
    assert "WARC records skipped (not HTML pages): 5" in summary
    assert "  request: 1" in summary
    stats = json.loads((tmp_path / "out" / "clean.stats.json").read_text(encoding="utf-8"))
    assert stats["records_skipped"] == {"http_3xx": 1, "metadata": 1, "not_html": 1, "request": 1, "warcinfo": 1}
    assert stats["balanced"]


def test_missing_warcio_names_the_extra(tmp_path, monkeypatch, capsys):
    path = tmp_path / "news.warc.gz"
    path.write_bytes(b"\x1f\x8b")
    monkeypatch.setitem(sys.modules, "warcio", None)  # import warcio now raises ImportError
    with pytest.raises(InputError, match=r"pip install 'newsclean\[warc\]'"):
        check_paths([str(path)])
    with pytest.raises(InputError, match=r"newsclean\[warc\]"):
        records_of(tmp_path)  # found inside a folder
    assert main(["clean", str(path), "-o", str(tmp_path / "out.jsonl"), "--quiet"]) == 2
    assert "newsclean[warc]" in capsys.readouterr().err


def test_kinds_of_the_new_formats():
    assert kind_of(Path("a.warc")) == "warc"
    assert kind_of(Path("CC-NEWS-2024.warc.gz")) == "warc"
    assert kind_of(Path("a.parquet")) == "parquet"
    assert kind_of(Path("a.PARQUET")) == "parquet"
    assert kind_of(Path("a.parquet.gz")) is None


def test_skipped_records_show_in_stats_only_when_there_are_some():
    stats = RunStats()
    assert "WARC" not in stats.summary()
    assert stats.to_dict()["records_skipped"] == {}
    stats.skipped_records = {"request": 2, "not_html": 1}
    assert "WARC records skipped (not HTML pages): 3\n  not_html: 1\n  request: 2" in stats.summary()
    assert list(stats.to_dict()["records_skipped"]) == ["not_html", "request"]


# --- Article.crawled ------------------------------------------------------------------------


def test_crawled_round_trips_and_is_written_only_when_known():
    article = Article(id="a", text="Body.", crawled=CRAWLED)
    assert article.to_dict()["crawled"] == CRAWLED
    assert Article.from_dict(json.loads(json.dumps(article.to_dict()))) == article
    assert "crawled" not in Article(id="b", text="Body.").to_dict()


def test_crawled_hint_reaches_the_article_from_jsonl(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "x", "text": STORY, "crawled": CRAWLED}) + "\n", encoding="utf-8")
    [article] = default_pipeline(dedup=False, site_repeat=False).run(records_of(path))
    assert article.crawled == CRAWLED


# --- Parquet input --------------------------------------------------------------------------


def write_parquet(path: Path, columns: dict, row_group_size: int | None = None) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    pq.write_table(pa.table(columns), path, row_group_size=row_group_size)


def test_parquet_rows_become_documents_with_the_jsonl_conventions(tmp_path):
    path = tmp_path / "batch.parquet"
    write_parquet(
        path,
        {
            "id": ["p1", None, "p3", "p4"],
            "url": ["https://news.example/p1", None, None, None],
            "html": [PAGE, None, None, ""],
            "text": [None, STORY, None, "  "],
            "title": ["Ferry terminal opens", None, None, None],
            "authors": [["Mara Lindqvist", "Oren Falk"], None, [], None],
            "published": [dt.date(2024, 5, 1), None, None, None],
            "clicks": [10, 20, 30, 40],  # not ours: passed through as meta
        },
    )
    docs = records_of(path)
    assert [d.id for d in docs] == ["p1", "batch:2", "p3", "p4"]
    assert [d.format for d in docs[:2]] == ["html", "text"]
    assert docs[0].url == "https://news.example/p1"
    assert docs[0].hints == {"title": "Ferry terminal opens", "authors": ["Mara Lindqvist", "Oren Falk"], "published": "2024-05-01"}
    assert docs[1].content == STORY
    assert [d.meta for d in docs] == [{"clicks": 10}, {"clicks": 20}, {"clicks": 30}, {"clicks": 40}]
    assert docs[2].error == docs[3].error == Reject("no_content", "record has no non-empty 'html' or 'text'")


def test_parquet_is_read_in_batches_not_whole(tmp_path, monkeypatch):
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "many.parquet"
    texts = [f"Story number {i} tells how the harbour board met on day {i}." for i in range(300)]
    write_parquet(path, {"text": texts}, row_group_size=100)

    def whole(*args, **kwargs):
        raise AssertionError("the whole file was read at once")

    monkeypatch.setattr(pq.ParquetFile, "read", whole)
    monkeypatch.setattr(pq, "read_table", whole)
    docs = records_of(path)
    assert [d.content for d in docs] == texts
    assert docs[-1].id == "many:300"


def test_parquet_without_a_content_column_is_one_reject(tmp_path):
    path = tmp_path / "meta.parquet"
    write_parquet(path, {"id": ["a", "b"], "title": ["One", "Two"]})
    [doc] = records_of(path)
    assert doc.error == Reject("bad_schema", "meta.parquet has no 'html' or 'text' column")


def test_damaged_parquet_is_one_reject(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 this is not really parquet PAR1")
    [doc] = records_of(path)
    assert doc.id == "bad:1"
    assert str(doc.error).startswith("unreadable: bad.parquet after row 0: ")


def test_missing_pyarrow_names_the_extra_for_input(tmp_path, monkeypatch):
    path = tmp_path / "in.parquet"
    path.write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(InputError, match=r"pip install 'newsclean\[parquet\]'"):
        check_paths([str(path)])


# --- Parquet output -------------------------------------------------------------------------


def sample_articles() -> list[Article]:
    removal = Removal(stage="extract", category=Category.SOCIAL, rule="dom.social.share", text="Share this", line=None, evidence='class="share-bar"')
    return [
        Article(
            id="a1", url="https://news.example/a1", source="Eastmere Gazette", title="Ferry terminal opens",
            authors=("Mara Lindqvist",), published=dt.date(2024, 5, 1), crawled=CRAWLED, language="en",
            text="The terminal opened on Tuesday.\n\nIt can handle four vessels.",
            removed=(removal, Removal(stage="boilerplate", category=Category.TAGS, rule="en.tags.label", text="Tags: ferries", line=2)),
        ),
        Article(id="a2", text="Ein kurzer Bericht über den Hafen.", language="de"),
    ]


def read_parquet_rows(path: Path) -> list[dict]:
    pq = pytest.importorskip("pyarrow.parquet")
    return pq.read_table(path).to_pylist()


def test_parquet_output_round_trips_articles(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "out" / "clean.parquet"
    articles = sample_articles()
    with ParquetWriter(str(path)) as out:
        for article in articles:
            out.write(article_record(article))
    rows = read_parquet_rows(path)
    assert [Article.from_dict(row) for row in rows] == articles
    assert rows[0]["removed"][0]["evidence"] == 'class="share-bar"'
    assert rows[1]["published"] is None and rows[1]["authors"] == [] and rows[1]["crawled"] is None


def test_parquet_schema_is_fixed_even_for_no_articles(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    empty, full = tmp_path / "empty.parquet", tmp_path / "full.parquet"
    with ParquetWriter(str(empty)):
        pass
    with ParquetWriter(str(full)) as out:
        out.write(article_record(sample_articles()[1]))
    assert pq.read_schema(empty) == pq.read_schema(full)
    assert pq.read_schema(empty).names == ["id", "url", "source", "title", "description", "authors", "published", "crawled", "language", "text", "removed", "related", "meta"]
    assert pq.read_table(empty).num_rows == 0


def test_parquet_output_is_written_in_row_groups(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "groups.parquet"
    with ParquetWriter(str(path), batch_rows=2) as out:
        for i in range(5):
            out.write(article_record(Article(id=f"a{i}", text=f"Story {i}.")))
    meta = pq.ParquetFile(path).metadata
    assert (meta.num_rows, meta.num_row_groups) == (5, 3)
    assert [r["id"] for r in read_parquet_rows(path)] == [f"a{i}" for i in range(5)]


def test_parquet_output_is_byte_identical_across_runs(tmp_path):
    pytest.importorskip("pyarrow")
    first, second = tmp_path / "1.parquet", tmp_path / "2.parquet"
    for path in (first, second):
        with ParquetWriter(str(path)) as out:
            for article in sample_articles():
                out.write(article_record(article))
    assert first.read_bytes() == second.read_bytes()


def test_interrupted_parquet_output_stays_partial(tmp_path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "clean.parquet"
    with pytest.raises(KeyboardInterrupt):
        with ParquetWriter(str(path)) as out:
            out.write(article_record(sample_articles()[0]))
            raise KeyboardInterrupt
    assert not path.exists()
    assert partial_path(str(path)).exists()


def test_parquet_writer_refuses_a_field_it_has_no_column_for(tmp_path):
    pytest.importorskip("pyarrow")
    with ParquetWriter(str(tmp_path / "x.parquet")) as out:
        with pytest.raises(ValueError, match="no Parquet column for mood"):
            out.write({"id": "a", "text": "Body.", "mood": "sunny"})


def test_parquet_to_stdout_is_a_config_error():
    with pytest.raises(ConfigError, match="stdout"):
        ParquetWriter("-")


# --- the writer chosen by extension ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "kind"),
    [("out.jsonl", JsonlWriter), ("out.jsonl.gz", JsonlWriter), ("-", JsonlWriter), ("out/clean.parquet", ParquetWriter), ("OUT.PARQUET", ParquetWriter)],
)
def test_open_writer_chooses_by_extension(path, kind):
    if kind is ParquetWriter:
        pytest.importorskip("pyarrow")
    assert type(open_writer(path)) is kind


def test_missing_pyarrow_names_the_extra_for_output(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ConfigError, match=r"pip install 'newsclean\[parquet\]'"):
        open_writer("out.parquet")


def test_cli_writes_parquet_for_a_parquet_output_and_rejects_stay_jsonl(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    source = tmp_path / "in.jsonl"
    lines = [{"id": "s1", "text": STORY}, {"id": "s2", "text": "Advertisement"}, "not json"]
    source.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    out = tmp_path / "clean.parquet"
    rejects = tmp_path / "rejects.jsonl"
    assert main(["clean", str(source), "-o", str(out), "--rejects", str(rejects), "--quiet", "--jobs", "1"]) == 0
    rows = read_parquet_rows(out)
    assert [r["id"] for r in rows] == ["s1"]
    assert rows[0]["title"] == "Council Approves Library Repairs"
    assert [json.loads(line)["reason"] for line in rejects.read_text(encoding="utf-8").splitlines()] == ["empty", "bad_json"]
    first = out.read_bytes()
    assert main(["clean", str(source), "-o", str(out), "--rejects", str(rejects), "--quiet", "--jobs", "1"]) == 0
    assert out.read_bytes() == first


def test_cli_parquet_in_parquet_out(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    source = tmp_path / "in.parquet"
    write_parquet(source, {"id": ["w1", "w2"], "html": [PAGE, None], "text": [None, STORY], "crawled": [CRAWLED, None]})
    out = tmp_path / "out.parquet"
    assert main(["clean", str(source), "-o", str(out), "--quiet", "--jobs", "1"]) == 0
    rows = read_parquet_rows(out)
    assert [(r["id"], r["crawled"]) for r in rows] == [("w1", CRAWLED), ("w2", None)]
    assert rows[1]["removed"][-1]["rule"] == "en.advertisement.label"


def test_cli_parquet_extra_columns_reach_the_output_as_meta(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    source = tmp_path / "in.parquet"
    write_parquet(source, {"id": ["w1", "w2"], "text": [STORY, STORY + " Again."], "cc_segment": ["s/1", None], "published_at": [dt.date(2024, 5, 1), None]})
    out = tmp_path / "out.parquet"
    assert main(["clean", str(source), "-o", str(out), "--quiet", "--jobs", "1", "--dedup", "off"]) == 0
    rows = read_parquet_rows(out)
    assert [json.loads(r["meta"]) for r in rows] == [
        {"cc_segment": "s/1", "published_at": "2024-05-01"},
        {"cc_segment": None, "published_at": None},
    ]


# --- extras checked before any work (issue 29, item 6) ---------------------------------------------


def test_parquet_output_without_pyarrow_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    from newsclean.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("The ferry terminal opened on Tuesday after three years of work.", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    out = tmp_path / "out"
    assert main(["clean", str(tmp_path / "in"), "-o", str(out / "clean.parquet"), "--quiet"]) == 2
    assert "newsclean[parquet]" in capsys.readouterr().err
    assert not out.exists() or list(out.iterdir()) == []


def test_a_warc_in_a_folder_without_warcio_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    from newsclean.cli import main

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("The ferry terminal opened on Tuesday after three years of work.", encoding="utf-8")
    (tmp_path / "in" / "b.warc.gz").write_bytes(b"")
    monkeypatch.setitem(sys.modules, "warcio", None)
    out = tmp_path / "out"
    assert main(["clean", str(tmp_path / "in"), "-o", str(out / "clean.jsonl"), "--quiet"]) == 2
    assert "newsclean[warc]" in capsys.readouterr().err
    assert not out.exists() or list(out.iterdir()) == []

