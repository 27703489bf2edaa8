"""The integration assessment as one Markdown document, for `signal-gate report`.

The document is regenerated from the same Report on every run; the only line
that changes between two runs over the same inputs is `Generated: <timestamp>`,
so a committed copy can be checked for staleness (`report --check`). It must
read well as plain text and as GitHub Markdown: everything that came from a
config or a report goes through `gate.render.escape`, no raw HTML is emitted, and no
line carries trailing whitespace (editors and pre-commit hooks strip it).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence

from gate.core.numbers import display_percent
from gate.core.report import EvidenceTest, InteractionResult, Report, SafetyCheckResult, Status
from gate.render.escape import code, md, plain
from gate.render.markdown import ICONS
from gate.render.phrases import (
    confidence_cell,
    confidence_explained,
    evidence_counts,
    ready_line,
    side_measured,
    side_verdict,
    status_cell,
    tests_cell,
    threshold_text,
    waiver_long,
)
from gate.text import yes_no

GENERATED = "Generated: "
_GENERATED_LINE = re.compile(r"^Generated: \S+$")
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")
OUTCOME_ICONS = {"passed": "✅", "failed": "❌", "error": "💥", "skipped": "⏭️"}
TESTS_LISTED = 200  # per interaction; an assessment lists its evidence, within reason
DIFF_LINES_SHOWN = 60
SCOPE_ALL_NOTE = (
    "The gate's figure counts coverage from the whole test suite (`coverage_scope: all`); "
    "this command measures what the evidence tests alone cover."
)


# --- the document ---------------------------------------------------------------------


def render_document(report: Report, generated: str) -> str:
    """The whole assessment; `generated` is the ISO timestamp of this run."""
    parts = [
        *_header(report, generated),
        *_executive_summary(report),
        *_matrix(report),
        "## Interactions",
        "",
    ]
    for r in ordered_interactions(report.interactions):
        parts.extend(interaction_section(r))
    parts.extend(_safety(report))
    parts.extend(_provenance(report))
    parts.extend(_unmapped_and_overlaps(report))
    return "\n".join(parts).rstrip() + "\n"


def _header(report: Report, generated: str) -> list[str]:
    lines = [f"# Integration assessment: {text(report.title, 120)}", ""]
    if report.maintainer:
        lines.extend([f"Maintainer: {text(report.maintainer, 120)}", ""])
    lines.extend([f"{GENERATED}{generated}", ""])
    if report.provenance.head_sha:
        lines.extend([f"Commit: {code(report.provenance.head_sha, 64, table=False)}", ""])
    return lines


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
        "",
        "### Critical gaps",
        "",
        *_critical_gaps(results),
        "",
    ]
    if report.reasons:
        lines.extend(["### Why the gate fails", ""])
        lines.extend(f"- {text(reason)}" for reason in report.reasons)
        lines.append("")
    return lines


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


# --- one interaction -----------------------------------------------------------------


def interaction_section(r: InteractionResult) -> list[str]:
    """Everything about one interaction: facts, numbers, tests, gaps, reproduction."""
    lines = [f"### {ICONS[r.status]} {text(r.name, 120)} (`{r.id}`)", ""]
    lines.extend(_facts(r))
    lines.append("")
    if r.details:
        lines.extend(["**Details**", ""])
        lines.extend(f"- **{text(k, 80)}:** {text(v)}" for k, v in r.details.items())
        lines.append("")
    lines.extend(_evidence_tests(r))
    lines.extend(_remaining_gaps(r))
    lines.extend(_reproduce(r))
    return lines


def _facts(r: InteractionResult) -> list[str]:
    peer = f", peer {code(r.peer, 80, table=False)}" if r.peer else ""
    contract = code(r.contract, 300, table=False) if r.contract else "not documented"
    lines = [
        f"- **Status:** {r.status.value}",
        f"- **Direction:** {r.direction}{peer}",
        f"- **Critical:** {yes_no(r.critical)}; **required:** {yes_no(r.required)}",
        f"- **Client modules:** {_codes(r.modules)}",
        f"- **Files measured:** {_codes(r.files)}",
        f"- **Data contract:** {contract}",
        f"- **Evidence:** {_codes(r.evidence)}",
        f"- **Thresholds:** line {threshold_text(r.threshold.get('line'))}, "
        f"branch {threshold_text(r.threshold.get('branch'))}",
        f"- **Line coverage:** {_side(r, 'line')}",
        f"- **Branch coverage:** {_side(r, 'branch')}",
        f"- **Evidence tests:** {evidence_counts(r.tests)}",
        f"- **Confidence:** {confidence_explained(r)}",
    ]
    if r.coverage_scope != "all":
        lines.append(
            f"- **Coverage scope:** {text(r.coverage_scope, 20)} (only what its evidence ran)"
        )
    if r.waiver is not None:
        lines.append(f"- **Waiver:** {waiver_long(r.waiver, text)}")
    return lines


def _side(r: InteractionResult, side: str) -> str:
    """'85.7% (12/14 statements); threshold 80%: met' or what it takes to meet it."""
    threshold = r.threshold.get(side)
    verdict = side_verdict(r, side)
    if threshold is not None:
        verdict = f"threshold {threshold:g}%: {verdict}"
    return f"{side_measured(r, side)}; {verdict}"


def _evidence_tests(r: InteractionResult) -> list[str]:
    title = f"**Evidence tests** ({tests_cell(r.tests)})"
    if not r.evidence_tests:
        return [title, "", "No evidence test was found in the test results.", ""]
    rows = ["| Outcome | Test | Message |", "|---|---|---|"]
    ordered = sorted(r.evidence_tests, key=lambda t: t.outcome == "passed")  # problems first
    rows.extend(_test_row(t) for t in ordered[:TESTS_LISTED])
    if len(ordered) > TESTS_LISTED:
        rows.append(f"| | and {len(ordered) - TESTS_LISTED} more tests | |")
    return [title, "", *rows, ""]


def _test_row(t: EvidenceTest) -> str:
    icon = OUTCOME_ICONS.get(t.outcome, "")
    message = text(t.message, 160) if t.message else ""
    return f"| {icon} {text(t.outcome, 20)} | {code(t.id, 240)} | {message} |"


def _remaining_gaps(r: InteractionResult) -> list[str]:
    if r.status is Status.READY:
        notes = [f"- {text(n)}" for n in r.notes]
        return [
            "**Validation complete:** every threshold is met and every evidence test passed.",
            "",
            *([*notes, ""] if notes else []),
        ]
    lines = ["**Remaining gaps**", ""]
    lines.extend(f"- {text(g)}" for g in r.gaps)
    if not r.gaps:
        lines.append(f"- status is {r.status.value}")
    return [*lines, ""]


def _reproduce(r: InteractionResult) -> list[str]:
    command = r.reproduce
    if command is None:
        return ["**Reproduce locally:** no evidence is declared, so there is nothing to run.", ""]
    lines = ["**Reproduce locally**", "", *_fenced(command, "sh"), ""]
    if r.coverage_scope == "all":
        lines.extend([SCOPE_ALL_NOTE, ""])
    return lines


# --- safety, provenance, unmapped ------------------------------------------------------------


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


def _provenance(report: Report) -> list[str]:
    p = report.provenance
    sha = code(p.config_sha256[:12], table=False)
    lines = ["## Inputs and provenance", "", f"- **Config:** sha256 {sha}"]
    if p.head_sha:
        lines.append(f"- **Commit:** {code(p.head_sha, 64, table=False)}")
    lines.append("")
    if p.files:
        lines.extend(["| Input | Format | sha256 |", "|---|---|---|"])
        lines.extend(
            f"| {code(f.path)} | {text(f.format, 40)} | {code(f.sha256[:12])} |" for f in p.files
        )
        lines.append("")
    if report.notes:
        lines.extend(["Notes from reading the inputs:", ""])
        lines.extend(f"- {text(n)}" for n in report.notes)
        lines.append("")
    return lines


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


# --- small helpers ---------------------------------------------------------------------


def text(value: str, limit: int = 300) -> str:
    """Untrusted text as itself when Markdown would show it unchanged, else as
    inline code: backslash escapes (`sku\\-404`) read badly as plain text."""
    escaped = md(value, limit)
    return escaped if escaped == plain(value, limit) else code(value, limit)


def _codes(items: Sequence[str]) -> str:
    return ", ".join(code(i, table=False) for i in items) if items else "none"


def _fenced(body: str, info: str = "") -> list[str]:
    """A fenced code block longer than any backtick run inside, one line per line."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *(plain(line) for line in body.splitlines()), fence]


# --- the timestamp and staleness ---------------------------------------------------------


def generated_timestamp(moment: dt.datetime) -> str:
    """`moment` as the Generated: line shows it: ISO 8601 in UTC, to the second.

    The CLI chooses the moment (its clock, or SOURCE_DATE_EPOCH).
    """
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def comparable_lines(document: str) -> list[str]:
    """The document's lines with the timestamp line blanked (and line endings ignored)."""
    lines = document.splitlines()
    for index, line in enumerate(lines):
        if _GENERATED_LINE.match(line):
            lines[index] = GENERATED + "<timestamp>"
            break
    return lines


def stale_diff(committed: str, fresh: str, name: str) -> list[str]:
    """A unified diff from the committed document to a fresh one, ignoring the
    timestamp; empty when they agree. Long diffs are cut short."""
    diff = list(
        difflib.unified_diff(
            comparable_lines(committed),
            comparable_lines(fresh),
            fromfile=f"{name} (committed)",
            tofile=f"{name} (fresh)",
            lineterm="",
        )
    )
    if len(diff) > DIFF_LINES_SHOWN:
        diff = [*diff[:DIFF_LINES_SHOWN], f"... ({len(diff) - DIFF_LINES_SHOWN} more diff lines)"]
    return diff
