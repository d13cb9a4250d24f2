"""The two calls most users need: ``default_pipeline`` and ``clean``."""

from __future__ import annotations

from collections.abc import Iterable

from newsclean.errors import ConfigError
from newsclean.minhash import MinHashParams
from newsclean.model import Article, RawDocument
from newsclean.pipeline import Pipeline
from newsclean.rulepack import available_languages
from newsclean.stages import (
    Boilerplate,
    DocDedup,
    Dedup,
    Extract,
    Header,
    Language,
    MinLength,
    NavigationHead,
    Normalize,
    SiteRepeat,
)


def default_pipeline(
    *,
    keep_languages: Iterable[str] = (),
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
    """
    languages = tuple(rule_languages) if rule_languages is not None else tuple(available_languages())
    stages: list[object] = [
        Normalize(),
        Language(keep=tuple(keep_languages), seed=seed),
        NavigationHead(),
        Header.for_languages(*languages),
        Boilerplate.for_languages(*languages),
        DocDedup(),
    ]
    if site_repeat:
        stages.append(SiteRepeat())
    stages.append(MinLength(min_words=min_words))
    mode = ("near" if dedup else "off") if isinstance(dedup, bool) else dedup
    if mode not in ("near", "exact", "off"):
        raise ConfigError(f"dedup must be 'near', 'exact' or 'off', not {dedup!r}")
    if mode != "off":
        stages.append(Dedup(near=mode == "near", params=MinHashParams(threshold=dedup_threshold)))
    return Pipeline(extract=Extract(max_bytes=max_bytes), stages=tuple(stages), on_error=on_error, time_budget=time_budget)


_DEFAULT: Pipeline | None = None


def clean(
    text: str | bytes | None = None,
    *,
    html: str | bytes | None = None,
    url: str | None = None,
    id: str = "document",
    pipeline: Pipeline | None = None,
    **hints,
) -> Article:
    """Clean one document given as ``text=`` or ``html=``. Returns the Article; if it was
    dropped (nothing left, say), ``article.drop`` says why. Extra keyword arguments
    (``title``, ``source``, ``authors``, ``published``) are metadata hints."""
    if (text is None) == (html is None):
        raise TypeError("clean() takes exactly one of text= or html=")
    global _DEFAULT
    if pipeline is None:
        if _DEFAULT is None:
            _DEFAULT = default_pipeline(dedup=False)
        pipeline = _DEFAULT
    content = text if text is not None else html
    raw = RawDocument(id=id, content=content, format="text" if text is not None else "html", url=url, hints=hints)
    return pipeline.process(raw)
