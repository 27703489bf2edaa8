"""What the readers produce (gate/core/model.py): how two observations of the same
file or line merge, never double-counting and never depending on their order."""

from __future__ import annotations

import pytest

from gate.core.model import FileCoverage, LineBranches, merge_files


def merged(a: LineBranches, b: LineBranches) -> LineBranches:
    """`a` merged with `b`, checked to be the same the other way round."""
    result = a.merged(b)
    assert b.merged(a) == result
    return result


def test_a_destination_is_missing_only_if_missing_from_both() -> None:
    a = LineBranches(3, 1, ("9", "exit"))
    b = LineBranches(3, 1, ("exit", "10"))
    assert merged(a, b) == LineBranches(3, 2, ("exit",))


def test_missing_destinations_sort_as_lines_then_names() -> None:
    a = LineBranches(6, 0, ("exit", "10", "9", "-3", "x", "2"))
    assert merged(a, a).missing == ("-3", "2", "9", "10", "exit", "x")


@pytest.mark.parametrize(
    ("ours", "theirs"), [("exit", "91"), ("-1", "91"), ("91", "exit"), ("-2", "exit")]
)
def test_line_numbers_and_exits_are_comparable_destinations(ours: str, theirs: str) -> None:
    # Each shard missed a different one of two branches: together they took both.
    assert merged(LineBranches(2, 1, (ours,)), LineBranches(2, 1, (theirs,))).covered == 2


@pytest.mark.parametrize(("ours", "theirs"), [("#0/1", "91"), ("X5", "91"), ("exit", "#0/1")])
def test_arm_ids_and_destinations_merge_by_the_best_count(ours: str, theirs: str) -> None:
    # Intersecting incomparable names would find every branch covered.
    assert merged(LineBranches(2, 1, (ours,)), LineBranches(2, 1, (theirs,))).covered == 1


def test_by_count_the_better_side_keeps_its_missing_names() -> None:
    better, worse = LineBranches(2, 1, ("exit",)), LineBranches(2, 0, ("#0/1", "#0/2"))
    assert merged(better, worse) == better


def test_on_a_tie_the_side_that_names_its_missing_branches_wins() -> None:
    named, counted = LineBranches(2, 1, ("exit",)), LineBranches(2, 1)
    assert merged(named, counted) == named


def test_counts_beyond_the_larger_total_are_capped() -> None:
    assert merged(LineBranches(2, 2), LineBranches(4, 1)) == LineBranches(4, 2)


def cov(statements: set[int], executed: set[int], branches: object = None) -> FileCoverage:
    return FileCoverage("a.py", frozenset(statements), frozenset(executed), branches)  # type: ignore[arg-type]


def test_two_observations_of_a_file_merge_into_their_union() -> None:
    one, two = cov({1, 2}, {1}), cov({2, 3}, {3})
    assert merge_files([one, two]) == {"a.py": cov({1, 2, 3}, {1, 3})}


def test_branch_data_from_either_observation_is_kept() -> None:
    with_data = cov({1}, {1}, {1: LineBranches(2, 1)})
    without = cov({1}, {1})
    assert with_data.merged(without).branches == {1: LineBranches(2, 1)}
    assert without.merged(with_data).branches == {1: LineBranches(2, 1)}
    assert without.merged(without).branches is None  # no data is not "0 branches"
