"""The report as GitHub Markdown: the PR comment, the job summary.

Written for a reviewer reading a pull request, in GitHub's PR column (about
880 px): the verdict, the gate and the commit judged on the first line; what
this change did to each interaction it touched; what fails the gate, with the
actionable reasons in view; then the whole matrix, compact, folded away when
the change touched nothing that fails. docs/patch-coverage.md shows it.

Everything that came from a report or a config (names, paths, test ids,
messages) goes through `gate.render.escape`; only our own fixed strings are raw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from gate.core.numbers import display_percent
from gate.core.report import InteractionResult, RatchetState, Report, SafetyResult, Status
from gate.render.escape import code, md
from gate.render.phrases import (
    DIRECTION_LEGEND,
    NO_BASELINE_LINE,
    STATUS_WORDS,
    UNMAPPED_SHOWN,
    changed_file,
    confidence_cell,
    delta_cell,
    direction_glyph,
    held_text,
    patch_mark,
    patch_side,
    ratchet_text,
    safety_title,
    status_cell,
    tests_cell,
    waiver_long,
)
from gate.text import counted, plural

ICONS = {
    Status.READY: "🟢",
    Status.NEAR: "🟡",
    Status.ATTENTION: "🔴",
    Status.UNKNOWN: "⚪",
}
SAFETY_OPEN_LIMIT = 8  # more checks than this go inside <details>
MATRIX_OPEN_LIMIT = 15  # more interactions than this: the matrix is always folded
ATTENTION_OPEN_LIMIT = 5  # failing interactions shown in full before "N more"
GAPS_SHOWN = 6  # gap lines shown per failing interaction
UNCLAIMED_SHOWN = 10
TITLE_CHARS = 80


def render_markdown(report: Report, details_url: str | None = None) -> str:
    """The full comment: verdict line, this change, what needs attention, the
    matrix, safety checks, unmapped files, why the gate failed."""
    parts = [*headline(report).split("\n"), ""]
    parts.extend(this_change(report))
    parts.extend(needs_attention(report))
    parts.extend(full_matrix(report))
    parts.extend(_safety(report.safety))
    parts.extend(_all_gaps(report))
    parts.extend(_unmapped(report))
    parts.extend(_verdict(report))
    if details_url:
        parts.append(f"[Full run]({details_url})")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def render_summary(report: Report, details_url: str | None = None) -> str:
    """A short form for when the full comment is too long for GitHub."""
    parts = [*headline(report).split("\n"), ""]
    parts.extend(this_change(report))
    failing = failing_first(report)
    if failing:
        n = len(failing)
        parts.extend(
            [f"**{n} {plural('interaction', n)} {'fails' if n == 1 else 'fail'} the gate:**", ""]
        )
        for r in failing:
            first = (r.gaps or r.reasons)[0]
            parts.append(f"- {_name(r)}: {md(status_cell(r))} — {md(first)}")
        parts.append("")
    parts.extend(full_matrix(report))
    parts.extend(_verdict(report))
    pointer = "The full report (gaps, safety checks) is in the job summary"
    parts.append(f"{pointer}: [open the run]({details_url})." if details_url else f"{pointer}.")
    return "\n".join(parts).rstrip() + "\n"


def headline(report: Report) -> str:
    """Line 1: verdict, gate title, the commit judged (so a stale comment shows);
    line 3: the overall figures."""
    icon, word = ("✅", "passed") if report.passed else ("❌", "failed")
    sha = report.provenance.head_sha
    at = f" · {code(sha[:7], table=False)}" if sha else ""
    s = report.safety
    safety = f" · **Deployment safety {s.passed}/{s.total}**" if s.total else ""
    return (
        f"## {icon} {md(report.title, TITLE_CHARS)}: {word}{at}\n\n"
        f"**Overall confidence {display_percent(report.overall_confidence)}** "
        f"(target {report.min_confidence:g}%) · "
        f"**{report.ready_count}/{len(report.interactions)}** interactions production ready"
        f"{safety}"
    )


# --- this change -------------------------------------------------------------------------


def this_change(report: Report) -> list[str]:
    """What the pull request did to each interaction it touched; [] without a diff."""
    patch = report.patch
    if patch is None:
        return []
    out = ["### This change", ""]
    covered = patch_side(patch.covered_statements, patch.statements)
    summary = (
        f"{patch.changed_files} changed source {plural('file', patch.changed_files)} · "
        f"changed statements covered: **{covered}**"
    )
    if patch.branches:
        summary += f" · changed branches: **{patch_side(patch.covered_branches, patch.branches)}**"
    out.extend([summary, ""])
    touched = [r for r in report.interactions if r.patch is not None and r.patch.touched]
    if touched:
        out.extend(_change_table(touched, with_delta=report.baseline is not None))
    else:
        out.append("The change touches no interaction's files.")
    out.append("")
    out.extend(_unclaimed(report))
    out.extend(_against_base(report))
    return out


def _change_table(touched: Sequence[InteractionResult], *, with_delta: bool) -> list[str]:
    head = "| | Interaction | Changed statements | Changed branches | Line |"
    rule = "|---|---|---:|---:|---:|"
    if with_delta:
        head, rule = head + " Δ |", rule + "---:|"
    rows = [head, rule]
    for r in touched:
        assert r.patch is not None
        p = r.patch
        cells = [
            ICONS[r.status],
            _name(r),
            patch_mark(p, "line") + patch_side(p.covered_statements, p.statements),
            patch_mark(p, "branch") + patch_side(p.covered_branches, p.branches),
            display_percent(r.line_percent),
        ]
        if with_delta:
            cells.append(delta_cell(r.delta))
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def _unclaimed(report: Report) -> list[str]:
    """Changed files unmapped.paths wants in an interaction and none claims."""
    unclaimed = report.patch.unclaimed if report.patch is not None else []
    if not unclaimed:
        return []
    items = [
        f"{code(f.path, table=False)} ({changed_file(f)})" for f in unclaimed[:UNCLAIMED_SHOWN]
    ]
    more = len(unclaimed) - UNCLAIMED_SHOWN
    tail = f" and {more} more" if more > 0 else ""
    return [f"**Changed code no interaction claims:** {', '.join(items)}{tail}", ""]


def _against_base(report: Report) -> list[str]:
    """One line on what the Δ figures compare with, or that there is nothing to."""
    base = report.baseline
    if base is None:
        return [NO_BASELINE_LINE, ""]
    when = f" ({base.generated.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC)" if base.generated else ""
    commit = f" of {code(base.head_sha[:7], table=False)}" if base.head_sha else ""
    line = f"Δ: line coverage against the report{commit}{when} on the base branch."
    added = [r for r in report.interactions if r.delta is not None and r.delta.added]
    if added:
        line += " New since the base: " + ", ".join(code(r.id, table=False) for r in added) + "."
    if base.removed:
        removed = ", ".join(code(i, table=False) for i in base.removed)
        line += f" Removed since the base: {removed}."
    return [line, ""]


# --- needs attention ---------------------------------------------------------------------


def failing_first(report: Report) -> list[InteractionResult]:
    """The interactions that fail the gate: those the change touched first,
    then critical ones, then the rest in config order."""
    failing = [r for r in report.interactions if r.reasons]

    def order(r: InteractionResult) -> tuple[int, int]:
        touched = r.patch is not None and r.patch.touched
        return (0 if touched else 1, 0 if r.critical else 1)

    return sorted(failing, key=order)


def needs_attention(report: Report) -> list[str]:
    """Each failing interaction with what to do about it, in view; then the
    interactions a ratchet holds."""
    failing = failing_first(report)
    out: list[str] = []
    if failing:
        out.extend(["### Needs attention", ""])
        for r in failing[:ATTENTION_OPEN_LIMIT]:
            out.extend(_attention(r))
        rest = failing[ATTENTION_OPEN_LIMIT:]
        if rest:
            out.extend([f"<details><summary>{len(rest)} more fail the gate</summary>", ""])
            for r in rest:
                out.extend(_attention(r))
            out.extend(["</details>", ""])
    held = [
        r
        for r in report.interactions
        if r.ratchet is not None and r.ratchet.state is RatchetState.HELD and not r.reasons
    ]
    if held:
        items = [f"{_name(r)} {held_text(r)}" for r in held]
        out.extend(["**Held by the ratchet** (below threshold, no worse than the base):", ""])
        out.extend(f"- {item}" for item in items)
        out.append("")
    return out


def _attention(r: InteractionResult) -> list[str]:
    head = f"**{ICONS[r.status]} {md(r.name, 80)}** {code(r.id, table=False)}"
    head += " (critical)" if r.critical else ""
    head += f" · {md(status_cell(r))}"
    if r.to_pass:
        head += f" · to pass, cover {md(', '.join(r.to_pass))}"
    lines = [head, ""]
    if ratchet := ratchet_text(r):
        lines.append(f"- {md(ratchet)}")
    gaps = r.gaps or r.reasons
    lines.extend(f"- {md(g)}" for g in gaps[:GAPS_SHOWN])
    if len(gaps) > GAPS_SHOWN:
        lines.append(f"- … and {len(gaps) - GAPS_SHOWN} more (all gaps below)")
    return [*lines, ""]


# --- the whole matrix --------------------------------------------------------------------


def full_matrix(report: Report) -> list[str]:
    """Every interaction, one compact row each; folded when the change touched
    nothing that fails the gate, or when there are many."""
    rows = matrix(report)
    counts = _status_counts(report.interactions)
    title = f"All {len(report.interactions)} interactions: {counts}"
    if _matrix_open(report):
        return [f"### {title}", "", rows, "", DIRECTION_LEGEND, ""]
    return [f"<details><summary>{title}</summary>", "", rows, "", DIRECTION_LEGEND, "",
            "</details>", ""]  # fmt: skip


def _matrix_open(report: Report) -> bool:
    if len(report.interactions) > MATRIX_OPEN_LIMIT:
        return False
    if report.patch is None:
        return True  # no change known: the matrix is the news
    return any(r.reasons and r.patch is not None and r.patch.touched for r in report.interactions)


def matrix(report: Report) -> str:
    delta = report.baseline is not None
    lines = [
        "| Status | Interaction | Line | Branch | Tests | Confidence |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in report.interactions:
        line = display_percent(r.line_percent)
        if delta and (shown := delta_cell(r.delta)) and shown != "±0":
            line += f" {shown}"
        status = f"{ICONS[r.status]} {STATUS_WORDS[r.status]}"
        if r.waived:
            status += " 🏳️"
        if r.ratchet is not None and r.ratchet.state is RatchetState.HELD:
            status += " · held"
        cells = [
            status,
            _name(r) + (" (critical)" if r.critical else ""),
            line,
            display_percent(r.branch_percent),
            tests_cell(r.tests),
            confidence_cell(r),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _name(r: InteractionResult) -> str:
    return f"{direction_glyph(r.direction)} {md(r.name, 80)} {code(r.id)}"


def _status_counts(results: Sequence[InteractionResult]) -> str:
    counts = {s: sum(1 for r in results if r.status is s) for s in Status}
    return " · ".join(f"{n} {STATUS_WORDS[s]}" for s, n in counts.items() if n)


# --- safety, unmapped, verdict -------------------------------------------------------------


def _safety(safety: SafetyResult) -> list[str]:
    if not safety.total:
        return []
    rows = ["| | Check | Detail |", "|---|---|---|"]
    ordered = sorted(safety.checks, key=lambda c: c.passed)  # failures first
    for c in ordered:
        icon = "✅" if c.passed else ("🏳️" if c.waived else "❌")
        detail = md(c.detail, 200)
        if c.waiver is not None:
            detail += f" — {waiver_long(c.waiver, md)}"
        rows.append(f"| {icon} | {md(c.name, 80)} {code(c.id)} | {detail} |")
    title = safety_title(safety)
    if len(ordered) > SAFETY_OPEN_LIMIT or safety.passed == safety.total:
        return [f"<details><summary>{title}</summary>", "", *rows, "", "</details>", ""]
    return [f"### {title}", "", *rows, ""]


def _all_gaps(report: Report) -> list[str]:
    """Every gap of every interaction, folded: the record behind the sections above."""
    with_gaps = [r for r in report.interactions if r.gaps]
    if not with_gaps:
        return []
    out = [f"<details><summary>Gaps in {counted(len(with_gaps), 'interaction')}</summary>", ""]
    for r in with_gaps:
        head = f"**{md(r.name, 80)}** {code(r.id, table=False)}: {md(status_cell(r))}"
        if r.to_pass:
            head += f"; to pass, cover {md(', '.join(r.to_pass))}"
        out.extend([head, "", *(f"- {md(g)}" for g in r.gaps), ""])
    out.extend(["</details>", ""])
    return out


def _unmapped(report: Report) -> list[str]:
    if not report.unmapped:
        return []
    out = [
        f"**Source files claimed by no interaction** ({report.unmapped_policy}): "
        + ", ".join(code(p, table=False) for p in report.unmapped[:UNMAPPED_SHOWN])
    ]
    if len(report.unmapped) > UNMAPPED_SHOWN:
        out[-1] += f" and {len(report.unmapped) - UNMAPPED_SHOWN} more"
    return [*out, ""]


def _verdict(report: Report) -> list[str]:
    if report.passed:
        return []
    return ["**Why the gate failed:**", "", *(f"- {md(r)}" for r in report.reasons), ""]
