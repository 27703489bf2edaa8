"""Deployment safety checks: run each declared check, count passed/total."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gate.config import Safety, Waiver
from gate.model import FileCoverage, TestResults
from gate.report import SafetyResult


@dataclass(frozen=True)
class SafetyContext:
    """What the checks may look at. `allow_exec` is False under --no-exec and for
    untrusted events; `command` checks then fail with the reason."""

    root: Path
    coverage: Mapping[str, FileCoverage]
    tests: TestResults
    allow_exec: bool
    today: dt.date
    waivers: Mapping[str, Waiver]


def run_safety(safety: Safety, ctx: SafetyContext) -> SafetyResult:
    """Run every check of the `safety` section in order."""
    from gate.safety.checks import run_check

    results = [run_check(check, ctx) for check in safety.checks]
    required = len(results) if safety.required == "all" else safety.required
    return SafetyResult(
        passed=sum(1 for r in results if r.passed),
        total=len(results),
        required=required,
        checks=results,
    )
