"""Deployment safety checks: run each declared check, count passed/total.

The kinds are those of docs/safety-checks.md. A `results` check expands into one check
per entry of its file, so `total` counts checks as reported, not as declared,
and `required: all` asks for every one of them.
"""

from __future__ import annotations

from gate.config.schema import Safety
from gate.core.report import SafetyResult
from gate.safety.checks import run_check
from gate.safety.context import SafetyContext

__all__ = ["SafetyContext", "run_safety"]


def run_safety(safety: Safety, ctx: SafetyContext) -> SafetyResult:
    """Run every check of the `safety` section in order."""
    results = [result for check in safety.checks for result in run_check(check, ctx)]
    required = len(results) if safety.required == "all" else safety.required
    return SafetyResult(
        passed=sum(1 for r in results if r.passed),
        total=len(results),
        required=required,
        checks=results,
    )
