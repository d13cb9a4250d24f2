"""The Dask engine gives the local run's output, whatever the partitioning."""

from __future__ import annotations

import json
from typing import ClassVar

import attrs
import pytest

db = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")

from newsclean.api import default_pipeline  # noqa: E402
from newsclean.cli import main  # noqa: E402
from newsclean.distributed import clean_bag, iterate  # noqa: E402
from newsclean.model import RawDocument  # noqa: E402
from newsclean.stages.dedup import Dedup  # noqa: E402

from test_dedup import FERRY, LIBRARY, MONDAY, ORCHARD, THURSDAY, edited, reuses, spliced, syndicated, truncated  # noqa: E402

APPEAL = "Keep the Valley Courier free: chip in what you can today!"


def corpus() -> list[RawDocument]:
    texts = {
        "ferry": FERRY, "ferry-wire": syndicated(FERRY), "ferry-edit": edited(FERRY, 0.04),
        "ferry-cut": truncated(FERRY, 0.9), "ferry-again": FERRY, "orchard": ORCHARD,
        "orchard-copy": ORCHARD.upper(), "library": LIBRARY, "follow-up": reuses(FERRY, 0.4, LIBRARY),
        "empty": "   ", "mixed": spliced(FERRY, 0.4, ORCHARD, 2 / 3), "monday": MONDAY, "thursday": THURSDAY,
        "monday-wire": syndicated(MONDAY),
    }
    documents = [RawDocument(id=name, content=text, format="text") for name, text in texts.items()]
    for n in range(6):  # a source whose appeal site_repeat learns
        text = f"The valley road reopened after repair number {n}, the county said on Friday afternoon.\n\n{APPEAL}"
        documents.append(RawDocument(id=f"v{n}", content=text, format="text", url=f"https://valleycourier.example/{n}"))
    return documents


def records(articles) -> list[dict]:
    return [a.to_dict() for a in articles]


@pytest.mark.parametrize("partitions", [1, 3, 7])
def test_bag_output_equals_the_local_run(partitions):
    documents = corpus()
    local = records(default_pipeline().run(documents))
    bag = db.from_sequence(documents, npartitions=partitions)
    with __import__("dask").config.set(scheduler="sync"):
        remote = records(iterate(clean_bag(bag)))
    assert remote == local
    reasons = {r["id"]: r["drop"]["reason"] for r in local if r["drop"]}
    assert reasons["ferry-cut"] == "dedup:near" and reasons["orchard-copy"] == "dedup:exact"
    assert "follow-up" not in reasons and all(APPEAL not in r["text"] for r in local)
    # a spliced article and a template story stay, naming their similar kept articles
    related = {r["id"]: [x["id"] for x in r.get("related", [])] for r in local if not r["drop"]}
    assert related["mixed"] == ["orchard"] and related["orchard"] == ["mixed"]
    assert related["thursday"] == ["monday-wire"] and reasons["monday"] == "dedup:near"  # the wire copy holds more
    assert {r["drop"]["decided_by"] for r in local if r["drop"] and r["drop"]["reason"].startswith("dedup")} <= {
        "published", "covers", "fewer_removed", "id", "record"}


def test_cli_dask_engine_on_a_local_cluster_equals_the_local_engine(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for document in corpus():
        record = {"id": document.id, "text": document.content, "url": document.url}
        (folder / f"{document.id}.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    assert main(["clean", str(folder), "-o", str(local), "--jobs", "1", "--quiet"]) == 0
    args = ["clean", str(folder), "-o", str(remote), "--engine", "dask", "--workers", "2"]
    assert main(args) == 0
    assert remote.read_bytes() == local.read_bytes()
    assert (tmp_path / "dask.rejects.jsonl").read_bytes() == (tmp_path / "local.rejects.jsonl").read_bytes()
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("newsclean: 20 in = ")
    assert b'"related"' in local.read_bytes() and b'"decided_by"' in (tmp_path / "local.rejects.jsonl").read_bytes()


def test_dask_engine_counts_skipped_warc_records_like_the_local_engine(tmp_path, capsys):
    from test_formats import warc_bytes

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "news.warc.gz").write_bytes(warc_bytes())
    stats = []
    for engine in ("local", "dask"):
        out = tmp_path / f"{engine}.jsonl"
        workers = ["--workers", "1"] if engine == "dask" else []
        assert main(["clean", str(folder), "-o", str(out), "--engine", engine, *workers, "--jobs", "1", "--quiet"]) == 0
        stats.append(json.loads((tmp_path / f"{engine}.stats.json").read_text())["records_skipped"])
    assert stats[0] == stats[1] and sum(stats[0].values()) > 0


@attrs.frozen
class CountingStage:
    """A document stage that records each call in a file (the head runs in worker processes)."""

    log: str
    name: ClassVar[str] = "counting"

    def __call__(self, article):
        with open(self.log, "a") as handle:
            handle.write(article.id + "\n")
        return article


def test_documents_are_cleaned_once_although_corpus_stages_read_the_bag_several_times(tmp_path):
    import dask

    documents = corpus()
    log = tmp_path / "calls"
    pipeline = attrs.evolve(default_pipeline(), stages=(CountingStage(str(log)),) + default_pipeline().stages)
    with dask.config.set(scheduler="sync"):
        out = list(iterate(clean_bag(db.from_sequence(documents, npartitions=3), pipeline)))
    assert len(out) == len(documents)
    assert sorted(log.read_text().split()) == sorted(d.id for d in documents)  # once each, not once per compute


@attrs.frozen(kw_only=True)
class CountingDedup(Dedup):
    """Dedup that records each observe and decide call in a file."""

    log: str = ""

    def observe(self, batch):
        with open(self.log, "a") as handle:
            handle.write("observe\n")
        return super().observe(batch)

    def decide(self, state):
        with open(self.log, "a") as handle:
            handle.write("decide\n")
        return super().decide(state)


@pytest.mark.parametrize("scheduler", ["sync", "distributed"])
def test_each_corpus_model_is_computed_once_with_eight_partitions(scheduler, tmp_path):
    """Observe once per partition, decide once, however many output partitions read the model
    (issue 28: with 8 partitions observe ran 64 times and decide 8)."""
    import dask

    documents = corpus()
    documents += [attrs.evolve(d, id=f"{d.id}-again") for d in documents[:4]]  # 24: 8 partitions of 3
    log = tmp_path / "calls"
    base = default_pipeline(site_repeat=False)
    stages = tuple(CountingDedup(log=str(log)) if s.name == "dedup" else s for s in base.stages)
    pipeline = attrs.evolve(base, stages=stages)
    bag = db.from_sequence(documents, npartitions=8)
    assert bag.npartitions == 8
    if scheduler == "sync":
        with dask.config.set(scheduler="sync"):
            out = records(iterate(clean_bag(bag, pipeline)))
    else:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, distributed.Client(cluster):
            out = records(iterate(clean_bag(bag, pipeline)))
    calls = log.read_text().split()
    assert calls.count("observe") == 8 and calls.count("decide") == 1
    assert out == records(default_pipeline(site_repeat=False).run(documents))


def test_workers_name_files_as_the_local_reader_does(tmp_path):
    from newsclean.distributed import files_bag, list_files
    from newsclean.readers import read_inputs

    for name in ("2024/index.html", "2025/index.html", "feeds/wire.jsonl"):
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        content = json.dumps({"text": APPEAL}) + "\n" if name.endswith(".jsonl") else f"<p>{APPEAL}</p>"
        path.write_text(content, encoding="utf-8")
    folder = [str(tmp_path / "in")]
    local = [document.id for document in read_inputs(folder)]
    with __import__("dask").config.set(scheduler="sync"):
        remote = [document.id for document in files_bag(list_files(folder), files_per_partition=2).compute()]
    assert remote == local == ["2024/index", "2025/index", "feeds/wire:1"]
