"""The two calls most users need: ``default_pipeline`` and ``clean``."""

from __future__ import annotations

from collections.abc import Iterable

from newsclean import options
from newsclean.config import RunConfig
from newsclean.errors import ConfigError
from newsclean.model import Article, RawDocument
from newsclean.pipeline import Pipeline

# The defaults, written once (in RunConfig).
_DEFAULTS = RunConfig()


def default_pipeline(
    *,
    keep_languages: str | Iterable[str] = _DEFAULTS.keep_languages,
    dedup: bool | str = _DEFAULTS.dedup,
    dedup_threshold: float = _DEFAULTS.dedup_threshold,
    site_repeat: bool = _DEFAULTS.site_repeat,
    min_words: int = _DEFAULTS.min_words,
    min_sentences: int = _DEFAULTS.min_sentences,
    rule_languages: Iterable[str] | None = _DEFAULTS.rule_languages,
    on_error: str = _DEFAULTS.on_error,
    seed: int = _DEFAULTS.seed,
    max_bytes: int = _DEFAULTS.max_bytes,
    time_budget: float | None = _DEFAULTS.time_budget,
) -> Pipeline:
    """The standard pipeline: extract, normalize, language, header, boilerplate, doc_dedup,
    (with ``site_repeat``) site-learned junk, min_length and corpus dedup.
    The two corpus stages act on a stream (``pipeline.run``); ``clean`` of one document skips them.

    ``dedup`` is ``"near"`` (or True: exact and near copies, similarity at least
    ``dedup_threshold``), ``"exact"`` (exact copies only) or ``"off"`` (or False).

    ``min_sentences`` (default 0: off) drops an article with fewer sentences left as
    ``no_sentences`` (a widget, a list of links). ``keep_languages`` drops articles in other languages; ``rule_languages`` picks which rule
    packs to load (default: every packaged one); ``seed`` seeds language detection. A document
    over ``max_bytes`` is rejected as ``too_large``; one whose extraction and document
    stages take more than ``time_budget`` seconds in all is rejected as ``timeout``.

    Every setting is checked first (``ConfigError`` names the one that is wrong and what it
    accepts). Languages are ISO 639-1 codes in any case, or English names (``"english"``);
    one string is one language, or several separated by commas. The same settings make a
    :class:`newsclean.config.RunConfig`, whose ``build_pipeline()`` this is.
    """
    return RunConfig(
        keep_languages=keep_languages, dedup=dedup, dedup_threshold=dedup_threshold, site_repeat=site_repeat,
        min_words=min_words, min_sentences=min_sentences, rule_languages=rule_languages, on_error=on_error,
        seed=seed, max_bytes=max_bytes, time_budget=time_budget,
    ).build_pipeline()


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
    if isinstance(content, str) and content.startswith("\ufeff"):
        content = content[1:]  # a byte-order mark would hide markup from the sniffing
    raw = RawDocument(id=id, content=content, format=fmt, url=url, hints=hints)
    return pipeline.process(raw)
