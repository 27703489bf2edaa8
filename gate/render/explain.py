"""One interaction in full, for `signal-gate explain ID`.

The missing lines and the lines whose branches were not taken are shown with
their source when the file is present under the root. Report paths are
untrusted: a path that is absolute, climbs out with `..` or resolves (through a
symlink) outside the root is never opened.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from tabulate import tabulate

from gate.core.numbers import format_ranges
from gate.core.paths import escapes, is_absolute, normalise
from gate.core.report import FileSummary, InteractionResult
from gate.render.phrases import (
    confidence_explained,
    evidence_counts,
    side_measured,
    side_verdict,
    tests_needed,
    tests_verdict,
    threshold_text,
    waiver_long,
)
from gate.text import CONTROL, clip, plain, yes_no

SOURCE_LINES_SHOWN = 40  # per file, so a huge gap does not flood the terminal
SOURCE_WIDTH = 100
MAX_SOURCE_BYTES = 4 * 1024 * 1024
_BRANCH = re.compile(r"^(\d+)(?:->(\S+)| \((.*)\))$")


def render_explain(r: InteractionResult, root: Path) -> str:
    """Facts, thresholds, files, missing source, evidence tests, gaps, reproduction."""
    out = [*_facts(r), "", *_thresholds(r), "", *_files(r)]
    for f in r.file_details:
        out.extend(_missing_source(f, root))
    out.extend(["", *_tests(r)])
    if r.gaps:
        out.extend(["", "Gaps:", *(f"  - {plain(g, 240)}" for g in r.gaps)])
    if r.notes and not r.gaps:
        out.extend(["", "Notes:", *(f"  - {plain(n, 240)}" for n in r.notes)])
    if r.reproduce is not None:
        out.extend(["", "Reproduce locally:", *(f"  {c}" for c in r.reproduce.splitlines())])
    return "\n".join(out) + "\n"


def _facts(r: InteractionResult) -> list[str]:
    facts = [
        ("status", r.status.value),
        ("direction", r.direction + (f" (peer {plain(r.peer)})" if r.peer else "")),
        ("critical", f"{yes_no(r.critical)}; required {yes_no(r.required)}"),
        ("modules", ", ".join(plain(m) for m in r.modules) or "none"),
        ("evidence", ", ".join(plain(e) for e in r.evidence) or "none declared"),
        ("scope", f"{r.coverage_scope} ({_SCOPES.get(r.coverage_scope, '')})"),
    ]
    if r.contract:
        facts.append(("contract", plain(r.contract, 200)))
    if r.waiver is not None:
        facts.append(("waiver", waiver_long(r.waiver)))
    lines = [f"{r.id}: {plain(r.name)}", *_aligned(facts)]
    if r.details:
        details = [(plain(k, 40), plain(v, 200)) for k, v in r.details.items()]
        lines.extend(["", "Details:", *_aligned(details)])
    return lines


def _aligned(pairs: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _ in pairs)
    return [f"  {k:<{width}}  {v}" for k, v in pairs]


_SCOPES = {"all": "coverage from the whole suite", "evidence": "only what its evidence ran"}


def _thresholds(r: InteractionResult) -> list[str]:
    """Each threshold, whether it is met on exact counts, and what it takes if not."""
    rows = [
        [side, side_measured(r, side), threshold_text(r.threshold.get(side)), side_verdict(r, side)]
        for side in ("line", "branch")
    ]
    rows.append(["tests", evidence_counts(r.tests), tests_needed(r), tests_verdict(r)])
    table = tabulate(
        rows, headers=["", "measured", "needs", "verdict"], tablefmt="simple", disable_numparse=True
    )
    return [
        "Thresholds:",
        *(f"  {line}" for line in table.splitlines()),
        f"  confidence {confidence_explained(r)}",
    ]


def _files(r: InteractionResult) -> list[str]:
    if not r.file_details:
        return ["Files: none measured" + (f" (matched: {', '.join(r.files)})" if r.files else "")]
    rows = [
        [
            plain(f.path),
            f.statements,
            f.covered_statements,
            f.branches,
            f.covered_branches,
            format_ranges(f.missing_lines) or "-",
        ]
        for f in r.file_details
    ]
    headers = ["File", "Stmts", "Covered", "Branches", "Covered", "Missing lines"]
    table = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
    unmeasured = [p for p in r.files if p not in {f.path for f in r.file_details}]
    extra = [f"  not in the coverage reports: {plain(p)}" for p in unmeasured]
    return ["Files:", *(f"  {line}" for line in table.splitlines()), *extra]


def _tests(r: InteractionResult) -> list[str]:
    """Every evidence test with its outcome, problems first."""
    lines = [f"Evidence tests: {evidence_counts(r.tests)}"]
    if not r.evidence_tests:
        return [*lines, "  (none found in the test results)"]
    for t in sorted(r.evidence_tests, key=lambda t: t.outcome == "passed"):
        message = f": {plain(t.message, 160)}" if t.message else ""
        lines.append(f"  {t.outcome.upper():8} {plain(t.id)}{message}")
    return lines


# --- the source of what was missed ----------------------------------------------------


def _missing_source(f: FileSummary, root: Path) -> list[str]:
    """The file's missing lines (`>`) and partial branches (`~`) with their text."""
    branches = branch_notes(f.missing_branches)
    if not f.missing_lines and not branches:
        return []
    head = [
        "",
        f"{plain(f.path)}  (> never ran, ~ branch not taken)",
    ]
    source = read_source(root, f.path)
    if source is None:
        ranges = format_ranges(f.missing_lines)
        lines = [f"  source not available under the root; missing lines {ranges or '-'}"]
        lines.extend(
            f"  line {n}: not taken {', '.join(notes)}" for n, notes in sorted(branches.items())
        )
        return head + lines
    wanted = sorted(set(f.missing_lines) | set(branches))
    return head + source_excerpt(source, wanted, set(f.missing_lines), branches)


def source_excerpt(
    source: Sequence[str], wanted: list[int], missing: set[int], branches: dict[int, list[str]]
) -> list[str]:
    """Numbered, marked source lines; `...` between runs that are not adjacent."""
    out: list[str] = []
    previous = None
    for n in wanted[:SOURCE_LINES_SHOWN]:
        if previous is not None and n != previous + 1:
            out.append("        ...")
        previous = n
        mark = ">" if n in missing else "~"
        text = source_line(source[n - 1]) if 0 < n <= len(source) else "(beyond end of file)"
        note = f"   # not taken: {', '.join(branches[n])}" if n in branches else ""
        out.append(f"  {n:>5} {mark} {text}{note}")
    if len(wanted) > SOURCE_LINES_SHOWN:
        out.append(f"  ... and {len(wanted) - SOURCE_LINES_SHOWN} more lines")
    return out


def branch_notes(missing_branches: Sequence[str]) -> dict[int, list[str]]:
    """'5->6', '90->exit', '12 (1 of 2 not taken)' -> {line: ['->6', ...]}."""
    notes: dict[int, list[str]] = {}
    for b in missing_branches:
        match = _BRANCH.match(b)
        if match is None:
            continue
        what = f"->{match[2]}" if match[2] else match[3]
        notes.setdefault(int(match[1]), []).append(what)
    return notes


def source_line(text: str) -> str:
    """One source line for a terminal: indentation kept, control characters (ANSI
    escapes from a hostile file) removed, long lines cut."""
    line = CONTROL.sub("", text.expandtabs(4).rstrip())
    return clip(line, SOURCE_WIDTH)


def read_source(root: Path, path: str) -> list[str] | None:
    """The file's lines when `path` is a file inside `root`; None otherwise."""
    rel = normalise(path)
    if not rel or is_absolute(rel) or escapes(rel):
        return None
    base = root.resolve()
    try:
        target = (base / rel).resolve()
        if not target.is_relative_to(base) or not target.is_file():
            return None
        if target.stat().st_size > MAX_SOURCE_BYTES:
            return None
        return target.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
