"""What an interaction's evidence tests say: their counts, the pass rate, and the
gaps and notes they give, with the `skipped` rule (docs/config.md#skipped).

A skipped test proves nothing either way: it did not run. Under `skipped: allow`
(the default) it is left out and listed as a note, as long as at least one
evidence test ran and every one that ran passed; when every evidence test
skipped, nothing ran to judge by and the interaction is UNKNOWN. Under
`skipped: block` a skip is a gap, like a failure. Pure: test cases in, values out.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from fractions import Fraction
from itertools import compress, count, repeat
from operator import is_not

from gate.config.schema import Interaction, SkipPolicy
from gate.core.case_store import outcomes
from gate.core.model import Outcome, TestCase
from gate.core.patterns import Kind, evidence_kind, is_glob, matches_path, tests_matcher
from gate.core.report import TestCounts
from gate.records import Record
from gate.text import plural

_VERB = {Outcome.FAILED: "failed", Outcome.ERROR: "errored", Outcome.SKIPPED: "skipped"}


class TestsVerdict(Record, frozen=True):
    """The evidence tests of one interaction, judged."""

    __test__ = False  # not a pytest class, despite the name

    counts: TestCounts
    gaps: list[str]  # each keeps it from PRODUCTION READY
    notes: list[str]  # shown, never gating: the allowed skips
    # Skips allowed and every selected test skipped: nothing ran to judge by.
    none_ran: bool


def judge_tests(
    it: Interaction, evidence: Sequence[TestCase], repo_files: Collection[str] | None
) -> TestsVerdict:
    """The counts, gaps and notes of the evidence tests `evidence` that `it` selected.

    `repo_files` (the paths under the root, when the source is present) tells a
    pattern naming no file from one whose file ran no test."""
    each = list(outcomes(evidence))
    counts = count_tests(each)
    gaps = _pattern_gaps(it, evidence, repo_files)
    notes: list[str] = []
    allowed = it.skipped is SkipPolicy.ALLOW
    for at in compress(count(), map(is_not, each, repeat(Outcome.PASSED))):
        case = evidence[at]  # only these are built (gate.core.case_store.Picked)
        message = f": {case.message}" if case.message else ""
        line = f"test {case.nodeid} {_VERB[case.outcome]}{message}"
        if case.outcome is Outcome.SKIPPED and allowed:
            notes.append(f"{line} (skip allowed)")
        else:
            gaps.append(line)
    none_ran = allowed and counts.total > 0 and counts.skipped == counts.total
    if none_ran:
        noun = plural("test", counts.total)
        gaps.insert(0, f"every evidence test skipped ({counts.total} {noun}): none ran")
    return TestsVerdict(counts, gaps, notes, none_ran)


def _pattern_gaps(
    it: Interaction, evidence: Sequence[TestCase], repo_files: Collection[str] | None
) -> list[str]:
    """One gap per evidence pattern that selected no test, saying why."""
    gaps: list[str] = []
    for pattern in it.evidence:
        selects = tests_matcher((pattern,))
        if any(selects(c.nodeid, c.file) for c in evidence):
            continue
        kind, path = evidence_kind(pattern)
        if kind is Kind.TEST_FILE and repo_files is not None:
            if not is_glob(path) and path not in repo_files:
                gaps.append(f"evidence file {pattern!r} does not exist")
                continue
            if is_glob(path) and not any(matches_path(path, p) for p in repo_files):
                gaps.append(f"evidence glob {pattern!r} matches no file")
                continue
        gaps.append(f"evidence {pattern!r} matched no test in the JUnit results")
    return gaps


def count_tests(each: Sequence[Outcome]) -> TestCounts:
    """The counts of the tests whose outcomes these are, one each."""
    return TestCounts(
        total=len(each),
        passed=each.count(Outcome.PASSED),
        failed=each.count(Outcome.FAILED),
        errors=each.count(Outcome.ERROR),
        skipped=each.count(Outcome.SKIPPED),
    )


def pass_fraction(counts: TestCounts) -> Fraction:
    """passed / (passed + failed + errors); 0 when no evidence test ran. Skipped
    tests did not run, so they are left out under either `skipped` policy."""
    ran = counts.passed + counts.failed + counts.errors
    return Fraction(counts.passed, ran) if ran else Fraction(0)
