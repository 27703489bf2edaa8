"""The report as GitHub Markdown: the PR comment, the job summary.

Everything that came from a report or a config (names, paths, test ids,
messages) goes through `gate.render.escape`; only our own fixed strings are raw.
"""

from __future__ import annotations

from gate.core.numbers import display_percent
from gate.core.report import InteractionResult, Report, SafetyResult, Status
from gate.render.escape import code, md
from gate.render.phrases import (
    UNMAPPED_SHOWN,
    confidence_cell,
    safety_title,
    status_cell,
    tests_cell,
    waiver_long,
)
from gate.text import counted

ICONS = {
    Status.READY: "🟢",
    Status.NEAR: "🟡",
    Status.ATTENTION: "🔴",
    Status.UNKNOWN: "⚪",
}
SAFETY_OPEN_LIMIT = 8  # more checks than this go inside <details>


def render_markdown(report: Report, details_url: str | None = None) -> str:
    """The full comment: headline, matrix, safety, gaps, unmapped files."""
    parts = [headline(report), "", matrix(report), ""]
    parts.extend(_safety(report.safety))
    parts.extend(_gaps(report))
    parts.extend(_unmapped(report))
    parts.extend(_verdict(report))
    if details_url:
        parts.append(f"[Full run]({details_url})")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


def render_summary(report: Report, details_url: str | None = None) -> str:
    """A short form for when the full comment is too long for GitHub."""
    parts = [headline(report), "", matrix(report), ""]
    parts.extend(_verdict(report))
    pointer = "The full report (gaps, safety checks) is in the job summary"
    parts.append(f"{pointer}: [open the run]({details_url})." if details_url else f"{pointer}.")
    return "\n".join(parts).rstrip() + "\n"


def headline(report: Report) -> str:
    icon, word = ("✅", "passed") if report.passed else ("❌", "failed")
    s = report.safety
    safety = f" · **Deployment safety {s.passed}/{s.total}**" if s.total else ""
    return (
        f"## {icon} {md(report.title)}: {word}\n\n"
        f"**Overall confidence {display_percent(report.overall_confidence)}** "
        f"(target {report.min_confidence:g}%) · "
        f"**{report.ready_count}/{len(report.interactions)}** interactions production ready"
        f"{safety}"
    )


def matrix(report: Report) -> str:
    lines = [
        "| | Interaction | Direction | Line | Branch | Tests | Confidence | Status |",
        "|---|---|---|---:|---:|---:|---:|---|",
    ]
    lines.extend(_row(r) for r in report.interactions)
    return "\n".join(lines)


def _row(r: InteractionResult) -> str:
    name = f"{md(r.name, 80)} {code(r.id)}" + (" (critical)" if r.critical else "")
    cells = [
        ICONS[r.status],
        name,
        md(r.direction, 20),
        display_percent(r.line_percent),
        display_percent(r.branch_percent),
        tests_cell(r.tests),
        confidence_cell(r),
        status_cell(r),
    ]
    return "| " + " | ".join(cells) + " |"


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
    if len(ordered) > SAFETY_OPEN_LIMIT:
        return [f"<details><summary>{title}</summary>", "", *rows, "", "</details>", ""]
    return [f"### {title}", "", *rows, ""]


def _gaps(report: Report) -> list[str]:
    with_gaps = [r for r in report.interactions if r.gaps]
    if not with_gaps:
        return []
    out = [f"<details><summary>Gaps in {counted(len(with_gaps), 'interaction')}</summary>", ""]
    for r in with_gaps:
        head = f"**{md(r.name, 80)}** {code(r.id)}: {md(status_cell(r))}"
        if r.to_pass:
            head += f"; to pass, cover {md(', '.join(r.to_pass))}"
        out.append(head)
        out.append("")
        out.extend(f"- {md(g)}" for g in r.gaps)
        out.append("")
    out.extend(["</details>", ""])
    return out


def _unmapped(report: Report) -> list[str]:
    if not report.unmapped:
        return []
    out = [
        f"**Source files claimed by no interaction** ({report.unmapped_policy}): "
        + ", ".join(code(p) for p in report.unmapped[:UNMAPPED_SHOWN])
    ]
    if len(report.unmapped) > UNMAPPED_SHOWN:
        out[-1] += f" and {len(report.unmapped) - UNMAPPED_SHOWN} more"
    return [*out, ""]


def _verdict(report: Report) -> list[str]:
    if report.passed:
        return []
    return ["**Why the gate failed:**", "", *(f"- {md(r)}" for r in report.reasons), ""]
