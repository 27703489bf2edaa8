"""What a JUnit `<testcase>` says beyond its outcome: its duration, the full
text of its failure, error or skip, and the output it captured
(`<system-out>`, `<system-err>`), for the evidence package.

Bounded: each text keeps its last `TEXT_LIMIT` characters (a traceback ends
with what failed), and one report keeps at most `READ_BUDGET` characters in
all; past that, cases keep their outcome and message only.
"""

from __future__ import annotations

import math
from typing import Any

from gate.readers.xmlstream import local_name
from gate.text import CONTROL

TEXT_LIMIT = 4000  # characters of one case's failure text, and of its output
READ_BUDGET = 16_000_000  # characters of details kept from one report
_RESULT_TAGS = frozenset({"failure", "error", "skipped"})
_OUTPUT_TAGS = ("system-out", "system-err")


class DetailBudget:
    """How many characters of details one report may still keep."""

    __slots__ = ("left",)

    def __init__(self, left: int | None = None) -> None:
        self.left = READ_BUDGET if left is None else left

    def take(self, text: str) -> str:
        """`text` when the budget allows it (and charge it), else ""."""
        if len(text) > self.left:
            self.left = 0
            return ""
        self.left -= len(text)
        return text


def case_details(el: Any, budget: DetailBudget) -> dict[str, Any]:
    """`duration`, `details` and `output` of a `<testcase>` element, as TestCase fields."""
    results: list[str] = []
    outputs: list[str] = []
    for child in el:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        tag = local_name(child.tag)
        if tag in _RESULT_TAGS:
            results.append(_element_text(child))
        elif tag in _OUTPUT_TAGS and child.text:
            outputs.append(child.text)
    return {
        "duration": duration(el.get("time")),
        "details": budget.take(tail("\n".join(r for r in results if r))),
        "output": budget.take(tail("\n".join(outputs))),
    }


def duration(raw: str | None) -> float | None:
    """The `time` attribute in seconds: a finite, non-negative number, else None."""
    if raw is None or len(raw) > 40:
        return None
    try:
        seconds = float(raw.replace(",", ""))
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _element_text(el: Any) -> str:
    """A result's message attribute and its text (the traceback), as one text."""
    parts = [el.get("message") or "", el.text or ""]
    return "\n".join(p.strip("\n") for p in parts if p.strip())


def tail(text: str) -> str:
    """The last TEXT_LIMIT characters, control characters but tab and newline removed."""
    clean = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(clean) <= TEXT_LIMIT:
        return clean
    return f"[{len(clean) - TEXT_LIMIT:,} characters cut]\n" + clean[-TEXT_LIMIT:]
