"""Metadata fallback: the title, authors and published date trafilatura read from a page, checked
against the page itself and corrected where they name no story.

- **Title**: a title that is the site's name, "Home", a section label, a date or a file name is
  no headline. The headline is the part of the page's ``<title>`` (or ``og:title``) that one of
  its headings (``<h1>``-``<h3>``, an element marked ``headline``) repeats; failing that, the
  title without the site's name and section labels at its ends (``"Story | Site"``, ``"Site -
  Section - Story"``, ``"Story (from Site)"``). Without any usable value the title is ``None``.
- **Authors**: a byline that is only a role ("Staff Writer") or page furniture ("View Profile")
  names no one and is dropped; a name followed by a role ("Jane Doe Staff Writer") keeps the
  name. Wire services and outlets ("The Associated Press", "NFL.com Staff") are a source a
  byline may credit: kept.
- **Published**: the date the page declares for its article (``article:published_time`` and
  its kin, JSON-LD ``datePublished``) wins over a date read elsewhere; a date that only a cache
  header (``<meta http-equiv="expires">``) gives is dropped; a ``<time>`` inside ``<article>``
  fills a date still missing.

Pure functions: an lxml tree (as trafilatura parsed it) and trafilatura's values in, the
corrected values and the reasons out (``Metadata.notes``, trace entries). The vocabulary is data:
``rules/metadata.toml``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import attrs
from lxml.html import HtmlElement

from newsclean.text import comparison_key

RULES_FILE = "metadata.toml"
# Trace entries, one per corrected field: ``metadata:<field> <what was done>``.
NOTE = "metadata:"

# Separators between the parts of a page title ("Story | Site", "Site :: Section :: Story",
# "Story :site"); also at either end ("» Story").
_SEPARATOR = re.compile(r"\s+(?:\|\|?|::|[»«›‹>•·~–—/]|-{1,2}|:)\s+|\s+:|^\s*[|»«›‹>•·~–—:-]+\s*|\s*[|»«›‹>•·~–—:-]+\s*$")
# "Site: Story": a colon glued to the first part splits only when that part is the site's name
# ("Cricket: ..." or "Photos: ..." is the headline's kicker).
_COLON_PREFIX = re.compile(r"^([^:]{2,60}):\s+(?=\S)")
# "Story (from Site)", "Story (Site)".
_PAREN_SUFFIX = re.compile(r"\s*\((?:from\s+)?([^()]{2,60})\)\s*$", re.IGNORECASE)
_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$", re.IGNORECASE)
_FILE_NAME = re.compile(r"\.(?:css|js|html?|php|aspx?|jsp|cgi|xml|jpe?g|png|gif)$", re.IGNORECASE)
_VALUE_WORD = re.compile(r"[\w'’&-]+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\D|$)")
# Headlines are one sentence; a longer heading is text.
_HEADLINE_MAX_WORDS = 40
_SITE_NAME_MAX_WORDS = 4
_MAX_HEADINGS = 300
_MAX_JSON_LD_CHARS = 1_000_000
_MAX_JSON_DEPTH = 12
_EARLIEST_YEAR = 1990
_LATEST_YEAR = 2100


@attrs.frozen
class Metadata:
    """Corrected page metadata, and a note (trace entry) per field that was changed."""

    title: str | None
    authors: tuple[str, ...]
    published: dt.date | None
    notes: tuple[str, ...] = ()


@attrs.frozen
class Vocabulary:
    """The words of ``rules/metadata.toml``, casefolded."""

    generic_titles: frozenset[str]
    section_words: frozenset[str]
    role_nouns: frozenset[str]
    role_words: frozenset[str]
    not_names: frozenset[str]
    date_meta: tuple[str, ...]
    cache_headers: frozenset[str]

    @classmethod
    def from_toml(cls, data: dict[str, Any]) -> Vocabulary:
        def words(table: str, key: str) -> frozenset[str]:
            return frozenset(w.casefold() for w in data[table][key])

        role_nouns = words("authors", "role_nouns")
        return cls(
            generic_titles=frozenset(comparison_key(t) for t in data["title"]["generic"]),
            section_words=words("title", "section_words"),
            role_nouns=role_nouns,
            role_words=role_nouns | words("authors", "role_modifiers"),
            not_names=words("authors", "furniture") | words("authors", "calendar"),
            date_meta=tuple(m.casefold() for m in data["published"]["meta"]),
            cache_headers=words("published", "cache_headers"),
        )


@functools.cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, read once per process."""
    text = resources.files("newsclean.rules").joinpath(RULES_FILE).read_text(encoding="utf-8")
    return Vocabulary.from_toml(tomllib.loads(text))


def correct(
    tree: HtmlElement | None,
    *,
    title: str | None,
    authors: Iterable[str],
    published: dt.date | None,
    sitename: str | None = None,
    url: str | None = None,
    vocab: Vocabulary | None = None,
) -> Metadata:
    """The page's metadata with each field checked against the page (module docstring); with no
    parsed page (``tree`` None), only the authors are checked."""
    vocab = vocab or vocabulary()
    notes: list[str] = []
    new_authors, dropped = clean_authors(authors, vocab)
    if dropped:
        notes.append(f"{NOTE}authors {dropped}")
    if tree is None:
        return Metadata(title=_clean(title), authors=new_authors, published=published, notes=tuple(notes))
    # trafilatura falls back on a part of the page's title for the site's name, the headline
    # at times: a name as long as a headline, or the title itself, is no evidence.
    if sitename and (len(sitename.split()) > _SITE_NAME_MAX_WORDS or _compact(sitename) == _compact(title or "")):
        sitename = None
    sites = site_names(tree, sitename, url)
    new_title, why = headline(tree, title, sites, vocab)
    if new_title != _clean(title):
        notes.append(f"{NOTE}title {why}")
    new_date, why = published_date(tree, published, vocab)
    if new_date != published:
        notes.append(f"{NOTE}published {why}")
    return Metadata(title=new_title, authors=new_authors, published=new_date, notes=tuple(notes))


# --- title -----------------------------------------------------------------------------------


def site_names(tree: HtmlElement, sitename: str | None = None, url: str | None = None) -> frozenset[str]:
    """The site's names as the page gives them, as compact keys (casefolded letters and digits
    only: "Times Leader" and "timesleader.com" both give ``timesleader``)."""
    names = [sitename or ""]
    for element in tree.xpath(
        "//meta[@property='og:site_name' or @name='og:site_name' or @name='application-name'"
        " or @name='twitter:site' or @name='publisher' or @name='dc.publisher']"
    ):
        names.append(element.get("content") or "")
    for address in (url, *(e.get("href") for e in tree.xpath("//link[@rel='canonical']"))):
        host = urlsplit(address or "").hostname or ""
        labels = [label for label in host.split(".") if label not in ("www", "m", "mobile")]
        if labels:
            names.append(labels[0])  # the registered name comes first after www: "timesleader"
    keys = {_compact(n.lstrip("@")) for n in names}
    keys.update(_compact(n.rsplit(".", 1)[0]) for n in names if _DOMAIN.match(n.strip()))
    return frozenset(k for k in keys if len(k) >= 2)


def headline(tree: HtmlElement, title: str | None, sites: frozenset[str], vocab: Vocabulary) -> tuple[str | None, str]:
    """The page's headline and how it was found (see the module docstring)."""
    given = _clean(title)
    kept = _strip_affixes(given, sites, vocab) if given else None
    if kept and _unusable(kept, sites, vocab):
        kept = None
    headings = _heading_keys(tree)
    sources = list(dict.fromkeys(s for s in (given, *_meta_titles(tree), _title_element(tree)) if s))
    # A run of a title's parts that a heading repeats: said twice, in two places. It replaces a
    # usable title only when longer (a section heading the title also names is shorter).
    confirmed = [
        run for source in sources for run in _runs(source)
        if comparison_key(run) in headings and not _unusable(run, sites, vocab)
    ]
    if confirmed:
        best = max(confirmed, key=lambda run: len(run.split()))
        best = _strip_affixes(best, sites, vocab) or best
        if kept is None or len(best.split()) > len(kept.split()):
            return best, "from a heading the page's title repeats"
    if kept:
        return kept, "without the site's name or section"
    for source in sources[1:]:
        stripped = _strip_affixes(source, sites, vocab)
        if stripped and not _unusable(stripped, sites, vocab):
            return stripped, f"from {source!r}"
    return None, f"{given!r} dropped: {_unusable(given or '', sites, vocab)}"


def _unusable(text: str, sites: frozenset[str], vocab: Vocabulary) -> str | None:
    """Why ``text`` is no headline, or None when it may be one."""
    key = comparison_key(text)
    if not key:
        return "no words"
    if key in vocab.generic_titles:
        return "a generic title"
    if _is_site(text, sites):
        return "the site's name"
    if _is_section(text, vocab):
        return "a section label"
    if _is_date(key, vocab):
        return "a date"
    if _FILE_NAME.search(text.strip()):
        return "a file name"
    if len(text.split()) > _HEADLINE_MAX_WORDS:
        return "too long for a headline"
    return None


def _is_site(text: str, sites: frozenset[str]) -> bool:
    text = text.strip()
    return _compact(text) in sites or bool(_DOMAIN.match(text))


def _is_section(text: str, vocab: Vocabulary) -> bool:
    words = [w.casefold() for w in _VALUE_WORD.findall(text)]
    return bool(words) and all(w in vocab.section_words for w in words)


def _is_date(key: str, vocab: Vocabulary) -> bool:
    words = key.split()
    return any(w.isdigit() for w in words) and all(
        w.isdigit() or w in vocab.not_names or re.fullmatch(r"\d+(?:st|nd|rd|th)|gmt|utc|[ap]m|\d+[ap]m", w) for w in words
    )


def _strip_affixes(text: str, sites: frozenset[str], vocab: Vocabulary) -> str | None:
    """``text`` without the site's names and section labels around the story, or None when
    nothing else is left. Section labels stand between the story and the site's name ("Story -
    Section - Site", "Site > Section > Story"): the story is the side whose end part is longer."""
    parts = _parts(text)
    sections = [i for i, part in enumerate(parts) if _is_section(part, vocab) or comparison_key(part) in vocab.generic_titles]
    if sections:
        if len(parts[0].split()) >= len(parts[-1].split()):
            parts = parts[: sections[0]]
        else:
            parts = parts[sections[-1] + 1:]
    while parts and _is_site(parts[0], sites):
        parts = parts[1:]
    while parts and _is_site(parts[-1], sites):
        parts = parts[:-1]
    if not parts:
        return None
    rest = _join(text, parts)
    prefix = _COLON_PREFIX.match(rest)
    if prefix and _is_site(prefix[1], sites):
        rest = rest[prefix.end():]
    suffix = _PAREN_SUFFIX.search(rest)
    if suffix and _is_site(suffix[1], sites):
        rest = rest[: suffix.start()]
    return rest.strip() or None


def _parts(text: str) -> list[str]:
    return [p.strip() for p in _SEPARATOR.split(text) if p.strip()]


def _runs(text: str) -> Iterator[str]:
    """Every run of neighbouring parts of a title, as it stands in the title."""
    parts = _parts(text)
    for start in range(len(parts)):
        for end in range(start + 1, len(parts) + 1):
            yield _join(text, parts[start:end])


def _join(text: str, parts: list[str]) -> str:
    """The stretch of ``text`` from its part ``parts[0]`` to ``parts[-1]``, separators kept."""
    start = text.find(parts[0])
    end = text.rfind(parts[-1]) + len(parts[-1])
    return text[start:end] if 0 <= start < end else " - ".join(parts)


def _heading_keys(tree: HtmlElement) -> frozenset[str]:
    keys = set()
    elements = tree.xpath(
        "//h1|//h2|//h3|//*[@itemprop='headline']|//*[contains(concat(' ', normalize-space(@class), ' '), ' headline ')]"
    )
    for element in elements[:_MAX_HEADINGS]:
        text = " ".join(element.text_content().split())
        if text and len(text.split()) <= _HEADLINE_MAX_WORDS:
            keys.add(comparison_key(text))
    return frozenset(keys)


def _meta_titles(tree: HtmlElement) -> list[str]:
    values = tree.xpath("//meta[@property='og:title' or @name='og:title' or @name='twitter:title']/@content")
    return [v for v in (" ".join(str(value).split()) for value in values) if v]


def _title_element(tree: HtmlElement) -> str | None:
    element = tree.find(".//title")
    return _clean(element.text_content()) if element is not None else None


# --- authors ---------------------------------------------------------------------------------


def clean_authors(authors: Iterable[str], vocab: Vocabulary) -> tuple[tuple[str, ...], str]:
    """The names among ``authors`` (roles and furniture dropped, a trailing role cut) and a note
    of what was changed ("" when nothing was)."""
    kept: list[str] = []
    changes: list[str] = []
    for author in authors:
        name = author_name(author, vocab)
        if name != author:
            changes.append(f"{author!r} -> {name!r}" if name else f"{author!r} dropped: a role, not a name")
        if name and name not in kept:
            kept.append(name)
    return tuple(kept), "; ".join(changes)


def author_name(author: str, vocab: Vocabulary) -> str | None:
    """The person ``author`` names, or None when it is only a role or page furniture."""
    words = _VALUE_WORD.findall(author)
    folded = [w.casefold() for w in words]
    if not folded or all(w in vocab.role_words or w in vocab.not_names for w in folded):
        return None
    # "Jane Doe Staff Writer": a trailing role of two words or more ("Staff Writer", "Deputy
    # Business Editor") is cut when at least two words (a first name and a surname) are left.
    # One trailing word is left alone: "Will Staff" is a name, "NFL.com Staff" a credit.
    cut = len(folded)
    while cut > 0 and folded[cut - 1] in vocab.role_words:
        cut -= 1
    if len(folded) - cut >= 2 and cut >= 2 and folded[-1] in vocab.role_nouns:
        last = words[cut - 1]
        end = author.rfind(last, 0, len(author)) + len(last)
        return author[:end].rstrip(" ,-–—|") or author
    return author


# --- published -------------------------------------------------------------------------------


def published_date(tree: HtmlElement, found: dt.date | None, vocab: Vocabulary) -> tuple[dt.date | None, str]:
    """The article's date and how it was chosen: the date the page declares for its article
    (meta, JSON-LD), else ``found`` unless only a cache header gives it, else the first
    ``<time datetime>`` inside ``<article>``. A ``<time>`` never overrides ``found``: on the dev
    sets it was as often a review's or a comment's date."""
    declared = declared_date(tree, vocab)
    if declared is not None:
        return declared, f"{declared.isoformat()} from the article's declared date (was {found})"
    why = ""
    if found is not None and found in _cache_header_dates(tree, vocab):
        why = f"{found.isoformat()} dropped: only a cache header (meta http-equiv) gives it"
        found = None
    if found is None:
        for element in tree.xpath("//article//time[@datetime]"):
            date = parse_date(element.get("datetime"))
            if date is not None:
                return date, f"{date.isoformat()} from a <time> in the article" + (f" ({why})" if why else "")
    return found, why


def declared_date(tree: HtmlElement, vocab: Vocabulary) -> dt.date | None:
    """The publication date the page declares for its article in its meta tags or JSON-LD."""
    by_name: dict[str, str] = {}
    for element in tree.xpath("//meta[@content]|//*[@itemprop='datePublished']"):
        for attribute in ("property", "name", "itemprop"):
            name = (element.get(attribute) or "").casefold()
            if name in vocab.date_meta and name not in by_name:
                by_name[name] = element.get("content") or element.get("datetime") or element.text_content()
    for name in vocab.date_meta:
        date = parse_date(by_name.get(name))
        if date is not None:
            return date
    for script in tree.xpath("//script[@type='application/ld+json']"):
        text = script.text or ""
        if len(text) > _MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        for value in _json_values(data, "datePublished", 0):
            date = parse_date(value)
            if date is not None:
                return date
    return None


def _json_values(data: Any, key: str, depth: int) -> Iterator[Any]:
    if depth > _MAX_JSON_DEPTH:
        return
    if isinstance(data, dict):
        if key in data:
            yield data[key]
        for value in data.values():
            if isinstance(value, (dict, list)):
                yield from _json_values(value, key, depth + 1)
    elif isinstance(data, list):
        for value in data:
            yield from _json_values(value, key, depth + 1)


def _cache_header_dates(tree: HtmlElement, vocab: Vocabulary) -> set[dt.date]:
    dates = set()
    for element in tree.xpath("//meta[@http-equiv or @name]"):
        name = (element.get("http-equiv") or element.get("name") or "").casefold()
        if name in vocab.cache_headers:
            date = parse_date(element.get("content"))
            if date is not None:
                dates.add(date)
    return dates


def parse_date(value: Any) -> dt.date | None:
    """A date from an ISO value ("2012-03-05T10:00Z"), a compact one ("20120305") or an HTTP
    date ("Mon, 05 Mar 2012 10:00:00 GMT"); None when it is none of these or out of range."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    match = _ISO_DATE.search(value) or _COMPACT_DATE.match(value)
    try:
        if match:
            date = dt.date(int(match[1]), int(match[2]), int(match[3]))
        else:
            from email.utils import parsedate_to_datetime

            date = parsedate_to_datetime(value).date()
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    return date if _EARLIEST_YEAR <= date.year <= _LATEST_YEAR else None


# --- helpers ---------------------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _compact(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())
