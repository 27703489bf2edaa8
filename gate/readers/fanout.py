"""Spread independent per-file work over worker processes, results in order.

Analysing a Python source with coverage.py's parser takes 5-10 ms of pure
Python, one file at a time; a gate that claims a few hundred files spends most
of its time there (benchmarks/README.md, "coverage.py data files"). Forked
workers share the parent's imports, so they start in milliseconds. Only on
Linux, only from a single-threaded parent (forking a threaded process can
deadlock on a lock another thread held), and only when there is enough work to
pay for the workers; otherwise the work runs here, in order, the same way.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Generic, TypeVar

from gate.errors import InputError

MIN_ITEMS_PER_WORKER = 24  # below this a worker costs more than it saves
MAX_WORKERS = 8

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Refusal:
    """An InputError raised in a worker, carried back whole (hint included)."""

    __slots__ = ("hint", "message")

    def __init__(self, error: InputError) -> None:
        self.message, self.hint = error.message, error.hint


def workers_for(count: int) -> int:
    """How many worker processes `count` items are worth here (1: none)."""
    if sys.platform != "linux" or threading.active_count() > 1:
        return 1
    cpus = len(os.sched_getaffinity(0))
    return max(1, min(cpus, MAX_WORKERS, count // MIN_ITEMS_PER_WORKER))


def fan_out(
    work: Callable[[Item], Result],
    items: Sequence[Item],
    setup: Callable[[], None] | None = None,
) -> Iterator[Result]:
    """`work(item)` for each item, in order; in forked workers when worth it
    (`workers_for`). `setup` runs once per process before any work. An
    InputError raised by `work` is raised here as it was."""
    workers = workers_for(len(items))
    if workers == 1:
        if setup is not None:
            setup()
        yield from map(work, items)
        return
    chunk = max(1, len(items) // (workers * 4))
    # The parent's objects move out of the collector's reach while workers fork: a
    # worker's collection would otherwise walk (and so copy) every page it inherited.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=setup
        ) as pool:
            for outcome in pool.map(_Guarded(work), items, chunksize=chunk):
                if isinstance(outcome, _Refusal):
                    raise InputError(outcome.message, hint=outcome.hint)
                yield outcome
    finally:
        gc.unfreeze()


class _Guarded(Generic[Item, Result]):
    """`work`, with an InputError returned as a _Refusal (an exception pickles
    only its message, so its hint would be lost on the way back)."""

    def __init__(self, work: Callable[[Item], Result]) -> None:
        self.work = work

    def __call__(self, item: Item) -> Result | _Refusal:
        try:
            return self.work(item)
        except InputError as exc:
            return _Refusal(exc)
