"""No run hangs: out of file descriptors, or interrupted while its worker pool runs, it ends
promptly with an error or exit status 130, and leaves no worker process behind."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups and rlimits")

NEWSCLEAN = [sys.executable, "-m", "newsclean.cli"]


def write_corpus(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"d{i:04d}.txt").write_text(
            f"The harbour board of town {i} met on Monday and approved {i % 9 + 2} repairs to berth {i}, its chair said.\n\n"
            f"Ferry number {i * 7} will use the quay at pier {i + 11} until the work is done in the spring.",
            encoding="utf-8",
        )
    return folder


def group_gone(pgid: int, within: float) -> bool:
    """Whether every process of the group ``pgid`` has ended within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_a_run_out_of_file_descriptors_ends_with_an_error_and_no_workers(tmp_path):
    corpus = write_corpus(tmp_path / "in", 40)

    def few_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (20, 20))

    process = subprocess.Popen(
        [*NEWSCLEAN, "clean", str(corpus), "-o", str(tmp_path / "out.jsonl"), "--jobs", "2", "--quiet"],
        preexec_fn=few_files, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 2, err
        assert "Too many open files" in err
        assert group_gone(process.pid, 10), "worker processes outlived the failed run"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_sigint_while_the_pool_runs_exits_130_promptly_with_no_workers_left(tmp_path):
    # Enough documents that the run is still in its pool when the first results reach the spill
    # (with small documents batched per worker task, 400 were done in about two seconds).
    corpus = write_corpus(tmp_path / "in", 3000)
    out = tmp_path / "out.jsonl"
    def as_from_a_shell() -> None:
        # A program started from a shell gets Ctrl-C with SIGINT's default disposition; a child
        # inherits an ignored SIGINT from its parent (a test runner may leave it so), and then
        # Python installs no KeyboardInterrupt handler at all.
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    process = subprocess.Popen(
        [*NEWSCLEAN, "clean", str(corpus), "-o", str(out), "--jobs", "2", "--quiet"],
        preexec_fn=as_from_a_shell, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    pgid = process.pid
    try:
        spill = Path(str(out) + ".partial.spill")
        deadline = time.monotonic() + 120
        while not (spill.exists() and spill.stat().st_size > 0) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, "the run ended before it could be interrupted"
        os.killpg(pgid, signal.SIGINT)  # what Ctrl-C on a terminal does
        started = time.monotonic()
        _, err = process.communicate(timeout=30)
        assert process.returncode == 130, err
        assert time.monotonic() - started < 30
        assert "interrupted" in err
        assert group_gone(pgid, 10), "worker processes outlived the interrupted run"
    finally:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
