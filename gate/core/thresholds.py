"""Thresholds on exact counts, and the gap lines that say where coverage is missing.

One place for the arithmetic every bar uses (an interaction's threshold, the
patch threshold, a `coverage` safety check): a threshold is met when
`covered * 100 >= threshold * total` in exact numbers, never on a rounded
percentage, so 94.96% does not pass a 95% bar.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

from gate.core.model import LineBranches
from gate.core.numbers import format_ranges

GAP_FILE_LIMIT = 10  # per-file gap lines listed before "... and N more files"


def shortfall(covered: int, total: int, threshold: float) -> int:
    """How many more covered items reach `threshold` percent, on exact counts."""
    # The threshold as written ("95.5" is 955/10, not the nearest binary float), in
    # integers: ceil(num * total / (den * 100)). (Decimal, not Fraction: msgspec
    # has imported decimal already, fractions would cost another import.)
    num, den = Decimal(str(threshold)).as_integer_ratio()
    needed = -(-num * total // (den * 100))
    return max(0, needed - covered)


def exact(value: float) -> Fraction:
    """A config number as written: `95.5` is 955/10. Non-finite values never reach
    here (the config refuses them), but would raise rather than pass a gate."""
    return Fraction(Decimal(str(value)))


def missing_branch_labels(
    branches: Mapping[int, LineBranches] | None, lines: frozenset[int] | None = None
) -> list[str]:
    """The branches not taken, as '88->91' (or '88 (1 of 2 not taken)' when the
    report gives counts only), of every line or only of `lines`."""
    out: list[str] = []
    for line, b in sorted((branches or {}).items()):
        if lines is not None and line not in lines:
            continue
        if b.missing:
            out.extend(f"{line}->{dest}" for dest in b.missing)
        elif b.covered < b.total:
            out.append(f"{line} ({b.total - b.covered} of {b.total} not taken)")
    return out


def missing_detail(
    files: Iterable[tuple[str, Sequence[int], Sequence[str]]], what: str = "missing"
) -> list[str]:
    """One gap line per file with missing lines or branches, `(path, lines,
    branches)` each: 'app/x.py: missing lines 6, 14; branches 5->6', at most
    GAP_FILE_LIMIT of them."""
    incomplete = [(path, lines, branches) for path, lines, branches in files if lines or branches]
    out: list[str] = []
    for path, lines, branches in incomplete[:GAP_FILE_LIMIT]:
        parts = []
        if lines:
            parts.append(f"lines {format_ranges(lines)}")
        if branches:
            parts.append(f"branches {', '.join(branches)}")
        out.append(f"{path}: {what} {'; '.join(parts)}")
    if len(incomplete) > GAP_FILE_LIMIT:
        out.append(f"... and {len(incomplete) - GAP_FILE_LIMIT} more files with {what} lines")
    return out
