"""Extract: a RawDocument (HTML, text or bytes) becomes an Article with text and metadata."""

from __future__ import annotations

import datetime as dt
import gzip
import re
import warnings
import zlib
from typing import Any, ClassVar

import attrs
import trafilatura
from trafilatura.utils import load_html
from charset_normalizer import from_bytes
from dateutil.parser import UnknownTimezoneWarning

from newsclean.dom import (
    MARKED,
    RUNNING_TEXT_WORDS,
    continuation,
    heading_keys,
    mark_junk,
    mark_link_cells,
    marked_standfirst,
    unmark,
    unwrap_layout_tables,
)
from newsclean import metadata
from newsclean.model import NO_TITLE, Article, Category, Drop, Flag, RawDocument, Removal
from newsclean.text import comparison_key, ends_sentence

# htmldate parses page dates with dateutil, which warns on a zone it cannot name ("EST") although
# the day we keep is right; the warning says nothing a user can act on. One filter for the
# process, appended so that a user's own -W or filters still win: a catch_warnings block per
# page would reset the once-per-place registry and repeat every other warning on every page.
warnings.filterwarnings("ignore", category=UnknownTimezoneWarning, append=True)

_HTML_SNIFF = re.compile(r"<(!doctype html|html|head|body|article|div|p|meta|title)\b", re.IGNORECASE)
_SNIFF_CHARS = 4096


# Trace entry: paragraphs of a story split across sibling containers were added (dom.continuation).
CONTINUED = "extract:continued"


class DecodeError(ValueError):
    """Bytes that no charset decodes to text."""


def _size(content: str | bytes, limit: int) -> int:
    """The content's size in bytes (UTF-8 for text), counted exactly only near ``limit``."""
    if isinstance(content, bytes) or len(content) * 4 <= limit or len(content) > limit:
        return len(content)
    return len(content.encode("utf-8", "surrogatepass"))


def _gunzip(data: bytes, limit: int) -> bytes:
    """Gunzipped ``data`` (every member), at most ``limit + 1`` bytes of it: a small file that
    unpacks to gigabytes stops there."""
    out = bytearray()
    while data and len(out) <= limit:
        unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += unpacker.decompress(data, limit + 1 - len(out))
        except zlib.error as exc:
            raise DecodeError(f"corrupt gzip data: {exc}") from None
        if not unpacker.eof:
            if unpacker.unconsumed_tail:
                break  # over the limit
            raise DecodeError("corrupt gzip data: Compressed file ended before the end-of-stream marker was reached")
        data = unpacker.unused_data
        if data[:2] != b"\x1f\x8b":
            if data.strip(b"\0"):  # gzip.decompress allows zero padding after the last member
                raise DecodeError("corrupt gzip data: Not a gzipped file")
            break
    return bytes(out)


def decode_bytes(data: bytes) -> str:
    """Text from bytes: gunzip if gzipped, UTF-8 when valid, else the detected charset."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise DecodeError(f"corrupt gzip data: {exc}") from None
    return _decode_text(data)


def _decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    declared = _declared_charset(data)
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # the declaration lies; guess instead
    return _guess_decode(data)


_DECLARED_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]{1,40})""", re.IGNORECASE)
# Among equally plausible guesses, windows-1252 wins: it is what browsers assume for
# undeclared legacy Western pages, and short texts give the detector too little to go on.
_PREFERRED_ENCODINGS = ("cp1252",)


# A UTF-8 page with a stray invalid byte (a pasted Windows quote, a truncated sequence) is
# still UTF-8: replacing the few bad bytes beats re-decoding the whole page as a guess.
_MAX_INVALID_UTF8_SHARE = 0.05  # of the multi-byte characters


def _mostly_utf8(data: bytes) -> str | None:
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - invalid
    if multibyte > 0 and invalid <= _MAX_INVALID_UTF8_SHARE * multibyte:
        return text
    return None


def _declared_charset(data: bytes) -> str | None:
    found = _DECLARED_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii", "replace") if found else None


def _guess_decode(data: bytes) -> str:
    matches = list(from_bytes(data))
    if not matches:
        raise DecodeError("no character encoding decodes these bytes")
    least_chaos = min(m.chaos for m in matches)
    plausible = [m for m in matches if m.chaos <= least_chaos + 0.01]
    most_coherent = max(m.coherence for m in plausible)
    plausible = [m for m in plausible if m.coherence >= most_coherent - 0.01]
    for encoding in _PREFERRED_ENCODINGS:
        if any(m.encoding == encoding for m in plausible) or most_coherent == 0.0:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    return str(plausible[0])


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
    # Prune share bars, related lists, newsletter and author boxes, ad slots, captions... by
    # their tag, class and id before trafilatura reads the page (rules: rules/dom.toml).
    prune_dom: bool = True
    # Layout tables (a page laid out in <td> columns, common before about 2010) become <div>s,
    # so the story is not extracted as table rows glued to the menu beside it (dom.py).
    unwrap_tables: bool = True
    # Larger documents are rejected (``too_large``) before any work: no news article is 10 MB,
    # and parsing one costs seconds and hundreds of MB. Bytes, UTF-8 for text; gzip is unpacked only
    # up to the limit.
    max_bytes: int = 10_000_000

    def __call__(self, raw: RawDocument) -> Article:
        article = self._extract(raw)
        warnings = _hint_warnings(raw)
        return attrs.evolve(article, trace=article.trace + warnings) if warnings else article

    def _extract(self, raw: RawDocument) -> Article:
        base = _article_from_hints(raw)
        if raw.error is not None:
            return attrs.evolve(base, drop=raw.error.drop(self.name))
        content = raw.content
        size = _size(content, self.max_bytes)
        if size > self.max_bytes:
            detail = f"{size} bytes, over the limit of {self.max_bytes}"
            return attrs.evolve(base, drop=Drop(stage=self.name, reason="too_large", detail=detail))
        if isinstance(content, bytes):
            try:
                if content[:2] == b"\x1f\x8b":
                    content = _gunzip(content, self.max_bytes)
                    if len(content) > self.max_bytes:
                        detail = f"over the limit of {self.max_bytes} bytes once unpacked"
                        return attrs.evolve(base, drop=Drop(stage=self.name, reason="too_large", detail=detail))
                content = _decode_text(content)
            except DecodeError as exc:
                return attrs.evolve(base, drop=Drop(stage=self.name, reason="undecodable", detail=str(exc)))
        fmt = raw.format or ("html" if looks_like_html(content) else "text")
        if fmt == "text":
            return attrs.evolve(base, text=content, trace=(self.name,))
        return self._from_html(base, content)

    def _from_html(self, base: Article, html: str) -> Article:
        tree = load_html(html)
        repaired = _close_runaway_title(tree, html)
        if repaired is not None:
            html, tree = repaired, load_html(repaired)
        pruned: tuple[Removal, ...] = ()
        standfirst = marked_standfirst(tree) if tree is not None else None
        unwrapped = unwrap_layout_tables(tree) if tree is not None and self.unwrap_tables else 0
        if tree is not None and self.prune_dom:
            pruned = mark_junk(tree)
            if unwrapped:
                pruned += mark_link_cells(tree)
        document = self._bare_extraction(tree if tree is not None else html, base.url, bool(pruned))
        text = getattr(document, "text", None) if document is not None else None
        if tree is not None and _is_photo_page(text, pruned):
            # The captions were the page's only text: a photo page, whose caption is its story.
            unmark(tree, PHOTO_PAGE_RULES)
            pruned = tuple(r for r in pruned if r.rule not in PHOTO_PAGE_RULES)
            document = self._bare_extraction(tree, base.url, bool(pruned))
            text = getattr(document, "text", None) if document is not None else None
        if not text or not text.strip():
            # trafilatura gives up on fragments ("<p>...</p>" in a JSONL field) and tiny pages.
            paragraphs = block_texts(html)
            if not paragraphs:
                return attrs.evolve(base, drop=Drop(stage=self.name, reason="no_content", detail="no main text found in HTML"))
            return attrs.evolve(base, text="\n\n".join(paragraphs), trace=(self.name, "extract:block-fallback"))
        page = metadata.correct(tree, title=document.title, authors=_split_authors(document.author), sitename=document.sitename,
                                published=_credible_date(document.date, html), url=base.url or document.url)
        authors = base.authors or page.authors
        title = base.title or page.title
        paragraphs = text.split("\n")
        named_title = bool(title or document.title)
        trace: tuple[str, ...] = (self.name,) if named_title else (self.name, NO_TITLE)
        trace += page.notes
        flags = frozenset() if named_title else frozenset({Flag.NO_TITLE})
        rest = continuation(tree, paragraphs) if tree is not None else []
        if rest:
            paragraphs += rest
            trace += (CONTINUED,)
        if standfirst:
            paragraphs, taken = _take_standfirst(paragraphs, standfirst)
            pruned += taken
        if tree is not None:
            paragraphs, taken = _take_headings(paragraphs, heading_keys(tree))
            pruned += taken
        return attrs.evolve(
            base,
            # trafilatura puts one paragraph per line; our text form has a blank line between.
            text="\n\n".join(paragraphs),
            # trafilatura's url is the page's canonical link or og:url when it names one.
            url=base.url or _clean(document.url),
            title=title,
            # The meta description fills the field but never takes text: many sites copy the
            # story's first paragraph into it (on l3s-gn1-dev, 16 of 16 such matches were the lede).
            description=base.description or standfirst or _clean(document.description),
            source=base.source or _clean(document.sitename),
            authors=authors,
            published=base.published or page.published,
            removed=pruned,
            # A page that names no title anywhere: its body's first line is no headline either (on
            # the dev sets it was a photo caption or a section label every time).
            trace=trace,
            flags=flags,
        )


    def _bare_extraction(self, page: Any, url: str | None, pruned: bool) -> Any:
        return trafilatura.bare_extraction(
            page,
            url=url,
            with_metadata=True,
            include_comments=self.include_comments,
            include_tables=self.include_tables,
            include_images=False,
            favor_precision=self.favor_precision,
            favor_recall=self.favor_recall,
            deduplicate=False,
            # Pruned after trafilatura has read the metadata, so an author box still names the author.
            prune_xpath=MARKED if pruned else None,
        )


# The DOM rules whose picks are given back on a photo page (see _is_photo_page).
PHOTO_PAGE_RULES = frozenset({"dom.caption.figure"})


def _is_photo_page(text: str | None, pruned: tuple[Removal, ...]) -> bool:
    """Did the DOM pass take a caption of running text from a page whose extracted text holds
    none (menus and labels only)? Such a page is a photo or a slide with its caption as the story;
    without the caption the extractor falls back on the page's furniture."""
    if not any(r.rule in PHOTO_PAGE_RULES and len(r.text.split()) >= RUNNING_TEXT_WORDS for r in pruned):
        return False
    return not any(len(line.split()) >= RUNNING_TEXT_WORDS for line in (text or "").split("\n"))


# A <title> holds a line of text. One that holds page markup was never closed (a crawl that cut
# "</title>" out): the parser then reads the whole page as the title and finds no body at all.
RUNAWAY_TITLE_CHARS = 2000
_TITLE_START = re.compile(r"(<title\b[^>]*>[^<]*)", re.IGNORECASE)


def _close_runaway_title(tree: Any, html: str) -> str | None:
    """``html`` with its unclosed ``<title>`` closed where its text ends, or None when the title
    is sound."""
    title = tree.find(".//title") if tree is not None else None
    text = title.text if title is not None else None
    if not text or len(text) < RUNAWAY_TITLE_CHARS or "<" not in text:
        return None
    repaired, count = _TITLE_START.subn(r"\1</title>", html, count=1)
    return repaired if count else None


# Text blocks worth keeping when trafilatura finds nothing; page furniture is skipped.
_BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td")
_FURNITURE_TAGS = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript", "template", "menu")


def block_texts(html: str) -> list[str]:
    """Texts of paragraph-like elements outside navigation, headers, footers and asides."""
    from bs4 import BeautifulSoup  # only for pages trafilatura finds nothing in: not at start-up

    soup = BeautifulSoup(html, "lxml")
    for element in soup.find_all(_FURNITURE_TAGS):
        element.decompose()
    texts = []
    for element in soup.find_all(_BLOCK_TAGS):
        if element.find(_BLOCK_TAGS):
            continue  # the inner block is visited on its own
        text = " ".join(element.get_text(" ").split())
        if text:
            texts.append(text)
    return texts


# The standfirst sits above the story: looked for among the first few paragraphs only.
_STANDFIRST_SEARCH = 3


def _take_standfirst(paragraphs: list[str], standfirst: str) -> tuple[list[str], tuple[Removal, ...]]:
    """The paragraphs without the one that repeats the page's marked standfirst, and its removal."""
    key = comparison_key(standfirst)
    for i, paragraph in enumerate(paragraphs[:_STANDFIRST_SEARCH]):
        if comparison_key(paragraph) == key:
            removal = Removal(stage="extract", category=Category.STANDFIRST, rule="dom.standfirst", text=paragraph, line=i)
            return paragraphs[:i] + paragraphs[i + 1:], (removal,)
    return paragraphs, ()


# The headline and the kicker or section heading above the story sit in its first lines.
_HEADING_SEARCH = 3
_HEADLINE_MAX_WORDS = 25


def _take_headings(paragraphs: list[str], keys: frozenset[str]) -> tuple[list[str], tuple[Removal, ...]]:
    """The paragraphs without the lines at the top that repeat one of the page's headings
    (``<h1>``-``<h3>``) and read as one (no closing punctuation), and their removals: the
    extractor printed the headline or a section heading as the story's first line."""
    taken: list[Removal] = []
    drop: set[int] = set()
    kept = list(paragraphs)
    for i, paragraph in enumerate(paragraphs[:_HEADING_SEARCH]):
        key = comparison_key(paragraph)
        if key in keys and len(paragraph.split()) <= _HEADLINE_MAX_WORDS and not ends_sentence(paragraph):
            # No line number: like the elements pruned before extraction, it was never a line of
            # the text the line stages (and the report) number.
            taken.append(Removal(stage="extract", category=Category.HEADLINE, rule="dom.headline.heading", text=paragraph))
            drop.add(i)
    if taken:
        kept = [p for i, p in enumerate(paragraphs) if i not in drop]
    return kept, tuple(taken)


def _credible_date(value: Any, html: str) -> dt.date | None:
    """trafilatura's date, unless it is a 1 January made up from a bare year (a copyright
    line, say): such a date is kept only when the page spells out that day."""
    date = _parse_iso_date(value)
    if date is None or (date.month, date.day) != (1, 1):
        return date
    year = date.year
    spelled = (f"{year}-01-01", f"{year}/01/01", f"01.01.{year}", f"01/01/{year}", f"1 january {year}", f"january 1, {year}")
    page = html.lower()
    return date if any(s in page for s in spelled) else None


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
        description=hints.get("description") or None,
        authors=tuple(str(a) for a in authors),
        published=_parse_iso_date(hints.get("published")),
        crawled=str(hints["crawled"]) if hints.get("crawled") else None,
        meta=raw.meta,
    )


def _hint_warnings(raw: RawDocument) -> tuple[str, ...]:
    """Trace entries for hints that could not be used, so that they are not lost silently."""
    published = raw.hints.get("published")
    if published and not isinstance(published, dt.date) and _parse_iso_date(published) is None:
        return (f"warning: published hint {str(published)!r} is not a date (YYYY-MM-DD); ignored",)
    return ()
