"""The one phrasing of each conclusion, shared by every renderer (gate.render.phrases)."""

from __future__ import annotations

import pytest

from gate.core.report import InteractionResult, SafetyResult, Status, TestCounts, WaiverInfo
from gate.records import replace
from gate.render import phrases
from gate.render.escape import md
from gate.render.phrases import (
    confidence_cell,
    confidence_explained,
    evidence_counts,
    ready_line,
    safety_title,
    side_measured,
    side_verdict,
    status_cell,
    waiver_long,
    waiver_short,
)


def result(**overrides: object) -> InteractionResult:
    base = InteractionResult(
        id="a", name="A", direction="outbound", peer=None, critical=False, required=True,
        status=Status.ATTENTION, confidence=42.0, coverage_percent=50.0, line_percent=50.0,
        branch_percent=None, statements=10, covered_statements=5, branches=0,
        covered_branches=0, threshold={"line": 95.0, "branch": 95.0}, files=["a.py"],
        tests=TestCounts(total=2, passed=1, failed=1), pass_rate=0.5, gaps=[],
        shortfall={"line": 5, "branch": None},
    )  # fmt: skip
    return replace(base, **overrides)


def test_unknown_shows_no_confidence_whatever_its_figure() -> None:
    unknown = result(status=Status.UNKNOWN, confidence=0.0)
    assert confidence_cell(unknown) == "n/a"
    assert confidence_explained(unknown).startswith("n/a (status UNKNOWN")
    assert confidence_cell(result()) == "42.0%"


@pytest.mark.parametrize(
    ("side", "threshold", "shortfall", "verdict"),
    [
        ("line", 95.0, 0, "met"),
        ("line", 95.0, 5, "not met, cover 5 more statements"),
        ("line", 95.0, 1, "not met, cover 1 more statement"),
        ("branch", 95.0, 2, "not met, cover 2 more branches"),
        ("branch", 95.0, None, "not measured"),
        ("branch", None, None, "no threshold"),
    ],
)
def test_side_verdict(
    side: str, threshold: float | None, shortfall: int | None, verdict: str
) -> None:
    r = result(threshold={side: threshold}, shortfall={side: shortfall})
    assert side_verdict(r, side) == verdict


def test_side_measured_names_missing_branch_data() -> None:
    assert side_measured(result(), "line") == "50.0% (5/10 statements)"
    assert side_measured(result(), "branch") == "n/a (no branch data)"
    assert side_measured(result(files=[]), "branch") == "n/a"


def test_waivers_are_worded_one_way() -> None:
    active = WaiverInfo(reason="rewrite <b>", until="2099-01-01", owner="@team")
    expired = replace(active, expired=True)
    assert waiver_short(active) == "waived until 2099-01-01"
    assert waiver_short(expired) == "waiver expired 2099-01-01"
    assert waiver_long(active) == "waived until 2099-01-01 (owner @team): rewrite <b>"
    # Untrusted parts go through the caller's escaping.
    assert "&lt;b&gt;" in waiver_long(active, md) and "<b>" not in waiver_long(active, md)
    assert status_cell(result(waiver=expired)) == "REQUIRES ATTENTION (waiver expired 2099-01-01)"


def test_counts_and_titles() -> None:
    assert evidence_counts(TestCounts(total=5, passed=3, failed=1, skipped=1)) == (
        "3 passed, 1 failed, 1 skipped (5 tests)"
    )
    assert evidence_counts(TestCounts(total=1, passed=1)) == "1 passed (1 test)"
    assert evidence_counts(TestCounts()) == "none"
    assert (
        safety_title(SafetyResult(passed=20, total=22, required=22)) == "Deployment safety: 20/22"
    )
    assert safety_title(SafetyResult(passed=2, total=3, required=2)) == (
        "Deployment safety: 2/3 (2 required)"
    )
    ready, other = result(status=Status.READY, critical=True), result()
    assert ready_line([ready, other]) == "1/2 interactions (1/1 critical)"
    assert ready_line([other]) == "0/1 interactions"


@pytest.mark.parametrize(
    ("counts", "cell"),
    [
        (TestCounts(total=38, passed=37, skipped=1), "37 passed · 1 skipped"),
        (TestCounts(total=7, passed=7), "7 passed"),
        (TestCounts(total=4, passed=2, failed=1, errors=1), "2 passed · 1 failed · 1 errored"),
        (TestCounts(total=2, skipped=2), "0 passed · 2 skipped"),
        (TestCounts(), "none"),
    ],
)
def test_the_tests_cell_names_each_outcome_and_is_never_a_fraction(
    counts: TestCounts, cell: str
) -> None:
    assert phrases.tests_cell(counts) == cell
    assert "/" not in cell


@pytest.mark.parametrize(
    ("policy", "counts", "verdict"),
    [
        ("allow", TestCounts(total=38, passed=37, skipped=1), "met (1 skipped, allowed)"),
        ("block", TestCounts(total=38, passed=37, skipped=1), "not met: 1 skipped"),
        ("allow", TestCounts(total=2, passed=1, failed=1), "not met: 1 failed"),
        ("allow", TestCounts(total=2, skipped=2), "not met: every evidence test skipped"),
        ("block", TestCounts(), "not met: no test ran"),
        ("block", TestCounts(total=3, passed=3), "met"),
    ],
)
def test_the_tests_verdict_follows_the_skipped_policy(
    policy: str, counts: TestCounts, verdict: str
) -> None:
    r = result(skipped=policy, tests=counts, evidence=["tests/test_a.py"])
    assert phrases.tests_verdict(r) == verdict
    assert phrases.tests_needed(r) == (
        "all pass, none skipped" if policy == "block" else "all that run pass"
    )
    assert (
        phrases.tests_verdict(result(skipped=policy, tests=counts))
        == "not met: no evidence declared"
    )
