"""Clean a column of a Hugging Face ``datasets.Dataset`` or a pandas ``DataFrame``.

Neither library is imported here: ``clean_batch`` works on a plain dict of lists (what
``Dataset.map(batched=True)`` hands over) and ``clean_dataframe`` only calls methods of the
frame it is given. Install them with ``pip install 'newsclean[hf]'`` or ``'newsclean[pandas]'``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from newsclean import options
from newsclean.config import RunConfig
from newsclean.errors import ConfigError
from newsclean.model import Article
from newsclean.pipeline import Pipeline
from newsclean.readers import HINT_KEYS, document_from_record

KINDS = (*options.DOCUMENT_FORMATS, None)
# The columns clean_batch adds. All are strings, never None: datasets types a column from the
# first batch written, and a batch in which every title was None would make it a null column.
OUTPUT_COLUMNS = (
    "clean_text", "clean_title", "clean_description", "clean_language", "clean_drop", "clean_removed",
    "clean_url", "clean_source", "clean_authors", "clean_published", "clean_crawled",
)


# The integrations see a batch at a time: the corpus stages are off unless asked for.
BATCH_DEFAULTS = RunConfig(dedup="off", site_repeat=False)


def clean_batch(
    batch: Mapping[str, Sequence[Any]],
    column: str = "text",
    kind: str | None = None,
    *,
    config: RunConfig | None = None,
    **settings: Any,
) -> dict[str, list[Any]]:
    """Clean ``batch[column]`` and return the new columns, one value per row, so no row is lost.
    ``kind`` is ``"text"`` or ``"html"``; None (default) looks at each value: markup takes the
    HTML path, anything else is text.

    ``clean_text`` the clean body ("" when the row was rejected); ``clean_title``,
    ``clean_description`` (the standfirst or meta description), ``clean_language``, ``clean_url``, ``clean_source``, ``clean_published`` (YYYY-MM-DD) and
    ``clean_crawled`` ("" when unknown); ``clean_authors`` a JSON list of names;
    ``clean_drop`` the reject reason ("" when kept); ``clean_removed`` the removals as a JSON
    list of objects (category, rule, stage, text, line). The row's own columns stay as they are.

    For ``dataset.map(clean_batch, batched=True, fn_kwargs={"column": "html"})``.
    Columns ``url``, ``title``, ``description``, ``source``, ``authors``, ``published``,
    ``crawled`` and the id (``id_field``, default ``id``) are used as in JSONL input when the
    batch has them.

    What runs is ``config`` (a :class:`newsclean.config.RunConfig`; default: the default
    pipeline with its corpus stages off) with ``settings`` (any RunConfig setting as a
    keyword: ``min_words=``, ``keep_languages=``, ``pipeline=``, ``id_field=``...) changed;
    the pipeline is built once per process and setting. The corpus stages are off by default:
    ``dedup`` and ``site_repeat`` need the whole corpus, and here they would see one batch at a
    time.
    """
    options.choice(kind, "kind", KINDS)
    if column not in batch:
        raise ConfigError(f"the batch has no column {column!r}; columns: {', '.join(batch)}")
    config = _config(config, settings)
    pipeline = config.pipeline if config.pipeline is not None else _pipeline(config)
    id_field = config.id_field
    metadata = [name for name in (id_field, "url", *HINT_KEYS) if name in batch and name != column]
    documents = [
        document_from_record(
            {column: value, **{name: batch[name][i] for name in metadata}},
            fallback_id=str(i),
            content_fields=((column, kind),),
            sniff=False,  # kind="text" is the caller's word; None sniffs in the extract stage
            id_field=id_field,
        )
        for i, value in enumerate(batch[column])
    ]
    columns: dict[str, list[Any]] = {name: [] for name in OUTPUT_COLUMNS}
    for article in pipeline.run(documents):
        for name, value in _row(article).items():
            columns[name].append(value)
    return columns


def clean_dataframe(df: Any, column: str = "text", kind: str | None = None, *, config: RunConfig | None = None, **settings: Any) -> Any:
    """A copy of the pandas DataFrame ``df`` with the columns of :func:`clean_batch` added,
    one value per row (rejected rows stay, with ``clean_drop`` set). ``config`` and
    ``settings`` are those of ``clean_batch``; dedup and site_repeat are off unless asked
    for, and then see the whole frame."""
    if column not in df.columns:
        raise ConfigError(f"the DataFrame has no column {column!r}; columns: {', '.join(map(str, df.columns))}")
    id_field = _config(config, settings).id_field
    wanted = {column, id_field, "url", *HINT_KEYS}
    batch = {name: df[name].tolist() for name in df.columns if name in wanted}
    return df.assign(**clean_batch(batch, column, kind, config=config, **settings))


def _config(config: RunConfig | None, settings: dict[str, Any]) -> RunConfig:
    if config is None:
        # A pipeline of one's own has its own corpus stages, or none.
        config = RunConfig() if settings.get("pipeline") is not None else BATCH_DEFAULTS
    return RunConfig.of(config, **settings)


# Pipelines are immutable and keep nothing from one run to the next, so one per config and
# process gives the same output as a new one per batch, without loading the rule packs again.
@functools.lru_cache(maxsize=8)
def _pipeline(config: RunConfig) -> Pipeline:
    return config.build_pipeline()


def _row(article: Article) -> dict[str, Any]:
    removed = [r.to_dict() for r in article.removed]
    return {
        "clean_text": article.text if article.kept else "",
        "clean_title": article.title or "",
        "clean_description": article.description or "",
        "clean_language": article.language or "",
        "clean_drop": article.drop.reason if article.drop else "",
        "clean_removed": json.dumps(removed, ensure_ascii=False),
        "clean_url": article.url or "",
        "clean_source": article.source or "",
        "clean_authors": json.dumps(list(article.authors), ensure_ascii=False),
        "clean_published": article.published.isoformat() if article.published else "",
        "clean_crawled": article.crawled or "",
    }
