"""What the readers produce: coverage per source file and outcomes per test case.

Everything here is a frozen value. Readers build these from report files; the
evaluator only ever sees these types, never a file format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum


class Outcome(Enum):
    """How one test case ended. Order matters: worse outcomes sort later."""

    PASSED = "passed"
    SKIPPED = "skipped"
    FAILED = "failed"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class LineBranches:
    """The branches leaving one source line.

    `missing` names the destinations not taken when the report says which
    ("91", "exit"); it is empty when the report only gives counts.
    """

    total: int
    covered: int
    missing: tuple[str, ...] = ()

    def merged(self, other: LineBranches) -> LineBranches:
        """Covered if any shard covered it: when both sides name their missing
        destinations, a destination is missing only if missing from both."""
        total = max(self.total, other.total)
        if self.missing and other.missing:
            missing = tuple(sorted(set(self.missing) & set(other.missing), key=_dest_key))
            return LineBranches(total, total - len(missing), missing)
        if self.covered >= other.covered:
            return LineBranches(total, min(self.covered, total), self.missing)
        return LineBranches(total, min(other.covered, total), other.missing)


def _dest_key(dest: str) -> tuple[int, str]:
    return (int(dest), "") if dest.lstrip("-").isdigit() else (1 << 62, dest)


@dataclass(frozen=True, slots=True)
class FileCoverage:
    """Coverage of one source file, its path relative to the repository root."""

    path: str
    statements: frozenset[int]
    executed: frozenset[int]
    # None when the report carries no branch data for this file (not "0 branches").
    branches: Mapping[int, LineBranches] | None = None

    @property
    def missing(self) -> list[int]:
        return sorted(self.statements - self.executed)

    @property
    def branch_total(self) -> int:
        return sum(b.total for b in self.branches.values()) if self.branches else 0

    @property
    def branch_covered(self) -> int:
        return sum(b.covered for b in self.branches.values()) if self.branches else 0

    def merged(self, other: FileCoverage) -> FileCoverage:
        """The union of two observations of the same file (two shards, or the
        same file listed twice in one report)."""
        branches: dict[int, LineBranches] | None
        if self.branches is None and other.branches is None:
            branches = None
        else:
            branches = dict(self.branches or {})
            for line, theirs in (other.branches or {}).items():
                ours = branches.get(line)
                branches[line] = theirs if ours is None else ours.merged(theirs)
        return FileCoverage(
            path=self.path,
            statements=self.statements | other.statements,
            executed=self.executed | other.executed,
            branches=branches,
        )


@dataclass(frozen=True, slots=True)
class TestCase:
    """One test case as the JUnit results describe it.

    `nodeid` is the pytest-style identity built by `gate.identity`; it is what
    evidence patterns match and what merges shards.
    """

    __test__ = False  # not a pytest class, despite the name

    nodeid: str
    file: str | None
    outcome: Outcome
    message: str = ""  # first line of the failure, error or skip message
    report: str = ""  # the report file it came from


@dataclass(frozen=True, slots=True)
class InputFile:
    """Provenance of one input file."""

    path: str
    sha256: str
    format: str


@dataclass(frozen=True)
class CoverageData:
    """All coverage reports merged into one view, keyed by repository path."""

    files: Mapping[str, FileCoverage]
    inputs: tuple[InputFile, ...] = ()
    notes: tuple[str, ...] = ()  # things a reader noticed but could still read past

    @property
    def has_branches(self) -> bool:
        return any(f.branches is not None for f in self.files.values())


@dataclass(frozen=True)
class TestResults:
    """All JUnit reports merged: one entry per test identity, last outcome wins."""

    __test__ = False

    cases: Mapping[str, TestCase]
    inputs: tuple[InputFile, ...] = ()
    notes: tuple[str, ...] = ()  # results outside any test case, duplicates, ...


def merge_files(observations: Iterable[FileCoverage]) -> dict[str, FileCoverage]:
    """Fold repeated observations of the same path into one, never double-counting."""
    merged: dict[str, FileCoverage] = {}
    for obs in observations:
        seen = merged.get(obs.path)
        merged[obs.path] = obs if seen is None else seen.merged(obs)
    return merged


@dataclass(frozen=True)
class Inputs:
    """Everything the evaluator needs to know about the outside world."""

    coverage: CoverageData
    tests: TestResults
    # Repository paths that exist on disk, for evidence globs (None: not looked at).
    repo_files: frozenset[str] | None = field(default=None)
