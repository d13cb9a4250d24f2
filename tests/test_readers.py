"""Readers: files, folders, JSONL (plain and gzipped) and stdin become RawDocuments."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from newsclean import InputError, RawDocument
from newsclean.model import Reject
from newsclean.readers import ReadReport, check_paths, document_id, kind_of, read_inputs, skip_reason

ARTICLE = (
    "Harbour Town Opens New Ferry Terminal\n\n"
    "The town of Eastmere opened its new ferry terminal on Tuesday after three years of work.\n\n"
    "Advertisement\n\n"
    "The terminal can handle four vessels at once and has a covered waiting hall.\n"
)
PAGE = "<html><head><title>Ferry</title></head><body><p>The new terminal opened on Tuesday.</p></body></html>"


def read(paths, **kwargs) -> list[RawDocument]:
    return list(read_inputs([str(p) for p in paths], **kwargs))


def jsonl(*records) -> bytes:
    """JSONL bytes; str items are written verbatim (for malformed lines)."""
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- single files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("story.txt", "text"), ("page.html", "html"), ("page.htm", "html"), ("STORY.TXT", "text"), ("Page.HTML", "html")],
)
def test_plain_file_is_one_document_with_format_and_id(tmp_path, name, fmt):
    content = ARTICLE if fmt == "text" else PAGE
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [doc] = read([path])
    assert doc.id == name.split(".")[0]
    assert doc.format == fmt
    assert doc.error is None
    # Files are read as bytes; decoding is the extractor's job.
    assert doc.content == content.encode("utf-8")


@pytest.mark.parametrize(("name", "fmt"), [("story.txt.gz", "text"), ("page.html.gz", "html"), ("page.htm.gz", "html")])
def test_gzipped_file_keeps_kind_and_id_without_extensions(tmp_path, name, fmt):
    content = (ARTICLE if fmt == "text" else PAGE).encode("utf-8")
    path = tmp_path / name
    path.write_bytes(gzip.compress(content))
    [doc] = read([path])
    assert doc.id == name.split(".")[0]
    assert doc.format == fmt
    assert gzip.decompress(doc.content) == content


def test_document_id_and_kind_of():
    from pathlib import Path

    assert document_id(Path("dir/a.html.gz")) == "a"
    assert document_id(Path("report.2024.txt")) == "report.2024"
    assert document_id(Path("corpus/2024/03/index.HTML"), Path("corpus")) == "2024/03/index"
    assert document_id(Path("notes.md")) == "notes.md"  # read as text when named; no kind suffix to drop
    assert document_id(Path(".html")) == ".html"
    assert kind_of(Path("a.txt.gz")) == "text"
    assert kind_of(Path("a.HTM")) == "html"
    assert kind_of(Path("a.jsonl.gz")) == "jsonl"
    assert kind_of(Path("a.md")) is None
    assert kind_of(Path("a.gz")) is None


def test_file_named_explicitly_with_unknown_extension_is_read_as_text(tmp_path):
    path = tmp_path / "notes.md"
    path.write_text(ARTICLE, encoding="utf-8")
    report = ReadReport()
    [doc] = read([path], report=report)
    assert (doc.id, doc.format, doc.error) == ("notes.md", "text", None)
    assert report.skipped_files == []


# --- folders --------------------------------------------------------------------------------


def test_folder_is_read_recursively_in_sorted_order_and_unknown_files_are_skipped(tmp_path):
    root = tmp_path / "corpus"
    (root / "b_sub" / "deeper").mkdir(parents=True)
    (root / "a_sub").mkdir()
    (root / "c.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "a_sub" / "z.html").write_text(PAGE, encoding="utf-8")
    (root / "b_sub" / "deeper" / "y.txt.gz").write_bytes(gzip.compress(ARTICLE.encode()))
    (root / "b_sub" / "x.htm").write_text(PAGE, encoding="utf-8")
    (root / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "readme.md").write_text("not an article", encoding="utf-8")
    (root / "b_sub" / "image.png").write_bytes(b"\x89PNG\r\n")
    (root / "b_sub" / "archive.gz").write_bytes(gzip.compress(b"x"))

    report = ReadReport()
    docs = read([root], report=report)

    # Sorted path order: a.txt, a_sub/z.html, b_sub/deeper/y.txt.gz, b_sub/x.htm, c.txt.
    assert [d.id for d in docs] == ["a", "a_sub/z", "b_sub/deeper/y", "b_sub/x", "c"]
    assert [d.format for d in docs] == ["text", "html", "text", "html", "text"]
    assert all(d.error is None for d in docs)
    assert sorted(report.skipped_files) == sorted(
        str(p) for p in (root / "readme.md", root / "b_sub" / "image.png", root / "b_sub" / "archive.gz")
    )


def test_links_to_folders_are_followed_once_and_loops_are_listed_not_walked(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / "page.html").write_text(PAGE, encoding="utf-8")
    (root / "sub" / "note.txt").write_text(ARTICLE, encoding="utf-8")
    (outside / "far.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "a").symlink_to(".", target_is_directory=True)  # a loop
    (root / "b").symlink_to("a", target_is_directory=True)  # a link to the loop
    (root / "far").symlink_to(outside, target_is_directory=True)
    (root / "sub" / "again.html").symlink_to(outside, target_is_directory=True)  # a folder with a file's name
    (root / "self").symlink_to("self")  # a link to itself

    report = ReadReport()
    docs = read([root], report=report)

    assert [(d.id, d.error.reason if d.error else None) for d in docs] == [
        ("far/far", None), ("page", None), ("self", "unreadable"), ("sub/note", None)
    ]
    skipped = {str(root / name) for name in ("a", "b", "sub/again.html")}
    assert set(report.skipped_files) == skipped
    assert all("followed once" in skip_reason(path) for path in skipped)
    assert read([root]) == docs  # the same again


def test_folder_reading_is_repeatable(tmp_path):
    for name in ("m.txt", "b.txt", "k.html", "a.txt"):
        (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    first = [d.id for d in read([tmp_path])]
    assert first == ["a", "b", "k", "m"]
    assert [d.id for d in read([tmp_path])] == first


def test_folder_reads_jsonl_inside_it(tmp_path):
    (tmp_path / "feed.jsonl").write_bytes(jsonl({"id": "j1", "text": "one"}, {"id": "j2", "html": PAGE}))
    (tmp_path / "single.txt").write_text(ARTICLE, encoding="utf-8")
    docs = read([tmp_path])
    assert [(d.id, d.format) for d in docs] == [("j1", "text"), ("j2", "html"), ("single", "text")]


def test_several_paths_are_read_in_the_order_given(tmp_path):
    (tmp_path / "z.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    docs = read([tmp_path / "z.txt", tmp_path / "a.txt"])
    assert [d.id for d in docs] == ["z", "a"]


# --- JSONL ----------------------------------------------------------------------------------

RECORDS = [
    {
        "id": "r-1",
        "text": ARTICLE,
        "url": "https://news.example/ferry",
        "title": "Ferry terminal opens",
        "source": "Eastmere Gazette",
        "authors": ["Mara Lindqvist", "Oren Falk"],
        "published": "2024-03-12",
        "unrelated": "ignored",
    },
    {"html": PAGE, "authors": "Mara Lindqvist; Oren Falk"},
    {"id": 17, "text": "Numeric id.", "url": 42, "title": "", "authors": []},
]


def _check_records(docs: list[RawDocument], stem: str) -> None:
    assert len(docs) == 3
    first, second, third = docs
    assert first.id == "r-1"
    assert first.format == "text"
    assert first.content == ARTICLE
    assert first.url == "https://news.example/ferry"
    assert first.hints == {
        "title": "Ferry terminal opens",
        "source": "Eastmere Gazette",
        "authors": ["Mara Lindqvist", "Oren Falk"],
        "published": "2024-03-12",
    }
    assert first.error is None

    assert second.id == f"{stem}:2"  # no id: "<stem>:<line number>"
    assert second.format == "html"
    assert second.content == PAGE
    assert second.url is None
    assert second.hints == {"authors": "Mara Lindqvist; Oren Falk"}

    assert third.id == "17"
    assert third.url is None  # not a string
    assert third.hints == {}  # empty title and authors are not hints


def test_jsonl_records_keep_id_url_and_hints(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(*RECORDS))
    _check_records(read([path]), "feed")


def test_jsonl_gz_reads_the_same_records(tmp_path):
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(gzip.compress(jsonl(*RECORDS)))
    _check_records(read([path]), "feed")


def test_jsonl_html_wins_over_text_when_both_are_present(tmp_path):
    path = tmp_path / "both.jsonl"
    path.write_bytes(jsonl({"id": "b", "text": "plain words", "html": PAGE}))
    [doc] = read([path])
    assert (doc.format, doc.content) == ("html", PAGE)


def test_jsonl_blank_lines_are_skipped_but_counted_in_fallback_ids(tmp_path):
    path = tmp_path / "gaps.jsonl"
    path.write_bytes(b'{"text": "first"}\n\n   \n{"text": "fourth"}\n\n')
    docs = read([path])
    assert [d.id for d in docs] == ["gaps:1", "gaps:4"]
    assert [d.content for d in docs] == ["first", "fourth"]


def test_jsonl_bad_lines_become_error_documents_and_reading_goes_on(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        jsonl(
            {"id": "ok1", "text": "fine"},
            "{not json",
            "[1, 2, 3]",
            '"just a string"',
            {"id": "empty", "text": "   ", "html": ""},
            {"id": "nothing", "url": "https://news.example/x"},
            {"id": "ok2", "text": "also fine"},
        )
    )
    docs = read([path])
    assert [d.id for d in docs] == ["ok1", "mixed:2", "mixed:3", "mixed:4", "empty", "nothing", "ok2"]
    errors = [str(d.error) if d.error else None for d in docs]
    assert errors[0] is None and errors[-1] is None
    assert errors[1].startswith("bad_json")
    assert errors[2].startswith("bad_record")
    assert "list" in errors[2]
    assert errors[3].startswith("bad_record")
    assert errors[4].startswith("no_content")
    assert errors[5].startswith("no_content")
    assert docs[5].url == "https://news.example/x"
    assert all(d.content == "" for d in docs[1:6])


def test_jsonl_invalid_utf8_line_is_an_error_document(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"id": "a", "text": "caf\xe9 soci\xe9t\xe9"}\n{"id": "b", "text": "fine"}\n')
    first, second = read([path])
    assert first.id == "latin:1"
    assert first.error is not None and first.error.reason == "bad_json"
    assert (second.id, second.error, second.content) == ("b", None, "fine")


def test_jsonl_utf8_content_is_decoded(tmp_path):
    path = tmp_path / "utf8.jsonl"
    path.write_bytes(jsonl({"id": "u", "text": "Café société, Київ"}))
    [doc] = read([path])
    assert doc.content == "Café société, Київ"


def test_truncated_jsonl_gz_ends_with_an_error_document_instead_of_raising(tmp_path):
    lines = b"".join(b'{"id": "r%d", "text": "Line %d of a long feed."}\n' % (i, i) for i in range(3000))
    data = gzip.compress(lines)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])

    docs = read([path])  # must not raise

    good, last = docs[:-1], docs[-1]
    assert last.error is not None and last.error.reason == "unreadable"
    assert last.id == f"cut:{len(good) + 1}"
    assert all(d.error is None for d in good)
    assert [d.id for d in good] == [f"r{i}" for i in range(len(good))]
    assert len(good) < 3000


def test_tiny_truncated_jsonl_gz_gives_one_error_document(tmp_path):
    path = tmp_path / "tiny.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"id": "a", "text": "x"}\n')[:-8])  # trailer cut off
    docs = read([path])
    assert docs[-1].error is not None and docs[-1].error.reason == "unreadable"


def test_jsonl_gz_that_is_not_gzip_is_an_error_document(tmp_path):
    path = tmp_path / "fake.jsonl.gz"
    path.write_bytes(jsonl({"id": "a", "text": "x"}))
    [doc] = read([path])
    assert doc.error is not None and doc.error.reason == "unreadable"
    assert doc.id == "fake:1"


# --- stdin ----------------------------------------------------------------------------------


def test_stdin_is_read_as_jsonl():
    stream = io.BytesIO(jsonl({"id": "s1", "text": "from stdin", "title": "T"}, "oops", {"text": "no id"}))
    docs = list(read_inputs(["-"], stdin=stream))
    assert [d.id for d in docs] == ["s1", "stdin:2", "stdin:3"]
    assert docs[0].hints == {"title": "T"}
    assert str(docs[1].error).startswith("bad_json")
    assert docs[2].content == "no id"


def test_stdin_mixed_with_files_keeps_argument_order(tmp_path):
    (tmp_path / "f.txt").write_text(ARTICLE, encoding="utf-8")
    stream = io.BytesIO(jsonl({"id": "s", "text": "x"}))
    docs = list(read_inputs([str(tmp_path / "f.txt"), "-"], stdin=stream))
    assert [d.id for d in docs] == ["f", "s"]


def test_empty_stdin_gives_no_documents():
    assert list(read_inputs(["-"], stdin=io.BytesIO(b""))) == []


# --- paths ----------------------------------------------------------------------------------


def test_check_paths_raises_input_error_for_a_missing_path(tmp_path):
    present = tmp_path / "here.txt"
    present.write_text("x", encoding="utf-8")
    missing = tmp_path / "nope" / "gone.txt"
    with pytest.raises(InputError, match="does not exist") as info:
        check_paths([str(present), str(missing)])
    assert str(missing) in str(info.value)
    assert isinstance(info.value, OSError)


def test_check_paths_accepts_existing_files_folders_and_stdin(tmp_path):
    (tmp_path / "here.txt").write_text("x", encoding="utf-8")
    check_paths([str(tmp_path), str(tmp_path / "here.txt"), "-"])  # no exception


def test_read_inputs_is_lazy(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    stream = read_inputs([str(tmp_path / "a.txt"), str(tmp_path / "later.txt")])
    assert next(stream).id == "a"
    (tmp_path / "later.txt").write_text(ARTICLE, encoding="utf-8")  # created after reading began
    assert next(stream).id == "later"


def test_files_in_one_folder_get_distinct_ids(tmp_path):
    """Dotted names and the same name in two subfolders are common in crawls; an id that
    cut them short would give two documents one id (and a dedup reject naming itself)."""
    for name in ("paper.de.areen.html", "paper.de.mareen.html", "2024/index.html", "2025/index.html.gz"):
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(PAGE.encode()) if name.endswith(".gz") else PAGE.encode())
    (tmp_path / "in" / "2025" / "feed.jsonl").write_bytes(jsonl({"text": ARTICLE}, {"id": "given", "text": ARTICLE}))
    ids = [doc.id for doc in read([tmp_path / "in"])]
    assert ids == ["2024/index", "2025/feed:1", "given", "2025/index", "paper.de.areen", "paper.de.mareen"]
    # A file named on its own is named by its file name, wherever it is.
    assert [doc.id for doc in read([tmp_path / "in" / "2025" / "index.html.gz"])] == ["index"]


# --- gzip by its bytes, stdin formats, meta, skipped files (issue 15) -----------------------------


def test_txt_gz_that_is_not_gzip_is_an_error_document(tmp_path):
    path = tmp_path / "story.txt.gz"
    path.write_text(ARTICLE, encoding="utf-8")
    [doc] = read([path])
    assert doc.id == "story"
    assert doc.error == Reject("undecodable", "story.txt.gz is named .gz but is not gzip data")


def test_gzip_is_recognised_by_its_bytes_whatever_the_name(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(gzip.compress(jsonl({"id": "a", "text": "x"})))
    [doc] = read([feed])
    assert (doc.id, doc.content, doc.error) == ("a", "x", None)
    page = tmp_path / "page.html"
    page.write_bytes(gzip.compress(PAGE.encode()))
    [doc] = read([page])
    from newsclean import default_pipeline

    assert default_pipeline(dedup=False).process(doc).text == "The new terminal opened on Tuesday."


@pytest.mark.parametrize("fmt", ["html", "text"])
def test_stdin_can_be_one_html_or_text_document(fmt):
    [doc] = read_inputs(["-"], stdin=io.BytesIO(PAGE.encode()), stdin_format=fmt)
    assert (doc.id, doc.format, doc.content) == ("stdin", fmt, PAGE.encode())


def test_unknown_stdin_format_is_a_config_error():
    from newsclean import ConfigError

    with pytest.raises(ConfigError, match="stdin_format"):
        list(read_inputs(["-"], stdin=io.BytesIO(b""), stdin_format="xml"))


def test_record_fields_newsclean_does_not_read_become_meta(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl({"id": "a", "text": "x", "title": "T", "cc_segment": "s/1", "domain_score": 0.5, "extra": {"k": [1]}}))
    [doc] = read([path])
    assert doc.hints == {"title": "T"}
    assert doc.meta == {"cc_segment": "s/1", "domain_score": 0.5, "extra": {"k": [1]}}


def test_skipped_files_are_named_up_to_a_limit_and_all_counted(tmp_path, monkeypatch):
    import newsclean.readers as readers

    monkeypatch.setattr(readers, "SKIPPED_NAMES_KEPT", 2)
    for name in ("a.md", "b.md", "c.md"):
        (tmp_path / name).write_text("x")
    report = ReadReport()
    assert read([tmp_path], report=report) == []
    assert report.skipped_files == [str(tmp_path / "a.md"), str(tmp_path / "b.md")]
    assert report.skipped_files_total == 3


# --- inputs are what they claim (issue 29, items 3, 4 and 7) --------------------------------------


@pytest.mark.parametrize("name", ["page.txt", "page", "page.txt.gz"])
def test_markup_in_a_text_file_is_read_as_html(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(gzip.compress(PAGE.encode()) if name.endswith(".gz") else PAGE.encode())
    [doc] = read([path])
    assert doc.error is None and doc.format == "html"


def test_markup_in_a_record_text_field_is_read_as_html_and_a_bom_is_dropped(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl({"text": PAGE}, {"text": "\ufeff" + PAGE}, {"text": "\ufeff" + ARTICLE}))
    docs = read([path])
    assert [d.format for d in docs] == ["html", "html", "text"]
    assert docs[1].content == PAGE and docs[2].content == ARTICLE


def test_text_only_rejects_markup_as_html_as_text(tmp_path):
    (tmp_path / "page.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "feed.jsonl").write_bytes(jsonl({"text": PAGE}, {"text": ARTICLE}))
    docs = read([tmp_path / "page.txt", tmp_path / "feed.jsonl"], text_only=True)
    assert [d.error.reason.value if d.error else None for d in docs] == ["html_as_text", "html_as_text", None]


@pytest.mark.parametrize(
    ("name", "content", "advice"),
    [
        ("articles.json", json.dumps([{"text": ARTICLE}]), "jq -c"),
        ("articles.txt", json.dumps([{"text": ARTICLE}]), "jq -c"),
        ("one.json", json.dumps({"text": ARTICLE}), "JSONL"),
        ("records", "\n".join(json.dumps({"text": ARTICLE}) for _ in range(3)), "JSONL"),
        ("table.csv", "id,text\n1,\"" + ARTICLE.replace("\n", " ") + "\"\n", "to_json"),
        ("urls.txt", "https://example.com/a\nhttps://example.com/b?x=1\n\nwww.example.org/c\n", "wget -i"),
    ],
)
def test_records_tables_and_url_lists_are_not_articles(tmp_path, name, content, advice):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [doc] = read([path])
    assert doc.error is not None and doc.error.reason.value == "not_articles"
    assert advice in doc.error.detail
    assert not doc.content


def test_text_opening_with_a_bracket_or_naming_a_url_is_still_text(tmp_path):
    (tmp_path / "a.txt").write_text("[Updated] " + ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE + "\nRead more at https://example.com/ferry\n", encoding="utf-8")
    assert [(d.error, d.format) for d in read([tmp_path / "a.txt", tmp_path / "b.txt"])] == [(None, "text"), (None, "text")]


def test_a_json_file_in_a_folder_is_a_counted_reject_not_skipped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "list.json").write_text("[]", encoding="utf-8")
    report = ReadReport()
    [doc] = read([folder], report=report)
    assert doc.error.reason.value == "not_articles" and report.skipped_files_total == 0


def test_colliding_ids_get_a_stable_suffix_and_are_reported(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "page.HTML").write_text(PAGE, encoding="utf-8")
    (tmp_path / "feed.jsonl").write_bytes(jsonl({"id": "same", "text": ARTICLE}, {"id": "same", "text": ARTICLE}, {"id": "page", "text": ARTICLE}))
    report = ReadReport()
    ids = [d.id for d in read([folder, tmp_path / "feed.jsonl"], report=report)]
    assert len(set(ids)) == len(ids) == 5
    assert ids == ["page.HTML", "page", "same", "same#2", "page#2"] or ids == ["page", "page.txt", "same", "same#2", "page#2"]
    assert report.renamed_ids == 3
    assert ids == [d.id for d in read([folder, tmp_path / "feed.jsonl"])]


def test_hints_that_are_not_strings_never_come_out_as_python_reprs(tmp_path):
    path = tmp_path / "feed.jsonl"
    record = {"text": ARTICLE, "title": {"main": "Ferry"}, "authors": [{"name": "Mara Lindqvist"}, 7, "Oren Falk"], "source": ["a", "b"]}
    path.write_bytes(jsonl(record, {"text": ARTICLE, "authors": {"name": "Ann Berg"}, "title": 1984}))
    first, second = read([path])
    assert "title" not in first.hints and first.meta["title"] == {"main": "Ferry"}
    assert first.hints["authors"] == ["Mara Lindqvist", "Oren Falk"] and first.meta["source"] == ["a", "b"]
    assert second.hints == {"authors": "Ann Berg", "title": "1984"}
