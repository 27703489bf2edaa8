"""Evidence-scoped coverage: count only what an interaction's own evidence tests ran.

docs/numbers.md, "Evidence-scoped coverage": a line or branch arc counts when a context
of one of the interaction's evidence tests recorded it, or the empty context
(code that ran outside any test). Lines that run when a module is imported
(`FileContexts.import_lines`: module-level statements, def and class headers,
class bodies) and the branch arcs leaving them count under any context: a module
is imported once, inside whichever test touches it first, so where its import
landed says nothing about the evidence. The figures then equal what running the
evidence tests alone measures (`pytest <evidence> --cov --cov-branch`), whatever
the import order. The per-file analysis is coverage.py's (see
`gate.readers.coverage_data`); this module only chooses the contexts and counts.

Pure: `ContextIndex` in, `FileCoverage` and gap texts out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gate.config.schema import Interaction, Scope
from gate.core.contexts import contexts_running, file_coverage
from gate.core.model import (
    ContextIndex,
    CoverageData,
    FileContexts,
    FileCoverage,
    LineBranches,
    Outcome,
    TestCase,
)
from gate.core.numbers import range_labels
from gate.core.patterns import tests_matcher
from gate.errors import InputError
from gate.records import Record, field
from gate.text import plural

GAP_TEST_LIMIT = 10  # mislabelled evidence tests listed before "... and N more"
NOTE_TESTS = 3  # tests named in a note on lines only other tests ran, before "and N more"
NOTE_RANGES = 8  # line ranges named in that note before "…"
SCOPE_HINT = (
    "record per-test contexts: pytest --cov --cov-branch --cov-context=test, "
    "and pass the .coverage data file (or the .coverage.* shards) with --coverage"
)


class ScopedCoverage(Record, frozen=True):
    """One interaction's coverage in evidence scope."""

    files: list[FileCoverage]
    gaps: list[str] = field(default_factory=list)  # fail the interaction
    notes: list[str] = field(default_factory=list)  # informative only, never gating


def require_contexts(interactions: Sequence[Interaction], coverage: CoverageData) -> None:
    """Raise InputError when an interaction asks for evidence scope and the inputs
    cannot give it: never fall back to all-tests coverage silently."""
    scoped = [it.id for it in interactions if it.coverage_scope is Scope.EVIDENCE]
    if not scoped:
        return
    who = f"coverage_scope: evidence ({plural('interaction', len(scoped))} {', '.join(scoped)})"
    if coverage.contexts is None:
        given = ", ".join(sorted({i.format for i in coverage.inputs})) or "none"
        raise InputError(
            f"{who} needs a coverage.py data file recorded with per-test contexts; "
            f"the coverage inputs are {given}, which do not say which test ran what",
            hint=SCOPE_HINT,
        )
    if not coverage.contexts.has_test_contexts:
        files = ", ".join(i.path for i in coverage.inputs if i.format == "coveragepy-data")
        raise InputError(
            f"{who} needs per-test contexts, but {files} recorded none",
            hint=SCOPE_HINT,
        )


def evidence_contexts(index: ContextIndex, patterns: Sequence[str]) -> set[int]:
    """The contexts that count for an interaction: the empty one (imports) and
    every phase of every test its evidence patterns select."""
    selects = tests_matcher(tuple(patterns))
    return {
        number
        for number, (name, nodeid) in enumerate(zip(index.names, index.nodeids, strict=True))
        if not name or selects(nodeid, None)
    }


def evidence_scope(
    index: ContextIndex | None,
    files: Sequence[str],
    patterns: Sequence[str],
    cases: Sequence[TestCase],
    coverage: Mapping[str, FileCoverage],
) -> ScopedCoverage:
    """The interaction's files counted in evidence scope, with the cross-checks:
    evidence tests that ran none of its code (a gap), and lines only other tests
    ran (a note)."""
    if index is None or not index.has_test_contexts:
        raise InputError("coverage_scope: evidence needs per-test contexts", hint=SCOPE_HINT)
    selected = evidence_contexts(index, patterns)
    measured: list[FileCoverage] = []
    gaps: list[str] = []
    notes: list[str] = []
    for path in files:
        fc = index.files.get(path)
        if fc is None:
            if path in coverage:  # measured by another report, without contexts
                measured.append(_nothing_ran(coverage[path]))
                gaps.append(f"{path}: not in the coverage.py data with per-test contexts")
            continue
        everything = file_coverage(fc)
        scoped = with_import_lines(fc, file_coverage(fc, selected), everything)
        measured.append(scoped)
        if only_others := sorted((everything.executed - scoped.executed) & fc.statements):
            notes.append(_only_others_note(index, fc, only_others))
    gaps.extend(_mislabelled(index, files, selected, cases))
    return ScopedCoverage(measured, gaps, notes)


def with_import_lines(
    fc: FileContexts, own: FileCoverage, everything: FileCoverage
) -> FileCoverage:
    """`own` (what the chosen contexts ran) plus the import-time lines any context
    ran, and the branches leaving them as every context took them."""
    executed = own.executed | (everything.executed & fc.import_lines)
    branches = own.branches
    if branches is not None and everything.branches is not None:
        branches = {
            line: everything.branches[line] if line in fc.import_lines else counted
            for line, counted in branches.items()
        }
    return FileCoverage(own.path, own.statements, executed, branches)


def _only_others_note(index: ContextIndex, fc: FileContexts, lines: list[int]) -> str:
    """Which lines only other tests ran, and which tests (a few, then how many
    more). The explanation comes first, so a rendering that shortens the note
    cuts names and numbers, never what it means."""
    tests = sorted({index.nodeids[c] for c in contexts_running(fc, lines)} - {""})
    named = ", ".join(tests[:NOTE_TESTS])
    if len(tests) > NOTE_TESTS:
        named += f" and {len(tests) - NOTE_TESTS} more"
    labels = range_labels(lines)
    shown = ", ".join(labels[:NOTE_RANGES]) + (", …" if len(labels) > NOTE_RANGES else "")
    what = plural("line", len(lines))
    return f"run only by tests that are not its evidence: {fc.path} {what} {shown} (by {named})"


def _nothing_ran(f: FileCoverage) -> FileCoverage:
    branches = None
    if f.branches is not None:
        branches = {line: LineBranches(b.total, 0) for line, b in f.branches.items()}
    return FileCoverage(f.path, f.statements, frozenset(), branches)


def _mislabelled(
    index: ContextIndex, files: Sequence[str], selected: set[int], cases: Sequence[TestCase]
) -> list[str]:
    """Evidence tests (from the contexts or the JUnit results) that recorded
    nothing in any of the interaction's files."""
    ran_here: set[int] = set()
    for path in files:
        fc = index.files.get(path)
        if fc is not None:
            ran_here.update(memoryview(fc.context_ids).cast("I"))
    tests: dict[str, bool] = {}
    for number in selected:
        nodeid = index.nodeids[number]
        if index.names[number]:
            tests[nodeid] = tests.get(nodeid, False) or number in ran_here
    for case in cases:
        if case.outcome is not Outcome.SKIPPED:
            tests.setdefault(case.nodeid, False)
    idle = sorted(nodeid for nodeid, ran in tests.items() if not ran)
    gaps = [
        f"evidence test {nodeid} ran none of this interaction's code (mislabelled evidence?)"
        for nodeid in idle[:GAP_TEST_LIMIT]
    ]
    if len(idle) > GAP_TEST_LIMIT:
        gaps.append(f"... and {len(idle) - GAP_TEST_LIMIT} more evidence tests that ran none of it")
    return gaps


def interaction_coverage(
    it: Interaction,
    files: Sequence[str],
    coverage: Mapping[str, FileCoverage],
    contexts: ContextIndex | None,
    cases: Sequence[TestCase],
) -> ScopedCoverage:
    """The coverage an interaction is judged on: the merged reports in scope
    `all`, what its own evidence tests ran in scope `evidence`."""
    if it.coverage_scope is Scope.EVIDENCE:
        return evidence_scope(contexts, files, it.evidence, cases, coverage)
    return ScopedCoverage([coverage[p] for p in files if p in coverage])
