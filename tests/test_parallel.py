"""Worker processes give what one process gives, in the same order."""

from __future__ import annotations

import os
import signal

import attrs

from newsclean import RawDocument, default_pipeline
from newsclean.stages.base import CorpusStage
from newsclean.parallel import run_parallel

APPEAL = "Support the Harbour Gazette: become a member today!"


def documents(n: int) -> list[RawDocument]:
    docs = [
        RawDocument(
            id=f"d{i}",
            content=(
                f"The harbour board approved repair plan number {i} on Tuesday, with {i + 2} members in favour, its chair said.\n\n"
                f"Work on berth {i % 7} starts in spring.\n\n{APPEAL}"
            ),
            format="text",
            url=f"https://gazette.example/{i}",
        )
        for i in range(n)
    ]
    docs.append(RawDocument(id="copy", content=docs[-1].content, format="text", url="https://gazette.example/copy"))
    docs.append(RawDocument(id="bad", content=b"\xff\xfe\x00", format="text"))
    return docs


def test_the_plan_puts_every_corpus_stage_in_a_step_and_keeps_the_order():
    pipeline = default_pipeline()
    plan = pipeline.plan()
    assert not any(isinstance(s, CorpusStage) for s in plan.head)
    assert [step.stage.name for step in plan.steps] == ["site_repeat", "dedup"]
    order = list(plan.head) + [s for step in plan.steps for s in (step.stage, *step.after)]
    assert tuple(order) == pipeline.stages


def test_parallel_run_equals_the_plain_run():
    pipeline = default_pipeline()
    docs = documents(60)
    expected = list(pipeline.run(docs))
    got = list(run_parallel(pipeline, docs, jobs=2, batch_size=4))
    assert got == expected
    assert any(a.drop and a.drop.reason == "dedup:exact" for a in got)
    assert all(APPEAL not in a.text for a in got if a.kept)


def test_small_inputs_run_in_this_process_with_the_same_result():
    pipeline = default_pipeline()
    docs = documents(3)
    assert list(run_parallel(pipeline, docs, jobs=4)) == list(pipeline.run(docs))


@attrs.frozen
class KillWorker:
    """Kills the process it runs in on a document that asks for it, never the main process."""

    main_pid: int
    name = "kill_worker"

    def __call__(self, article):
        if "KILL" in article.text and os.getpid() != self.main_pid:
            os.kill(os.getpid(), signal.SIGKILL)
        return article


def test_with_a_time_budget_one_job_runs_in_a_worker_and_a_dead_worker_costs_only_its_document():
    pipeline = default_pipeline(dedup=False, site_repeat=False, time_budget=30).then(KillWorker(os.getpid()))
    docs = documents(6)
    docs[2] = attrs.evolve(docs[2], content=docs[2].content + " KILL")
    out = list(run_parallel(pipeline, docs, jobs=1))
    assert [a.id for a in out] == [d.id for d in docs]
    assert out[2].drop.reason == "worker_died" and all(a.kept for a in out[:2] + out[3:6])


def test_small_documents_go_several_to_a_task_and_large_ones_alone():
    from newsclean.killable import BATCH, SMALL_DOCUMENT, batches

    small = [RawDocument(id=f"s{i}", content="word " * 100, format="text") for i in range(BATCH + 3)]
    large = RawDocument(id="large", content="word " * (SMALL_DOCUMENT // 4), format="text")
    cut = list(batches([*small[:2], large, *small[2:]]))
    assert [[d.id for d in batch] for batch in cut] == [
        ["s0", "s1"], ["large"], [f"s{i}" for i in range(2, BATCH + 2)], [f"s{BATCH + 2}"],
    ]


def test_a_batch_whose_worker_dies_is_done_again_one_document_at_a_time():
    """The six small documents go to one task; the worker dies on d2, so each runs alone and
    only d2 (dead twice) is lost."""
    pipeline = default_pipeline(dedup=False, site_repeat=False, time_budget=30).then(KillWorker(os.getpid()))
    docs = documents(6)[:6]
    docs[2] = attrs.evolve(docs[2], content=docs[2].content + " KILL")
    out = list(run_parallel(pipeline, docs, jobs=2))
    assert [a.id for a in out] == [d.id for d in docs]
    assert out[2].drop.reason == "worker_died" and all(a.kept for a in out[:2] + out[3:6])


# --- the Runner's corpus steps in the workers -----------------------------------------------


@attrs.frozen
class CountingDedup(CorpusStage):
    """Exact dedup by text that logs each call (name and process id) to a file, so a test can
    count calls made in worker processes; with ``die_at``, the worker (never the parent)
    applying that key dies."""

    name = "counting"
    log: str
    parent: int
    die_at: int | None = None

    def _note(self, call: str) -> None:
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(f"{call} {os.getpid()}\n")

    def observe(self, batch):
        self._note("observe")
        return {article.text: key for key, article in reversed(list(batch))}

    def merge(self, states):
        merged: dict[str, int] = {}
        for state in states:
            for text, key in state.items():
                merged[text] = min(key, merged.get(text, key))
        return merged

    def decide(self, state):
        self._note("decide")
        return state

    def apply(self, key, article, model):
        self._note("apply")
        if key == self.die_at and os.getpid() != self.parent:
            os._exit(1)
        if model[article.text] != key:
            from newsclean.model import Drop

            return attrs.evolve(article, drop=Drop(stage=self.name, reason="copy", detail=f"of key {model[article.text]}"))
        return article


def write_texts(folder, n: int):
    folder.mkdir()
    for i, doc in enumerate(documents(n)):
        (folder / f"{doc.id}.txt").write_bytes(doc.content if isinstance(doc.content, bytes) else doc.content.encode())
    return folder


def calls(log) -> list[tuple[str, int]]:
    return [(call, int(pid)) for call, pid in (line.split() for line in log.read_text().splitlines())]


def test_local_corpus_steps_observe_and_apply_in_the_workers_and_decide_once_here(tmp_path, monkeypatch):
    import newsclean.parallel as parallel
    from newsclean.runner import LocalEngine, Runner

    monkeypatch.setattr(parallel, "CHUNK", 7)  # 62 documents: 9 chunks
    corpus = write_texts(tmp_path / "in", 60)
    outputs = {}
    for jobs in (1, 2):
        log = tmp_path / f"calls{jobs}.log"
        stage = CountingDedup(log=str(log), parent=os.getpid())
        pipeline = default_pipeline(dedup="off").then(stage)
        Runner(LocalEngine(jobs=jobs)).run([str(corpus)], str(tmp_path / f"out{jobs}.jsonl"), pipeline=pipeline)
        outputs[jobs] = (tmp_path / f"out{jobs}.jsonl").read_bytes() + (tmp_path / f"out{jobs}.rejects.jsonl").read_bytes()
        made = calls(log)
        decides = [pid for call, pid in made if call == "decide"]
        assert decides == [os.getpid()]  # once, here
        if jobs == 2:
            observes = [pid for call, pid in made if call == "observe"]
            assert len(observes) == 9 and os.getpid() not in observes
            applies = [pid for call, pid in made if call == "apply"]
            assert applies and os.getpid() not in applies
    assert outputs[1] == outputs[2]
    assert b'"copy"' in outputs[2]


def test_a_chunk_whose_worker_dies_is_done_again_and_the_output_is_the_same(tmp_path, monkeypatch):
    import newsclean.parallel as parallel
    from newsclean.runner import LocalEngine, Runner

    monkeypatch.setattr(parallel, "CHUNK", 10)
    corpus = write_texts(tmp_path / "in", 30)
    outputs = []
    for jobs, die_at in ((1, None), (2, 12)):
        stage = CountingDedup(log=str(tmp_path / f"calls{jobs}.log"), parent=os.getpid(), die_at=die_at)
        pipeline = default_pipeline(dedup="off").then(stage)
        Runner(LocalEngine(jobs=jobs)).run([str(corpus)], str(tmp_path / f"out{jobs}.jsonl"), pipeline=pipeline)
        outputs.append((tmp_path / f"out{jobs}.jsonl").read_bytes() + (tmp_path / f"out{jobs}.rejects.jsonl").read_bytes())
    assert outputs[0] == outputs[1]
    # The chunk of key 12 was applied again here, after its worker died.
    assert ("apply", os.getpid()) in calls(tmp_path / "calls2.log")
