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

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
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
