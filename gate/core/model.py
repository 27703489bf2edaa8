"""What the readers produce: coverage per source file and outcomes per test case.

Everything here is a frozen value. Readers build these from report files; the
evaluator only ever sees these types, never a file format.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING

from gate.records import Record

if TYPE_CHECKING:
    from gate.core.patterns import CaseIndex


class Outcome(Enum):
    """How one test case ended. Order matters: worse outcomes sort later."""

    PASSED = "passed"
    SKIPPED = "skipped"
    FAILED = "failed"
    ERROR = "error"


class LineBranches(Record, frozen=True):
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
        if self.missing and other.missing and _same_kind(self.missing, other.missing):
            missing = tuple(sorted(set(self.missing) & set(other.missing), key=_dest_key))
            return LineBranches(total, total - len(missing), missing)
        # The better count wins; on a tie, the side that names its missing branches,
        # then a fixed order: the result never depends on which shard came first.
        best = max((self, other), key=lambda b: (b.covered, bool(b.missing), b.missing))
        return LineBranches(total, min(best.covered, total), best.missing)


def _same_kind(ours: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    """Can the two sides' names be compared? Destinations ("91", "exit") and
    LCOV arm ids ("#0/1") cannot: intersecting them would find every branch
    covered. Incomparable sides merge by their best count instead."""
    return {_is_dest(d) for d in ours} == {_is_dest(d) for d in theirs}


def _is_dest(name: str) -> bool:
    return name == "exit" or name.lstrip("-").isdigit()


def _dest_key(dest: str) -> tuple[int, str]:
    return (int(dest), "") if dest.lstrip("-").isdigit() else (1 << 62, dest)


class FileCoverage(Record, frozen=True):
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
                _merge_branches(branches, line, theirs)
        return FileCoverage(
            path=self.path,
            statements=self.statements | other.statements,
            executed=self.executed | other.executed,
            branches=branches,
        )


def _merge_branches(into: dict[int, LineBranches], line: int, theirs: LineBranches) -> None:
    ours = into.get(line)
    into[line] = theirs if ours is None else ours.merged(theirs)


class FileBuilder:
    """Mutable sets a reader fills while streaming one source file, then freezes."""

    __slots__ = ("branches", "executed", "statements")

    def __init__(self) -> None:
        self.statements: set[int] = set()
        self.executed: set[int] = set()
        self.branches: dict[int, LineBranches] = {}

    def add_branches(self, line: int, branches: LineBranches) -> None:
        """Record a line's branches; a line seen twice merges (see LineBranches.merged)."""
        _merge_branches(self.branches, line, branches)

    def build(self, path: str, *, with_branches: bool = True) -> FileCoverage:
        return FileCoverage(
            path=path,
            statements=frozenset(self.statements),
            executed=frozenset(self.executed),
            branches=self.branches if with_branches else None,
        )


class TestCase(Record, frozen=True, gc=False):
    """One test case as the JUnit results describe it.

    `nodeid` is the pytest-style identity built by `gate.core.identity`; it is what
    evidence patterns match and what merges shards. Not tracked by the garbage
    collector (strings and an enum: never part of a cycle), so that 200,000 of them
    do not make each full collection walk them all.
    """

    __test__ = False  # not a pytest class, despite the name

    nodeid: str
    file: str | None
    outcome: Outcome
    message: str = ""  # first line of the failure, error or skip message
    report: str = ""  # the report file it came from
    # For the evidence package (never in the document): bounded, see gate.readers.junit_details.
    duration: float | None = None  # seconds, from the `time` attribute
    details: str = ""  # the failure, error or skip text (a traceback)
    output: str = ""  # captured <system-out> and <system-err>

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.PASSED


class InputFile(Record, frozen=True):
    """Provenance of one input file."""

    path: str
    sha256: str
    format: str
    # The producer and its version when the file says so ("coverage.py 7.6.1").
    writer: str | None = None


class FileContexts(Record, frozen=True):
    """What each coverage.py context executed in one source file, kept compact so
    it can be scoped to any set of contexts (docs/numbers.md, "Evidence-scoped coverage").

    A *fact* is something a context can have done in the file: a positive int is
    an executed statement line; a negative int `-(i + 1)` means the branch arc
    `branch_arcs[i]` was taken. The data file's raw records (arcs or lines, as the
    tracer saw them) are numbered per file; raw record `r` stands for the facts
    `fact_values[fact_offsets[r]:fact_offsets[r + 1]]`, and the context numbered
    `context_ids[k]` ran the raw records
    `record_ids[record_offsets[k]:record_offsets[k + 1]]`.
    The integer tables are bytes in native `array` layout ("I" unsigned, "i"
    signed), so the value is immutable and small: millions of rows stay a few MB.
    """

    path: str
    statements: frozenset[int]
    # Branch lines -> number of exits (coverage.py's exit counts); None: no branch data.
    branch_exits: Mapping[int, int] | None
    # Arcs leaving a branch line that count as missing when no context took them.
    branch_arcs: tuple[tuple[int, int], ...]
    context_ids: bytes  # "I", ascending
    record_offsets: bytes  # "I", len(context_ids) + 1
    record_ids: bytes  # "I"
    fact_offsets: bytes  # "I", number of raw records + 1
    fact_values: bytes  # "i"
    # Lines that run when the module is imported (module-level statements, def and
    # class headers, class bodies; from the source's syntax tree): evidence scope
    # counts them whichever context recorded them (gate.core.scope).
    import_lines: frozenset[int] = frozenset()


class ContextIndex(Record, frozen=True):
    """Per-test coverage from coverage.py data files recorded with contexts.

    `names[i]` is context i as recorded (`tests/x.py::test_y|run`, or "" for code
    that ran outside any test: imports during collection); `nodeids[i]` is its
    test identity from `gate.core.identity.context_nodeid`.
    """

    names: tuple[str, ...]
    nodeids: tuple[str, ...]
    files: Mapping[str, FileContexts]

    @property
    def has_test_contexts(self) -> bool:
        return any(self.names)


class CoverageData(Record, frozen=True):
    """All coverage reports merged into one view, keyed by repository path."""

    files: Mapping[str, FileCoverage]
    inputs: tuple[InputFile, ...] = ()
    notes: tuple[str, ...] = ()  # things a reader noticed but could still read past
    # Per-test contexts, when coverage.py data files were among the inputs.
    contexts: ContextIndex | None = None

    @property
    def has_branches(self) -> bool:
        return any(f.branches is not None for f in self.files.values())


class TestResults(Record, frozen=True, dict=True):
    """All JUnit reports merged: one entry per test identity, last outcome wins."""

    __test__ = False

    cases: Mapping[str, TestCase]
    inputs: tuple[InputFile, ...] = ()
    notes: tuple[str, ...] = ()  # results outside any test case, duplicates, ...

    @cached_property
    def index(self) -> CaseIndex:
        """The cases grouped for selection (gate.core.patterns), built once for the
        evaluation and every safety check that selects tests."""
        from gate.core.case_store import CaseStore
        from gate.core.patterns import CaseIndex

        cases = self.cases
        return CaseIndex(cases if isinstance(cases, CaseStore) else cases.values())


class Diff(Record, frozen=True):
    """What a change did, as the gate needs it: per file of the new version (its
    path relative to --root), the numbers of the lines added or modified."""

    files: Mapping[str, frozenset[int]]
    source: str  # where it came from, for the report: "git diff 1a2b3c4...HEAD", "change.diff"
    base_sha: str | None = None  # the merge base the diff starts from, when known


def merge_files(observations: Iterable[FileCoverage]) -> dict[str, FileCoverage]:
    """Fold repeated observations of the same path into one, never double-counting."""
    merged: dict[str, FileCoverage] = {}
    for obs in observations:
        seen = merged.get(obs.path)
        merged[obs.path] = obs if seen is None else seen.merged(obs)
    return merged
