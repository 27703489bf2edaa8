"""The report for a terminal: the matrix as a table, then what needs doing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tabulate import tabulate

from gate.core.numbers import display_percent
from gate.core.report import InteractionResult, Report, Status
from gate.render.phrases import (
    NO_BASELINE_LINE,
    UNMAPPED_SHOWN,
    changed_file,
    confidence_cell,
    delta_cell,
    patch_side,
    ratchet_text,
    safety_title,
    tests_cell,
    waiver_long,
    waiver_short,
)
from gate.text import plain, plural

SHORT_STATUS = {
    Status.READY: "READY",
    Status.NEAR: "NEAR",
    Status.ATTENTION: "ATTENTION",
    Status.UNKNOWN: "UNKNOWN",
}


def render_text(report: Report) -> str:
    """The whole report as plain text, ending with the verdict."""
    return "".join(text_pieces(report))


def text_pieces(report: Report) -> Iterator[str]:
    """The report as plain text in pieces, one per interaction's gaps: a report with
    10,000 failing tests is written without holding its text whole."""
    verdict = "PASSED" if report.passed else "FAILED"
    head = [f"{plain(report.title)}: {verdict}", "", matrix_table(report), ""]
    yield _block([*head, *summary_lines(report), *change_lines(report)])
    yield from map(_block, _gap_blocks(report))
    tail: list[str] = []
    if report.overlaps:
        tail.append("")
        tail.append("Files shared by several interactions:")
        tail.extend(f"  {plain(o.path)}: {', '.join(o.interactions)}" for o in report.overlaps)
    if report.notes:
        tail.append("")
        tail.append("Notes:")
        tail.extend(f"  {plain(n)}" for n in report.notes)
    tail.append("")
    if report.passed:
        tail.append("Verdict: PASSED")
    else:
        tail.append("Verdict: FAILED")
        tail.extend(f"  - {plain(r)}" for r in report.reasons)
    yield _block(tail)


def _block(lines: Iterable[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def matrix_table(report: Report) -> str:
    rows = [_row(r) for r in report.interactions]
    headers = ["Interaction", "Dir", "Line", "Branch", "Tests", "Confidence", "Status"]
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)


def _row(r: InteractionResult) -> list[str]:
    status = SHORT_STATUS[r.status]
    if r.waiver is not None:
        status += f" ({waiver_short(r.waiver)})"
    critical = " *" if r.critical else ""
    return [
        f"{plain(r.id, 40)}{critical}",
        plain(r.direction)[:3],
        display_percent(r.line_percent),
        display_percent(r.branch_percent),
        tests_cell(r.tests),
        confidence_cell(r),
        status,
    ]


def summary_lines(report: Report) -> list[str]:
    """The headline figures; each failing safety check indented under its count."""
    s = report.safety
    lines = [
        f"Overall confidence: {display_percent(report.overall_confidence)} "
        f"(target {report.min_confidence:g}%)",
        f"Interactions ready: {report.ready_count}/{len(report.interactions)}  (* = critical)",
        safety_title(s) + (" (no checks declared)" if not s.total else ""),
    ]
    for c in s.checks:
        if not c.passed:
            waived = f" [{waiver_short(c.waiver)}]" if c.waiver else ""
            lines.append(f"  {plain(c.id, 60)} failed{waived}: {plain(c.detail, 200)}")
    if report.unmapped:
        lines.append(f"Unmapped source files ({report.unmapped_policy}):")
        lines.extend(f"  {plain(p)}" for p in report.unmapped[:UNMAPPED_SHOWN])
        if len(report.unmapped) > UNMAPPED_SHOWN:
            more = len(report.unmapped) - UNMAPPED_SHOWN
            lines.append(f"  ... and {more} more (the JSON report lists all)")
    return lines


def change_lines(report: Report) -> list[str]:
    """What the change did to each interaction it touched; [] without a diff."""
    patch = report.patch
    if patch is None:
        return []
    files = f"{patch.changed_files} changed source {plural('file', patch.changed_files)}"
    covered = patch_side(patch.covered_statements, patch.statements)
    lines = ["", f"This change ({plain(patch.source, 80)}, {files}): changed statements {covered}"]
    rows = []
    for r in report.interactions:
        if r.patch is None or not r.patch.touched:
            continue
        p = r.patch
        meets = "below the patch threshold" if any(p.shortfall.values()) else "ok"
        delta = delta_cell(r.delta)
        rows.append(
            [
                plain(r.id, 40),
                f"statements {patch_side(p.covered_statements, p.statements)}",
                f"branches {patch_side(p.covered_branches, p.branches)}",
                f"line {display_percent(r.line_percent)}" + (f" ({delta})" if delta else ""),
                meets,
            ]
        )
    if rows:
        lines.extend("  " + row for row in tabulate(rows, tablefmt="plain").splitlines())
    else:
        lines.append("  touches no interaction's files")
    lines.extend(
        f"  claimed by no interaction: {plain(f.path)} ({changed_file(f)})" for f in patch.unclaimed
    )
    if report.baseline is None:
        lines.append(f"  {NO_BASELINE_LINE}")
    return lines


def _gap_blocks(report: Report) -> Iterator[list[str]]:
    """Each interaction's gaps, or its notes when it has none (a ready
    interaction's allowed skips, lines only other tests ran)."""
    for r in report.interactions:
        if not r.gaps and not r.notes:
            continue
        head = f"{plain(r.id, 40)} ({r.status.value})"
        if r.to_pass:
            head += f": to pass, cover {', '.join(r.to_pass)}"
        if r.waiver is not None:
            head += f" [{waiver_long(r.waiver)}]"
        lines = ["", head]
        if ratchet := ratchet_text(r):
            lines.append(f"  - {plain(ratchet, 240)}")
        lines.extend(f"  - {plain(g, 240)}" for g in r.gaps)
        if not r.gaps:
            lines.extend(f"  note: {plain(n, 240)}" for n in r.notes)
        yield lines
