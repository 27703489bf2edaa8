"""The change against the base: deltas from a baseline report, and the ratchet.

The baseline here is a report the evaluator made from the base's figures, as
`check --baseline` reads one back; the end-to-end run on a real two-commit
repository is tests/test_patch_diff_cover.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from support.reports import evaluate

from gate.config.load import config_from_data
from gate.core.evaluate import Evaluation
from gate.core.model import (
    ContextIndex,
    Diff,
    FileCoverage,
    LineBranches,
    Outcome,
    TestCase,
    TestResults,
)
from gate.core.report import RatchetState, Report, Status

TODAY = dt.date(2026, 11, 29)


def outcomes(*outcomes: Outcome) -> TestResults:
    ids = [f"tests/test_a.py::t{i}" for i in range(len(outcomes))]
    return TestResults(
        cases={i: TestCase(i, "tests/test_a.py", o) for i, o in zip(ids, outcomes, strict=True)}
    )


PASSING = outcomes(Outcome.PASSED)


def cov(statements: int, executed: int, path: str = "app/a.py", branches=None) -> FileCoverage:
    return FileCoverage(
        path, frozenset(range(1, statements + 1)), frozenset(range(1, executed + 1)), branches
    )


def config(*ids: str, ratchet: bool = True, **extra):
    data = {
        "version": 1,
        "overall": {"min_confidence": 0},
        "defaults": {"threshold": {"line": 95, "branch": None}, "ratchet": ratchet},
        "interactions": [
            {"id": i, "name": i.upper(), "direction": "outbound", "modules": [f"app/{i}.py"],
             "evidence": ["tests/test_a.py"]}
            for i in ids or ("a",)
        ],
        **extra,
    }  # fmt: skip
    return config_from_data(data, "test.yml")


def gate(files, *, baseline: Report | None = None, change: Diff | None = None, cfg=None,
         tests: TestResults = PASSING) -> Report:  # fmt: skip
    ev = Evaluation(
        cfg or config(), {f.path: f for f in files}, tests, TODAY,
        diff=change, baseline=baseline, baseline_source="base.json",
    )  # fmt: skip
    return evaluate(ev)


NO_CHANGE = Diff(files={}, source="test.diff")


def base_report(statements: int, executed: int) -> Report:
    return gate([cov(statements, executed)])


# --- delta -----------------------------------------------------------------------------------


def test_delta_is_head_minus_base_with_the_base_status() -> None:
    base = base_report(50, 50)
    (a,) = gate([cov(60, 55)], baseline=base).interactions
    d = a.delta
    assert d is not None and not d.added
    assert d.status is Status.READY
    assert d.line_percent == pytest.approx(55 / 60 * 100 - 100)
    assert (d.base_statements, d.base_covered_statements) == (50, 50)
    assert d.base_line_percent == 100.0


def test_equal_fractions_give_exactly_zero() -> None:
    (a,) = gate([cov(20, 17)], baseline=base_report(40, 34)).interactions
    assert a.delta.line_percent == 0.0


def test_added_and_removed_interactions_say_so() -> None:
    base = gate([cov(10, 10, "app/a.py"), cov(10, 10, "app/old.py")], cfg=config("a", "old"))
    head = gate(
        [cov(10, 10, "app/a.py"), cov(10, 10, "app/new.py")], baseline=base, cfg=config("a", "new")
    )
    assert head.interaction("new").delta.added is True
    assert head.baseline is not None and head.baseline.removed == ["old"]
    assert head.baseline.path == "base.json"


def branchy(covered: int, total: int = 4) -> FileCoverage:
    """10 statements, all run; one line with `total` branches, `covered` of them taken."""
    return cov(10, 10, branches={5: LineBranches(total, covered)})


BRANCH_95 = {"defaults": {"threshold": {"line": 95, "branch": 95}, "ratchet": True}}


def test_the_branch_and_confidence_deltas_are_head_minus_base() -> None:
    cfg = config(**BRANCH_95)
    base = gate([branchy(2)], cfg=cfg)
    (was,) = base.interactions
    (a,) = gate([branchy(3)], baseline=base, cfg=cfg).interactions
    d = a.delta
    assert d is not None and d.branch_percent == 25.0  # 75% now, 50% then
    assert (d.base_branches, d.base_covered_branches, d.base_branch_percent) == (4, 2, 50.0)
    assert was.shown_confidence is not None and a.shown_confidence is not None
    assert d.base_confidence == was.shown_confidence
    assert d.confidence == pytest.approx(a.shown_confidence - was.shown_confidence)


def test_a_figure_either_side_did_not_measure_has_no_delta() -> None:
    """No branch data then, or no evidence test ran now (confidence n/a): no delta,
    rather than a number made up from nothing."""
    cfg = config(**BRANCH_95)
    (a,) = gate([branchy(3)], baseline=gate([cov(10, 10)], cfg=cfg), cfg=cfg).interactions
    assert a.delta.branch_percent is None and a.delta.base_branch_percent is None
    skipped = outcomes(Outcome.SKIPPED)
    (b,) = gate([cov(10, 10)], baseline=base_report(10, 10), tests=skipped).interactions
    assert b.status is Status.UNKNOWN and b.delta.confidence is None
    assert b.delta.base_confidence is not None
    (c,) = gate([cov(0, 0)], baseline=base_report(10, 10)).interactions
    assert c.delta.line_percent is None  # no statements now: no percentage to compare


# --- the ratchet -----------------------------------------------------------------------------


def test_held_when_no_side_dropped_and_the_change_meets_the_patch_threshold() -> None:
    report = gate([cov(50, 42)], baseline=base_report(50, 42), change=NO_CHANGE)
    (a,) = report.interactions
    assert a.status is Status.ATTENTION  # the status still describes the totals
    assert a.ratchet.state is RatchetState.HELD
    assert a.reasons == [] and report.passed


def test_one_statement_fewer_breaks_it_even_when_the_rounded_figures_agree() -> None:
    # 1000/1200 = 83.33% and 999/1199 = 83.32%: both show as 83.3%.
    report = gate([cov(1199, 999)], baseline=base_report(1200, 1000), change=NO_CHANGE)
    (a,) = report.interactions
    assert a.ratchet.state is RatchetState.BROKEN
    assert a.ratchet.reason == "line coverage dropped from 1000/1200 (83.33%) to 999/1199 (83.32%)"
    assert a.reasons == [
        f"interaction a is REQUIRES ATTENTION (ratchet broken: {a.ratchet.reason})"
    ]
    assert not report.passed


def test_more_code_at_a_higher_figure_holds() -> None:
    report = gate([cov(60, 51)], baseline=base_report(50, 42), change=NO_CHANGE)
    assert report.interactions[0].ratchet.state is RatchetState.HELD and report.passed


def test_uncovered_changed_lines_break_it() -> None:
    change = Diff(files={"app/a.py": frozenset({49, 50})}, source="test.diff")
    report = gate([cov(50, 46)], baseline=base_report(50, 46), change=change)
    (a,) = report.interactions
    assert a.ratchet.state is RatchetState.BROKEN
    assert a.ratchet.reason == "its changed lines miss the patch threshold"
    assert "a: 0 of 2 changed statements covered (0.0%), below 95%" in a.reasons
    assert not report.passed


def test_without_a_baseline_it_is_not_applied_and_the_report_says_why() -> None:
    report = gate([cov(50, 42)], change=NO_CHANGE)
    (a,) = report.interactions
    assert a.ratchet.state is RatchetState.NOT_APPLIED
    assert a.ratchet.reason == "no baseline report given (--baseline)"
    assert "ratchet not applied: no baseline report given (--baseline)" in report.notes
    assert not report.passed


def test_without_a_diff_the_changed_lines_are_unknown_so_it_is_not_applied() -> None:
    report = gate([cov(50, 42)], baseline=base_report(50, 42))
    assert report.interactions[0].ratchet.state is RatchetState.NOT_APPLIED
    assert "no diff given" in report.interactions[0].ratchet.reason
    assert not report.passed
    # With the patch threshold off, nothing needs the diff.
    cfg = config(defaults={"threshold": {"line": 95, "branch": None}, "ratchet": True,
                           "patch_threshold": {"line": None, "branch": None}})  # fmt: skip
    off = gate([cov(50, 42)], baseline=gate([cov(50, 42)], cfg=cfg), cfg=cfg)
    assert off.interactions[0].ratchet.state is RatchetState.HELD and off.passed
    # One side of the patch threshold is enough to need it.
    for one_side in ({"line": 90, "branch": None}, {"line": None, "branch": 90}):
        cfg = config(defaults={"threshold": {"line": 95, "branch": None}, "ratchet": True,
                               "patch_threshold": one_side})  # fmt: skip
        (a,) = gate([cov(50, 42)], baseline=gate([cov(50, 42)], cfg=cfg), cfg=cfg).interactions
        assert a.ratchet.state is RatchetState.NOT_APPLIED and "no diff given" in a.ratchet.reason


def test_it_excuses_thresholds_only_never_a_failing_test() -> None:
    tests = outcomes(Outcome.PASSED, Outcome.FAILED)
    report = gate([cov(50, 42)], baseline=base_report(50, 42), change=NO_CHANGE, tests=tests)
    (a,) = report.interactions
    assert a.ratchet.state is RatchetState.NOT_APPLIED
    assert a.ratchet.reason == "it fails for more than its thresholds"
    assert a.reasons == ["interaction a is REQUIRES ATTENTION"] and not report.passed


# Per-test contexts in which no file of the interaction was recorded.
NO_FILE_RECORDED = ContextIndex(("", "tests/test_a.py::t0"), ("", "tests/test_a.py::t0"), {})


@pytest.mark.parametrize(
    ("own", "contexts", "gap"),
    [
        ({"contract": {"tests": ["tests/test_contract.py"]}}, None,
         "no passing contract test (none matched: 'tests/test_contract.py')"),
        ({"coverage_scope": "evidence"}, NO_FILE_RECORDED,
         "app/a.py: not in the coverage.py data with per-test contexts"),
    ],
)  # fmt: skip
def test_it_excuses_thresholds_only_never_a_contract_or_evidence_scope_gap(
    own: dict, contexts: ContextIndex | None, gap: str
) -> None:
    """Each gap alone, with a shortfall the baseline shares (0/50 both): the ratchet
    would hold the thresholds, but the other gap keeps the interaction failing."""
    interaction = {"id": "a", "name": "A", "direction": "outbound", "modules": ["app/a.py"],
                   "evidence": ["tests/test_a.py"], **own}  # fmt: skip
    cfg = config(interactions=[interaction])
    ev = Evaluation(
        cfg, {"app/a.py": cov(50, 0)}, PASSING, TODAY, contexts=contexts,
        diff=NO_CHANGE, baseline=base_report(50, 0), baseline_source="base.json",
    )  # fmt: skip
    report = evaluate(ev)
    (a,) = report.interactions
    assert gap in a.gaps and a.to_pass == ["48 more statements"]
    assert a.ratchet.state is RatchetState.NOT_APPLIED
    assert a.ratchet.reason == "it fails for more than its thresholds"
    assert a.reasons == ["interaction a is REQUIRES ATTENTION"] and not report.passed


# Branches counted on lines the report measures no statement on (as LCOV's BRDA
# records can be, without DA records).
BRANCHES_ONLY = FileCoverage("app/a.py", frozenset(), frozenset(), {1: LineBranches(2, 0)})


@pytest.mark.parametrize(
    ("branch", "head", "gap"),
    [
        (None, cov(50, 0), None),
        (95, BRANCHES_ONLY, "no statements measured in its files"),
        (95, cov(50, 0), "no branch data in the coverage reports (measure with --cov-branch)"),
    ],
)
def test_it_never_excuses_what_was_not_measured(
    branch: float | None, head: FileCoverage, gap: str | None
) -> None:
    """A module pattern that matches no file, a side measured on nothing: no
    threshold is met or missed there, so a shortfall next to them is not all that
    fails, even when the baseline shares both."""
    interaction = {"id": "a", "name": "A", "direction": "outbound",
                   "modules": ["app/a.py", "app/gone.py"],
                   "evidence": ["tests/test_a.py"]}  # fmt: skip
    cfg = config(
        defaults={"threshold": {"line": 95, "branch": branch}, "ratchet": True},
        interactions=[interaction],
    )
    report = gate([head], baseline=gate([head], cfg=cfg), change=NO_CHANGE, cfg=cfg)
    (a,) = report.interactions
    assert "module 'app/gone.py' matches no source file" in a.gaps
    assert gap is None or gap in a.gaps
    assert a.to_pass  # a shortfall too
    assert a.ratchet.state is RatchetState.NOT_APPLIED
    assert a.ratchet.reason == "it fails for more than its thresholds"
    assert not report.passed


def test_an_interaction_new_since_the_base_is_not_held() -> None:
    base = gate([cov(10, 10, "app/b.py")], cfg=config("b"))
    report = gate([cov(50, 42)], baseline=base, change=NO_CHANGE)
    assert report.interactions[0].ratchet.reason == "it is not in the baseline report"
    assert not report.passed


def test_a_side_the_base_did_not_measure_cannot_be_held() -> None:
    cfg = config(defaults={"threshold": {"line": 95, "branch": 95}, "ratchet": True})
    base = gate([cov(50, 50, branches={1: LineBranches(0, 0)})], cfg=cfg)
    head = gate(
        [cov(50, 50, branches={1: LineBranches(4, 2, ("5", "6"))})],
        baseline=base, change=NO_CHANGE, cfg=cfg,
    )  # fmt: skip
    (a,) = head.interactions
    assert a.ratchet.state is RatchetState.BROKEN
    assert a.ratchet.reason == "branch coverage: the baseline measured no branches"


def test_a_baseline_that_measured_no_statements_breaks_the_line_side() -> None:
    report = gate([cov(50, 42)], baseline=gate([cov(0, 0)]), change=NO_CHANGE)
    (a,) = report.interactions
    assert a.ratchet.reason == "line coverage: the baseline measured no statements"


def test_only_a_side_with_a_threshold_can_break_it() -> None:
    """No branch threshold: branches the base did not measure break nothing; a branch
    threshold without a line one: the branch side is still held to the base."""
    no_branch_bar = config()
    head = FileCoverage(
        "app/a.py", frozenset(range(1, 51)), frozenset(range(1, 43)), {5: LineBranches(4, 1)}
    )
    base = gate([cov(50, 42)], cfg=no_branch_bar)
    (a,) = gate([head], baseline=base, change=NO_CHANGE, cfg=no_branch_bar).interactions
    assert a.ratchet.state is RatchetState.HELD
    branch_only = config(defaults={"threshold": {"line": None, "branch": 95}, "ratchet": True})
    base = gate([branchy(3)], cfg=branch_only)
    (b,) = gate([branchy(2)], baseline=base, change=NO_CHANGE, cfg=branch_only).interactions
    assert b.ratchet.reason == "branch coverage dropped from 3/4 (75.0%) to 2/4 (50.0%)"


def test_a_side_of_one_statement_is_held_to_the_base_too() -> None:
    (a,) = gate([cov(1, 0)], baseline=base_report(1, 1), change=NO_CHANGE).interactions
    assert a.ratchet.reason == "line coverage dropped from 1/1 (100.0%) to 0/1 (0.0%)"


def test_ready_needs_no_ratchet_and_off_means_none() -> None:
    (a,) = gate([cov(10, 10)], baseline=base_report(10, 10), change=NO_CHANGE).interactions
    assert a.ratchet.state is RatchetState.NOT_NEEDED
    (b,) = gate([cov(10, 9)], cfg=config(ratchet=False)).interactions
    assert b.ratchet is None


def test_per_interaction_ratchet_overrides_the_default() -> None:
    cfg = config_from_data(
        {"version": 1, "overall": {"min_confidence": 0},
         "defaults": {"threshold": {"branch": None}},
         "interactions": [{"id": "a", "name": "A", "direction": "outbound",
                           "modules": ["app/a.py"], "evidence": ["tests/test_a.py"],
                           "ratchet": True}]},
        "test.yml",
    )  # fmt: skip
    base = gate([cov(50, 42)], cfg=cfg)
    assert gate([cov(50, 42)], baseline=base, change=NO_CHANGE, cfg=cfg).passed
