"""A document's time budget: a soft limit in the process that cleans it, a hard one around it.

``time_limit(seconds)`` is the soft limit. It records the document's deadline, which code that
can stop itself reads through ``remaining()`` (rule-pack regexes run with the ``regex``
package's ``timeout=``), and in a process's main thread it also arms SIGALRM, which stops
Python code (and a blocking call such as a sleep) with :class:`DocumentTimeout`. No thread is
ever sent an asynchronous exception: off the main thread only the deadline is recorded.

One-off loading that code meets inside a document (a rule pack or a pattern used for the first
time in the process) runs under ``not_charged()``: the deadline and the alarm move later by the
time it took, and ``Clock.excluded`` tells the caller how much that was, so the first document
of a run is not charged for what every later one finds loaded.

Neither can stop a long call inside C code (a runaway ``re`` match, Unicode normalisation of a
crafted text). The hard limit does: every engine with a budget cleans each document in a worker
process (``newsclean.engine.killable``) that is killed and replaced when it overruns.
"""

from __future__ import annotations

import contextlib
import contextvars
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any


class DocumentTimeout(BaseException):
    """A document ran over its time budget. A BaseException, so that a library's broad
    ``except Exception`` inside the stage cannot swallow it."""


class Clock:
    """The current document's deadline (``time.monotonic()`` seconds; None: no budget), whether
    a main-thread alarm backs it, and the seconds of one-off loading not charged to it."""

    __slots__ = ("deadline", "alarm", "excluded", "paused")

    def __init__(self, deadline: float | None, alarm: bool = False) -> None:
        self.deadline = deadline
        self.alarm = alarm
        self.excluded = 0.0
        self.paused = False


_CLOCK: contextvars.ContextVar[Clock | None] = contextvars.ContextVar("newsclean_deadline", default=None)


def remaining() -> float | None:
    """Seconds left of the current document's budget (None: no budget). Code that can stop
    itself (a regex search with a timeout) gives up after this long."""
    clock = _CLOCK.get()
    if clock is None or clock.deadline is None:
        return None
    return max(clock.deadline - time.monotonic(), 1e-3)


@contextlib.contextmanager
def not_charged() -> Iterator[None]:
    """One-off loading met inside a document: its time is not the document's. The deadline
    moves later by the time taken (the alarm waits meanwhile) and ``Clock.excluded`` grows by
    it. Outside a budget, or inside another ``not_charged``, it does nothing."""
    clock = _CLOCK.get()
    if clock is None or clock.deadline is None or clock.paused:
        yield
        return
    clock.paused = True
    left = signal.setitimer(signal.ITIMER_REAL, 0)[0] if clock.alarm else 0.0
    started = time.monotonic()
    try:
        yield
    finally:
        taken = time.monotonic() - started
        clock.deadline += taken
        clock.excluded += taken
        clock.paused = False
        if clock.alarm:
            # A timer that had run out while paused still fires, at once.
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6))


def expired(detail: str = "") -> DocumentTimeout:
    """The exception code raises when it stopped itself at the deadline."""
    return DocumentTimeout(detail or "over the time budget")


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[Clock]:
    """The soft limit of ``seconds`` (None or 0: no limit): the deadline for ``remaining()``,
    and in the main thread SIGALRM raising DocumentTimeout. A timer the caller had set is put
    back afterwards, less the time spent. Yields the document's :class:`Clock`."""
    if not seconds:
        yield Clock(None)
        return
    alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    clock = Clock(time.monotonic() + seconds, alarm)
    token = _CLOCK.set(clock)
    try:
        if alarm:
            with _alarm(seconds):
                yield clock
        else:
            yield clock
    finally:
        _CLOCK.reset(token)


def _message(seconds: float) -> str:
    return f"over the time budget of {seconds:g} s"


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def _expire(_signum: int, _frame: Any) -> None:
        raise DocumentTimeout(_message(seconds))

    previous = signal.signal(signal.SIGALRM, _expire)
    started = time.monotonic()
    pending, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if pending > 0:
            left = pending - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), interval)
