"""Patch coverage: the lines a change adds or modifies, against the coverage.

Pure: a `Diff` (changed line numbers per file, read by `gate.readers.diff` or
`gate.readers.git_diff`) and `FileCoverage` in, figures and gap texts out.

The counting rule is diff-cover's (docs/patch-coverage.md): a changed line counts
only when the coverage report measures it. Blank lines, comments, docstrings and
excluded lines carry no coverage data, so they neither help nor hurt; a changed
file the reports do not contain contributes nothing (its interaction has a gap
for that already). Branches are those leaving a changed line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gate.config.schema import Threshold
from gate.core.model import Diff, FileCoverage
from gate.core.numbers import percent_below
from gate.core.report import PatchCoverage, PatchFile, PatchSummary
from gate.core.thresholds import missing_branch_labels, missing_detail, shortfall
from gate.records import Record
from gate.text import plural


def file_patch(path: str, changed: frozenset[int], f: FileCoverage | None) -> PatchFile:
    """One file's changed lines against its coverage (None: not in the reports)."""
    if f is None:
        return PatchFile(path=path, changed_lines=len(changed), measured=False)
    statements = changed & f.statements
    covered = statements & f.executed
    branches = [b for line, b in (f.branches or {}).items() if line in changed]
    return PatchFile(
        path=path,
        changed_lines=len(changed),
        statements=len(statements),
        covered_statements=len(covered),
        branches=sum(b.total for b in branches),
        covered_branches=sum(b.covered for b in branches),
        missing_lines=sorted(statements - covered),
        missing_branches=missing_branch_labels(f.branches, changed),
    )


def interaction_patch(
    files: Sequence[str],
    coverage: Iterable[FileCoverage],
    diff: Diff,
    threshold: Threshold,
) -> PatchCoverage:
    """The patch figures of one interaction: its claimed `files` that the diff
    touches, counted on `coverage` (its own, scoped coverage of those files)."""
    by_path = {f.path: f for f in coverage}
    touched = [file_patch(p, diff.files[p], by_path.get(p)) for p in files if p in diff.files]
    n = _sums(touched)
    return PatchCoverage(
        **_figures(n),
        files=touched,
        missing={f.path: f.missing_lines for f in touched if f.missing_lines},
        missing_branches={f.path: f.missing_branches for f in touched if f.missing_branches},
        threshold={"line": threshold.line, "branch": threshold.branch},
        shortfall={
            "line": _side_shortfall(n.covered, n.statements, threshold.line),
            "branch": _side_shortfall(n.covered_branches, n.branches, threshold.branch),
        },
    )


def summarize(
    diff: Diff,
    coverage: Mapping[str, FileCoverage],
    claimed: Iterable[str],
    unclaimed: Iterable[str],
) -> PatchSummary:
    """The whole change: every claimed file it touches counted once (on the merged
    reports), and the changed files that should belong to an interaction but do not."""
    files = [
        file_patch(p, diff.files[p], coverage.get(p))
        for p in sorted(set(claimed))
        if p in diff.files
    ]
    return PatchSummary(
        source=diff.source,
        base_sha=diff.base_sha,
        changed_files=len(diff.files),
        **_figures(_sums(files)),
        files=files,
        unclaimed=[
            file_patch(p, diff.files[p], coverage.get(p)) for p in unclaimed if p in diff.files
        ],
    )


def patch_failures(patch: PatchCoverage) -> list[str]:
    """Each side of the patch threshold the changed lines miss, as one line:
    '3 of 7 changed statements covered (42.9%), below 95%'. Empty when met."""
    out: list[str] = []
    sides = (
        ("line", "statement", patch.covered_statements, patch.statements),
        ("branch", "branch", patch.covered_branches, patch.branches),
    )
    for side, noun, covered, total in sides:
        threshold = patch.threshold.get(side)
        if threshold is None or not patch.shortfall.get(side):
            continue
        shown = percent_below(covered * 100 / total, threshold)
        out.append(
            f"{covered} of {total} changed {plural(noun, total)} covered ({shown}), "
            f"below {threshold:g}%"
        )
    return out


def patch_gaps(patch: PatchCoverage) -> list[str]:
    """The interaction's gaps from its changed lines: each failed side, then where
    the uncovered changed lines are."""
    failures = patch_failures(patch)
    if not failures:
        return []
    detail = missing_detail(
        ((f.path, f.missing_lines, f.missing_branches) for f in patch.files), "uncovered changed"
    )
    return failures + detail


def patch_to_pass(patch: PatchCoverage) -> list[str]:
    """What meets the patch threshold: '4 more changed statements', ..."""
    out = []
    for side, noun in (("line", "statement"), ("branch", "branch")):
        if need := patch.shortfall.get(side):
            out.append(f"{need} more changed {plural(noun, need)}")
    return out


def meets_patch_threshold(patch: PatchCoverage) -> bool:
    """True when no side of the patch threshold has a shortfall."""
    return not any(patch.shortfall.values())


class _Sums(Record, frozen=True):
    statements: int
    covered: int
    branches: int
    covered_branches: int


def _sums(files: Sequence[PatchFile]) -> _Sums:
    return _Sums(
        statements=sum(f.statements for f in files),
        covered=sum(f.covered_statements for f in files),
        branches=sum(f.branches for f in files),
        covered_branches=sum(f.covered_branches for f in files),
    )


def _figures(n: _Sums) -> dict[str, Any]:
    """The counts and percentages a patch record and the summary both carry."""
    return {
        "statements": n.statements,
        "covered_statements": n.covered,
        "branches": n.branches,
        "covered_branches": n.covered_branches,
        "line_percent": _percent(n.covered, n.statements),
        "branch_percent": _percent(n.covered_branches, n.branches),
    }


def _side_shortfall(covered: int, total: int, threshold: float | None) -> int | None:
    """More covered items the side needs (0: met); None: no threshold, or no
    changed item on that side to measure."""
    if threshold is None or total == 0:
        return None
    return shortfall(covered, total, threshold)


def _percent(part: int, whole: int) -> float | None:
    return part * 100 / whole if whole else None
