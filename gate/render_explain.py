"""One interaction in full, for `signal-gate explain ID`."""

from __future__ import annotations

from pathlib import Path

from tabulate import tabulate

from gate.mdescape import plain
from gate.numbers import display_percent, format_ranges
from gate.report import InteractionResult

SOURCE_LINES_SHOWN = 40  # per file, so a huge gap does not flood the terminal


def render_explain(r: InteractionResult, root: Path) -> str:
    """Files with their counts, missing lines with their source, tests, thresholds."""
    out = [
        f"{r.id}: {plain(r.name)}",
        f"  status      {r.status.value}",
        f"  direction   {r.direction}" + (f" (peer {plain(r.peer)})" if r.peer else ""),
        f"  critical    {'yes' if r.critical else 'no'}; required {'yes' if r.required else 'no'}",
        f"  line        {display_percent(r.line_percent)} "
        f"({r.covered_statements}/{r.statements}; threshold {_t(r.threshold.get('line'))})",
        f"  branch      {display_percent(r.branch_percent)} "
        f"({r.covered_branches}/{r.branches}; threshold {_t(r.threshold.get('branch'))})",
        f"  confidence  {display_percent(r.confidence)} "
        f"(coverage {display_percent(r.coverage_percent)} x pass rate {r.pass_rate:.2f})",
    ]
    if r.to_pass:
        out.append(f"  to pass     cover {', '.join(r.to_pass)}")
    if r.waiver is not None:
        state = "EXPIRED" if r.waiver.expired else "until"
        out.append(f"  waiver      {state} {r.waiver.until}: {plain(r.waiver.reason)}")
    out.append("")
    rows = [
        [plain(f.path), f.statements, f.covered_statements, f.branches, f.covered_branches,
         format_ranges(f.missing_lines) or "-"]
        for f in r.file_details
    ]  # fmt: skip
    headers = ["File", "Stmts", "Covered", "Branches", "Covered", "Missing lines"]
    out.append(tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True))
    for f in r.file_details:
        if f.missing_lines or f.missing_branches:
            out.append("")
            out.append(f"{plain(f.path)}:")
            out.extend(_source_lines(root / f.path, f.missing_lines))
            if f.missing_branches:
                out.append(f"  branches not taken: {', '.join(f.missing_branches)}")
    out.append("")
    out.append(f"Evidence tests ({r.tests.passed}/{r.tests.total} passed):")
    out.extend(
        f"  {t.outcome.upper():8} {plain(t.id)}"
        + (f": {plain(t.message, 160)}" if t.message else "")
        for t in r.evidence_tests
    )
    if not r.evidence_tests:
        out.append("  (none found)")
    if r.gaps:
        out.append("")
        out.append("Gaps:")
        out.extend(f"  - {plain(g, 240)}" for g in r.gaps)
    return "\n".join(out) + "\n"


def _t(value: float | None) -> str:
    return "off" if value is None else f"{value:g}%"


def _source_lines(path: Path, missing: list[int]) -> list[str]:
    """The missing lines with their text, when the source file is here to read."""
    if not missing:
        return []
    try:
        source = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return [f"  missing lines {format_ranges(missing)} (source not available)"]
    shown = [
        f"  {n:>5} | {plain(source[n - 1], 120)}" for n in missing[:SOURCE_LINES_SHOWN]
        if 0 < n <= len(source)
    ]  # fmt: skip
    if len(missing) > SOURCE_LINES_SHOWN:
        shown.append(f"  ... and {len(missing) - SOURCE_LINES_SHOWN} more missing lines")
    return shown
