"""Nothing in a cleaning run opens a network connection or resolves a name."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from newsclean import RawDocument, default_pipeline
from newsclean.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


class NetworkUsed(BaseException):
    """A BaseException, so no ``except Exception`` in the pipeline or a library can hide it."""


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise NetworkUsed(f"network access attempted: {args!r}")

    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    # A Unix-domain socket on this machine is no network: the worker pool's forkserver (used
    # when other threads run, as under a test runner) talks to its workers through one.
    def local_only(original):
        def guarded(sock, *args, **kwargs):
            if sock.family == getattr(socket, "AF_UNIX", None):
                return original(sock, *args, **kwargs)
            refuse(sock, *args)

        return guarded

    monkeypatch.setattr(socket.socket, "connect", local_only(connect))
    monkeypatch.setattr(socket.socket, "connect_ex", local_only(connect_ex))
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_cleaning_every_fixture_uses_no_network(no_network):
    inputs = sorted(p for p in FIXTURES.glob("*/input.*"))
    assert inputs
    pipeline = default_pipeline()
    documents = [RawDocument(id=p.parent.name, content=p.read_bytes(), url=f"https://example.org/{p.parent.name}") for p in inputs]
    out = list(pipeline.run(documents))
    assert len(out) == len(documents)
    assert not any(a.drop and a.drop.reason == "error" for a in out)


def test_html_with_external_entities_and_remote_resources_uses_no_network(no_network):
    html = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY ext SYSTEM "http://example.com/evil.dtd">]>'
        '<html><head><link rel="stylesheet" href="http://example.com/a.css"><script src="http://example.com/a.js"></script></head>'
        '<body><article><p>&ext; The harbour board approved the repair budget on Tuesday, its chair said.</p>'
        '<img src="http://example.com/a.jpg"><iframe src="http://example.com/frame"></iframe></article></body></html>'
    )
    article = default_pipeline(dedup=False).process(RawDocument(id="x", content=html, format="html"))
    assert "evil" not in article.text


def test_cli_run_uses_no_network(no_network, tmp_path, capsys):
    assert main(["clean", str(FIXTURES / "seed_000"), "-o", str(tmp_path / "out.jsonl"), "--quiet", "--jobs", "1"]) == 0
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_local_file_entities_are_not_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRETVALUE", encoding="utf-8")
    html = (
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY leak SYSTEM "file://{secret}">]>'
        "<html><body><article><p>&leak; The harbour board approved the repair budget on Tuesday, its chair said.</p>"
        "</article></body></html>"
    )
    article = default_pipeline(dedup=False).process(RawDocument(id="x", content=html, format="html"))
    assert "TOPSECRETVALUE" not in article.text and "TOPSECRETVALUE" not in (article.title or "")


def test_document_ids_never_become_paths(tmp_path, capsys):
    """Output goes only to the files named on the command line, whatever the ids say."""
    import json

    work = tmp_path / "work"
    (work / "out").mkdir(parents=True)
    records = [
        {"id": "../../escaped", "text": "The harbour board approved the repair budget on Tuesday, its chair said."},
        {"id": "/tmp/absolute", "text": "The ferry timetable changes on Monday, the operator said in a statement."},
    ]
    source = work / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    before = {p for p in tmp_path.rglob("*")}
    assert main(["clean", str(source), "-o", str(work / "out" / "clean.jsonl"), "--quiet", "--jobs", "1"]) == 0
    created = {p for p in tmp_path.rglob("*")} - before
    assert created == {work / "out" / "clean.jsonl", work / "out" / "clean.rejects.jsonl", work / "out" / "clean.stats.json"}
    assert not Path("/tmp/absolute").exists()
