"""Cutting a stream into batches of at most ``size`` items, in order: ``itertools.batched``
where Python has it (3.12 on), the same thing written out for 3.11."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[Sequence[T]]:
    if hasattr(itertools, "batched"):
        return itertools.batched(items, size)
    return _batched(items, size)


def _batched(items: Iterable[T], size: int) -> Iterator[Sequence[T]]:
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch
