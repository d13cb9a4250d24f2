"""A document's time budget, on any thread.

``time_limit(seconds)`` raises :class:`DocumentTimeout` in the calling thread once ``seconds``
have passed. In a process's main thread it uses SIGALRM (which also cuts a blocking system
call such as a sleep short). In any other thread (a Dask worker's task thread, a web server's
request thread) one shared watchdog thread raises the exception asynchronously
(``PyThreadState_SetAsyncExc``). Either way a long call inside C code (a parser) is stopped
when it returns to Python; the watchdog also waits for a blocking call to return.
"""

from __future__ import annotations

import contextlib
import ctypes
import heapq
import itertools
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any


class DocumentTimeout(BaseException):
    """A document ran over its time budget. A BaseException, so that a library's broad
    ``except Exception`` inside the stage cannot swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in this thread after ``seconds`` (None or 0: no limit). A timer
    the caller had set is put back afterwards, less the time spent."""
    if not seconds:
        yield
        return
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _WATCHDOG.watch(seconds):
            yield


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


class _Watchdog:
    """One daemon thread that raises DocumentTimeout in threads whose deadline passed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._deadlines: list[tuple[float, int]] = []  # (deadline, ticket), a heap
        self._active: dict[int, int] = {}  # ticket -> thread id
        self._fired: set[int] = set()
        self._tickets = itertools.count()
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def watch(self, seconds: float) -> Iterator[None]:
        thread_id = threading.get_ident()
        with self._lock:
            ticket = next(self._tickets)
            self._active[ticket] = thread_id
            heapq.heappush(self._deadlines, (time.monotonic() + seconds, ticket))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="newsclean-watchdog", daemon=True)
                self._thread.start()
            self._wake.notify()
        try:
            yield
        finally:
            with self._lock:
                self._active.pop(ticket, None)
                if ticket in self._fired:
                    # Fired, but maybe not delivered yet: it must not strike after this block.
                    self._fired.discard(ticket)
                    _raise_in(thread_id, None)

    def _loop(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                while self._deadlines and (self._deadlines[0][0] <= now or self._deadlines[0][1] not in self._active):
                    _, ticket = heapq.heappop(self._deadlines)
                    if ticket in self._active:
                        self._fired.add(ticket)
                        _raise_in(self._active[ticket], DocumentTimeout)
                wait = self._deadlines[0][0] - now if self._deadlines else None
                self._wake.wait(wait)


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in the thread (None: cancel one not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None)


_WATCHDOG = _Watchdog()
