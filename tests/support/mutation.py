"""A mutant's quickest tests first, and a limit on a test it makes hang: for
mutation testing only (`python3 dev.py mutate`).

mutmut runs the tests that reach a mutated function with `pytest -x`, in the order of
a set: a mutant most tests catch in a millisecond could wait 50 s behind slow
end-to-end tests before the first one fails. mutmut records each test's duration in
mutants/mutmut-stats.json (the folder it runs the tests from); ordering by it made a
sample of killed mutants 10-100x quicker. Tests are independent, so their order
changes no verdict, only how soon a killed mutant is known.

A mutant that makes one test hang is stopped in that test (`hang_limit`): mutmut's
own limit is for all of a mutant's tests together, and must leave room for a
surviving mutant to run every test with its fixtures (3-6x the recorded call times
on a busy machine), so a hang found by a quick test would hold a worker for minutes.
"""

from __future__ import annotations

import json
import math
import os
import signal
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar

STATS = Path("mutmut-stats.json")
# A test under a mutant gets its recorded time x HANG_FACTOR + HANG_GRACE seconds.
HANG_FACTOR = 10
HANG_GRACE = 30.0


class Item(Protocol):
    @property
    def nodeid(self) -> str: ...


T = TypeVar("T", bound=Item)


def quickest_first(
    items: list[T], environ: Mapping[str, str] = os.environ, stats: Path = STATS
) -> None:
    """Sort `items` in place by their recorded duration while mutmut runs a mutant
    (its name is in MUTANT_UNDER_TEST); tests with no record go last, in their order."""
    if not _under_mutant(environ):
        return
    durations = _durations(stats.resolve())
    items.sort(key=lambda item: durations.get(item.nodeid, math.inf))


@contextmanager
def hang_limit(
    nodeid: str,
    environ: Mapping[str, str] = os.environ,
    stats: Path = STATS,
    grace: float = HANG_GRACE,
) -> Iterator[None]:
    """While mutmut runs a mutant, end the process as mutmut's own timeout does
    (SIGXCPU: a "timeout" verdict, killed) when the test outlasts its recorded time
    x HANG_FACTOR + `grace`; a test with no record, or any other run, has no limit."""
    recorded = _durations(stats.resolve()).get(nodeid) if _under_mutant(environ) else None
    if recorded is None or not hasattr(signal, "setitimer"):  # setitimer: POSIX only
        yield
        return
    before = signal.signal(signal.SIGALRM, _timed_out)
    signal.setitimer(signal.ITIMER_REAL, recorded * HANG_FACTOR + grace)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def _timed_out(signum: int, frame: object) -> None:
    os.kill(os.getpid(), signal.SIGXCPU)  # its default action ends the process


def _under_mutant(environ: Mapping[str, str]) -> bool:
    return "__mutmut_" in environ.get("MUTANT_UNDER_TEST", "")


@cache
def _durations(stats: Path) -> Mapping[str, float]:
    try:
        recorded = json.loads(stats.read_text(encoding="utf-8"))["duration_by_test"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no record: the order stays as mutmut gave it
    return {name: float(seconds) for name, seconds in recorded.items()}
