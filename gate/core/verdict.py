"""Why the gate fails: one line per broken rule (docs/numbers.md, "Verdict").

Each interaction carries its own lines (`InteractionResult.reasons`), so a
renderer can show them beside it; the report's `reasons` are those, then the
gate-wide rules (overall confidence, deployment safety, unmapped files).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from gate.config.schema import Config, UnmappedPolicy
from gate.core.numbers import percent_below
from gate.core.patch import patch_failures
from gate.core.report import InteractionResult, RatchetState, SafetyResult
from gate.core.thresholds import exact
from gate.text import plural


def interaction_reasons(r: InteractionResult) -> list[str]:
    """Why this interaction fails the gate: its status (unless a waiver that
    holds or its ratchet excuses it) and each side of the patch threshold its
    changed lines miss. Empty for an interaction that is not required."""
    if not r.required or r.waived:
        return []
    reasons: list[str] = []
    held = r.ratchet is not None and r.ratchet.state is RatchetState.HELD
    if not r.ready and not held:
        expired = f" (waiver expired {r.waiver.until})" if r.waiver is not None else ""
        broken = ""
        if r.ratchet is not None and r.ratchet.state is RatchetState.BROKEN:
            broken = f" (ratchet broken: {r.ratchet.reason})"
        kind = "critical interaction" if r.critical else "interaction"
        reasons.append(f"{kind} {r.id} is {r.status.value}{expired}{broken}")
    if r.patch is not None:
        reasons.extend(f"{r.id}: {failure}" for failure in patch_failures(r.patch))
    return reasons


def verdict_reasons(
    config: Config,
    results: Sequence[InteractionResult],
    overall: Fraction,
    safety: SafetyResult,
    unmapped: Sequence[str],
) -> list[str]:
    """Why the gate fails, one line each; empty when it passes."""
    reasons = [line for r in results for line in r.reasons]
    if not overall >= exact(config.min_confidence):  # fails closed, whatever the values
        reasons.append(
            f"overall confidence {percent_below(float(overall), config.min_confidence)} is below "
            f"{config.min_confidence:g}%"
        )
    failing = [c for c in safety.checks if not c.passed]
    waived = [c for c in failing if c.waiver is not None and not c.waiver.expired]
    if safety.passed + len(waived) < safety.required:
        reasons.append(
            f"deployment safety {safety.passed}/{safety.total}, {safety.required} required"
        )
    for c in failing:
        if c.waiver is not None and c.waiver.expired:
            reasons.append(f"safety check {c.id}: waiver expired {c.waiver.until}")
    if unmapped and config.unmapped.policy is UnmappedPolicy.FAIL:
        n = len(unmapped)
        reasons.append(f"{n} source {plural('file', n)} claimed by no interaction")
    return reasons
