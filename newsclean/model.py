"""Value objects that flow through a pipeline: raw input, articles, removals, drops."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs


class Category(str, enum.Enum):
    """What kind of junk a removal was. Closed: rule packs must use one of these."""

    ADVERTISEMENT = "advertisement"
    RELATED = "related"
    DONATION = "donation"
    SUBSCRIPTION = "subscription"
    NEWSLETTER = "newsletter"
    SOCIAL = "social"
    AUTHOR_BIO = "author_bio"
    TAGS = "tags"
    COPYRIGHT = "copyright"
    CAPTION = "caption"
    MASTHEAD = "masthead"
    NAVIGATION = "navigation"
    DATELINE = "dateline"
    BYLINE = "byline"
    HEADLINE = "headline"
    STANDFIRST = "standfirst"
    DUPLICATE = "duplicate"
    SITE_REPEAT = "site_repeat"
    EMPTY = "empty"


@attrs.frozen(kw_only=True)
class Removal:
    """One line or span a stage took out of the text, and why."""

    stage: str
    category: Category = attrs.field(converter=Category)
    rule: str
    text: str
    line: int | None = None  # index of the paragraph in the stage's input, when line-based
    # What gave the junk away beyond the rule itself: the HTML attribute that named an
    # element, or in how many articles of a source a line recurred.
    evidence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "category": self.category.value,
            "rule": self.rule,
            "stage": self.stage,
            "text": self.text,
            "line": self.line,
        }
        if self.evidence is not None:
            data["evidence"] = self.evidence
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Removal:
        return cls(
            stage=data["stage"],
            category=data["category"],
            rule=data["rule"],
            text=data["text"],
            line=data.get("line"),
            evidence=data.get("evidence"),
        )


@attrs.frozen(kw_only=True)
class Drop:
    """Why a whole document left the stream. ``reason`` is a short grep-able snake_case tag."""

    stage: str
    reason: str
    detail: str = ""
    duplicate_of: str | None = None
    # For a duplicate: the estimated similarity to ``duplicate_of`` (1.0 for an exact copy).
    similarity: float | None = None
    # For a duplicate: the keeper rule that chose ``duplicate_of`` over it (docs/dedup.md).
    decided_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "stage": self.stage,
            "reason": self.reason,
            "detail": self.detail,
            "duplicate_of": self.duplicate_of,
        }
        if self.similarity is not None:
            data["similarity"] = self.similarity
        if self.decided_by is not None:
            data["decided_by"] = self.decided_by
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Drop:
        return cls(
            stage=data["stage"],
            reason=data["reason"],
            detail=data.get("detail", ""),
            duplicate_of=data.get("duplicate_of"),
            similarity=data.get("similarity"),
            decided_by=data.get("decided_by"),
        )


@attrs.frozen
class Related:
    """A kept article similar to this one that the dedup stage did not take as a copy (a
    follow-up, an earlier story it reuses, a template story): its ``id`` and the estimated
    ``similarity``."""

    id: str
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "similarity": self.similarity}


class RejectReason(str, enum.Enum):
    """Why a reader could not give a document's content."""

    TOO_LARGE = "too_large"
    UNREADABLE = "unreadable"
    NOT_A_FILE = "not_a_file"
    UNDECODABLE = "undecodable"
    BAD_JSON = "bad_json"
    TOO_DEEP = "too_deep"
    BAD_RECORD = "bad_record"
    BAD_SCHEMA = "bad_schema"
    NO_CONTENT = "no_content"
    HTML_AS_TEXT = "html_as_text"
    NOT_ARTICLES = "not_articles"


@attrs.frozen
class Reject:
    """A reader's verdict on an input it could not use: the reason, and what exactly."""

    reason: RejectReason = attrs.field(converter=RejectReason)
    detail: str = ""

    @classmethod
    def parse(cls, text: str) -> Reject:
        """``"reason: detail"`` (the form older readers wrote) as a Reject."""
        reason, _, detail = text.partition(": ")
        return cls(reason, detail)

    def drop(self, stage: str) -> Drop:
        return Drop(stage=stage, reason=self.reason.value, detail=self.detail)

    def __str__(self) -> str:
        return f"{self.reason.value}: {self.detail}" if self.detail else self.reason.value


def _to_reject(value: Reject | str | None) -> Reject | None:
    return Reject.parse(value) if isinstance(value, str) else value


@attrs.frozen(kw_only=True)
class RawDocument:
    """One input as read: text, HTML or undecoded bytes, plus what the source said about it.

    ``format`` is ``"html"``, ``"text"`` or ``None`` (sniff). ``hints`` carries optional
    metadata from the input record (``title``, ``source``, ``authors``, ``published``, and
    ``crawled``: when a crawler fetched the page, as an ISO 8601 timestamp).
    ``error`` (a :class:`Reject`; a ``"reason: detail"`` string is parsed into one) is set by
    a reader that could not produce content; the document becomes a reject, whatever the
    pipeline's extractor.
    ``meta`` holds the input record's other fields, passed through to the article as they are.
    """

    id: str
    content: str | bytes = ""
    format: str | None = None
    url: str | None = None
    hints: dict[str, Any] = attrs.field(factory=dict, hash=False)
    error: Reject | None = attrs.field(default=None, converter=_to_reject)
    meta: dict[str, Any] = attrs.field(factory=dict, hash=False)


def _to_tuple(value: Any) -> tuple:
    return tuple(value) if value is not None else ()


def _to_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


class Flag(str, enum.Enum):
    """A typed note a stage leaves on an article for later stages to act on (the ``trace``'s
    notes are for people; no stage reads them)."""

    # An HTML page that names no title in its markup (``extract``): the header stage then takes
    # no first line for the headline.
    NO_TITLE = "no_title"


# The trace note ``extract`` writes beside ``Flag.NO_TITLE``, for people reading the trace.
NO_TITLE = "extract:no-title"


def _to_flags(value: Any) -> frozenset[Flag]:
    return frozenset(Flag(flag) for flag in value or ())


@attrs.frozen(kw_only=True)
class Article:
    """A cleaned (or dropped) news article. Stages return new objects via ``attrs.evolve``.

    ``text`` is the clean body, paragraphs separated by one blank line. ``removed`` records
    every line or span a stage took out; ``drop`` is set when the article left the stream.
    """

    id: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    # The standfirst (dek): the summary under the headline, from the page's markup or meta
    # description; taken out of ``text`` when the body starts with it.
    description: str | None = None
    authors: tuple[str, ...] = attrs.field(default=(), converter=_to_tuple)
    published: dt.date | None = attrs.field(default=None, converter=_to_date)
    # When a crawler fetched the page (a WARC record's WARC-Date), an ISO 8601 timestamp as given.
    crawled: str | None = None
    language: str | None = None
    text: str = ""
    removed: tuple[Removal, ...] = attrs.field(default=(), converter=_to_tuple)
    drop: Drop | None = None
    trace: tuple[str, ...] = attrs.field(default=(), converter=_to_tuple)
    # Typed notes for later stages (``Flag``); not written to the output.
    flags: frozenset[Flag] = attrs.field(factory=frozenset, converter=_to_flags)
    related: tuple[Related, ...] = attrs.field(default=(), converter=_to_tuple)
    # The input record's fields newsclean does not read (JSON-ready values), passed through.
    meta: dict[str, Any] = attrs.field(factory=dict, hash=False)

    @property
    def kept(self) -> bool:
        """True unless a stage dropped the article."""
        return self.drop is None

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n\n") if self.text else []

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; ``Article.from_dict`` restores an equal object. ``crawled``,
        ``flags``, ``related`` and ``meta`` are there only when known or not empty."""
        data: dict[str, Any] = {
            "id": self.id,
            "url": self.url,
            "source": self.source,
            "title": self.title,
            "description": self.description,
            "authors": list(self.authors),
            "published": self.published.isoformat() if self.published else None,
        }
        if self.crawled is not None:
            data["crawled"] = self.crawled
        data.update(
            language=self.language,
            text=self.text,
            removed=[r.to_dict() for r in self.removed],
            drop=self.drop.to_dict() if self.drop else None,
            trace=list(self.trace),
        )
        if self.flags:
            data["flags"] = sorted(flag.value for flag in self.flags)
        if self.related:
            data["related"] = [r.to_dict() for r in self.related]
        if self.meta:
            data["meta"] = dict(self.meta)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(
            id=data["id"],
            url=data.get("url"),
            source=data.get("source"),
            title=data.get("title"),
            description=data.get("description"),
            authors=data.get("authors") or (),
            published=data.get("published"),
            crawled=data.get("crawled"),
            language=data.get("language"),
            text=data.get("text", ""),
            removed=tuple(Removal.from_dict(r) for r in data.get("removed") or ()),
            drop=Drop.from_dict(data["drop"]) if data.get("drop") else None,
            trace=data.get("trace") or (),
            flags=data.get("flags") or (),
            related=tuple(Related(r["id"], r["similarity"]) for r in data.get("related") or ()),
            meta=dict(data.get("meta") or {}),
        )

    def reject_record(self) -> dict[str, Any]:
        """The line written to the rejects stream for a dropped article."""
        if self.drop is None:
            raise ValueError(f"article {self.id!r} was not dropped")
        record: dict[str, Any] = {
            "id": self.id,
            "url": self.url,
            "reason": self.drop.reason,
            "detail": self.drop.detail,
            "stage": self.drop.stage,
        }
        if self.drop.duplicate_of is not None:
            record["duplicate_of"] = self.drop.duplicate_of
        if self.drop.similarity is not None:
            record["similarity"] = self.drop.similarity
        if self.drop.decided_by is not None:
            record["decided_by"] = self.drop.decided_by
        return record


def returned_article(stage: str, value: object) -> Article:
    """``value`` when it is an Article; else a TypeError naming ``stage`` (a stage that
    forgot its ``return`` gives None, and the next stage would fail without naming it)."""
    if not isinstance(value, Article):
        hint = " (does it end without a return?)" if value is None else ""
        raise TypeError(f"stage {stage!r} returned {type(value).__name__}, not an Article{hint}")
    return value
