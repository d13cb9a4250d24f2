"""Readers: files, folders, JSONL and stdin become a stream of RawDocuments.

Nothing here raises for a bad document: a line that is not JSON, a record without text, an
unreadable file become RawDocuments with ``error`` set, which the pipeline turns into rejects.
Only a path that does not exist at all raises :class:`InputError`, before anything is read.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import attrs

from newsclean.errors import InputError
from newsclean.model import RawDocument

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
STDIN = "-"
HINT_KEYS = ("title", "source", "authors", "published")


@attrs.define
class ReadReport:
    """What a reader passed over: files in folders with extensions it does not read."""

    skipped_files: list[str] = attrs.field(factory=list)


def document_id(path: Path) -> str:
    """A file's id: its name without extensions (``a.html.gz`` -> ``a``)."""
    return path.name.split(".", 1)[0] or path.name


def kind_of(path: Path) -> str | None:
    """``text``, ``html``, ``jsonl`` or None, from the extensions (a final ``.gz`` allowed)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in TEXT_SUFFIXES:
        return "text"
    if last in HTML_SUFFIXES:
        return "html"
    if last in JSONL_SUFFIXES:
        return "jsonl"
    return None


def check_paths(paths: Iterable[str]) -> None:
    """Raise InputError for the first path that does not exist or cannot be listed/read."""
    for name in paths:
        if name == STDIN:
            continue
        path = Path(name)
        if not path.exists():
            raise InputError(f"input path {name!r} does not exist")
        if not os.access(path, os.R_OK):
            raise InputError(f"input path {name!r} is not readable")


def read_inputs(
    paths: Iterable[str],
    report: ReadReport | None = None,
    stdin: IO[bytes] | None = None,
    exclude: Iterable[str] = (),
) -> Iterator[RawDocument]:
    """Documents from every path in order: files, folders (recursive, sorted), JSONL, ``-``.

    A file named explicitly is read even with an unknown extension (as text); inside folders
    only known extensions are read and the others are listed in ``report``. Files in
    ``exclude`` (the run's own output, when it is written inside an input folder) are skipped.
    """
    report = report if report is not None else ReadReport()
    excluded = {Path(p).resolve() for p in exclude if p != STDIN}
    for name in paths:
        if name == STDIN:
            yield from read_jsonl_stream(stdin or sys.stdin.buffer, source_name="stdin")
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.resolve() in excluded:
                    continue
                if kind_of(child) is None:
                    report.skipped_files.append(str(child))
                    continue
                yield from read_file(child)
        else:
            yield from read_file(path)


def read_file(path: Path) -> Iterator[RawDocument]:
    """The documents of one file: one for text/HTML, one per line for JSONL."""
    kind = kind_of(path) or "text"
    if kind == "jsonl":
        try:
            handle = _open_binary(path)
        except OSError as exc:
            yield RawDocument(id=document_id(path), error=f"unreadable: {exc}")
            return
        with handle:
            yield from read_jsonl_stream(handle, source_name=document_id(path))
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield RawDocument(id=document_id(path), error=f"unreadable: {exc}")
        return
    yield RawDocument(id=document_id(path), content=data, format=kind)


def read_jsonl_stream(handle: IO[bytes], *, source_name: str) -> Iterator[RawDocument]:
    """One document per JSONL line: ``text`` or ``html``, optional ``id``, ``url`` and hints.
    A record without ``id`` is named ``<source>:<line number>``."""
    line_no = 0
    while True:
        try:
            raw = handle.readline()
        except (OSError, EOFError) as exc:  # a truncated .gz ends the file here
            yield RawDocument(id=f"{source_name}:{line_no + 1}", error=f"unreadable: {exc}")
            return
        if not raw:
            return
        line_no += 1
        if raw.strip():
            yield record_document(raw, f"{source_name}:{line_no}")


def record_document(raw: bytes, fallback_id: str) -> RawDocument:
    """A RawDocument from one JSONL line (bytes), or one with ``error`` saying what is wrong."""
    try:
        record = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return RawDocument(id=fallback_id, error=f"bad_json: {exc}")
    if not isinstance(record, dict):
        return RawDocument(id=fallback_id, error=f"bad_record: expected an object, got {type(record).__name__}")
    doc_id = record.get("id")
    doc_id = str(doc_id) if doc_id not in (None, "") else fallback_id
    url = record.get("url") if isinstance(record.get("url"), str) else None
    hints = _hints(record)
    for field, fmt in (("html", "html"), ("text", "text")):
        value = record.get(field)
        if isinstance(value, str) and value.strip():
            return RawDocument(id=doc_id, content=value, format=fmt, url=url, hints=hints)
    return RawDocument(id=doc_id, url=url, error="no_content: record has no non-empty 'text' or 'html'")


def _hints(record: dict[str, Any]) -> dict[str, Any]:
    hints: dict[str, Any] = {}
    for key in HINT_KEYS:
        value = record.get(key)
        if value in (None, "", []):
            continue
        if key == "authors":
            hints[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
        else:
            hints[key] = str(value)
    return hints


def _open_binary(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rb")
    return path.open("rb")
