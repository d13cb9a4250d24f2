"""Worker processes give what one process gives, in the same order."""

from __future__ import annotations

import os
import signal

import attrs

from newsclean import RawDocument, default_pipeline
from newsclean.corpus import CorpusStage
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
