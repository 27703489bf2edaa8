"""The `junit` and `coverage` kinds: checks over what the reports already measured.

Both use the same matchers and number rules as the interactions
(docs/numbers.md): patterns through `gate.core.patterns`, counts through
`gate.core.evaluate.measure`, thresholds compared on exact counts with
`gate.core.evaluate.shortfall`.
"""

from __future__ import annotations

from collections.abc import Sequence

from gate.config.schema import CoverageCheck, JunitCheck
from gate.core.evaluate import SOURCE_SUFFIXES, Counts, measure, shortfall
from gate.core.model import FileCoverage, Outcome, TestCase
from gate.core.numbers import display_percent
from gate.core.patterns import CaseIndex, paths_matcher, tests_matcher
from gate.safety.context import Finding, SafetyContext, failed, passed
from gate.text import counted, every, plural

LISTED = 10  # tests (or files) named in a detail before "and N more"

_VERB = {Outcome.FAILED: "failed", Outcome.ERROR: "errored", Outcome.SKIPPED: "skipped"}


def check_junit(check: JunitCheck, ctx: SafetyContext) -> Finding:
    """Passes when at least one matching test ran and every matching test passed.

    A pattern that matches no test fails the check too: a renamed test file must
    not quietly turn a check into one that proves less.
    """
    if not check.tests:
        return failed("`tests` is empty: a check over no test proves nothing")
    selected = tests_matcher(tuple(check.tests)).pick(CaseIndex(ctx.tests.cases.values()))
    unmatched = [p for p in check.tests if not any(_selects(p, c) for c in selected)]
    if not selected:
        return failed(f"no test in the JUnit results matches {_quoted(check.tests)}")
    bad = [c for c in selected if c.outcome is not Outcome.PASSED]
    problems: list[str] = []
    if unmatched:
        problems.append(f"no test matches {_quoted(unmatched)}")
    if bad:
        listed = _listed([_describe(c) for c in bad], sep="; ")
        problems.append(f"{len(bad)} of {counted(len(selected), 'test')} did not pass: {listed}")
    if problems:
        return failed("; ".join(problems))
    return passed(f"{every(len(selected), 'matching test')} passed")


def _selects(pattern: str, case: TestCase) -> bool:
    return tests_matcher((pattern,))(case.nodeid, case.file)


def _describe(case: TestCase) -> str:
    message = f" ({case.message})" if case.message else ""
    return f"{case.nodeid} {_VERB[case.outcome]}{message}"


def check_coverage(check: CoverageCheck, ctx: SafetyContext) -> Finding:
    """Passes when the files `modules` match reach `line` and `branch` percent.

    No threshold, no matched file, a module pattern matching nothing, a matched
    source file the reports miss, or a branch threshold without branch data all
    fail: none of them proves anything.
    """
    if check.line is None and check.branch is None:
        return failed("no threshold set: give `line` and/or `branch` (percent)")
    if not check.modules:
        return failed("`modules` is empty: a check over no file proves nothing")
    files, unmeasured, unmatched = _claimed(check.modules, ctx)
    if not files and not unmeasured:
        return failed(f"no file in the coverage reports matches {_quoted(check.modules)}")
    problems = [f"no file matches {_quoted(unmatched)}"] if unmatched else []
    if unmeasured:
        problems.append(
            f"not in the coverage reports (never imported by the tests?): {_listed(unmeasured)}"
        )
    if not files:
        return failed("; ".join(problems))
    met: list[str] = []
    n = measure(files)
    if check.line is not None:
        _compare_lines(n, check.line, met, problems)
    if check.branch is not None:
        _compare_branches(n, check.branch, met, problems)
    scope = f"over {counted(len(files), 'file')}"
    if problems:
        return failed(f"{'; '.join(problems)} ({scope})")
    return passed(f"{', '.join(met)} ({scope})")


def _claimed(
    modules: Sequence[str], ctx: SafetyContext
) -> tuple[list[FileCoverage], list[str], list[str]]:
    """(the measured files `modules` match, matched source files on disk that no
    report mentions, the module patterns that match nothing at all).

    Without the second list a module no test imports would vanish from the
    figure instead of counting against it (as it does for interactions).
    """
    claimed = paths_matcher(tuple(modules))
    files = [ctx.coverage[path] for path in claimed.pick(sorted(ctx.coverage))]
    unmeasured = sorted(
        p
        for p in ctx.repo_files or ()
        if p.endswith(SOURCE_SUFFIXES) and claimed(p) and p not in ctx.coverage
    )
    seen = [f.path for f in files] + unmeasured
    unmatched = [m for m in modules if not any(paths_matcher((m,))(p) for p in seen)]
    return files, unmeasured, unmatched


def _compare_lines(n: Counts, threshold: float, met: list[str], problems: list[str]) -> None:
    if n.statements == 0:
        problems.append("no statements measured in the matched files")
        return
    _compare("line", n.covered, n.statements, threshold, "statement", met, problems)


def _compare_branches(n: Counts, threshold: float, met: list[str], problems: list[str]) -> None:
    if not n.has_branches:
        problems.append("no branch data in the coverage reports (measure with --cov-branch)")
        return
    if n.branches == 0:  # branch data, but straight-line code: nothing left to cover
        met.append("no branches to cover")
        return
    _compare("branch", n.covered_branches, n.branches, threshold, "branch", met, problems)


def _compare(
    side: str,
    covered: int,
    total: int,
    threshold: float,
    unit: str,
    met: list[str],
    problems: list[str],
) -> None:
    shown = display_percent(covered * 100 / total)
    need = shortfall(covered, total, threshold)
    if need == 0:
        met.append(f"{side} {shown} ≥ {threshold:g}%")
        return
    problems.append(f"{side} {shown} < {threshold:g}% ({need} more {plural(unit, need)})")


def _quoted(patterns: Sequence[str]) -> str:
    return ", ".join(repr(p) for p in patterns)


def _listed(items: Sequence[str], sep: str = ", ") -> str:
    shown = sep.join(items[:LISTED])
    return f"{shown}{sep}and {len(items) - LISTED} more" if len(items) > LISTED else shown
