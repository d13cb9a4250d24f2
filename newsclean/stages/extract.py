"""Extract: a RawDocument (HTML, text or bytes) becomes an Article with text and metadata."""

from __future__ import annotations

import datetime as dt
import gzip
import re
import zlib
from typing import Any, ClassVar

import attrs
import trafilatura
from charset_normalizer import from_bytes

from newsclean.model import Article, Drop, RawDocument

_HTML_SNIFF = re.compile(r"<(!doctype html|html|head|body|article|div|p|meta|title)\b", re.IGNORECASE)
_SNIFF_CHARS = 4096


class DecodeError(ValueError):
    """Bytes that no charset decodes to text."""


def decode_bytes(data: bytes) -> str:
    """Text from bytes: gunzip if gzipped, UTF-8 when valid, else the detected charset."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise DecodeError(f"corrupt gzip data: {exc}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("no character encoding decodes these bytes")
    return str(best)


def looks_like_html(text: str) -> bool:
    head = text[:_SNIFF_CHARS].lstrip()
    return head.startswith("<") and _HTML_SNIFF.search(head) is not None


@attrs.frozen(kw_only=True)
class Extract:
    """HTML -> main text and metadata with trafilatura; plain text passes through.

    Settings are trafilatura's. ``include_comments`` is off because reader comments are not
    article text (this alone lifts precision on the dev set; see docs/benchmarks.md), and
    trafilatura's own ``deduplicate`` is always off: its cache is process-global, so output
    would depend on earlier pages.
    """

    name: ClassVar[str] = "extract"

    include_comments: bool = False
    include_tables: bool = True
    favor_precision: bool = False
    favor_recall: bool = False

    def __call__(self, raw: RawDocument) -> Article:
        base = _article_from_hints(raw)
        if raw.error is not None:
            reason, _, detail = raw.error.partition(": ")
            return attrs.evolve(base, drop=Drop(stage=self.name, reason=reason, detail=detail))
        content = raw.content
        if isinstance(content, bytes):
            try:
                content = decode_bytes(content)
            except DecodeError as exc:
                return attrs.evolve(base, drop=Drop(stage=self.name, reason="undecodable", detail=str(exc)))
        fmt = raw.format or ("html" if looks_like_html(content) else "text")
        if fmt == "text":
            return attrs.evolve(base, text=content, trace=(self.name,))
        return self._from_html(base, content)

    def _from_html(self, base: Article, html: str) -> Article:
        document = trafilatura.bare_extraction(
            html,
            url=base.url,
            with_metadata=True,
            include_comments=self.include_comments,
            include_tables=self.include_tables,
            include_images=False,
            favor_precision=self.favor_precision,
            favor_recall=self.favor_recall,
            deduplicate=False,
        )
        text = getattr(document, "text", None) if document is not None else None
        if not text or not text.strip():
            return attrs.evolve(base, drop=Drop(stage=self.name, reason="no_content", detail="no main text found in HTML"))
        authors = base.authors or _split_authors(document.author)
        return attrs.evolve(
            base,
            # trafilatura puts one paragraph per line; our text form has a blank line between.
            text=text.replace("\n", "\n\n"),
            title=base.title or _clean(document.title),
            source=base.source or _clean(document.sitename),
            authors=authors,
            published=base.published or _parse_iso_date(document.date),
            trace=(self.name,),
        )


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _split_authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(a.strip() for a in value.split(";") if a.strip())


def _parse_iso_date(value: Any) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _article_from_hints(raw: RawDocument) -> Article:
    hints = raw.hints
    authors = hints.get("authors") or ()
    if isinstance(authors, str):
        authors = _split_authors(authors.replace(",", ";"))
    return Article(
        id=raw.id,
        url=raw.url,
        source=hints.get("source") or None,
        title=hints.get("title") or None,
        authors=tuple(str(a) for a in authors),
        published=_parse_iso_date(hints.get("published")),
    )
