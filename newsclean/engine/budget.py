"""A document's time budget: a soft limit in the process that cleans it, a hard one around it.

``time_limit(seconds)`` is the soft limit. It records the document's deadline, which code that
can stop itself reads through ``remaining()`` (rule-pack regexes run with the ``regex``
package's ``timeout=``), and in a process's main thread it also arms SIGALRM, which stops
Python code (and a blocking call such as a sleep) with :class:`DocumentTimeout`. No thread is
ever sent an asynchronous exception: off the main thread only the deadline is recorded.

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


_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("newsclean_deadline", default=None)


def remaining() -> float | None:
    """Seconds left of the current document's budget (None: no budget). Code that can stop
    itself (a regex search with a timeout) gives up after this long."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return None
    return max(deadline - time.monotonic(), 1e-3)


def expired(detail: str = "") -> DocumentTimeout:
    """The exception code raises when it stopped itself at the deadline."""
    return DocumentTimeout(detail or "over the time budget")


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """The soft limit of ``seconds`` (None or 0: no limit): the deadline for ``remaining()``,
    and in the main thread SIGALRM raising DocumentTimeout. A timer the caller had set is put
    back afterwards, less the time spent."""
    if not seconds:
        yield
        return
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
            with _alarm(seconds):
                yield
        else:
            yield
    finally:
        _DEADLINE.reset(token)


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
