"""newsclean.formats: a format is added through the Reader/Writer protocol alone, and the
built-in formats are registered through it too."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

import newsclean
from newsclean import formats
from newsclean.errors import ConfigError
from newsclean.model import RawDocument, Reject
from newsclean.readers import ReadReport, input_files, kind_of, read_file

STORY = (
    "The harbour board approved the repair budget on Tuesday after a long debate about the north quay, "
    "and work is to start in the spring, its chair said."
)


@pytest.fixture(autouse=True)
def _registries(monkeypatch):
    """Formats registered by a test are gone after it."""
    formats.reader_named("text")  # the built-ins are in
    monkeypatch.setattr(formats, "_READERS", dict(formats._READERS))
    monkeypatch.setattr(formats, "_WRITERS", dict(formats._WRITERS))


@attrs.frozen
class NotesReader:
    """A toy format of our own: ``.notes`` files hold stories apart by lines of ``===``."""

    name: str = "notes"
    suffixes: tuple[str, ...] = (".notes",)
    gzip: bool = False

    def read(self, path, handle, file_id, options):
        with handle:
            data = handle.read(options.max_bytes + 1)
        if len(data) > options.max_bytes:
            yield RawDocument(id=file_id, error=Reject("too_large", f"{path.name} is too large"))
            return
        for i, story in enumerate(data.decode("utf-8").split("\n===\n")):
            yield RawDocument(id=f"{file_id}:{i}", content=story.strip(), format="text")

    def count(self, path):
        return Path(path).read_text(encoding="utf-8").count("\n===\n") + 1


@attrs.frozen
class TsvWriter:
    """A toy output format: one ``id<TAB>text`` line per article."""

    name: str = "tsv"
    suffixes: tuple[str, ...] = (".tsv",)

    def open(self, path, resume_at=None):
        if resume_at is not None:
            raise ConfigError("a TSV output cannot be resumed")
        return _TsvSink(path)


class _TsvSink:
    def __init__(self, path):
        self.path = path

    def __enter__(self):
        self.handle = open(self.path, "w", encoding="utf-8")
        return self

    def __exit__(self, *exc):
        self.handle.close()

    def write(self, record):
        self.handle.write(record["id"] + "\t" + record["text"].replace("\n", " ") + "\n")


def test_the_built_in_formats_are_registered_through_the_protocol():
    for name in ("text", "html", "jsonl", "warc", "parquet", "data"):
        assert isinstance(formats.reader_named(name), formats.Reader)
    assert [kind_of(Path(n)) for n in ("a.txt", "a.html.gz", "a.jsonl", "a.warc.gz", "a.parquet", "a.parquet.gz", "a.csv", "a.xyz")] == [
        "text", "html", "jsonl", "warc", "parquet", None, "data", None]
    assert formats.writer_for("out.jsonl.gz").name == "jsonl" and formats.writer_for("out.parquet").name == "parquet"
    assert formats.writer_for("out.csv") is None


def test_a_toy_input_format_is_listed_read_and_counted_once_registered(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "day.notes").write_text(f"{STORY}\n===\n{STORY.replace('north', 'south')}", encoding="utf-8")
    assert kind_of(folder / "day.notes") is None
    assert [f.path for f in input_files([str(folder)], ReadReport())] == []

    formats.register_reader(NotesReader())
    assert kind_of(folder / "day.notes") == "notes"
    [listed] = input_files([str(folder)], ReadReport())
    documents = list(read_file(Path(listed.path), file_id="day"))
    assert [d.id for d in documents] == ["day:0", "day:1"]
    stats = newsclean.run([str(folder)], str(tmp_path / "out.jsonl"), dedup=False, site_repeat=False, progress=False)
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert stats.documents_in == 2 and [r["text"] for r in records] == [STORY, STORY.replace("north", "south")]


def test_a_toy_output_format_is_written_once_registered(tmp_path):
    source = tmp_path / "story.txt"
    source.write_text(STORY, encoding="utf-8")
    with pytest.raises(ConfigError, match="name the output with one of those endings"):
        newsclean.run([str(source)], str(tmp_path / "out.tsv"), progress=False)
    formats.register_writer(TsvWriter())
    newsclean.run([str(source)], str(tmp_path / "out.tsv"), dedup=False, site_repeat=False, progress=False)
    assert (tmp_path / "out.tsv").read_text(encoding="utf-8") == f"story\t{STORY}\n"


def test_what_is_not_a_format_is_refused():
    with pytest.raises(ConfigError, match="is not a reader"):
        formats.register_reader(object())
    with pytest.raises(ConfigError, match="suffixes must be"):
        formats.register_reader(NotesReader(suffixes="notes"))
    with pytest.raises(ConfigError, match="suffixes must be"):
        formats.register_writer(TsvWriter(suffixes=(".TSV",)))
