"""The pipeline on a Dask cluster: the same output as a local run, past one machine.

``clean_bag(documents)`` takes a ``dask.bag`` of RawDocuments and returns a bag of Articles
(dropped ones included, ``article.drop`` saying why) in input order. How the stages split:

- document stages run per partition (``map_partitions``), each article tagged with its
  position (partition, offset);
- ``site_repeat``: line counts per source are a ``frequencies`` shuffle; only the lines over
  the thresholds come back to the client, and are applied per partition;
- ``dedup``: signatures, coverage sketches and band keys are a map; exact copies are grouped
  by fingerprint (a ``groupby`` shuffle); representatives are shuffled by LSH band; only
  candidate pairs and the signatures and sketches of their members come back to the client,
  where the pairs are confirmed, checked for coverage and walked by the keeper policy
  (``newsclean.duplicates.choose_keepers``); the decisions (one per dropped copy, and the
  ``related`` ids of kept articles) go back out as a map.

The keeper policy and the candidate pairs are the local ones, so the output equals
``Pipeline.run`` on the same input, whatever the partitioning. Dask is an optional extra:
``pip install 'newsclean[dask]'``.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from newsclean.duplicates import EXACT, EXACT_RULES, NEAR, Entry, choose_keepers, decided_by
from newsclean.errors import ConfigError
from newsclean.minhash import MinHasher
from newsclean.model import Article, RawDocument
from newsclean.pipeline import CorpusStage, Pipeline
from newsclean.readers import STDIN, InputFile, ReadReport, input_files, kind_of, read_file
from newsclean.stages import Dedup, SiteRepeat
from newsclean.stages.dedup import duplicate_drop, related_of
from newsclean.stages.siterepeat import source_key

Key = tuple[int, int]  # (partition, offset): an article's position in the input


def _import_bag():
    try:
        import dask.bag as db
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError("the dask engine needs Dask: pip install 'newsclean[dask]'") from exc
    return db


# --- input ----------------------------------------------------------------------------------


def list_files(paths: Iterable[str], report: ReadReport | None = None, exclude: Iterable[str] = ()) -> list[InputFile]:
    """The files the local reader would read, in the same order and with the same ids
    (``input_files``), without ``exclude`` (the run's own output files)."""
    files = list(input_files(paths, report if report is not None else ReadReport(), exclude))
    if any(file.path == STDIN for file in files):
        raise ConfigError("the dask engine reads files, not stdin")
    return files


def _read_partition(files: Iterable[InputFile]) -> list[RawDocument]:
    return [document for file in files for document in read_file(Path(file.path), file_id=file.id)]


def read_bag(paths: Iterable[str], files_per_partition: int = 64, report: ReadReport | None = None, exclude: Iterable[str] = ()):
    """A bag of RawDocuments read by the workers (their file system must see the paths).
    A partition is ``files_per_partition`` files; a JSONL file is read whole by one worker."""
    return files_bag(list_files(paths, report, exclude), files_per_partition)


def files_bag(files: Sequence[InputFile], files_per_partition: int = 64):
    """``read_bag`` over files already listed by ``list_files``."""
    db = _import_bag()
    if not files:
        return db.from_sequence([], npartitions=1)
    return db.from_sequence(files, partition_size=files_per_partition).map_partitions(_read_partition)


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a local cluster of ``workers``
    single-threaded worker processes (stopped on exit)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError("the dask engine needs distributed: pip install 'newsclean[dask]'") from exc
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def _skipped_in(path: str) -> dict[str, int]:
    report = ReadReport()
    for _ in read_file(Path(path), report):
        pass
    return dict(report.skipped_records)


def count_skipped_records(files: Iterable[InputFile]) -> Counter[str]:
    """WARC records that are not HTML pages, by reason, counted on the workers (a second read
    of the WARC files: the cleaning pass runs where no client-side report can see it)."""
    db = _import_bag()
    warcs = [file.path for file in files if kind_of(Path(file.path)) == "warc"]
    total: Counter[str] = Counter()
    if warcs:
        for counts in db.from_sequence(warcs, partition_size=1).map(_skipped_in).compute():
            total.update(counts)
    return total


# --- cleaning -------------------------------------------------------------------------------


def _tag(articles: list[Article], partition: int) -> list[tuple[Key, Article]]:
    return [((partition, offset), article) for offset, article in enumerate(articles)]


def _head(documents: Iterable[RawDocument | Article], pipeline: Pipeline) -> list[Article]:
    return [pipeline.process(document) for document in documents]


def _stages(tagged: Iterable[tuple[Key, Article]], pipeline: Pipeline) -> list[tuple[Key, Article]]:
    return [(key, pipeline.process(article)) for key, article in tagged]


def clean_bag(documents: Any, pipeline: Pipeline | None = None) -> Any:
    """Clean a ``dask.bag`` of RawDocuments (or Articles) with ``pipeline`` (default: the
    standard one); returns a bag of Articles in input order, dropped ones included."""
    from dask import delayed

    db = _import_bag()
    if pipeline is None:
        from newsclean.api import default_pipeline

        pipeline = default_pipeline()
    segments: list[tuple[str, Any]] = []
    for stage in pipeline.stages:
        if isinstance(stage, CorpusStage):
            if not isinstance(stage, (SiteRepeat, Dedup)):
                raise ConfigError(f"no distributed version of the corpus stage {stage.name!r}")
            segments.append(("corpus", stage))
        elif segments and segments[-1][0] == "document":
            segments[-1][1].append(stage)
        else:
            segments.append(("document", [stage]))
    first = segments[0][1] if segments and segments[0][0] == "document" else []
    head = attrs.evolve(pipeline, stages=tuple(first))
    cleaned = documents.map_partitions(_head, head)
    parts = cleaned.to_delayed()
    bag = db.from_delayed([delayed(_tag)(part, i) for i, part in enumerate(parts)])
    for kind, item in segments[1 if first else 0 :]:
        if kind == "document":
            bag = bag.map_partitions(_stages, attrs.evolve(pipeline, stages=tuple(item)))
        else:
            # A corpus stage computes from the bag several times (counts, then the result):
            # the cleaned articles are kept in the workers' memory, not cleaned again each time.
            bag = bag.persist()
            bag = _site_repeat(bag, item) if isinstance(item, SiteRepeat) else _dedup(bag, item)
    return bag.map(lambda tagged: tagged[1])


def iterate(bag: Any) -> Iterator[Article]:
    """The bag's items in order, one partition in memory at a time."""
    for part in bag.to_delayed():
        yield from part.compute()


# --- site_repeat ----------------------------------------------------------------------------


def _source_lines(tagged: tuple[Key, Article], stage: SiteRepeat) -> list[tuple[str, int]]:
    article = tagged[1]
    source = source_key(article) if article.kept else None
    if source is None:
        return []
    return [(source, line) for line in sorted(stage.candidate_lines(article))]


def _kept_source(tagged: tuple[Key, Article]) -> str | None:
    return source_key(tagged[1]) if tagged[1].kept else None


def _site_repeat(bag: Any, stage: SiteRepeat) -> Any:
    sizes = Counter(dict(bag.map(_kept_source).filter(lambda s: s is not None).frequencies().compute()))
    thresholds = {s: max(stage.min_articles, stage.min_share * n) for s, n in sizes.items()}
    eligible = {s for s, n in sizes.items() if n >= thresholds[s]}
    repeated: dict[str, tuple[int, dict[int, int]]] = {}
    if eligible:
        counts = (
            bag.map(_source_lines, stage).flatten()
            .filter(lambda pair: pair[0] in eligible)
            .frequencies()
            .filter(lambda item: item[1] >= thresholds[item[0][0]])
            .compute()
        )
        for (source, line), count in counts:
            repeated.setdefault(source, (sizes[source], {}))[1][line] = count
    return bag.map(lambda tagged: (tagged[0], stage._clean(tagged[1], repeated)))


# --- dedup ----------------------------------------------------------------------------------


@attrs.frozen
class _Record:
    key: Key
    entry: Entry
    signature: np.ndarray | None = attrs.field(eq=False, default=None)
    band_keys: np.ndarray | None = attrs.field(eq=False, default=None)
    sketch: bytes | None = None


def _records(tagged: list[tuple[Key, Article]], stage: Dedup) -> list[_Record]:
    kept = [(key, article) for key, article in tagged if article.kept]
    if not kept:
        return []
    entries = [Entry.of(article) for _, article in kept]
    if not stage.near:
        return [_Record(key, entry) for (key, _), entry in zip(kept, entries)]
    hasher = MinHasher(stage.params)
    signatures, sketches = hasher.signatures_and_sketches([article.text for _, article in kept])
    bands = hasher.band_keys(signatures)
    return [
        _Record(key, entry, sig, band, sketch)
        for (key, _), entry, sig, band, sketch in zip(kept, entries, signatures, bands, sketches)
    ]


def _exact_groups(group: tuple[bytes, list[_Record]]) -> list[tuple[str, Any]]:
    """('head', record) for the best-ranked copy, ('copy', (key, head key, head id, rule)) for
    the others."""
    members = sorted(group[1], key=lambda r: r.entry.rank_key())
    head = members[0]
    out: list[tuple[str, Any]] = [("head", head)]
    out += [
        ("copy", (r.key, head.key, head.entry.id, decided_by(head.entry.rank_key(), r.entry.rank_key(), EXACT_RULES)))
        for r in members[1:]
    ]
    return out


def _band_items(record: _Record) -> list[tuple[tuple[int, int], Key]]:
    return [((band, int(value)), record.key) for band, value in enumerate(record.band_keys)]


def _bucket_pairs(bucket: tuple[Any, list[Key]], window: int) -> list[tuple[Key, Key]]:
    members = sorted(bucket[1])
    return [(a, b) for i, a in enumerate(members) for b in members[i + 1 : i + window]]


def _dedup(bag: Any, stage: Dedup) -> Any:
    records = bag.map_partitions(_records, stage).persist()
    grouped = records.groupby(lambda r: r.entry.fingerprint, shuffle="tasks").map(_exact_groups).flatten().persist()
    decisions: dict[Key, tuple[str, Key, str, float, str]] = {}
    related: dict[Key, tuple] = {}
    for _, (key, head_key, head_id, rule) in grouped.filter(lambda item: item[0] == "copy").compute():
        decisions[key] = (EXACT, head_key, head_id, 1.0, rule)
    if stage.near:
        heads = grouped.filter(lambda item: item[0] == "head").map(lambda item: item[1])
        pairs = sorted(set(
            heads.map(_band_items).flatten().groupby(lambda item: item[0], shuffle="tasks")
            .map(lambda group: (group[0], [key for _, key in group[1]]))
            .filter(lambda bucket: len(bucket[1]) > 1)
            .map(_bucket_pairs, 1000).flatten().compute()
        ))
        involved = {key for pair in pairs for key in pair}
        members = sorted(heads.filter(lambda r: r.key in involved).compute(), key=lambda r: r.key)
        near, related = _confirm(members, pairs, stage)
        for key, (kept, sim, rule) in near.items():
            decisions[key] = (NEAR, kept.key, kept.entry.id, sim, rule)
        # An exact copy of a removed head goes as a near copy of the article kept.
        for key, (reason, head_key, _, _, _) in list(decisions.items()):
            if reason == EXACT and head_key in near:
                kept, sim, rule = near[head_key]
                decisions[key] = (NEAR, kept.key, kept.entry.id, sim, rule)
    return bag.map(_apply_decision, decisions, related, stage.name)


def _confirm(
    members: list[_Record], pairs: list[tuple[Key, Key]], stage: Dedup
) -> tuple[dict[Key, tuple[_Record, float, str]], dict[Key, tuple]]:
    """The local keeper walk over the members of candidate pairs: removals, and each kept
    member's related ``(id, similarity)`` pairs."""
    if not members:
        return {}, {}
    index = {r.key: i for i, r in enumerate(members)}
    signatures = np.stack([r.signature for r in members])
    pair_array = np.array([(index[a], index[b]) for a, b in pairs], dtype=np.int64).reshape(-1, 2)
    verdict = choose_keepers(
        [r.entry for r in members], signatures, [r.sketch for r in members], pair_array, stage.params.threshold
    )
    removed = {members[i].key: (members[kept], sim, rule) for i, (kept, sim, rule) in verdict.removed.items()}
    related = {
        members[i].key: tuple((members[j].entry.id, sim) for j, sim in others) for i, others in verdict.related.items()
    }
    return removed, related


def _apply_decision(tagged: tuple[Key, Article], decisions: dict, related: dict, name: str) -> tuple[Key, Article]:
    key, article = tagged
    if not article.kept:
        return tagged
    trace = article.trace + (name,)
    decision = decisions.get(key)
    if decision is None:
        return key, attrs.evolve(article, trace=trace, related=related_of(related.get(key, ())))
    reason, _, kept_id, similarity, rule = decision
    return key, attrs.evolve(article, drop=duplicate_drop(name, reason, kept_id, similarity, rule), trace=trace)
