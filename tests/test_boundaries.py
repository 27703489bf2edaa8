"""Every limit and threshold exactly at its edge: `near`, `min_confidence`, and each
list that ends in "and N more" at exactly its limit and one past it.

The rule each test states is the documented one (docs/numbers.md): a status or a
verdict compares with `>=`; a list of N items at a limit of N names them all and adds
no "and 0 more"; at N + 1 it names N and says "1 more".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.reports import evaluate

from gate.config.load import config_from_data
from gate.core.evaluate import GAP_FILE_LIMIT, Evaluation
from gate.core.identity import context_nodeid
from gate.core.model import (
    ContextIndex,
    FileCoverage,
    LineBranches,
    Outcome,
    TestCase,
    TestResults,
)
from gate.core.report import Report, SafetyCheckResult, SafetyResult, Status
from gate.core.scope import GAP_TEST_LIMIT, evidence_scope
from gate.render.document import render_document
from gate.render.document_interaction import TESTS_LISTED
from gate.render.markdown import SAFETY_OPEN_LIMIT, render_markdown
from gate.safety import SafetyContext, run_safety

TODAY = dt.date(2026, 11, 29)
INTERACTION = {
    "id": "a",
    "name": "A",
    "direction": "outbound",
    "modules": ["app/*.py"],
    "evidence": ["tests/test_a.py"],
}


def config(**overrides: object):
    data: dict[str, object] = {"version": 1, "interactions": [INTERACTION]}
    data.update(overrides)
    return config_from_data(data, "signal-gate.yml")


def source(path: str, statements: int, executed: int, branches: tuple[int, int] | None = None):
    """A file of `statements` lines, the first `executed` of them run; `branches`
    (total, covered) all on line 1."""
    branch_map = None if branches is None else {1: LineBranches(*branches)}
    return FileCoverage(
        path,
        frozenset(range(1, statements + 1)),
        frozenset(range(1, executed + 1)),
        branch_map,
    )


def passing(n: int = 1) -> TestResults:
    cases = [
        TestCase(f"tests/test_a.py::test_{i:03}", "tests/test_a.py", Outcome.PASSED)
        for i in range(n)
    ]
    return TestResults(cases={c.nodeid: c for c in cases})


def report(files, tests=None, safety=None, **overrides: object) -> Report:
    ev = Evaluation(
        config(**overrides),
        {f.path: f for f in files},
        tests or passing(),
        TODAY,
        safety=safety or SafetyResult(),
    )
    return evaluate(ev)


# --- near and min_confidence: at the value is enough ------------------------------------


def test_confidence_exactly_at_near_is_near_production_ready() -> None:
    # (90 + 9) / (100 + 10) = 90% exactly, below the 95% line threshold: a gap.
    (a,) = report([source("app/a.py", 100, 90, (10, 9))], defaults={"near": 90}).interactions
    assert a.confidence == 90.0 and a.gaps
    assert a.status is Status.NEAR


def test_confidence_just_below_near_requires_attention() -> None:
    # (89 + 9) / (100 + 10) = 89.09%
    (a,) = report([source("app/a.py", 100, 89, (10, 9))], defaults={"near": 90}).interactions
    assert a.confidence < 90
    assert a.status is Status.ATTENTION


def test_overall_exactly_at_min_confidence_passes() -> None:
    ready = {"threshold": {"line": 90, "branch": None}}
    exact = report([source("app/a.py", 100, 90)], defaults=ready, overall={"min_confidence": 90})
    assert exact.interactions[0].status is Status.READY
    assert exact.overall_confidence == 90.0
    assert exact.passed and exact.reasons == []


def test_overall_a_hair_below_min_confidence_fails() -> None:
    # 2/3 of the statements: 66.666...% against a target of 66.67% (as written).
    ready = {"threshold": {"line": 60, "branch": None}}
    below = report([source("app/a.py", 3, 2)], defaults=ready, overall={"min_confidence": 66.67})
    assert below.interactions[0].status is Status.READY
    assert not below.passed
    assert below.reasons == ["overall confidence 66.667% is below 66.67%"]


# --- per-file gaps: GAP_FILE_LIMIT -------------------------------------------------------


def incomplete_files(n: int) -> list[FileCoverage]:
    return [source(f"app/m{i:02}.py", 10, 9, (2, 2)) for i in range(n)]


def missing_lines(r: Report) -> list[str]:
    (a,) = r.interactions
    return [g for g in a.gaps if ": missing lines" in g or "more files with missing" in g]


def test_exactly_gap_file_limit_files_are_all_listed() -> None:
    gaps = missing_lines(report(incomplete_files(GAP_FILE_LIMIT)))
    assert len(gaps) == GAP_FILE_LIMIT
    assert not any("more files" in g for g in gaps)


def test_one_file_past_the_limit_is_counted_not_listed() -> None:
    gaps = missing_lines(report(incomplete_files(GAP_FILE_LIMIT + 1)))
    assert len(gaps) == GAP_FILE_LIMIT + 1
    assert gaps[-1] == "... and 1 more files with missing lines"
    assert f"app/m{GAP_FILE_LIMIT:02}.py" not in "".join(gaps)


# --- mislabelled evidence tests: GAP_TEST_LIMIT ------------------------------------------


def idle_evidence_gaps(n: int) -> list[str]:
    """Gaps for n evidence tests that ran none of the interaction's code."""
    names = ("", "tests/test_other.py::test_x|run")
    index = ContextIndex(names, tuple(context_nodeid(x) for x in names), {})
    cases = [
        TestCase(f"tests/test_a.py::test_{i:02}", "tests/test_a.py", Outcome.PASSED)
        for i in range(n)
    ]
    return evidence_scope(index, [], ["tests/test_a.py"], cases, {}).gaps


def test_exactly_gap_test_limit_idle_tests_are_all_listed() -> None:
    gaps = idle_evidence_gaps(GAP_TEST_LIMIT)
    assert len(gaps) == GAP_TEST_LIMIT
    assert all(g.endswith("(mislabelled evidence?)") for g in gaps)


def test_one_idle_test_past_the_limit_is_counted_not_listed() -> None:
    gaps = idle_evidence_gaps(GAP_TEST_LIMIT + 1)
    assert len(gaps) == GAP_TEST_LIMIT + 1
    assert gaps[-1] == "... and 1 more evidence tests that ran none of it"


# --- unmapped files in the comment: 20 named --------------------------------------------

UNMAPPED_SHOWN = 20  # docs/github.md: the comment names the first 20


def unmapped_line(n: int) -> str:
    files = [source("app/a.py", 1, 1, (0, 0))]
    files += [source(f"lib/u{i:02}.py", 1, 1) for i in range(n)]
    r = report(files, unmapped={"paths": ["lib/*.py"]})
    assert len(r.unmapped) == n
    (line,) = (x for x in render_markdown(r).splitlines() if "claimed by no interaction" in x)
    return line


def test_exactly_twenty_unmapped_files_are_all_named() -> None:
    line = unmapped_line(UNMAPPED_SHOWN)
    assert line.count("`lib/u") == UNMAPPED_SHOWN
    assert "more" not in line


def test_the_twenty_first_unmapped_file_is_counted_not_named() -> None:
    line = unmapped_line(UNMAPPED_SHOWN + 1)
    assert line.count("`lib/u") == UNMAPPED_SHOWN
    assert line.endswith(" and 1 more")


# --- safety checks in the comment: open up to SAFETY_OPEN_LIMIT --------------------------


def safety_of(n: int, *, failing: int = 1) -> SafetyResult:
    """n checks, the first `failing` of them failed (the comment folds a table in
    which every check passed, whatever its size)."""
    checks = [
        SafetyCheckResult(f"c{i}", f"Check {i}", "file_exists", i >= failing, "ok")
        for i in range(n)
    ]
    return SafetyResult(passed=n - failing, total=n, required=n, checks=checks)


def test_exactly_safety_open_limit_checks_are_shown_open() -> None:
    comment = render_markdown(
        report([source("app/a.py", 1, 1)], safety=safety_of(SAFETY_OPEN_LIMIT))
    )
    assert "### Deployment safety" in comment
    assert "<details><summary>Deployment safety" not in comment


def test_checks_that_all_passed_are_folded_however_few() -> None:
    comment = render_markdown(report([source("app/a.py", 1, 1)], safety=safety_of(1, failing=0)))
    assert "<details><summary>Deployment safety" in comment
    assert "### Deployment safety" not in comment


def test_one_check_past_the_limit_collapses_them() -> None:
    comment = render_markdown(
        report([source("app/a.py", 1, 1)], safety=safety_of(SAFETY_OPEN_LIMIT + 1))
    )
    assert "<details><summary>Deployment safety" in comment
    assert "### Deployment safety" not in comment


# --- evidence tests in the assessment document: TESTS_LISTED -----------------------------


def document_with_tests(n: int) -> str:
    r = report([source("app/a.py", 10, 10, (2, 2))], tests=passing(n))
    assert r.interactions[0].tests.total == n
    return render_document(r, "2026-11-29T00:00:00Z")


@pytest.mark.slow
def test_exactly_tests_listed_evidence_tests_are_all_in_the_document() -> None:
    doc = document_with_tests(TESTS_LISTED)
    assert doc.count("`tests/test_a.py::test_") == TESTS_LISTED
    assert "more tests |" not in doc


@pytest.mark.slow
def test_one_test_past_the_limit_is_counted_not_listed() -> None:
    doc = document_with_tests(TESTS_LISTED + 1)
    assert doc.count("`tests/test_a.py::test_") == TESTS_LISTED
    assert "| | and 1 more tests | |" in doc


def test_one_gap_in_the_executive_summary_has_no_and_0_more() -> None:
    critical = {**INTERACTION, "critical": True}
    r = report([source("app/a.py", 100, 50)], interactions=[critical], defaults={"near": 10})
    (a,) = r.interactions
    assert len(a.gaps) > 1  # the line gap and the file's missing lines
    doc = render_document(r, "2026-11-29T00:00:00Z")
    assert f"(and {len(a.gaps) - 1} more)" in doc
    one = report(
        [source("app/a.py", 100, 100)],
        interactions=[{**critical, "threshold": {"branch": None}}],
        tests=TestResults(
            cases={
                "tests/test_a.py::t": TestCase(
                    "tests/test_a.py::t", "tests/test_a.py", Outcome.FAILED, "boom"
                )
            }
        ),
    )
    (b,) = one.interactions
    assert b.gaps == ["test tests/test_a.py::t failed: boom"]
    summary = render_document(one, "2026-11-29T00:00:00Z").split("## Interactions")[0]
    assert "failed: boom" in summary
    assert "more)" not in summary


# --- a coverage safety check over code without branches ----------------------------------


def coverage_check_over(files: list[FileCoverage], **thresholds: float):
    cfg = config(
        safety={"checks": [{"id": "cov", "name": "Cov", "kind": "coverage",
                            "modules": ["app/flat.py"], **thresholds}]},
    )  # fmt: skip
    ctx = SafetyContext(
        root=Path("."),
        coverage={f.path: f for f in files},
        tests=passing(),
        allow_exec=False,
        today=TODAY,
        waivers={},
    )
    (result,) = run_safety(cfg.safety, ctx).checks
    return result


def test_a_branch_threshold_over_straight_line_code_has_nothing_to_cover() -> None:
    """Branch data was recorded (--cov-branch) but the code has no branch: 0 of 0
    is no division by zero and no failure; the line side is still judged."""
    flat = FileCoverage("app/flat.py", frozenset({1, 2, 3}), frozenset({1, 2, 3}), {})
    result = coverage_check_over([flat], line=90, branch=90)
    assert result.passed, result.detail
    assert result.detail == "line 100.0% ≥ 90%, no branches to cover (over 1 file)"
    short = FileCoverage("app/flat.py", frozenset({1, 2, 3}), frozenset({1}), {})
    failing = coverage_check_over([short], line=90, branch=90)
    assert not failing.passed
    assert failing.detail.startswith("line 33.3% < 90% (2 more statements)")
