"""A mutant's quickest tests first, for mutation testing only.

mutmut runs the tests that reach a mutated function with `pytest -x`, in the order of
a set: a mutant most tests catch in a millisecond could wait 50 s behind slow
end-to-end tests before the first one fails. mutmut records each test's duration in
mutants/mutmut-stats.json (the folder it runs the tests from); ordering by it made a
sample of killed mutants 10-100x quicker. Tests are independent, so their order
changes no verdict, only how soon a killed mutant is known.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Protocol, TypeVar

STATS = Path("mutmut-stats.json")


class Item(Protocol):
    @property
    def nodeid(self) -> str: ...


T = TypeVar("T", bound=Item)


def quickest_first(
    items: list[T], environ: Mapping[str, str] = os.environ, stats: Path = STATS
) -> None:
    """Sort `items` in place by their recorded duration while mutmut runs a mutant
    (its name is in MUTANT_UNDER_TEST); tests with no record go last, in their order."""
    if "__mutmut_" not in environ.get("MUTANT_UNDER_TEST", ""):
        return
    durations = _durations(stats.resolve())
    items.sort(key=lambda item: durations.get(item.nodeid, math.inf))


@cache
def _durations(stats: Path) -> Mapping[str, float]:
    try:
        recorded = json.loads(stats.read_text(encoding="utf-8"))["duration_by_test"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no record: the order stays as mutmut gave it
    return {name: float(seconds) for name, seconds in recorded.items()}
