"""The change against the base: deltas from a baseline report, and the ratchet.

Pure: the baseline is a `Report` already read and validated
(`gate.readers.report_file`). Comparisons use exact counts: a figure "did not
drop" when `covered / total` is at least the base's as a fraction, never by
comparing rounded percentages (docs/patch-coverage.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from gate.config.schema import Interaction
from gate.core.numbers import distinct_percents
from gate.core.patch import meets_patch_threshold
from gate.core.report import (
    Baseline,
    Delta,
    InteractionResult,
    Ratchet,
    RatchetState,
    Report,
)
from gate.text import plural

NO_BASELINE = "no baseline report given (--baseline)"
NO_DIFF = "no diff given (--diff-base or --diff), so its changed lines are unknown"


def delta(head: InteractionResult, base: InteractionResult | None) -> Delta:
    """The interaction against its own figures in the baseline report."""
    if base is None:
        return Delta(added=True)
    branch = None
    if head.branch_percent is not None and base.branch_percent is not None:
        branch = _points(head.covered_branches, head.branches, base.covered_branches, base.branches)
    confidence = None
    if head.shown_confidence is not None and base.shown_confidence is not None:
        confidence = head.shown_confidence - base.shown_confidence
    return Delta(
        status=base.status,
        line_percent=_points(
            head.covered_statements, head.statements, base.covered_statements, base.statements
        ),
        branch_percent=branch,
        confidence=confidence,
        base_line_percent=base.line_percent,
        base_branch_percent=base.branch_percent,
        base_confidence=base.shown_confidence,
        base_statements=base.statements,
        base_covered_statements=base.covered_statements,
        base_branches=base.branches,
        base_covered_branches=base.covered_branches,
    )


def judge_ratchet(
    it: Interaction,
    head: InteractionResult,
    baseline: Report | None,
    *,
    thresholds_only: bool,
) -> Ratchet | None:
    """The ratchet's verdict on an interaction configured with `ratchet: true`
    (None otherwise). HELD means: below its threshold, but it fails for nothing
    else, neither side dropped against the baseline, and its changed lines meet
    the patch threshold."""
    if not it.ratchet:
        return None
    if head.ready:
        return Ratchet(RatchetState.NOT_NEEDED)
    if not thresholds_only:
        return Ratchet(RatchetState.NOT_APPLIED, "it fails for more than its thresholds")
    if baseline is None:
        return Ratchet(RatchetState.NOT_APPLIED, NO_BASELINE)
    base = baseline.interaction(it.id)
    if base is None:
        return Ratchet(RatchetState.NOT_APPLIED, "it is not in the baseline report")
    patch_needed = it.patch_threshold.line is not None or it.patch_threshold.branch is not None
    if head.patch is None and patch_needed:
        return Ratchet(RatchetState.NOT_APPLIED, NO_DIFF)
    drops = dropped_sides(it, head, base)
    if drops:
        return Ratchet(RatchetState.BROKEN, "; ".join(drops))
    if head.patch is not None and not meets_patch_threshold(head.patch):
        return Ratchet(RatchetState.BROKEN, "its changed lines miss the patch threshold")
    return Ratchet(RatchetState.HELD)


def dropped_sides(it: Interaction, head: InteractionResult, base: InteractionResult) -> list[str]:
    """Each side with a threshold whose exact figure fell below the base's, as
    'line coverage dropped from 42/50 (84.0%) to 41/50 (82.0%)'. A side measured
    now that the base did not measure counts as dropped: nothing shows it held."""
    out: list[str] = []
    sides = (
        ("line", "statement", it.threshold.line, head.covered_statements, head.statements,
         base.covered_statements, base.statements),
        ("branch", "branch", it.threshold.branch, head.covered_branches, head.branches,
         base.covered_branches, base.branches),
    )  # fmt: skip
    for side, noun, threshold, covered, total, base_covered, base_total in sides:
        if threshold is None or total == 0:
            continue
        if base_total == 0:
            out.append(f"{side} coverage: the baseline measured no {plural(noun, 2)}")
        elif Fraction(covered, total) < Fraction(base_covered, base_total):
            was, now = distinct_percents(base_covered * 100 / base_total, covered * 100 / total)
            out.append(
                f"{side} coverage dropped from {base_covered}/{base_total} ({was}) "
                f"to {covered}/{total} ({now})"
            )
    return out


def baseline_info(
    baseline: Report, source: str, interactions: Sequence[InteractionResult]
) -> Baseline:
    """What the deltas were computed against, and what disappeared since."""
    ids = {r.id for r in interactions}
    return Baseline(
        path=source,
        head_sha=baseline.provenance.head_sha,
        generated=baseline.provenance.generated,
        removed=[r.id for r in baseline.interactions if r.id not in ids],
    )


def _points(covered: int, total: int, base_covered: int, base_total: int) -> float | None:
    """Head minus base in percentage points, exactly 0 when the fractions are equal."""
    if not total or not base_total:
        return None
    return float(Fraction(100 * covered, total) - Fraction(100 * base_covered, base_total))
