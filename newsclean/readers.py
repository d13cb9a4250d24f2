"""Readers: files, folders, JSONL, WARC, Parquet and stdin become a stream of RawDocuments.

Nothing here raises for a bad document: a line that is not JSON, a record without text, an
unreadable file, a truncated WARC become RawDocuments with ``error`` set, which the pipeline
turns into rejects. Only a path that does not exist at all raises :class:`InputError`, before
anything is read, and so does a WARC or Parquet input when its optional library is missing.
"""

from __future__ import annotations

import gzip
import heapq
import json
import logging
import os
import re
import stat
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import attrs
import xxhash

from newsclean.errors import InputError
from newsclean.extras import require
from newsclean.formats import ReadOptions, reader_for, reader_named, register_reader
from newsclean.model import RawDocument, Reject
from newsclean.options import DEFAULT_MAX_BYTES, HINT_NAMES, STDIN_FORMATS, choice, integer

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
WARC_SUFFIXES = (".warc",)
PARQUET_SUFFIXES = (".parquet",)
# Tables and JSON documents hold records, not an article: each such file is a ``not_articles``
# reject that says how to give its records to newsclean.
DATA_SUFFIXES = (".json", ".csv", ".tsv")
STDIN = "-"
HINT_KEYS = HINT_NAMES
GZIP_MAGIC = b"\x1f\x8b"
# A skipped file is named in the report up to this many; past it, only counted.
SKIPPED_NAMES_KEPT = 1000
# Records nested deeper are rejected (``too_deep``): no news record needs it, and deeper ones
# exhaust the stack of whatever walks them.
MAX_JSON_DEPTH = 100
# A JSONL line may be this many times ``max_bytes`` (JSON escapes can take 6 bytes for 1)
# before it is rejected unread; its text is then held to ``max_bytes`` by the extract stage.
JSONL_LINE_FACTOR = 6
_READ_CHUNK = 1 << 20
log = logging.getLogger(__name__)


@attrs.frozen
class RecordFields:
    """The fields of a JSONL record (the columns of a Parquet file) that hold a document's
    text, its HTML and its id (``--text-field``, ``--html-field``, ``--id-field``)."""

    text: str = "text"
    html: str = "html"
    id: str = "id"

    @property
    def content(self) -> tuple[tuple[str, str], ...]:
        """(field, format) in the order they are tried: HTML first."""
        return ((self.html, "html"), (self.text, "text"))


DEFAULT_FIELDS = RecordFields()
CONTENT_FIELDS = DEFAULT_FIELDS.content


@attrs.define
class ReadReport:
    """What a reader passed over: files in folders with extensions it does not read (the
    first ``SKIPPED_NAMES_KEPT`` named in ``skipped_files``, all counted in
    ``skipped_files_total``), and WARC records that are not HTML pages, counted by reason
    (``request``, ``not_html``, ...)."""

    skipped_files: list[str] = attrs.field(factory=list)
    skipped_records: Counter[str] = attrs.field(factory=Counter)
    skipped_files_total: int = 0
    # Documents whose id an earlier one had, given a suffix: how many, and the first few.
    renamed_ids: int = 0
    renamed_id_names: list[dict[str, str]] = attrs.field(factory=list)

    def rename_id(self, old: str, new: str) -> None:
        self.renamed_ids += 1
        if len(self.renamed_id_names) < SKIPPED_NAMES_KEPT:
            self.renamed_id_names.append({"id": old, "renamed": new})

    def skip_file(self, path: str) -> None:
        self.skipped_files_total += 1
        if len(self.skipped_files) < SKIPPED_NAMES_KEPT:
            self.skipped_files.append(path)


# What the walk of a folder gives for a folder it has listed already, reached again through a
# link (a loop, or two links to one folder): listed as skipped, never read twice.
FOLDER_READ = Reject("not_a_file", "a folder listed already")


def skip_reason(path: str) -> str:
    """Why a folder's file was not read."""
    if os.path.isdir(path):
        return "a folder read already by another path (a link to a folder is followed once)"
    suffix = "".join(Path(path).suffixes[-2:]) or "(none)"
    return f"extension {suffix} is not one newsclean reads"


def document_id(path: Path, root: Path | None = None) -> str:
    """A file's id: its path below ``root`` (the folder it was found in; its name alone when
    ``root`` is None) without the extensions that give its kind (``kind_of``): ``2024/a.html.gz``
    -> ``2024/a``, ``report.2024.txt`` -> ``report.2024``. Files in one folder get distinct ids."""
    name = path.relative_to(root).as_posix() if root is not None else path.name
    if kind_of(path) is None:
        return name
    compressed = path.suffix.lower() == ".gz"
    kind_suffix = "".join(path.suffixes[-2:] if compressed else path.suffixes[-1:])
    return name[: len(name) - len(kind_suffix)]


@attrs.frozen
class InputFile:
    """A file to read (``-`` for stdin) and the id its documents are named by; ``error``
    for a path found in a folder that cannot be read as a file."""

    path: str
    id: str
    error: Reject | None = None


def kind_of(path: Path) -> str | None:
    """``text``, ``html``, ``jsonl``, ``warc``, ``parquet``, ``data`` (JSON, CSV: records
    that must be given as JSONL or Parquet), a registered reader's name, or None, from the
    extensions (a final ``.gz`` allowed, except for Parquet, which compresses inside the file).
    See ``newsclean.formats``."""
    reader = reader_for(path)
    return reader.name if reader is not None else None


# The library each optional input kind needs: (module, extra, what it is needed for).
_KIND_NEEDS = {
    "warc": ("warcio", "warc", "reading WARC files"),
    "parquet": ("pyarrow.parquet", "parquet", "reading Parquet files"),
}


def check_paths(paths: Iterable[str]) -> None:
    """Raise InputError for the first path that does not exist or cannot be listed/read, or
    that is a WARC or Parquet file when the library to read it is not installed."""
    for name in paths:
        if name == STDIN:
            continue
        path = Path(name)
        if not path.exists():
            raise InputError(f"input path {name!r} does not exist")
        if not os.access(path, os.R_OK):
            raise InputError(f"input path {name!r} is not readable")
        if path.is_file():
            _require_reader(kind_of(path))


def require_readers(files: Iterable[InputFile]) -> None:
    """InputError naming the extra to install when one of ``files`` needs a missing library."""
    for kind in {kind_of(Path(file.path)) for file in files if file.error is None and file.path != STDIN}:
        _require_reader(kind)


def _require_reader(kind: str | None) -> Any:
    """The module that reads ``kind`` (None for the built-in kinds); InputError naming the
    extra to install when it is missing."""
    if kind not in _KIND_NEEDS:
        return None
    module, extra, purpose = _KIND_NEEDS[kind]
    return require(module, extra, purpose, error=InputError)


def read_inputs(
    paths: Iterable[str],
    report: ReadReport | None = None,
    stdin: IO[bytes] | None = None,
    exclude: Iterable[str] = (),
    stdin_format: str = "jsonl",
    max_bytes: int = DEFAULT_MAX_BYTES,
    text_only: bool = False,
    fields: RecordFields = DEFAULT_FIELDS,
) -> Iterator[RawDocument]:
    """Documents from every path in order: files, folders (recursive, sorted), JSONL, ``-``.

    A file named explicitly is read even with an unknown extension (as text); inside folders
    only known extensions are read and the others are listed in ``report``. Files in
    ``exclude`` (the run's own files; an output inside an input folder is refused before
    this, so this is a safety net) are skipped.
    ``-`` is standard input (or ``stdin``), read as ``stdin_format``: ``jsonl`` records, or
    one ``html`` or ``text`` document with id ``stdin``.

    No more than ``max_bytes + 1`` bytes of a document are read: a larger one is a
    ``too_large`` reject (JSONL lines: see ``JSONL_LINE_FACTOR``). A path that is not a
    regular readable file (a FIFO, a device, a broken link, a folder that cannot be listed)
    is a reject too (``not_a_file``, ``unreadable``).

    Text is looked at, not trusted (``sniff_text``): markup in a ``.txt`` file or a record's
    ``text`` is read as HTML (with ``text_only``, rejected as ``html_as_text``), and a JSON or
    CSV file or a list of URLs is a ``not_articles`` reject saying how to give it. An id
    already given to an earlier document gets a suffix (``id#2``), counted in ``report``.
    ``fields`` names the JSONL fields and Parquet columns that hold the content and the id.
    """
    choice(stdin_format, "stdin_format", STDIN_FORMATS)
    integer(max_bytes, "max_bytes", minimum=1)
    report = report if report is not None else ReadReport()
    documents = _read_all(paths, report, stdin, exclude, stdin_format, max_bytes, text_only, fields)
    return _unique_ids(documents, report)


def _unique_ids(documents: Iterator[RawDocument], report: ReadReport) -> Iterator[RawDocument]:
    """``documents`` with each id seen before renamed ``id#2``, ``id#3``... (stable: the
    same inputs give the same names). Ids are remembered as 8-byte digests."""
    seen: set[bytes] = set()
    for document in documents:
        key = xxhash.xxh64_digest(document.id.encode("utf-8", "surrogatepass"))
        if key in seen:
            n = 2
            while (renamed := xxhash.xxh64_digest(f"{document.id}#{n}".encode("utf-8", "surrogatepass"))) in seen:
                n += 1
            report.rename_id(document.id, f"{document.id}#{n}")
            document = attrs.evolve(document, id=f"{document.id}#{n}")
            key = renamed
        seen.add(key)
        yield document


def _read_all(
    paths: Iterable[str],
    report: ReadReport,
    stdin: IO[bytes] | None,
    exclude: Iterable[str],
    stdin_format: str,
    max_bytes: int,
    text_only: bool,
    fields: RecordFields = DEFAULT_FIELDS,
) -> Iterator[RawDocument]:
    progress = _ReadLog()
    for file in input_files(paths, report, exclude):
        if file.error is not None:
            documents: Iterable[RawDocument] = (RawDocument(id=file.id, error=file.error),)
        elif file.path == STDIN:
            stream = stdin or sys.stdin.buffer
            if stdin_format == "jsonl":
                documents = read_jsonl_stream(stream, source_name="stdin", max_bytes=max_bytes, text_only=text_only, fields=fields)
            else:
                documents = (_limited_document(stream, "stdin", stdin_format, max_bytes),)
        else:
            documents = read_file(Path(file.path), report, file.id, max_bytes=max_bytes, text_only=text_only, fields=fields)
        yield from progress.file(file, documents)
    progress.done(report)


@attrs.define
class _ReadLog:
    """Log records of the reading (``newsclean -v``): each file that holds records (JSONL, WARC,
    Parquet, stdin) as it is opened and when it is read, a line every ``EVERY`` documents, the
    totals at the end; single pages only at DEBUG."""

    EVERY = 10_000
    documents: int = 0
    files: int = 0

    def file(self, file: InputFile, documents: Iterable[RawDocument]) -> Iterator[RawDocument]:
        many = file.path == STDIN or kind_of(Path(file.path)) in ("jsonl", "warc", "parquet")
        level = logging.INFO if many else logging.DEBUG
        log.log(level, "reading %s", file.path)
        count = 0
        for document in documents:
            count += 1
            self.documents += 1
            if self.documents % self.EVERY == 0:
                log.info("read %d documents from %d files so far", self.documents, self.files + 1)
            yield document
        self.files += 1
        log.log(level, "read %s: %d documents", file.path, count)

    def done(self, report: ReadReport) -> None:
        skipped = f"; {report.skipped_files_total} files in folders skipped" if report.skipped_files_total else ""
        log.info("reading done: %d documents from %d inputs%s", self.documents, self.files, skipped)


def _limited_document(stream: IO[bytes], doc_id: str, fmt: str, max_bytes: int) -> RawDocument:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return RawDocument(id=doc_id, error=Reject("too_large", f"over the limit of {max_bytes} bytes"))
    return RawDocument(id=doc_id, content=data, format=fmt)


def input_files(paths: Iterable[str], report: ReadReport, exclude: Iterable[str] = ()) -> Iterator[InputFile]:
    """What ``read_inputs`` reads, in order: each path named (``-`` included), and for a
    folder its files (recursive, sorted) of a known kind, without ``exclude``, named by their
    path below the folder; the folder's other files are listed in ``report``."""
    excluded = {Path(p).resolve() for p in exclude if p != STDIN}
    given: set[str] = set()

    def unique(file: InputFile, full_name: str) -> InputFile:
        # page.txt and page.html both have id "page": the second is named in full.
        if file.id in given and full_name not in given:
            report.rename_id(file.id, full_name)
            file = attrs.evolve(file, id=full_name)
        given.add(file.id)
        return file

    for name in paths:
        path = Path(name)
        if name == STDIN:
            yield InputFile(name, "stdin")
            continue
        if not path.is_dir():
            yield unique(InputFile(name, _escaped(document_id(path))), _escaped(path.name))
            continue
        for child, error in sorted(_walk(path)):
            if Path(os.path.realpath(child)) in excluded:  # (never raises on a link loop, as resolve() does)
                continue
            if error is FOLDER_READ or (error is None and kind_of(child) is None):
                report.skip_file(str(child))
                continue
            # A file name that is not UTF-8 holds surrogates in Python; its id spells them escaped.
            yield unique(InputFile(str(child), _escaped(document_id(child, path)), error), _escaped(child.relative_to(path).as_posix()))


def _walk(root: Path) -> list[tuple[Path, Reject | None]]:
    """Below ``root`` (without recursion, however deep): each regular file (error None), and
    each path that is neither a regular file nor a folder, or a folder that cannot be
    listed, with the reject it gives. A link to a folder is followed, after the real folders
    and in name order, and each folder is listed once, known by its device and inode: a link
    to a folder already listed (a loop, a second link) comes back with ``FOLDER_READ``."""
    found: list[tuple[Path, Reject | None]] = []
    listed: set[tuple[int, int]] = set()
    links: list[Path] = []  # links to folders, a heap: the first in name order is followed first
    try:
        top = os.stat(root)
        listed.add((top.st_dev, top.st_ino))
    except OSError:
        pass  # os.scandir says what is wrong
    folders = [root]
    while folders or links:
        if not folders:
            link = heapq.heappop(links)
            try:
                target = os.stat(link)
            except OSError as exc:
                found.append((link, Reject("unreadable", str(exc.strerror))))
                continue
            if (target.st_dev, target.st_ino) in listed:
                found.append((link, FOLDER_READ))
            else:
                listed.add((target.st_dev, target.st_ino))
                folders.append(link)
            continue
        folder = folders.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            found.append((folder, Reject("unreadable", f"folder cannot be listed ({exc.strerror})")))
            continue
        for entry in entries:
            child = folder / entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    own = entry.stat(follow_symlinks=False)
                    if (own.st_dev, own.st_ino) in listed:
                        found.append((child, FOLDER_READ))  # met before through a link
                    else:
                        listed.add((own.st_dev, own.st_ino))
                        folders.append(child)
                    continue
                mode = os.stat(child).st_mode
            except FileNotFoundError:
                found.append((child, Reject("unreadable", "a broken symbolic link")))
                continue
            except OSError as exc:
                found.append((child, Reject("unreadable", str(exc.strerror))))
                continue
            if stat.S_ISREG(mode):
                found.append((child, None))
            elif stat.S_ISDIR(mode):
                heapq.heappush(links, child)
            else:
                found.append((child, Reject("not_a_file", f"{entry.name} is {_file_type(mode)}")))
    return found


def _file_type(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a regular file"


def _open_regular(path: Path) -> IO[bytes] | Reject:
    """``path`` opened for reading, or the Reject when it is not a regular
    readable file. Opened without blocking, so that a FIFO without a writer cannot hang the run."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        return Reject("unreadable", f"{exc.strerror}: {path.name}")
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        return Reject("not_a_file", f"{path.name} is {_file_type(mode)}")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def read_file(
    path: Path, report: ReadReport | None = None, file_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, text_only: bool = False,
    fields: RecordFields = DEFAULT_FIELDS,
) -> Iterator[RawDocument]:
    """The documents of one file: one for text/HTML, one per line for JSONL, one per HTML
    response for WARC, one per row for Parquet; a registered format's reader for its files
    (``newsclean.formats``). ``file_id`` (default ``document_id(path)``) names the document, or
    prefixes the record numbers of a JSONL, WARC or Parquet file. Skipped WARC records are
    counted in ``report``. See ``read_inputs`` for ``max_bytes``, ``text_only`` and ``fields``."""
    reader = reader_named(kind_of(path) or "text")
    file_id = file_id if file_id is not None else document_id(path)
    opened = _open_regular(path)
    if isinstance(opened, Reject):
        yield RawDocument(id=file_id, error=opened)
        return
    options = ReadOptions(max_bytes=max_bytes, text_only=text_only, fields=fields, report=report)
    yield from reader.read(path, opened, file_id, options)


# --- the built-in input formats (newsclean.formats.Reader) -----------------------------------------


@attrs.frozen
class _SingleDocument:
    """A text or HTML file: one document."""

    name: str
    suffixes: tuple[str, ...]
    gzip: bool = True

    def read(self, path: Path, handle: IO[bytes], file_id: str, options: ReadOptions) -> Iterator[RawDocument]:
        max_bytes = options.max_bytes
        try:
            with handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            yield RawDocument(id=file_id, error=Reject("unreadable", str(exc)))
            return
        if len(data) > max_bytes:
            # Compressed or not: a gzip stream is at most about as long as what it unpacks to.
            yield RawDocument(id=file_id, error=Reject("too_large", f"{path.name} is over the limit of {max_bytes} bytes"))
            return
        # Gzip is known by its first bytes (the extract stage unpacks it); a name that says .gz
        # over other bytes is a damaged or misnamed file, not text.
        if path.suffix.lower() == ".gz" and not data.startswith(GZIP_MAGIC):
            yield RawDocument(id=file_id, error=Reject("undecodable", f"{path.name} is named .gz but is not gzip data"))
            return
        if self.name == "text":
            yield _sniffed(RawDocument(id=file_id, content=data, format=self.name), options.text_only, path.name)
            return
        yield RawDocument(id=file_id, content=data, format=self.name)

    def count(self, path: Path) -> int | None:
        return 1


@attrs.frozen
class _JsonlFile:
    """JSON Lines: one document per record."""

    name: str = "jsonl"
    suffixes: tuple[str, ...] = JSONL_SUFFIXES
    gzip: bool = True

    def read(self, path: Path, handle: IO[bytes], file_id: str, options: ReadOptions) -> Iterator[RawDocument]:
        try:
            stream = _open_binary(handle, path)
        except OSError as exc:
            handle.close()
            yield RawDocument(id=file_id, error=Reject("unreadable", str(exc)))
            return
        with handle, stream:
            yield from read_jsonl_stream(
                stream, source_name=file_id, max_bytes=options.max_bytes, text_only=options.text_only, fields=options.fields,
            )

    def count(self, path: Path) -> int | None:
        return None


@attrs.frozen
class _WarcFile:
    """A WARC file: one document per HTML response."""

    name: str = "warc"
    suffixes: tuple[str, ...] = WARC_SUFFIXES
    gzip: bool = True

    def read(self, path: Path, handle: IO[bytes], file_id: str, options: ReadOptions) -> Iterator[RawDocument]:
        handle.close()  # warcio opens the file again
        yield from read_warc(path, options.report, file_id, max_bytes=options.max_bytes)

    def count(self, path: Path) -> int | None:
        return None


@attrs.frozen
class _ParquetFile:
    """A Parquet file: one document per row."""

    name: str = "parquet"
    suffixes: tuple[str, ...] = PARQUET_SUFFIXES
    gzip: bool = False  # Parquet compresses inside the file

    def read(self, path: Path, handle: IO[bytes], file_id: str, options: ReadOptions) -> Iterator[RawDocument]:
        handle.close()  # pyarrow opens the file again
        yield from read_parquet(path, file_id, max_bytes=options.max_bytes, text_only=options.text_only, fields=options.fields)

    def count(self, path: Path) -> int | None:
        try:
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
        except Exception:  # an unreadable file: it becomes a reject when read, not here
            return None


@attrs.frozen
class _DataFile:
    """JSON or CSV: records newsclean reads only as JSONL or Parquet; a reject saying so."""

    name: str = "data"
    suffixes: tuple[str, ...] = DATA_SUFFIXES
    gzip: bool = True

    def read(self, path: Path, handle: IO[bytes], file_id: str, options: ReadOptions) -> Iterator[RawDocument]:
        handle.close()
        yield RawDocument(id=file_id, error=Reject("not_articles", _data_advice(path)))

    def count(self, path: Path) -> int | None:
        return 1


BUILT_IN_READERS = (
    _SingleDocument("text", TEXT_SUFFIXES), _SingleDocument("html", HTML_SUFFIXES), _JsonlFile(), _WarcFile(), _ParquetFile(), _DataFile(),
)
for _built_in in BUILT_IN_READERS:
    register_reader(_built_in)


# What a text input's first characters are looked at for; a URL is one without spaces.
SNIFF_BYTES = 65536
_URL_LINE = re.compile(r"(?:https?|ftp)://\S+|www\.\S+\.\S+")


def sniff_text(content: str | bytes, whole_file: bool = False) -> str:
    """What text content really is: ``html`` (markup), ``json`` (a JSON array or object, or
    JSONL), ``urls`` (a list of URLs, one a line; only with ``whole_file``) or ``text``.
    Looks at the first ``SNIFF_BYTES`` only (gzip unpacked that far), after a byte-order mark."""
    from newsclean.stages.extract import looks_like_html

    head = _head_text(content)
    if looks_like_html(head):
        return "html"
    if not whole_file:
        return "text"
    start = head.lstrip()[:1]
    if start in ("[", "{"):
        first = head.lstrip().split("\n", 1)[0]
        try:
            json.loads(first if start == "{" else head)
            return "json"
        except ValueError:
            # An array over more than the head, or a text that opens with a bracket.
            if start == "[" and re.match(r"\[\s*(\{|\[|\"|$)", head.lstrip()):
                return "json"
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    if len(head) >= SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    if lines and all(_URL_LINE.fullmatch(line) for line in lines):
        return "urls"
    return "text"


def _head_text(content: str | bytes) -> str:
    if isinstance(content, str):
        return content[:SNIFF_BYTES].lstrip("\ufeff \t\r\n")
    head = content[:SNIFF_BYTES]
    if head[:2] == GZIP_MAGIC:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(content[: SNIFF_BYTES * 4], SNIFF_BYTES)
        except zlib.error:
            return ""
    text = head.decode("utf-16") if head[:2] in (b"\xff\xfe", b"\xfe\xff") and len(head) % 2 == 0 else head.decode("utf-8", "replace")
    return text.lstrip("\ufeff \t\r\n")


def _sniffed(document: RawDocument, text_only: bool, name: str | None = None) -> RawDocument:
    """``document`` (format ``text``) as what it is: HTML when it holds markup (an
    ``html_as_text`` reject with ``text_only``); for a whole file (``name``), a
    ``not_articles`` reject when it is JSON or a list of URLs."""
    kind = sniff_text(document.content, whole_file=name is not None)
    if kind == "html":
        if text_only:
            where = name or "the record's text"
            return attrs.evolve(document, content="", error=Reject("html_as_text", f"{where} is HTML, not text (--text-only)"))
        return attrs.evolve(document, format="html")
    if kind == "json" and name is not None:
        return attrs.evolve(document, content="", error=Reject("not_articles", _json_advice(name)))
    if kind == "urls" and name is not None:
        return attrs.evolve(document, content="", error=Reject("not_articles", _urls_advice(name)))
    return document


def _json_advice(name: str) -> str:
    stem = name.split(".", 1)[0] or "records"
    return (
        f"{name} is JSON, not an article: newsclean reads records as JSONL, one object a line with a "
        f"'text' or 'html' field (for a JSON array: jq -c '.[]' {name} > {stem}.jsonl), and cleans that"
    )


def _urls_advice(name: str) -> str:
    return (
        f"{name} is a list of URLs, not an article: newsclean does not fetch pages; download them "
        f"(wget -i {name}, or a crawler writing WARC) and clean the pages"
    )


def _data_advice(path: Path) -> str:
    if kind_of(path) == "data" and any(s.lower() in (".csv", ".tsv") for s in path.suffixes):
        return (
            f"{path.name} is a table, not an article: give its rows as JSONL or Parquet with a 'text' or 'html' "
            f"column (pandas: read_csv(...).to_json('{path.stem.split('.', 1)[0]}.jsonl', orient='records', lines=True))"
        )
    return _json_advice(path.name)


def read_jsonl_stream(
    handle: IO[bytes], *, source_name: str, max_bytes: int = DEFAULT_MAX_BYTES, text_only: bool = False,
    fields: RecordFields = DEFAULT_FIELDS,
) -> Iterator[RawDocument]:
    """One document per JSONL line: ``text`` or ``html``, optional ``id``, ``url`` and hints.
    A record without ``id`` is named ``<source>:<line number>``. A line over
    ``JSONL_LINE_FACTOR * max_bytes`` bytes is skipped unread, a ``too_large`` reject."""
    limit = JSONL_LINE_FACTOR * max_bytes
    for line_no, raw in _jsonl_lines(handle, limit):
        if isinstance(raw, Exception):  # a truncated .gz ends the file here
            yield RawDocument(id=f"{source_name}:{line_no}", error=Reject("unreadable", str(raw)))
        elif raw is None:
            yield RawDocument(id=f"{source_name}:{line_no}", error=Reject("too_large", f"JSONL line over {limit} bytes"))
        else:
            yield record_document(raw, f"{source_name}:{line_no}", text_only=text_only, max_bytes=max_bytes, fields=fields)


# Blank lines: a run of them is passed over in one step, however many (a small .jsonl.gz can
# unpack to a hundred million of them).
_WHITESPACE = re.compile(rb"[ \t\r\n\f\v]*")


def _jsonl_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None | OSError | EOFError]]:
    """(line number, line with its newline) for each line of ``handle`` that is not blank;
    (line number, None) for a line over ``limit`` bytes (its newline not counted), passed over
    without being held; last, (number of the line being read, the error) when the file cannot
    be read to its end. Read a block at a time."""
    read = getattr(handle, "read1", None) or handle.read
    line_no = 0
    head: list[bytes] = []  # the start of a line that runs past the block read so far
    held = 0  # its length
    over = False  # the line being read is over the limit: the rest is dropped
    while True:
        try:
            block = read(_READ_CHUNK)
        except (OSError, EOFError) as exc:
            yield line_no + 1, exc
            return
        if not block:
            break
        start = 0
        while (end := block.find(b"\n", start)) >= 0:
            line_no += 1
            if over or held + end - start > limit:
                yield line_no, None
            else:
                line = b"".join((*head, block[start : end + 1])) if head else block[start : end + 1]
                if not line.isspace():
                    yield line_no, line
            head.clear()
            held, over = 0, False
            space = _WHITESPACE.match(block, end + 1)
            start = block.rfind(b"\n", end + 1, space.end() if space else end + 1) + 1 or end + 1
            line_no += block.count(b"\n", end + 1, start)
        if not over and start < len(block):
            held += len(block) - start
            over = held > limit
            if over:
                head.clear()
            else:
                head.append(block[start:])
    if over or held:
        line = b"".join(head)
        if over or not line.isspace():
            yield line_no + 1, None if over else line


def record_document(
    raw: bytes, fallback_id: str, text_only: bool = False, max_bytes: int | None = None, fields: RecordFields = DEFAULT_FIELDS
) -> RawDocument:
    """A RawDocument from one JSONL line (bytes), or one with ``error`` saying what is wrong."""
    try:
        record = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return RawDocument(id=fallback_id, error=Reject("bad_json", str(exc)))
    except RecursionError:
        return RawDocument(id=fallback_id, error=Reject("too_deep", "JSON nested deeper than the parser goes"))
    if _depth_over(record, MAX_JSON_DEPTH):
        return RawDocument(id=fallback_id, error=Reject("too_deep", f"JSON nested deeper than {MAX_JSON_DEPTH} levels"))
    if not isinstance(record, dict):
        return RawDocument(id=fallback_id, error=Reject("bad_record", f"expected an object, got {type(record).__name__}"))
    # A line within the limit cannot hold fields over it: only a longer one is measured.
    limit = max_bytes if max_bytes is not None and len(raw) > max_bytes else None
    return document_from_record(record, fallback_id, fields.content, text_only=text_only, max_bytes=limit, id_field=fields.id)


def _depth_over(value: Any, limit: int) -> bool:
    """Whether lists and objects in ``value`` nest more than ``limit`` deep (no recursion)."""
    level = [value]
    for _ in range(limit + 1):
        level = [child for item in level if isinstance(item, (list, dict)) for child in (item.values() if isinstance(item, dict) else item)]
        if not level:
            return False
    return any(isinstance(item, (list, dict)) for item in level)




def document_from_record(
    record: dict[str, Any],
    fallback_id: str,
    content_fields: Sequence[tuple[str, str | None]] = CONTENT_FIELDS,
    text_only: bool = False,
    max_bytes: int | None = None,
    sniff: bool = True,
    id_field: str = "id",
) -> RawDocument:
    """A RawDocument from one record (a JSONL object, a Parquet row): the first non-empty
    ``content_fields`` entry (field, format), by default ``html`` then ``text``; ``id_field`` (else
    ``fallback_id``), ``url`` and the hints in ``HINT_KEYS``. A leading byte-order mark is
    dropped; text holding markup is HTML (``html_as_text`` with ``text_only``), unless
    ``sniff`` is off (the caller said the field is text). With
    ``max_bytes``, the fields other than the content count against it too: more, and the
    record is ``too_large``."""
    doc_id = record.get(id_field)
    doc_id = _escaped(str(doc_id)) if doc_id not in (None, "") else fallback_id
    if max_bytes is not None:
        contents = {field for field, _ in content_fields}
        size = _size_over({k: v for k, v in record.items() if k not in contents}, max_bytes)
        if size > max_bytes:
            detail = f"its fields other than the content take over {max_bytes} bytes, the limit"
            return RawDocument(id=doc_id[:200], error=Reject("too_large", detail))
    url = _escaped(record["url"]) if isinstance(record.get("url"), str) else None
    hints = _hints(record)
    unused_hints = {key for key in HINT_KEYS if key not in hints and record.get(key) not in (None, "", [])}
    read = {id_field, "url", *HINT_KEYS, *(field for field, _ in content_fields)} - unused_hints
    meta = {_escaped(str(k)): _json_ready(v) for k, v in record.items() if k not in read}
    for field, fmt in content_fields:
        value = record.get(field)
        if isinstance(value, str) and value.startswith("\ufeff"):
            value = value[1:]
        if isinstance(value, (str, bytes)) and value.strip():
            document = RawDocument(id=doc_id, content=value, format=fmt, url=url, hints=hints, meta=meta)
            return _sniffed(document, text_only) if fmt == "text" and sniff else document
    names = " or ".join(repr(field) for field, _ in content_fields)
    return RawDocument(id=doc_id, url=url, meta=meta, error=Reject("no_content", f"record has no non-empty {names}"))


def _size_over(value: Any, limit: int) -> int:
    """About how many bytes ``value`` takes as JSON; counting stops past ``limit``."""
    size = 0
    stack = [value]
    while stack and size <= limit:
        item = stack.pop()
        if isinstance(item, (str, bytes)):
            size += len(item) + 2
        elif isinstance(item, dict):
            size += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            size += 2 + len(item)
            stack.extend(item)
        else:
            size += 8
    return size


def _escaped(value: str) -> str:
    """``value`` with lone surrogates (valid in JSON, not in UTF-8) spelled ``\\ud800``: every
    file the run writes can then hold it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def _json_ready(value: Any) -> Any:
    """``value`` as JSON can hold it: containers kept, dates and other objects as strings."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, dict):
        return {_escaped(str(k)): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else str(value)


def _hints(record: dict[str, Any]) -> dict[str, Any]:
    """The hints of ``record`` that have a usable value: a string (a number or a date as
    one); for ``authors`` also a list of names or of objects with a ``name``. Others (an
    object as a title) are no hint: they go to ``meta`` as they are, never as a Python repr."""
    hints: dict[str, Any] = {}
    for key in HINT_KEYS:
        value = record.get(key)
        if value in (None, "", []):
            continue
        if key == "authors" and isinstance(value, (list, tuple)):
            names = [name for name in map(_author_name, value) if name]
            if names:
                hints[key] = names
            continue
        text = _hint_text(value if key != "authors" else _author_name(value))
        if text is not None:
            hints[key] = text
    return hints


def _hint_text(value: Any) -> str | None:
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else None


def _author_name(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("name")
    return _escaped(value.strip()) if isinstance(value, str) and value.strip() else None


def _open_binary(handle: IO[bytes], path: Path) -> IO[bytes]:
    """The bytes of the open file ``handle`` (named ``path``), gunzipped when it starts as
    gzip does, whatever its name."""
    head = handle.read(2)
    handle.seek(0)
    if head == GZIP_MAGIC or path.suffix.lower() == ".gz":  # a bad .gz fails on the first read
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]  # a binary file object
    return handle


# --- WARC ---------------------------------------------------------------------------------

HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(
    path: Path, report: ReadReport | None = None, file_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[RawDocument]:
    """One document per HTML ``response`` record of a WARC file (``.warc`` or ``.warc.gz``,
    the Common Crawl CC-NEWS layout): id from WARC-Record-ID, url from WARC-Target-URI, and
    the WARC-Date as the ``crawled`` hint. Other records are counted in ``report`` by reason:
    their WARC-Type (``request``, ``metadata``, ``warcinfo``, ...), ``not_html`` for responses
    of another Content-Type, ``http_3xx``/``http_4xx``/``http_5xx`` for responses that are not
    a page. A truncated or broken file ends with one document whose ``error`` says where. A
    page over ``max_bytes`` once unpacked is a ``too_large`` reject, read no further."""
    archive = _require_reader("warc").ArchiveIterator
    report = report if report is not None else ReadReport()
    source = file_id if file_id is not None else document_id(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield RawDocument(id=source, error=Reject("unreadable", str(exc)))
        return
    with handle:
        guard = _WarcGuard(handle, WARC_HEADER_LIMIT)
        records = archive(guard)
        end = 0  # where the last complete record ends in the file
        number = 0  # of the record being read
        while True:
            number += 1
            try:
                record = next(records, None)
                if record is None:
                    break
                document, skipped = _warc_document(record, f"{source}:{number}", max_bytes)
                truncated = _truncated(record)
                if not truncated:
                    end = records.get_record_offset() + records.get_record_length()
            # warcio raises more than its own ArchiveLoadFailed on a damaged file (EOFError,
            # zlib.error, even AttributeError on a cut header): any of them ends this file only.
            except Exception as exc:  # noqa: BLE001
                if guard.over is not None:
                    yield _warc_too_large(source, guard, path)
                    return
                detail = f"broken WARC at record {number} in {path.name}: {type(exc).__name__}: {exc}"
                yield RawDocument(id=f"{source}:{number}", error=Reject("unreadable", str(detail)))
                return
            if guard.over is not None and (truncated or guard.over[0] <= number):
                # The guard stopped the reading inside this record: it is the one over the limit.
                yield _warc_too_large(source, guard, path)
                return
            if truncated:
                doc_id = document.id if document is not None else f"{source}:{number}"
                detail = f"truncated or damaged WARC record {number} in {path.name}"
                yield RawDocument(id=doc_id, url=_target(record), error=Reject("unreadable", str(detail)))
                return
            if skipped:
                report.skipped_records[skipped] += 1
            elif document is not None:
                yield document
        if guard.over is not None:
            yield _warc_too_large(source, guard, path)
            return
        # A record cut inside a gzip member can vanish without an error: bytes after the last
        # complete record mean the file was cut short.
        handle.seek(end)
        if handle.read(4096).strip():
            detail = f"truncated WARC: bytes after the last complete record (offset {end}) in {path.name}"
            yield RawDocument(id=f"{source}:{number}", error=Reject("unreadable", str(detail)))


# A WARC record's header block, and the HTTP header block at the start of a response, longer
# than this stop the file's reading (``too_large``): real ones are a few KB, and warcio reads a
# header line whole, however long.
WARC_HEADER_LIMIT = 1 << 20
_WARC_LENGTH = re.compile(rb"^content-length:[ \t]*(\d+)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
_WARC_BLANKS = re.compile(rb"[\r\n]*")
_WARC_HTTP = re.compile(rb"^content-type:[ \t]*application/http", re.IGNORECASE | re.MULTILINE)


class _WarcGuard:
    """The WARC file ``handle`` as warcio reads it, followed record by record as it goes by
    (gunzipped on the side, a chunk at a time): when a record's WARC header or HTTP header
    block runs over ``limit`` bytes, ``over`` is set to (record number, what) and the file
    ends there for warcio, which never holds more than the limit and one read block of it.
    When the framing cannot be followed (no Content-Length), the guard stands aside and
    warcio's own errors apply."""

    def __init__(self, handle: IO[bytes], limit: int):
        self._handle = handle
        self.limit = limit
        self.over: tuple[int, str] | None = None
        self._inflater: Any = None
        self._gzip: bool | None = None
        self._state = "between"
        self._header = bytearray()
        self._left = 0
        self._record = 0
        self._lost = False

    def read(self, size: int = -1) -> bytes:
        if self.over is not None:
            return b""
        data = self._handle.read(size)
        if data and not self._lost:
            self._feed(data)
        return data

    def tell(self) -> int:
        return self._handle.tell()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def _feed(self, data: bytes) -> None:
        if self._gzip is None:
            self._gzip = data[:2] == GZIP_MAGIC
        if not self._gzip:
            self._scan(data)
            return
        while data and not self._lost and self.over is None:
            if self._inflater is None:
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                self._scan(self._inflater.decompress(data, _READ_CHUNK))
            except zlib.error:
                self._lost = True  # warcio says what is wrong with the file
                return
            if self._inflater.unconsumed_tail:
                data = self._inflater.unconsumed_tail
            elif self._inflater.eof:
                data = self._inflater.unused_data
                self._inflater = None
            else:
                data = b""

    def _scan(self, out: bytes) -> None:
        i = 0
        while i < len(out) and not self._lost and self.over is None:
            if self._state == "between":
                blanks = _WARC_BLANKS.match(out, i)  # in one step, however many
                i = blanks.end() if blanks else i
                if i < len(out):
                    self._state, self._record = "warc", self._record + 1
                    self._header.clear()
            elif self._state == "body":
                n = min(self._left, len(out) - i)
                self._left -= n
                i += n
                if not self._left:
                    self._state = "between"
            else:
                i += self._header_bytes(out, i)

    def _header_bytes(self, out: bytes, i: int) -> int:
        """Take header bytes from ``out[i:]``; return how many were used."""
        start = max(0, len(self._header) - 3)
        room = self.limit + 1 - len(self._header)
        if self._state == "http":
            room = min(room, self._left)
        piece = out[i : i + room]
        before = len(self._header)
        self._header += piece
        end = self._header.find(b"\r\n\r\n", start)
        if end < 0:
            if self._state == "http":
                self._left -= len(piece)
                if not self._left:
                    self._state = "between"
                    return len(piece)
            if len(self._header) > self.limit:
                what = "WARC header" if self._state == "warc" else "HTTP header block"
                self.over = (self._record, what)
            return len(piece)
        used = end + 4 - before
        if self._state == "warc":
            length = _WARC_LENGTH.search(self._header, 0, end + 2)
            if length is None:
                self._lost = True
                return used
            self._left = int(length.group(1))
            http = _WARC_HTTP.search(self._header, 0, end + 2) is not None
            self._state = "http" if http and self._left else "body" if self._left else "between"
        else:
            self._left -= used
            self._state = "body" if self._left else "between"
        self._header.clear()
        return used


def _warc_too_large(source: str, guard: _WarcGuard, path: Path) -> RawDocument:
    assert guard.over is not None
    number, what = guard.over
    detail = f"record {number} of {path.name}: its {what} is over the limit of {guard.limit} bytes; the rest of the file was not read"
    return RawDocument(id=f"{source}:{number}", error=Reject("too_large", detail))


def _warc_document(record: Any, fallback_id: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[RawDocument | None, str | None]:
    """(document, None) for an HTML response, (None, reason) for a record to skip. Reads the
    record's payload (a payload that fails to decode gives a document with ``error``)."""
    if record.rec_type != "response":
        return None, record.rec_type or "unknown"
    http = record.http_headers
    if http is None:
        return None, "not_html"
    status = http.get_statuscode() or ""
    if not status.startswith("2"):
        return None, f"http_{status[:1]}xx" if status[:1].isdigit() else "http_status"
    media_type = (http.get_header("Content-Type") or "").split(";", 1)[0].strip().lower()
    if media_type not in HTML_MEDIA_TYPES:
        return None, "not_html"
    record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<> ") or fallback_id
    crawled = record.rec_headers.get_header("WARC-Date")
    hints = {"crawled": crawled} if crawled else {}
    url = _target(record)
    try:
        content = record.content_stream().read(max_bytes + 1)  # de-chunked, Content-Encoding undone
    except Exception as exc:  # noqa: BLE001  (a bad gzip or brotli body is this page's problem)
        return RawDocument(id=record_id, url=url, hints=hints, error=Reject("undecodable", f"{type(exc).__name__}: {exc}")), None
    if len(content) > max_bytes:
        return RawDocument(id=record_id, url=url, hints=hints, error=Reject("too_large", f"page over the limit of {max_bytes} bytes")), None
    return RawDocument(id=record_id, content=content, format="html", url=url, hints=hints), None


def _target(record: Any) -> str | None:
    return record.rec_headers.get_header("WARC-Target-URI") or None


def _truncated(record: Any) -> bool:
    """Did the file end inside this record? (warcio then returns a short record silently.)"""
    declared = (record.rec_headers.get_header("Content-Length") or "").strip()
    if record.length is None or not declared.isdigit():  # the header was cut before or inside it
        return True
    stream = record.raw_stream
    while stream.read(65536):
        pass
    return getattr(stream, "limit", 0) > 0


# --- Parquet --------------------------------------------------------------------------------

PARQUET_BATCH_ROWS = 64  # HTML rows can be large: a batch of 64 pages stays a few MB


def read_parquet(
    path: Path, file_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, text_only: bool = False,
    fields: RecordFields = DEFAULT_FIELDS,
) -> Iterator[RawDocument]:
    """One document per row of a Parquet file, read a batch at a time, with the JSONL
    conventions: content from ``html`` or ``text`` (strings or bytes), optional ``id``,
    ``url``, ``title``, ``source``, ``authors``, ``published``, ``crawled``; other columns go
    into the article's ``meta``. A row without ``id`` is named ``<file>:<row number>``. A row
    whose ``html`` or ``text`` is over ``max_bytes`` is a ``too_large`` reject, its content
    measured in Arrow and never turned into a Python string. A file with neither content
    column gives one document with error ``bad_schema``."""
    parquet = _require_reader("parquet")
    source = file_id if file_id is not None else document_id(path)
    row = 0
    try:
        with parquet.ParquetFile(path) as table:
            names = set(table.schema_arrow.names)
            if not names & {fields.html, fields.text}:
                yield RawDocument(id=source, error=Reject("bad_schema", f"{path.name} has no {fields.html!r} or {fields.text!r} column"))
                return
            for group in range(table.metadata.num_row_groups):
                problem = _row_group_over(table.metadata.row_group(group), max_bytes)
                if problem is not None:  # never decoded: each of its rows is a reject
                    for _ in range(table.metadata.row_group(group).num_rows):
                        row += 1
                        yield RawDocument(id=f"{source}:{row}", error=Reject("too_large", f"row {row} of {path.name}: {problem}"))
                    continue
                for batch in table.iter_batches(batch_size=PARQUET_BATCH_ROWS, row_groups=[group]):
                    batch, over = _without_large_content(batch, max_bytes, (fields.html, fields.text))
                    for record, too_large in zip(batch.to_pylist(), over):
                        row += 1
                        document = document_from_record(
                            record, f"{source}:{row}", fields.content, text_only=text_only, max_bytes=max_bytes, id_field=fields.id
                        )
                        if too_large:
                            document = attrs.evolve(document, error=Reject("too_large", f"row {row} of {path.name} is over the limit of {max_bytes} bytes"))
                        yield document
    except Exception as exc:  # noqa: BLE001  (pyarrow's errors for a damaged file have no common base)
        yield RawDocument(id=f"{source}:{row + 1}", error=Reject("unreadable", f"{path.name} after row {row}: {type(exc).__name__}: {exc}"))


# A row may hold this many values of one list or map column (tags, links...); more, and its
# row group is never decoded (a list of a hundred million values unpacks from a few bytes).
PARQUET_MAX_VALUES_PER_ROW = 100_000
# A column of a row group may unpack to this much whatever its rows (a cell is decoded whole
# before it can be measured); past it, only while its rows average under ``max_bytes``.
PARQUET_COLUMN_BYTES = 256 << 20


def _row_group_over(group: Any, max_bytes: int) -> str | None:
    """Why a row group must not be decoded (its metadata only is read), or None: a column
    that unpacks to over ``PARQUET_COLUMN_BYTES`` and over ``max_bytes`` a row on average (a
    huge cell compresses to a few bytes), or a list or map column over
    ``PARQUET_MAX_VALUES_PER_ROW`` values a row."""
    rows = max(group.num_rows, 1)
    for index in range(group.num_columns):
        column = group.column(index)
        if column.total_uncompressed_size > max(rows * max_bytes, PARQUET_COLUMN_BYTES):
            return (
                f"column {column.path_in_schema} unpacks to {column.total_uncompressed_size} bytes for {group.num_rows} row(s), "
                f"over the limit of {max_bytes} bytes a row; the row group was not read"
            )
        if column.num_values > rows * PARQUET_MAX_VALUES_PER_ROW:
            return (
                f"column {column.path_in_schema} holds {column.num_values} values for {group.num_rows} row(s), "
                f"over the limit of {PARQUET_MAX_VALUES_PER_ROW} a row; the row group was not read"
            )
    return None


def _without_large_content(batch: Any, max_bytes: int, content: tuple[str, ...] = ("html", "text")) -> tuple[Any, list[bool]]:
    """``batch`` with the content columns of rows over ``max_bytes`` set to null, and which
    rows those are. Byte lengths come from Arrow's offsets: nothing is decoded."""
    import pyarrow as pa
    import pyarrow.compute as pc

    over = None
    for field in content:
        index = batch.schema.get_field_index(field)
        if index < 0 or not _is_binary_like(batch.schema.field(index).type):
            continue  # other types are not content: document_from_record says no_content
        large = pc.fill_null(pc.greater(pc.binary_length(batch.column(index)), max_bytes), False)
        over = large if over is None else pc.or_(over, large)
    if over is None or not pc.any(over).as_py():
        return batch, [False] * batch.num_rows
    columns = [
        pc.if_else(over, pa.scalar(None, column.type), column) if name in content and _is_binary_like(column.type) else column
        for name, column in zip(batch.schema.names, batch.columns)
    ]
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema), over.to_pylist()


def _is_binary_like(kind: Any) -> bool:
    import pyarrow as pa

    return any(test(kind) for test in (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary, pa.types.is_large_binary))
