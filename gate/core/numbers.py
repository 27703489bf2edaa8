"""How numbers are shown: percentages and line ranges.

coverage.py's rule: never show 100% unless it is exactly 100, nor 0% unless it
is exactly 0. Display never feeds back into a decision; thresholds compare
exact counts (see gate.core.evaluate).
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def display_percent(value: float | None, places: int = 1) -> str:
    """`96.84` -> "96.8%"; `99.99` -> "99.9%" (not 100%); None -> "n/a"."""
    if value is None:
        return "n/a"
    step = 10.0**-places
    shown = round(value, places)
    if shown >= 100 and value < 100:
        shown = 100 - step
    elif shown <= 0 < value:
        shown = step
    return f"{shown:.{places}f}%"


def percent_below(value: float, target: float) -> str:
    """A percentage that failed a `>= target` comparison, never shown as reaching
    it: one decimal as usual, more where rounding would show the target itself
    (94.96 against 95 -> "94.96%", 99.96 against 100 -> "99.96%")."""
    for places in range(1, 7):
        if round(value, places) < target:
            return display_percent(value, places)
    step = 10**6
    return f"{math.floor(value * step) / step:.6f}%"


def distinct_percents(first: float, second: float) -> tuple[str, str]:
    """Two different percentages shown so they read as different: one decimal as
    usual, more where one decimal would show the same figure twice
    (83.333 and 83.319 -> "83.33%", "83.32%"); six decimals at most."""
    places = 1
    while places < 6 and first != second and round(first, places) == round(second, places):
        places += 1
    return display_percent(first, places), display_percent(second, places)


def line_runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """[40, 41, 42, 43, 44, 97] -> [(40, 44), (97, 97)]."""
    runs: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def range_labels(numbers: Iterable[int]) -> list[str]:
    """[40, 41, 42, 43, 44, 97] -> ["40-44", "97"]."""
    return [str(start) if start == end else f"{start}-{end}" for start, end in line_runs(numbers)]


def format_ranges(numbers: Iterable[int]) -> str:
    """[40, 41, 42, 43, 44, 97] -> "40-44, 97"."""
    return ", ".join(range_labels(numbers))
