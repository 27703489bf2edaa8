"""The one way a reader turns report text into a number (a line number, a hit
count, a branch count).

Python's `int()` is too lenient for hostile input: it takes `1_0`, Unicode
digits (`٣`), signs and any length. A report number here is ASCII digits only,
optionally with a fraction of zeros (`2.0`: a few producers write counts as
floats), at most `MAX_DIGITS` long and within the limit the caller names; a
minus sign only where the format has negative values (coverage.py's exit
destinations). Anything else raises `NotANumber`, whose `reason` the reader puts
after the file and the place it read.
"""

from __future__ import annotations

import re

MAX_LINE = 2**31 - 1  # a line number: a C `int`, larger than any real source
MAX_COUNT = 2**63 - 1  # a hit or branch count: a 64-bit counter
MAX_DIGITS = 32  # longer text is refused before it is converted
_WHOLE = re.compile(r"[ \t]*(-?)([0-9]+)(?:\.0*)?[ \t]*\Z")  # [0-9]: ASCII only, unlike \d


class NotANumber(ValueError):
    """Report text that is not a number the format allows; `reason` completes
    "<what> '<text>' ..." in the reader's message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def whole(raw: str | None, *, maximum: int = MAX_COUNT, negative: bool = False) -> int:
    """The whole number `raw` spells, from 0 (from `-maximum` when `negative`)
    to `maximum`; raises NotANumber naming what is wrong with it."""
    if raw is None:
        raise NotANumber("is missing")
    match = _WHOLE.match(raw) if len(raw) <= MAX_DIGITS + 8 else None
    if match is None or len(match[2]) > MAX_DIGITS:
        raise NotANumber("is not a whole number (ASCII digits)")
    value = int(match[2])
    if match[1] and value:
        if not negative:
            raise NotANumber("is negative")
        value = -value
    if abs(value) > maximum:
        raise NotANumber(f"is out of range (at most {maximum:,})")
    return value


def plain(raw: str | None) -> bool:
    """True for the common case `whole` accepts without a closer look: a short
    run of ASCII digits (`int()` on it is exact). The hot loops test this first
    and hand anything else to `whole`."""
    return raw is not None and raw.isascii() and raw.isdigit() and len(raw) < 10
