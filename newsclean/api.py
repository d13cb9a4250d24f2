"""The two calls most users need: ``default_pipeline`` and ``clean``."""

from __future__ import annotations

from collections.abc import Iterable

from newsclean import options
from newsclean.errors import ConfigError
from newsclean.minhash import MinHashParams
from newsclean.model import Article, RawDocument
from newsclean.pipeline import Pipeline
from newsclean.rulepack import available_languages
from newsclean.stages import (
    Boilerplate,
    CommentThread,
    DocDedup,
    Dedup,
    Extract,
    Header,
    Language,
    MenuRow,
    MinLength,
    NavigationHead,
    Normalize,
    SiteRepeat,
)


def default_pipeline(
    *,
    keep_languages: str | Iterable[str] = (),
    dedup: bool | str = True,
    dedup_threshold: float = MinHashParams().threshold,
    site_repeat: bool = True,
    min_words: int = 1,
    rule_languages: Iterable[str] | None = None,
    on_error: str = "drop",
    seed: int = 0,
    max_bytes: int = 10_000_000,
    time_budget: float | None = 60.0,
) -> Pipeline:
    """The standard pipeline: extract, normalize, language, header, boilerplate, doc_dedup,
    (with ``site_repeat``) site-learned junk, min_length and corpus dedup.
    The two corpus stages act on a stream (``pipeline.run``); ``clean`` of one document skips them.

    ``dedup`` is ``"near"`` (or True: exact and near copies, similarity at least
    ``dedup_threshold``), ``"exact"`` (exact copies only) or ``"off"`` (or False).

    ``keep_languages`` drops articles in other languages; ``rule_languages`` picks which rule
    packs to load (default: every packaged one); ``seed`` seeds language detection. A document
    over ``max_bytes`` is rejected as ``too_large``; one whose extraction and document
    stages take more than ``time_budget`` seconds in all is rejected as ``timeout``.

    Every setting is checked first (``ConfigError`` names the one that is wrong and what it
    accepts). Languages are ISO 639-1 codes in any case, or English names (``"english"``);
    one string is one language, or several separated by commas.
    """
    checked = options.pipeline_settings(
        keep_languages=keep_languages, dedup=dedup, dedup_threshold=dedup_threshold, min_words=min_words,
        rule_languages=rule_languages, on_error=on_error, max_bytes=max_bytes, time_budget=time_budget,
    )
    rule_languages = checked["rule_languages"]
    languages = tuple(rule_languages) if rule_languages is not None else tuple(available_languages())
    stages: list[object] = [
        Normalize(),
        Language(keep=checked["keep_languages"], seed=seed),
        NavigationHead(),
        MenuRow.for_languages(*languages),
        Header.for_languages(*languages),
        # Before the boilerplate rules: a reader-comment thread under the story goes first, so
        # the tail rules (a writer's bio, follow and contact lines) find the story's end.
        CommentThread(),
        Boilerplate.for_languages(*languages),
        DocDedup(),
    ]
    if site_repeat:
        stages.append(SiteRepeat())
    stages.append(MinLength(min_words=checked["min_words"]))
    mode = checked["dedup"]
    if mode != "off":
        stages.append(Dedup(near=mode == "near", params=MinHashParams(threshold=checked["dedup_threshold"])))
    return Pipeline(
        extract=Extract(max_bytes=checked["max_bytes"]),
        stages=tuple(stages),
        on_error=checked["on_error"],
        time_budget=checked["time_budget"],
    )


_DEFAULT: Pipeline | None = None


def clean(
    text: str | bytes | None = None,
    *,
    html: str | bytes | None = None,
    format: str | None = None,
    url: str | None = None,
    id: str = "document",
    pipeline: Pipeline | None = None,
    **hints,
) -> Article:
    """Clean one document and return the Article; if it was dropped (nothing left, say),
    ``article.drop`` says why.

    ``clean(page)`` or ``clean(text=page)`` looks at the content: markup takes the HTML path,
    anything else is text. ``format="text"`` or ``"html"`` decides instead, and ``html=`` is
    always HTML. Other keyword arguments are metadata hints (``title``, ``source``,
    ``authors``, ``published``, ``crawled``); an unknown name is a ConfigError, and content
    that is not str or bytes a TypeError.
    """
    if (text is None) == (html is None):
        raise TypeError("clean() takes exactly one of text= or html=")
    options.content(text, "text")
    options.content(html, "html")
    options.optional_text(url, "url")
    if not isinstance(id, str):
        raise TypeError(f"id must be a str, not {type(id).__name__}")
    if pipeline is not None and not isinstance(pipeline, Pipeline):
        raise TypeError(f"pipeline must be a Pipeline, not {type(pipeline).__name__}")
    options.hints(hints)
    fmt = options.document_format(format) if text is not None else "html"
    if html is not None and format not in (None, "html"):
        raise ConfigError(f"format={format!r} contradicts html=; pass the content as text= instead")
    global _DEFAULT
    if pipeline is None:
        if _DEFAULT is None:
            _DEFAULT = default_pipeline(dedup=False)
        pipeline = _DEFAULT
    content = text if text is not None else html
    assert content is not None  # one of the two, checked above
    raw = RawDocument(id=id, content=content, format=fmt, url=url, hints=hints)
    return pipeline.process(raw)
