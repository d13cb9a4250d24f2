"""Worker processes give what one process gives, in the same order."""

from __future__ import annotations

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


class _FakeExecutor:
    """A process pool stand-in that breaks after ``healthy`` batches: the batch that breaks it
    fails, and every later ``submit`` raises at once, as a pool whose worker was killed does."""

    def __init__(self, healthy: int | None) -> None:
        self.healthy, self.submitted, self.broken = healthy, 0, False

    def submit(self, fn, batch):
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        if self.broken:
            raise BrokenProcessPool("a child process terminated abruptly")
        self.submitted += 1
        future = Future()
        if self.healthy is not None and self.submitted > self.healthy:
            self.broken = True
            future.set_exception(BrokenProcessPool("a child process terminated abruptly"))
        else:
            future.set_result([(document, 0.0) for document in batch])
        return future

    def shutdown(self, wait=True, cancel_futures=False):
        pass


def test_a_pool_that_breaks_between_results_and_the_next_submit_loses_no_document():
    # The race a killed worker causes: the pool is already broken when the next batch is
    # submitted, before any pending result has told the run so.
    from newsclean.parallel import _ordered

    executors = iter([_FakeExecutor(healthy=3)] + [_FakeExecutor(healthy=None) for _ in range(20)])
    batches = iter([[n] for n in range(12)])
    out = list(_ordered(lambda workers: next(executors), 2, batches, max_in_flight=4))
    assert [document for document, _ in out] == list(range(12))
