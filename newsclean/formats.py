"""Input and output formats behind two small protocols, so that a format is added in one place.

A :class:`Reader` claims input file endings and turns a file into documents; a :class:`Writer`
claims output endings and opens a sink for the records of the kept articles. ``register_reader``
and ``register_writer`` add one; for an ending two formats claim, the one registered last wins.
The built-in formats are registered the same way: text, HTML, JSONL, WARC, Parquet and the data
files refused as such in ``newsclean.readers``; JSONL and Parquet in ``newsclean.writers``.
Listing the inputs (``readers.kind_of``), reading a file (``readers.read_file``), counting a
run's documents (the driver), and checking and opening the output (``options.output_format``,
``writers.open_writer``) all ask here.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

import attrs

from newsclean.errors import ConfigError
from newsclean.model import RawDocument


@attrs.frozen(kw_only=True)
class ReadOptions:
    """What a reader is told: the most bytes one document may hold (``max_bytes``: a bigger one
    is a ``too_large`` reject), whether record formats give only their text field
    (``text_only``), the record fields to read (``fields``, a ``readers.RecordFields``), and
    where to count what it skips (``report``, a ``readers.ReadReport``, or None)."""

    max_bytes: int
    text_only: bool = False
    fields: Any = None
    report: Any = None


@runtime_checkable
class Reader(Protocol):
    """An input format. ``name`` is its kind (``"jsonl"``); ``suffixes`` the lower-case file
    endings it claims (``(".jsonl",)``); ``gzip`` whether a final ``.gz`` after them is
    allowed."""

    @property
    def name(self) -> str: ...

    @property
    def suffixes(self) -> tuple[str, ...]: ...

    @property
    def gzip(self) -> bool: ...

    def read(self, path: Path, handle: IO[bytes], file_id: str, options: ReadOptions) -> Iterator[RawDocument]:
        """The documents of the file at ``path``, which newsclean has opened as ``handle`` (a
        regular file; the reader closes it, or reads it). ``file_id`` names the document, or
        prefixes the numbers of a file's records. A document that cannot be read is yielded
        with its ``error`` (a ``Reject``), never dropped silently."""
        ...

    def count(self, path: Path) -> int | None:
        """How many documents the file holds when that costs no reading (for the progress
        bar), else None."""
        ...


class Sink(Protocol):
    """An open output: a context manager taking one record (a dict) at a time."""

    def __enter__(self) -> Any: ...

    def __exit__(self, exc_type: Any, *exc_info: Any) -> Any: ...

    def write(self, record: dict[str, Any]) -> None: ...


@runtime_checkable
class Writer(Protocol):
    """An output format: ``name``, the lower-case endings it claims (``suffixes``), and
    ``open``: a sink writing ``path`` (``resume_at``: the byte offset to go on from, for
    ``--resume``; a format that cannot resume raises ``ConfigError``)."""

    @property
    def name(self) -> str: ...

    @property
    def suffixes(self) -> tuple[str, ...]: ...

    def open(self, path: str, resume_at: int | None = None) -> Sink: ...


_READERS: dict[str, Reader] = {}
_WRITERS: dict[str, Writer] = {}
# The modules that register the built-in formats, imported before the first question.
_BUILT_IN = ("newsclean.readers", "newsclean.writers")


def register_reader(reader: Reader) -> Reader:
    """Add an input format (or replace the one of the same name); returns it."""
    _check(reader, Reader, "reader")
    _READERS.pop(reader.name, None)
    _READERS[reader.name] = reader
    return reader


def register_writer(writer: Writer) -> Writer:
    """Add an output format (or replace the one of the same name); returns it."""
    _check(writer, Writer, "writer")
    _WRITERS.pop(writer.name, None)
    _WRITERS[writer.name] = writer
    return writer


def _check(candidate: Any, protocol: type, kind: str) -> None:
    if not isinstance(candidate, protocol):
        raise ConfigError(f"{candidate!r} is not a {kind}: see newsclean.formats.{protocol.__name__}")
    suffixes: Any = getattr(candidate, "suffixes")
    if isinstance(suffixes, str) or not suffixes or not all(isinstance(s, str) and s.startswith(".") and s == s.lower() for s in suffixes):
        raise ConfigError(f"{kind} {getattr(candidate, 'name')!r}: suffixes must be a tuple of lower-case endings starting with '.', not {suffixes!r}")


def _loaded() -> None:
    for module in _BUILT_IN:
        importlib.import_module(module)


def reader_named(name: str) -> Reader:
    """The reader of kind ``name`` (KeyError when there is none)."""
    _loaded()
    return _READERS[name]


def reader_for(path: Path) -> Reader | None:
    """The reader whose ending ``path`` has (a final ``.gz`` allowed when the reader allows
    it), or None."""
    _loaded()
    suffixes = [s.lower() for s in path.suffixes]
    if not suffixes:
        return None
    compressed = suffixes[-1] == ".gz" and len(suffixes) > 1
    for reader in reversed(_READERS.values()):
        if suffixes[-1] in reader.suffixes or (compressed and reader.gzip and suffixes[-2] in reader.suffixes):
            return reader
    return None


def writer_for(path: str) -> Writer | None:
    """The writer whose ending ``path`` has, or None."""
    _loaded()
    name = path.lower()
    for writer in reversed(_WRITERS.values()):
        if name.endswith(writer.suffixes):
            return writer
    return None


def output_endings() -> tuple[str, ...]:
    """Every ending a writer claims, in registration order."""
    _loaded()
    return tuple(suffix for writer in _WRITERS.values() for suffix in writer.suffixes)
