"""Patch coverage: the lines a change adds or modifies, counted against the coverage.

Small builders, the evaluator for real. The rule under test is diff-cover's (a
changed line counts only when the coverage report measures it); the equality
with diff-cover itself is tests/test_patch_diff_cover.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from support.reports import evaluate

from gate.config.load import config_from_data
from gate.core.evaluate import Evaluation
from gate.core.model import Diff, FileCoverage, LineBranches, Outcome, TestCase, TestResults
from gate.core.patch import file_patch, patch_failures, patch_to_pass
from gate.core.report import Report, Status

TODAY = dt.date(2026, 11, 29)
PASSING = TestResults(
    cases={"tests/test_a.py::t": TestCase("tests/test_a.py::t", "tests/test_a.py", Outcome.PASSED)}
)


def cov(path: str, statements: range, executed: range, branches=None) -> FileCoverage:
    return FileCoverage(path, frozenset(statements), frozenset(executed), branches)


def diff(**files: list[int]) -> Diff:
    """diff(app__a_py=[3, 4]) -> changed lines 3 and 4 of app/a.py."""
    return Diff(
        files={k.replace("__", "/").replace("_py", ".py"): frozenset(v) for k, v in files.items()},
        source="test.diff",
    )


def interaction(id_: str, module: str, **extra) -> dict:
    return {"id": id_, "name": id_.upper(), "direction": "outbound", "modules": [module],
            "evidence": ["tests/test_a.py"], **extra}  # fmt: skip


def run(files, change: Diff | None, interactions=None, **config) -> Report:
    """The gate over `files` (no branch threshold unless `defaults` sets one)."""
    data = {"version": 1, "overall": {"min_confidence": 0},
            "defaults": {"threshold": {"branch": None}},
            "interactions": interactions or [interaction("a", "app/a.py")], **config}  # fmt: skip
    ev = Evaluation(
        config_from_data(data, "test.yml"), {f.path: f for f in files}, PASSING, TODAY, diff=change
    )
    return evaluate(ev)


# --- counting ------------------------------------------------------------------------------


def test_only_measured_lines_count_and_branches_are_those_leaving_changed_lines() -> None:
    branches = {3: LineBranches(2, 1, ("9",)), 7: LineBranches(2, 0, ("8", "exit"))}
    f = cov("app/a.py", range(1, 11), range(1, 7), branches)
    # Line 20 is beyond the measured statements (a comment, a blank line): not counted.
    p = file_patch("app/a.py", frozenset({3, 6, 7, 20}), f)
    assert (p.changed_lines, p.statements, p.covered_statements) == (4, 3, 2)
    assert (p.branches, p.covered_branches) == (4, 1)
    assert p.missing_lines == [7]
    assert p.missing_branches == ["3->9", "7->8", "7->exit"]


def test_a_changed_file_missing_from_the_reports_counts_nothing_and_says_so() -> None:
    p = file_patch("app/new.py", frozenset({1, 2}), None)
    assert (p.statements, p.covered_statements, p.measured) == (0, 0, False)
    assert (p.path, p.changed_lines) == ("app/new.py", 2)  # named, with its changed lines


def test_an_untouched_interaction_has_zeros_and_no_files() -> None:
    report = run([cov("app/a.py", range(1, 11), range(1, 11))], diff(app__b_py=[1]))
    (a,) = report.interactions
    assert a.patch is not None and a.patch.files == []
    assert (a.patch.statements, a.patch.line_percent, a.patch.shortfall["line"]) == (0, None, None)
    assert report.passed


def test_without_a_diff_there_is_no_patch_anywhere() -> None:
    report = run([cov("app/a.py", range(1, 11), range(1, 11))], None)
    assert report.patch is None and report.interactions[0].patch is None


# --- the patch threshold -------------------------------------------------------------------


def test_uncovered_changed_lines_fail_the_gate_while_the_status_describes_the_totals() -> None:
    files = [cov("app/a.py", range(1, 101), range(1, 100))]  # 99% overall: ready
    report = run(files, diff(app__a_py=[98, 99, 100]))
    (a,) = report.interactions
    assert a.status is Status.READY
    assert (a.patch.statements, a.patch.covered_statements) == (3, 2)
    assert a.patch.missing == {"app/a.py": [100]}
    failure = "2 of 3 changed statements covered (66.7%), below 95%"
    assert a.gaps[0] == failure
    assert a.reasons == [f"a: {failure}"]
    assert not report.passed and report.reasons == [f"a: {failure}"]


@pytest.mark.parametrize(
    ("covered", "total", "passes", "shown"),
    [(19, 20, True, None), (1899, 2000, False, "94.95%"), (18999, 20000, False, "94.995%")],
)
def test_the_patch_threshold_compares_exact_counts(
    covered: int, total: int, passes: bool, shown: str | None
) -> None:
    files = [cov("app/a.py", range(1, total + 1), range(1, covered + 1))]
    report = run(
        files,
        diff(app__a_py=list(range(1, total + 1))),
        defaults={"threshold": {"line": 0, "branch": None}},
    )
    (a,) = report.interactions
    assert (a.patch.shortfall["line"] == 0) is passes
    assert report.passed is passes
    if shown:
        assert f"({shown}), below 95%" in report.reasons[0]


def test_patch_threshold_per_interaction_and_null_disables_a_side() -> None:
    branches = {1: LineBranches(2, 0, ("2", "3"))}
    files = [cov("app/a.py", range(1, 11), range(1, 11), branches)]
    change = diff(app__a_py=[1])
    strict = run(files, change, defaults={"threshold": {"branch": 0}})
    assert strict.reasons == ["a: 0 of 2 changed branches covered (0.0%), below 95%"]
    off = run(
        files, change, defaults={"threshold": {"branch": 0}},
        interactions=[interaction("a", "app/a.py", patch_threshold={"branch": None})],
    )  # fmt: skip
    assert off.passed and off.interactions[0].patch.shortfall == {"line": 0, "branch": None}
    lowered = run(
        files, change, defaults={"threshold": {"branch": 0}, "patch_threshold": {"branch": 0}}
    )
    assert lowered.passed


def test_a_waived_or_optional_interaction_does_not_fail_the_gate_on_its_changed_lines() -> None:
    files = [cov("app/a.py", range(1, 11), range(1, 10))]
    change = diff(app__a_py=[10])
    settings = {"defaults": {"threshold": {"line": 0, "branch": None}}}
    waived = run(files, change, waivers=[{"target": "a", "reason": "r", "until": "2027-01-01"}],
                 **settings)  # fmt: skip
    assert waived.passed and waived.interactions[0].gaps  # shown, not failing
    optional = run(files, change, interactions=[interaction("a", "app/a.py", required=False)],
                   **settings)  # fmt: skip
    assert optional.passed and optional.interactions[0].reasons == []


def test_patch_failures_word_each_side() -> None:
    files = [cov("app/a.py", range(1, 8), range(1, 4))]
    (a,) = run(files, diff(app__a_py=list(range(1, 8)))).interactions
    assert patch_failures(a.patch) == ["3 of 7 changed statements covered (42.9%), below 95%"]


# --- the whole change ----------------------------------------------------------------------


def test_the_summary_counts_a_shared_file_once_and_lists_unclaimed_changes() -> None:
    files = [
        cov("app/http.py", range(1, 5), range(1, 3)),
        cov("app/a.py", range(1, 5), range(1, 5)),
        cov("app/new.py", range(1, 3), range(0)),
    ]
    interactions = [interaction("a", "app/a.py"), interaction("b", "app/http.py"),
                    interaction("c", "app/http.py")]  # fmt: skip
    change = diff(app__http_py=[1, 4], app__a_py=[2], app__new_py=[1, 2], docs__x_md=[1])
    report = run(files, change, interactions=interactions, unmapped={"paths": ["app/*.py"]})
    p = report.patch
    assert p is not None and p.changed_files == 4
    assert [f.path for f in p.files] == ["app/a.py", "app/http.py"]
    assert (p.statements, p.covered_statements) == (3, 2)  # http.py once, not twice
    assert [(f.path, f.statements, f.covered_statements) for f in p.unclaimed] == [
        ("app/new.py", 2, 0)
    ]
    b, c = report.interactions[1:]
    assert b.patch == c.patch and b.patch.statements == 2


def test_the_patch_lists_the_missing_branches_of_changed_lines_by_file_and_the_base() -> None:
    files = [
        cov("app/a.py", range(1, 11), range(1, 11), {3: LineBranches(2, 1, ("9",))}),
        cov("app/b.py", range(1, 11), range(1, 11), {3: LineBranches(2, 2)}),
    ]
    change = Diff(
        files={"app/a.py": frozenset({3}), "app/b.py": frozenset({3})},
        source="git diff 1a2b3c4...HEAD",
        base_sha="1a2b3c4",
    )
    report = run(files, change, interactions=[interaction("a", "app/*.py")])
    (a,) = report.interactions
    assert a.patch is not None and a.patch.missing_branches == {"app/a.py": ["3->9"]}
    assert report.patch is not None and report.patch.base_sha == "1a2b3c4"


def test_one_changed_item_is_worded_in_the_singular_and_the_percentages_are_exact() -> None:
    files = [cov("app/a.py", range(1, 11), range(1, 10), {5: LineBranches(2, 1, ("7",))})]
    cfg = {"defaults": {"threshold": {"branch": None},
                        "patch_threshold": {"line": 95, "branch": 95}}}  # fmt: skip
    (a,) = run(files, diff(app__a_py=[5, 10]), **cfg).interactions
    p = a.patch
    assert p is not None and (p.line_percent, p.branch_percent) == (50.0, 50.0)
    assert patch_failures(p) == [
        "1 of 2 changed statements covered (50.0%), below 95%",
        "1 of 2 changed branches covered (50.0%), below 95%",
    ]
    assert patch_to_pass(p) == ["1 more changed statement", "1 more changed branch"]
    (b,) = run(files, diff(app__a_py=[10]), **cfg).interactions
    assert b.patch is not None and patch_failures(b.patch) == [
        "0 of 1 changed statement covered (0.0%), below 95%"
    ]


def test_the_config_names_a_bad_patch_threshold_or_ratchet_by_its_key() -> None:
    from gate.errors import ConfigError

    bad = interaction("a", "app/a.py", patch_threshold={"lines": 3})
    data = {"version": 1, "defaults": {"patch_threshold": {"line": 120}, "ratchet": "maybe"},
            "interactions": [bad]}  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        config_from_data(data, "gate.yml")
    message = str(caught.value)
    assert "defaults.patch_threshold.line: expected `float` <= 100.0" in message
    assert "defaults.ratchet: expected `bool`, got `str`" in message
    assert "interactions[0].patch_threshold.lines: unknown key" in message


# --- annotations on the check run ----------------------------------------------------------


def test_annotations_go_on_uncovered_changed_lines_only_when_the_change_is_known() -> None:
    from gate.github.content import uncovered_annotations

    files = [cov("app/a.py", range(1, 21), range(1, 11)), cov("app/new.py", range(1, 4), range(0))]
    whole = run(files, None, unmapped={"paths": ["app/*.py"]})
    assert [(a.path, a.start_line, a.end_line) for a in uncovered_annotations(whole)] == [
        ("app/a.py", 11, 20)
    ]
    change = diff(app__a_py=[5, 12, 13, 19], app__new_py=[2])
    report = run(files, change, unmapped={"paths": ["app/*.py"]})
    found = [(a.path, a.start_line, a.end_line, a.message) for a in uncovered_annotations(report)]
    assert found == [
        (
            "app/a.py",
            12,
            13,
            "Changed lines 12-13 not covered by the tests (a: REQUIRES ATTENTION).",
        ),
        ("app/a.py", 19, 19, "Changed line 19 not covered by the tests (a: REQUIRES ATTENTION)."),
        (
            "app/new.py",
            2,
            2,
            "Changed line 2 not covered by the tests (claimed by no interaction).",
        ),
    ]
