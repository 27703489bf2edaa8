"""The integration assessment as one Markdown document, for `signal-gate report`.

The document has a body and a provenance footer. The body holds only facts that
derive from the code, the config and the test outcomes: re-running the same
tests on the same code gives the same body, byte for byte, and a changed
outcome changes it. What changes with every run (the timestamp, the commit, the
inputs' hashes) is in the footer, under `PROVENANCE_HEADING`, which
`report --check` ignores (gate.render.document_check). It must read well as
plain text and as GitHub Markdown: everything that came from a config or a
report goes through `gate.render.escape`, no raw HTML is emitted, and no line
carries trailing whitespace (editors and pre-commit hooks strip it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from gate.core.numbers import display_percent
from gate.core.report import InteractionResult, Report, ReviewInfo, SafetyCheckResult
from gate.render.document_interaction import interaction_section, listed, prose, text
from gate.render.escape import code
from gate.render.markdown import ICONS
from gate.render.phrases import (
    confidence_cell,
    ready_line,
    status_cell,
    tests_cell,
    waiver_long,
)

GENERATED = "Generated: "
PROVENANCE_HEADING = "## Provenance (not compared by `signal-gate report --check`)"
SUMMARY_LIMIT = 4000  # characters per paragraph of the config's summary


# --- the document ---------------------------------------------------------------------


def render_document(report: Report, generated: str) -> str:
    """The whole assessment; `generated` is the ISO timestamp of this run (footer only)."""
    parts = [
        *_header(report),
        *_executive_summary(report),
        *_matrix(report),
        "## Interactions",
        "",
    ]
    for r in ordered_interactions(report.interactions):
        parts.extend(interaction_section(r))
    parts.extend(_safety(report))
    parts.extend(_unmapped_and_overlaps(report))
    parts.extend(_next_steps(report))
    parts.extend(_provenance(report, generated))
    return "\n".join(parts).rstrip() + "\n"


def _header(report: Report) -> list[str]:
    lines = [f"# Integration assessment: {text(report.title, 120)}", ""]
    if report.maintainer:
        lines.extend([f"Maintainer: {text(report.maintainer, 120)}", ""])
    if report.summary:
        for paragraph in _paragraphs(report.summary):
            lines.extend([prose(paragraph, SUMMARY_LIMIT), ""])
    return lines


def _paragraphs(value: str) -> list[str]:
    """Blank-line separated paragraphs, each one line (its words as written)."""
    chunks = value.replace("\r\n", "\n").split("\n\n")
    return [" ".join(chunk.split()) for chunk in chunks if chunk.strip()]


def _executive_summary(report: Report) -> list[str]:
    results = report.interactions
    s = report.safety
    required = f", {s.required} required" if s.required != s.total else ""
    verdict = "PASSED" if report.passed else "FAILED"
    lines = [
        "## Executive summary",
        "",
        f"- **Verdict: {verdict}**",
        f"- **Overall confidence:** {display_percent(report.overall_confidence)} "
        f"(target {report.min_confidence:g}%)",
        f"- **Production ready:** {ready_line(results)}",
        f"- **Deployment safety:** {s.passed}/{s.total} checks passed{required}",
    ]
    if report.review is not None:
        lines.append(f"- **Review:** {_review(report.review)}")
    lines.extend(["", "### Critical gaps", "", *_critical_gaps(results), ""])
    lines.extend(listed("### Why the gate fails", [f"- {text(r)}" for r in report.reasons]))
    warnings = [f"- ⚠️ {prose(w, 600)}" for w in report.warnings]
    return [*lines, *listed("### Warnings", warnings)]


def _review(review: ReviewInfo) -> str:
    """'last reviewed 2026-01-05, every 90 days; next review due 2026-04-05'."""
    state = "review OVERDUE since" if review.overdue else "next review due"
    enforced = " (an overdue review fails the gate)" if review.enforced else ""
    return (
        f"last reviewed {review.last_reviewed}, every {review.cycle_days} days; "
        f"{state} {review.due}{enforced}"
    )


def _critical_gaps(results: Sequence[InteractionResult]) -> list[str]:
    critical = [r for r in results if r.critical]
    if not critical:
        return ["No interaction is marked critical."]
    open_ = [r for r in critical if not r.ready]
    if not open_:
        return ["None: every critical interaction is production ready."]
    lines = []
    for r in open_:
        first = f": {text(r.gaps[0], 200)}" if r.gaps else ""
        more = f" (and {len(r.gaps) - 1} more)" if len(r.gaps) > 1 else ""
        lines.append(f"- **{text(r.name, 80)}** `{r.id}` is {status_cell(r)}{first}{more}")
    return lines


def _matrix(report: Report) -> list[str]:
    lines = [
        "## Integration matrix",
        "",
        "| | Interaction | Direction | Peer | Line | Branch | Tests | Confidence | Status |",
        "|---|---|---|---|---:|---:|---:|---:|---|",
    ]
    for r in report.interactions:
        name = f"{text(r.name, 80)} `{r.id}`" + (" (critical)" if r.critical else "")
        cells = [
            ICONS[r.status],
            name,
            r.direction,
            code(r.peer, 60) if r.peer else "-",
            display_percent(r.line_percent),
            display_percent(r.branch_percent),
            tests_cell(r.tests),
            confidence_cell(r),
            status_cell(r),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def ordered_interactions(results: Iterable[InteractionResult]) -> list[InteractionResult]:
    """Critical gaps first, then other gaps, then the validated ones; config order within."""

    def rank(r: InteractionResult) -> int:
        if r.ready:
            return 2
        return 0 if r.critical else 1

    return sorted(results, key=rank)


# --- safety, unmapped, next steps ---------------------------------------------------


def _safety(report: Report) -> list[str]:
    s = report.safety
    required = f" ({s.required} required)" if s.required != s.total else ""
    lines = [f"## Deployment safety checks: {s.passed}/{s.total}{required}", ""]
    if not s.checks:
        return [*lines, "No deployment safety checks are configured.", ""]
    lines.extend(["| | Check | Kind | Detail |", "|---|---|---|---|"])
    lines.extend(_safety_row(c) for c in sorted(s.checks, key=lambda c: c.passed))
    return [*lines, ""]


def _safety_row(c: SafetyCheckResult) -> str:
    icon = "✅" if c.passed else ("🏳️" if c.waived else "❌")
    detail = text(c.detail) if c.detail else ""
    if c.waiver is not None:
        detail += f" ({waiver_long(c.waiver, text)})"
    return f"| {icon} | {text(c.name, 80)} `{c.id}` | {text(c.kind, 40)} | {detail} |"


def _unmapped_and_overlaps(report: Report) -> list[str]:
    lines = ["## Unmapped files and overlaps", ""]
    if report.unmapped:
        lines.extend(
            [
                f"Source files that no interaction claims (policy: "
                f"{text(report.unmapped_policy, 20)}):",
                "",
            ]
        )
        lines.extend(f"- {code(p, table=False)}" for p in report.unmapped)
    else:
        lines.append("Every source file under `unmapped.paths` belongs to an interaction.")
    lines.append("")
    if report.overlaps:
        lines.extend(["Files shared by several interactions:", ""])
        lines.extend(
            f"- {code(o.path, table=False)}: {', '.join(f'`{i}`' for i in o.interactions)}"
            for o in report.overlaps
        )
    else:
        lines.append("No file belongs to more than one interaction.")
    return [*lines, ""]


def _next_steps(report: Report) -> list[str]:
    steps = [f"{n}. {prose(step, 600)}" for n, step in enumerate(report.next_steps, 1)]
    return listed("## Next steps", steps)


# --- the provenance footer: never compared ---------------------------------------------------


def _provenance(report: Report, generated: str) -> list[str]:
    """What identifies this run rather than the facts: when, which commit, which
    input files (paths are run settings; their bytes carry run timestamps), and
    what reading them noticed."""
    p = report.provenance
    lines = [
        "---",
        "",
        PROVENANCE_HEADING,
        "",
        f"{GENERATED}{generated}",
        "",
    ]
    if p.head_sha:
        lines.extend([f"Commit: {code(p.head_sha, 64, table=False)}", ""])
    lines.extend([f"- **Config:** sha256 {code(p.config_sha256[:12], table=False)}", ""])
    if p.files:
        lines.extend(["| Input | Format | sha256 |", "|---|---|---|"])
        lines.extend(
            f"| {code(f.path)} | {text(f.format, 40)} | {code(f.sha256[:12])} |" for f in p.files
        )
        lines.append("")
    notes = [f"- {text(n)}" for n in report.notes]
    return [*lines, *listed("Notes from reading the inputs:", notes)]


def generated_timestamp(moment: dt.datetime) -> str:
    """`moment` as the Generated: line shows it: ISO 8601 in UTC, to the second.

    The CLI chooses the moment (its clock, or SOURCE_DATE_EPOCH).
    """
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
