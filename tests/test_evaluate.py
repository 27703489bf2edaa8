"""The numbers, statuses, gaps and verdict, checked against independent figures."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.reports import evaluate, run_check

from gate.check import CheckOptions
from gate.config.load import config_from_data
from gate.core.evaluate import Evaluation, shortfall
from gate.core.model import FileCoverage, LineBranches, Outcome, TestCase, TestResults
from gate.core.numbers import distinct_percents, percent_below
from gate.core.report import Status, WaiverInfo, to_data
from gate.core.thresholds import missing_branch_labels

TODAY = dt.date(2026, 11, 29)


# --- against coverage.py's own figures, on a real run --------------------------------


def test_every_number_matches_coverage_py_and_the_junit_file(fixture_run) -> None:
    run = run_check(CheckOptions(root=fixture_run.root, today=TODAY))
    data = to_data(run.report)
    for it in data["interactions"]:
        if not it["files"]:
            continue
        theirs = fixture_run.coverage_json("--include=" + ",".join(it["files"]))["totals"]
        assert it["statements"] == theirs["num_statements"]
        assert it["covered_statements"] == theirs["covered_lines"]
        assert it["branches"] == theirs["num_branches"]
        assert it["covered_branches"] == theirs["covered_branches"]
        assert it["coverage_percent"] == pytest.approx(theirs["percent_covered"])
    junit = (fixture_run.root / "junit.xml").read_text()
    payments = next(i for i in data["interactions"] if i["id"] == "payments")
    # test_payments.py holds 7 test cases (one parametrised twice), all passing
    assert junit.count('file="tests/integration/test_payments.py"') == 7
    assert payments["tests"] == {"total": 7, "passed": 7, "failed": 0, "errors": 0, "skipped": 0}
    assert payments["status"] == "PRODUCTION READY" and payments["gaps"] == []


def test_fixture_project_statuses_and_gaps(fixture_run) -> None:
    report = run_check(CheckOptions(root=fixture_run.root, today=TODAY)).report
    by_id = {r.id: r for r in report.interactions}
    inventory = by_id["inventory"]
    assert inventory.status is Status.ATTENTION
    assert inventory.tests.failed == 1 and inventory.tests.skipped == 1
    assert inventory.pass_rate == 3 / 4
    assert inventory.confidence == pytest.approx(inventory.coverage_percent * 3 / 4)
    assert any("test_stock_missing_is_reported failed: LookupError" in g for g in inventory.gaps)
    assert any(
        "test_release skipped: release endpoint not deployed yet" in g for g in inventory.gaps
    )
    assert any(
        g.startswith("shop/clients/inventory_client.py: missing lines") for g in inventory.gaps
    )
    assert inventory.to_pass == ["1 more branch"]
    assert by_id["shipping"].status is Status.UNKNOWN
    assert "module 'shop/clients/shipping_*.py' matches no source file" in by_id["shipping"].gaps
    assert report.unmapped == ["shop/clients/mailer_client.py"]
    weights = [1, 1, 1]
    expected = (by_id["payments"].confidence + inventory.confidence + 0) / sum(weights)
    assert report.overall_confidence == pytest.approx(expected)
    assert not report.passed
    assert report.reasons[0] == "interaction inventory is REQUIRES ATTENTION"


# --- exact thresholds ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("covered", "total", "threshold", "needed"),
    [
        (1899, 2000, 95, 1),  # 94.95% is not 95%
        (1900, 2000, 95, 0),
        (9496, 10000, 95, 4),  # 94.96% displays as 95.0% and still fails
        (0, 0, 95, 0),
        (2, 3, 66.67, 1),  # 66.666..% < 66.67%
        (7, 7, 100, 0),
        (6, 7, 100, 1),
    ],
)
def test_shortfall_on_exact_counts(covered: int, total: int, threshold: float, needed: int) -> None:
    assert shortfall(covered, total, threshold) == needed


@given(
    st.integers(0, 10**7),
    st.integers(0, 10**7),
    st.decimals(0, 100, places=3, allow_nan=False).map(float),
)
def test_shortfall_is_the_least_number_that_reaches_the_threshold(
    covered: int, total: int, threshold: float
) -> None:
    """Against the definition, in exact fractions of the threshold as written."""
    covered = min(covered, total)
    need = shortfall(covered, total, threshold)
    exact = Fraction(str(threshold))
    assert (covered + need) * 100 >= exact * total
    assert need == 0 or (covered + need - 1) * 100 < exact * total


def build_file(path: str, statements: int, executed: int, branches: tuple[int, int] | None = None):
    lines = frozenset(range(1, statements + 1))
    done = frozenset(range(1, executed + 1))
    branch_map = None
    if branches is not None:
        total, covered = branches
        branch_map = {1: LineBranches(total, covered)}
    return FileCoverage(path, lines, done, branch_map)


def build_tests(*outcomes: tuple[str, Outcome] | tuple[str, Outcome, str]) -> TestResults:
    """Test results from (node id, outcome[, message]) triples."""
    cases = {o[0]: TestCase(o[0], o[0].split("::")[0], *o[1:]) for o in outcomes}
    return TestResults(cases=cases)


def build_config(**overrides):
    data = {
        "version": 1,
        "interactions": [
            {"id": "a", "name": "A", "direction": "outbound", "modules": ["app/a.py"],
             "evidence": ["tests/test_a.py"]},
        ],
    }  # fmt: skip
    data.update(overrides)
    return config_from_data(data, "test.yml")


def evaluate_one(files, tests, **config):
    ev = Evaluation(build_config(**config), {f.path: f for f in files}, tests, TODAY)
    return evaluate(ev)


PASSING = build_tests(("tests/test_a.py::test_1", Outcome.PASSED))


def test_94_96_percent_is_not_ready_even_though_it_shows_95() -> None:
    report = evaluate_one([build_file("app/a.py", 10000, 9496, (10, 10))], PASSING)
    (a,) = report.interactions
    assert a.status is Status.NEAR
    assert a.to_pass == ["4 more statements"]
    # A figure next to a failed comparison never reads as the target itself.
    assert "line coverage 9496/10000 (94.96%) is below 95%" in a.gaps


@pytest.mark.parametrize(
    ("value", "target", "shown"),
    [
        (94.96, 95, "94.96%"),
        (99.96, 100, "99.96%"),
        (99.9999, 100, "99.9999%"),
        (54.56, 90, "54.6%"),  # far from the target: the usual one decimal
        (94.94, 95, "94.9%"),
        (94.9999999, 95, "94.999999%"),
        (66.6699999, 66.67, "66.669999%"),  # a target with decimals, a hair below
    ],
)
def test_a_percentage_below_its_target_never_shows_the_target(
    value: float, target: float, shown: str
) -> None:
    assert percent_below(value, target) == shown
    assert float(shown.rstrip("%")) < target


def test_a_branch_line_with_counts_only_says_how_many_of_its_branches_were_not_taken() -> None:
    """A report that counts a line's branches without naming them (Cobertura,
    JaCoCo): the gap line gives the count not taken, named ones are listed."""
    branches = {4: LineBranches(3, 1), 7: LineBranches(2, 1, ("9",)), 8: LineBranches(2, 2)}
    assert missing_branch_labels(branches) == ["4 (2 of 3 not taken)", "7->9"]
    assert missing_branch_labels(branches, frozenset({7})) == ["7->9"]


@pytest.mark.parametrize(
    ("first", "second", "shown"),
    [
        (83.333, 83.319, ("83.33%", "83.32%")),  # one decimal would show 83.3% twice
        (54.56, 12.5, ("54.6%", "12.5%")),  # already different: the usual one decimal
        (50.0, 50.0, ("50.0%", "50.0%")),  # the same value: nothing to tell apart
        (50.0, 50.0000001, ("50.000000%", "50.000000%")),  # six decimals at most
    ],
)
def test_two_different_percentages_read_as_different_up_to_six_decimals(
    first: float, second: float, shown: tuple[str, str]
) -> None:
    assert distinct_percents(first, second) == shown


def test_overall_just_below_its_target_does_not_print_the_target() -> None:
    """99.96% overall against a target of 100 once printed "100.0% is below 100%"."""
    files = [build_file("app/a.py", 10000, 9996, (10, 10))]
    report = evaluate_one(files, PASSING, overall={"min_confidence": 100})
    reason = next(r for r in report.reasons if r.startswith("overall"))
    assert "100.0%" not in reason
    assert reason.startswith("overall confidence 99.9")


def test_ready_needs_branch_data_when_a_branch_threshold_is_set() -> None:
    report = evaluate_one([build_file("app/a.py", 10, 10, None)], PASSING)
    (a,) = report.interactions
    assert a.status is Status.NEAR
    assert a.branch_percent is None
    assert a.gaps == ["no branch data in the coverage reports (measure with --cov-branch)"]
    assert a.to_pass == [] and not report.passed


def test_branch_threshold_null_disables_it() -> None:
    config = {"defaults": {"threshold": {"branch": None}}}
    report = evaluate_one([build_file("app/a.py", 10, 10, None)], PASSING, **config)
    assert report.interactions[0].status is Status.READY
    assert report.passed


def test_confidence_is_coverage_times_pass_rate_and_drives_near_vs_attention() -> None:
    tests = build_tests(
        ("tests/test_a.py::test_1", Outcome.PASSED),
        ("tests/test_a.py::test_2", Outcome.PASSED),
        ("tests/test_a.py::test_3", Outcome.FAILED),
        ("tests/test_a.py::test_4", Outcome.SKIPPED),
    )
    (a,) = evaluate_one([build_file("app/a.py", 100, 100, (20, 20))], tests).interactions
    assert a.pass_rate == 2 / 3
    assert a.confidence == pytest.approx(100 * 2 / 3)
    assert a.status is Status.ATTENTION
    (b,) = evaluate_one(
        [build_file("app/a.py", 100, 91, (20, 20))], PASSING, defaults={"near": 90}
    ).interactions
    assert b.confidence == pytest.approx(111 / 120 * 100)
    assert b.status is Status.NEAR


def test_no_test_ran_means_zero_confidence() -> None:
    (a,) = evaluate_one([build_file("app/a.py", 10, 10, (2, 2))], build_tests()).interactions
    assert a.confidence == 0 and a.pass_rate == 0
    assert "evidence 'tests/test_a.py' matched no test in the JUnit results" in a.gaps


# --- skipped evidence tests (`skipped: allow | block`) ------------------------------------

SKIPPED_ONE = ("tests/test_a.py::test_old", Outcome.SKIPPED, "needs Python < 3.12")
ONE_SKIP = build_tests(
    ("tests/test_a.py::test_1", Outcome.PASSED),
    ("tests/test_a.py::test_2", Outcome.PASSED),
    SKIPPED_ONE,
)
FULL = [build_file("app/a.py", 10, 10, (2, 2))]
SKIP_NOTE = "test tests/test_a.py::test_old skipped: needs Python < 3.12 (skip allowed)"


def test_a_skipped_evidence_test_is_allowed_by_default_and_listed_as_a_note() -> None:
    report = evaluate_one(FULL, ONE_SKIP)
    (a,) = report.interactions
    assert a.status is Status.READY and report.passed
    assert (a.tests.passed, a.tests.skipped, a.tests.total) == (2, 1, 3)
    assert a.pass_rate == 1 and a.confidence == 100  # the skip is not in the pass rate
    assert a.gaps == [] and a.notes == [SKIP_NOTE] and a.skipped == "allow"


@pytest.mark.parametrize(
    ("defaults", "own"), [({"skipped": "block"}, {}), ({}, {"skipped": "block"})]
)
def test_skipped_block_makes_a_skip_a_gap(defaults: dict, own: dict) -> None:
    interaction = {"id": "a", "name": "A", "direction": "outbound", "modules": ["app/a.py"],
                   "evidence": ["tests/test_a.py"], **own}  # fmt: skip
    report = evaluate_one(FULL, ONE_SKIP, defaults=defaults, interactions=[interaction])
    (a,) = report.interactions
    assert a.status is Status.NEAR and not report.passed
    assert a.gaps == ["test tests/test_a.py::test_old skipped: needs Python < 3.12"]
    assert a.notes == [] and a.skipped == "block"


def test_an_interaction_may_allow_skips_its_defaults_block() -> None:
    interaction = {"id": "a", "name": "A", "direction": "outbound", "modules": ["app/a.py"],
                   "evidence": ["tests/test_a.py"], "skipped": "allow"}  # fmt: skip
    report = evaluate_one(FULL, ONE_SKIP, defaults={"skipped": "block"}, interactions=[interaction])
    assert report.interactions[0].status is Status.READY


def test_when_every_evidence_test_skipped_the_interaction_is_unknown() -> None:
    skipped = build_tests(
        ("tests/test_a.py::test_1", Outcome.SKIPPED), ("tests/test_a.py::test_2", Outcome.SKIPPED)
    )
    report = evaluate_one(FULL, skipped)
    (a,) = report.interactions
    assert a.status is Status.UNKNOWN and a.shown_confidence is None
    assert a.gaps[0] == "every evidence test skipped (2 tests): none ran"
    assert report.reasons[0] == "interaction a is UNKNOWN"
    (blocked,) = evaluate_one(FULL, skipped, defaults={"skipped": "block"}).interactions
    assert blocked.status is Status.ATTENTION and blocked.confidence == 0


def test_allowed_skips_never_hide_a_failure() -> None:
    tests = build_tests(
        ("tests/test_a.py::test_1", Outcome.PASSED),
        ("tests/test_a.py::test_3", Outcome.FAILED),
        SKIPPED_ONE,
    )
    (a,) = evaluate_one(FULL, tests).interactions
    assert a.status is Status.ATTENTION
    assert a.gaps == ["test tests/test_a.py::test_3 failed", SKIP_NOTE]  # the note still shown


def test_waiver_keeps_a_failing_interaction_visible_but_not_failing_until_it_expires() -> None:
    waiver = {"target": "a", "reason": "rewrite", "until": "2026-12-31"}
    files = [build_file("app/a.py", 10, 5, (2, 2))]
    live = evaluate_one(files, PASSING, waivers=[waiver], overall={"min_confidence": 0})
    assert live.passed and live.interactions[0].waiver.expired is False
    expired = evaluate_one(
        files, PASSING, waivers=[{**waiver, "until": "2026-11-28"}], overall={"min_confidence": 0}
    )
    assert not expired.passed
    assert "(waiver expired 2026-11-28)" in expired.reasons[0]


def test_a_waiver_holds_through_its_until_date_and_is_reported_as_written() -> None:
    waiver = {"target": "a", "reason": "rewrite (#12)", "until": TODAY.isoformat(),
              "owner": "team-a"}  # fmt: skip
    files = [build_file("app/a.py", 10, 5, (2, 2))]
    report = evaluate_one(files, PASSING, waivers=[waiver], overall={"min_confidence": 0})
    assert report.passed  # the last day it holds
    assert report.interactions[0].waiver == WaiverInfo(
        reason="rewrite (#12)", until="2026-11-29", owner="team-a", expired=False
    )


def test_the_report_carries_the_configs_identity_and_unmapped_policy() -> None:
    report = evaluate_one(
        FULL, PASSING, id="shop", title="Shop gate", maintainer="team-shop",
        unmapped={"paths": ["app/*.py"], "policy": "fail"},
    )  # fmt: skip
    assert (report.id, report.title, report.maintainer) == ("shop", "Shop gate", "team-shop")
    assert report.unmapped_policy == "fail"


def test_unmapped_paths_are_path_globs_not_module_patterns() -> None:
    """`app/new` names that path only (no directory rule, as a module pattern has);
    `app/new/**` is everything below it."""
    files = [build_file("app/a.py", 4, 4, (2, 2)), build_file("app/new/x.py", 4, 4, (2, 2))]
    literal = evaluate_one(files, PASSING, unmapped={"paths": ["app/new"]})
    assert literal.unmapped == []
    below = evaluate_one(files, PASSING, unmapped={"paths": ["app/new/**"]})
    assert below.unmapped == ["app/new/x.py"]


def test_not_required_interaction_never_fails_the_gate_but_critical_is_always_required() -> None:
    files = [build_file("app/a.py", 10, 5, (2, 2))]
    base = {"id": "a", "name": "A", "direction": "outbound", "modules": ["app/a.py"],
            "evidence": ["tests/test_a.py"], "required": False}  # fmt: skip
    optional = evaluate_one(files, PASSING, interactions=[base], overall={"min_confidence": 0})
    assert optional.passed
    critical = evaluate_one(
        files, PASSING, interactions=[{**base, "critical": True}], overall={"min_confidence": 0}
    )
    assert not critical.passed
    assert critical.reasons == ["critical interaction a is REQUIRES ATTENTION"]


def test_overall_confidence_is_the_weighted_mean_with_unknown_as_zero() -> None:
    interactions = [
        {"id": "a", "name": "A", "direction": "outbound", "modules": ["app/a.py"],
         "evidence": ["tests/test_a.py"], "weight": 3},
        {"id": "b", "name": "B", "direction": "inbound", "modules": ["app/b.py"], "weight": 1},
    ]  # fmt: skip
    files = [build_file("app/a.py", 10, 10, (2, 2)), build_file("app/b.py", 10, 10, (2, 2))]
    report = evaluate_one(files, PASSING, interactions=interactions)
    assert report.interactions[1].status is Status.UNKNOWN  # no evidence declared
    assert report.overall_confidence == pytest.approx((100 * 3 + 0 * 1) / 4)


def test_unmapped_policy_fail_and_overlaps() -> None:
    interactions = [
        {"id": "a", "name": "A", "direction": "outbound", "modules": ["app/a.py", "app/http.py"],
         "evidence": ["tests/test_a.py"]},
        {"id": "b", "name": "B", "direction": "outbound", "modules": ["app/http.py"],
         "evidence": ["tests/test_a.py"]},
    ]  # fmt: skip
    files = [build_file(p, 4, 4, (2, 2)) for p in ("app/a.py", "app/http.py", "app/new.py")]
    report = evaluate_one(
        files, PASSING, interactions=interactions,
        unmapped={"paths": ["app/*.py"], "policy": "fail"},
    )  # fmt: skip
    assert report.unmapped == ["app/new.py"]
    assert [(o.path, o.interactions) for o in report.overlaps] == [("app/http.py", ["a", "b"])]
    assert report.reasons == ["1 source file claimed by no interaction"]


def test_a_module_file_present_on_disk_but_missing_from_coverage_blocks_ready() -> None:
    ev = Evaluation(
        build_config(),
        {},
        PASSING,
        TODAY,
        repo_files=frozenset({"app/a.py", "tests/test_a.py"}),
    )
    (a,) = evaluate(ev).interactions
    assert a.files == ["app/a.py"]
    assert "app/a.py: not in the coverage reports (never imported by the tests?)" in a.gaps
    assert a.status is Status.ATTENTION
    assert a.statements == 0 and a.confidence == 0


def test_an_evidence_file_absent_from_the_source_tree_is_named_as_absent() -> None:
    """With the source present, a pattern naming a file that does not exist says
    so, rather than that the file ran no test."""
    ev = Evaluation(
        build_config(), {f.path: f for f in FULL}, build_tests(), TODAY,
        repo_files=frozenset({"app/a.py"}),
    )  # fmt: skip
    (a,) = evaluate(ev).interactions
    assert "evidence file 'tests/test_a.py' does not exist" in a.gaps
    assert not any("matched no test" in g for g in a.gaps)


def test_a_line_threshold_over_files_without_statements_is_a_gap_not_a_pass() -> None:
    """A claimed file with no statement (an empty module) measures nothing: the
    line threshold cannot be met by it, and nothing more covered would meet it."""
    report = evaluate_one(
        [build_file("app/a.py", 0, 0)], PASSING, defaults={"threshold": {"branch": None}}
    )
    (a,) = report.interactions
    assert a.gaps == ["no statements measured in its files"] and a.to_pass == []
    assert a.status is Status.ATTENTION and a.coverage_percent is None and not report.passed


def test_missing_branches_are_named(tmp_path: Path) -> None:
    f = FileCoverage(
        "app/a.py",
        frozenset({1, 2, 3}),
        frozenset({1, 2}),
        {2: LineBranches(2, 1, ("3",)), 1: LineBranches(2, 1, ("exit",))},
    )
    (a,) = evaluate_one([f], PASSING).interactions
    assert "app/a.py: missing lines 3; branches 1->exit, 2->3" in a.gaps


def test_report_round_trips_through_json(fixture_run) -> None:
    from gate.core.report import from_json, to_json

    report = run_check(CheckOptions(root=fixture_run.root, today=TODAY)).report
    assert from_json(to_json(report)) == report
    assert json.loads(to_json(report))["schema"] == "signal-gate/report@1"
