"""gate.core.scope on hand-built context indexes: which contexts count, how facts become
lines and branches, and the cross-checks. (End to end against coverage.py: test_scope.py.)"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence

import pytest

from gate.config.schema import Scope
from gate.core.evaluate import file_summary, measure
from gate.core.identity import context_nodeid
from gate.core.model import (
    ContextIndex,
    CoverageData,
    FileContexts,
    FileCoverage,
    InputFile,
    LineBranches,
    Outcome,
    TestCase,
)
from gate.core.scope import (
    evidence_contexts,
    evidence_scope,
    file_coverage,
    interaction_coverage,
    require_contexts,
)
from gate.errors import InputError
from gate.records import replace


def contexts_file(
    path: str,
    statements: Sequence[int],
    records: Sequence[Sequence[int]],
    runs: Mapping[int, Sequence[int]],
    *,
    exits: Mapping[int, int] | None = None,
    arcs: Sequence[tuple[int, int]] = (),
) -> FileContexts:
    """A FileContexts from readable parts: `records[r]` are the facts of record r
    (line numbers; `-(i + 1)` for `arcs[i]` taken); `runs[c]` the records context c ran."""
    fact_offsets, fact_values = array("I", [0]), array("i")
    for facts in records:
        fact_values.extend(facts)
        fact_offsets.append(len(fact_values))
    ids, offsets, record_ids = array("I"), array("I", [0]), array("I")
    for context in sorted(runs):
        ids.append(context)
        record_ids.extend(runs[context])
        offsets.append(len(record_ids))
    return FileContexts(
        path=path,
        statements=frozenset(statements),
        branch_exits=exits,
        branch_arcs=tuple(arcs),
        context_ids=ids.tobytes(),
        record_offsets=offsets.tobytes(),
        record_ids=record_ids.tobytes(),
        fact_offsets=fact_offsets.tobytes(),
        fact_values=fact_values.tobytes(),
    )


NAMES = (
    "",
    "tests/test_client.py::test_get|run",
    "tests/test_client.py::test_post|run",
    "tests/test_other.py::test_x|setup",
    "tests/test_other.py::test_x|run",
)
# m.py: 1 def (import), 2 if (branch to 3 or 5), 3 return, 5 return; 9 never runs.
CLIENT = contexts_file(
    "app/client.py",
    statements=(1, 2, 3, 5, 9),
    records=[(1,), (2, 3, -1), (2, 5, -2)],
    runs={0: [0], 1: [1], 3: [2], 4: [1]},
    exits={2: 2},
    arcs=((2, 3), (2, 5)),
)
HELPER = contexts_file(
    "app/helper.py", statements=(1, 2), records=[(1,), (2,)], runs={0: [0], 4: [1]}
)
INDEX = ContextIndex(
    names=NAMES,
    nodeids=tuple(context_nodeid(n) for n in NAMES),
    files={"app/client.py": CLIENT, "app/helper.py": HELPER},
)


def case(nodeid: str, outcome: Outcome = Outcome.PASSED) -> TestCase:
    return TestCase(nodeid=nodeid, file=nodeid.split("::")[0], outcome=outcome)


def test_every_context_is_the_all_tests_view() -> None:
    f = file_coverage(CLIENT)
    assert f.executed == {1, 2, 3, 5}
    assert f.branches == {2: LineBranches(2, 2)}
    assert f.missing == [9]


def test_only_the_given_contexts_count() -> None:
    f = file_coverage(CLIENT, {0, 1})
    assert f.executed == {1, 2, 3}
    assert f.branches == {2: LineBranches(2, 1, ("5",))}
    imports_only = file_coverage(CLIENT, {0})
    assert imports_only.executed == {1} and imports_only.branches == {
        2: LineBranches(2, 0, ("3", "5"))
    }


def test_statements_that_are_no_statement_any_more_never_count() -> None:
    """A fact outside the statements (a line since excluded) is ignored, as
    coverage.py intersects executed lines with statements."""
    f = contexts_file("m.py", statements=(1,), records=[(1, 7)], runs={0: [0]})
    scoped = file_coverage(f)
    assert file_summary(scoped).covered_statements == 1
    assert measure([scoped]).covered == 1 and measure([scoped]).statements == 1


def test_exits_are_named_exit() -> None:
    f = contexts_file(
        "m.py",
        statements=(1, 2),
        records=[(1, 2)],
        runs={0: [0]},
        exits={2: 2},
        arcs=((2, -1), (2, 3)),
    )
    assert file_coverage(f).branches == {2: LineBranches(2, 0, ("exit", "3"))}


def test_a_branch_back_to_line_1_is_named_1_not_exit() -> None:
    """Line 1 is a line like any other: a loop at the top of a file branches back to it."""
    f = contexts_file(
        "m.py",
        statements=(1, 2, 3),
        records=[(1, 2, 3)],
        runs={0: [0]},
        exits={2: 2},
        arcs=((2, 1), (2, 3)),
    )
    assert file_coverage(f).branches == {2: LineBranches(2, 0, ("1", "3"))}


def test_line_data_without_branches() -> None:
    assert file_coverage(HELPER).branches is None


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (["tests/test_client.py"], {0, 1, 2}),
        (["tests/test_client.py::test_get"], {0, 1}),
        (["tests/test_*.py"], {0, 1, 2, 3, 4}),
        (["tests/test_other.py::test_x"], {0, 3, 4}),  # every phase of the test
        ([], {0}),  # imports count for everyone
    ],
)
def test_which_contexts_count(patterns: list[str], expected: set[int]) -> None:
    assert evidence_contexts(INDEX, patterns) == expected


def test_scoped_files_gaps_and_notes() -> None:
    scoped = evidence_scope(
        INDEX,
        ["app/client.py", "app/helper.py"],
        ["tests/test_client.py::test_get"],
        [case("tests/test_client.py::test_get")],
        {},
    )
    by_path = {f.path: f for f in scoped.files}
    assert by_path["app/client.py"].executed == {1, 2, 3}
    assert by_path["app/helper.py"].executed == {1}
    assert scoped.gaps == []
    assert scoped.notes == [
        "run only by tests that are not its evidence: app/client.py line 5 "
        "(by tests/test_other.py::test_x)",
        "run only by tests that are not its evidence: app/helper.py line 2 "
        "(by tests/test_other.py::test_x)",
    ]


# lazy.py: 1 import, 2 `if` at module level (branch to 3 or 5), 3 and 5 assignments,
# 7 def, 8 a line of the function's body. Imported by another test (context 4),
# so lines 1-5 and 7 landed there; the evidence (context 1) only called the function.
LAZY = contexts_file(
    "app/lazy.py",
    statements=(1, 2, 3, 5, 7, 8),
    records=[(1, 2, 3, 7, -1), (8,), (8,)],
    runs={1: [1], 4: [0, 2]},
    exits={2: 2},
    arcs=((2, 3), (2, 5)),
)


def test_import_time_lines_count_under_any_context() -> None:
    """Module-level lines and the branches leaving them count whichever test
    imported the module; a function's body only under the evidence."""
    lazy = replace(LAZY, import_lines=frozenset({1, 2, 3, 5, 7}))
    index = ContextIndex(NAMES, tuple(map(context_nodeid, NAMES)), {"app/lazy.py": lazy})
    scoped = evidence_scope(index, ["app/lazy.py"], ["tests/test_client.py::test_get"], [], {})
    (f,) = scoped.files
    assert f.executed == {1, 2, 3, 7, 8}
    assert f.branches == {2: LineBranches(2, 1, ("5",))}  # as every context took it
    assert scoped.notes == []
    other = evidence_scope(index, ["app/lazy.py"], ["tests/test_client.py::test_post"], [], {})
    assert other.files[0].executed == {1, 2, 3, 7}  # test_post never called the function
    assert other.notes == [
        "run only by tests that are not its evidence: app/lazy.py line 8 "
        "(by tests/test_client.py::test_get, tests/test_other.py::test_x)"
    ]


def test_without_import_lines_the_same_data_counts_only_the_evidence() -> None:
    index = ContextIndex(NAMES, tuple(map(context_nodeid, NAMES)), {"app/lazy.py": LAZY})
    scoped = evidence_scope(index, ["app/lazy.py"], ["tests/test_client.py::test_get"], [], {})
    assert scoped.files[0].executed == {8}
    assert scoped.files[0].branches == {2: LineBranches(2, 0, ("3", "5"))}


def test_notes_name_three_tests_then_count_and_lead_with_their_meaning() -> None:
    names = ("", *(f"tests/test_{k}.py::test_it|run" for k in range(6)))
    f = contexts_file(
        "app/" + "deep/" * 30 + "m.py",
        statements=range(1, 200),
        records=[tuple(range(1, 200, 2))],
        runs={k: [0] for k in range(2, 7)},
    )
    index = ContextIndex(names, tuple(map(context_nodeid, names)), {f.path: f})
    (note,) = evidence_scope(index, [f.path], ["tests/test_0.py"], [], {}).notes
    assert note.startswith("run only by tests that are not its evidence: app/deep/")
    assert "1, 3, 5, 7, 9, 11, 13, 15, …" in note
    assert note.endswith("(by tests/test_1.py::test_it, tests/test_2.py::test_it, "
                         "tests/test_3.py::test_it and 2 more)")  # fmt: skip


def note_of(tests: int, lines: Sequence[int]) -> str:
    """The note on `lines`, each run by `tests` tests that are not the evidence."""
    names = (
        "",
        "tests/test_ev.py::test_e|run",
        *(f"tests/test_{k}.py::t|run" for k in range(tests)),
    )
    runs = {k: [0] for k in range(2, 2 + tests)}
    f = contexts_file("m.py", statements=range(1, 100), records=[tuple(lines)], runs=runs)
    index = ContextIndex(names, tuple(map(context_nodeid, names)), {f.path: f})
    (note,) = evidence_scope(index, [f.path], ["tests/test_ev.py"], [], {}).notes
    return note


def test_a_note_names_exactly_three_tests_without_and_0_more() -> None:
    note = note_of(3, [5])
    assert note.endswith("(by tests/test_0.py::t, tests/test_1.py::t, tests/test_2.py::t)")


def test_a_note_shows_exactly_eight_line_ranges_without_an_ellipsis() -> None:
    eight = [1, 3, 5, 7, 9, 11, 13, 15]
    assert "lines 1, 3, 5, 7, 9, 11, 13, 15 (by" in note_of(1, eight)
    assert "lines 1, 3, 5, 7, 9, 11, 13, 15, … (by" in note_of(1, [*eight, 17])


def test_a_test_ran_here_when_any_of_its_phases_did() -> None:
    """Its setup ran the file, its call ran nothing here: not mislabelled."""
    names = ("", "tests/test_a.py::test_x|setup", "tests/test_a.py::test_x|run")
    f = contexts_file("m.py", statements=(1,), records=[(1,)], runs={1: [0]})
    index = ContextIndex(names, tuple(map(context_nodeid, names)), {f.path: f})
    assert evidence_scope(index, [f.path], ["tests/test_a.py"], [], {}).gaps == []


def test_evidence_that_ran_nothing_here_is_a_gap_skipped_tests_are_not() -> None:
    scoped = evidence_scope(
        INDEX,
        ["app/helper.py"],
        ["tests/test_client.py", "tests/test_gone.py"],
        [
            case("tests/test_client.py::test_get"),
            case("tests/test_gone.py::test_a"),  # in the JUnit results, no context at all
            case("tests/test_gone.py::test_b", Outcome.SKIPPED),
        ],
        {},
    )
    assert scoped.gaps == [
        f"evidence test {nodeid} ran none of this interaction's code (mislabelled evidence?)"
        for nodeid in (
            "tests/test_client.py::test_get",
            "tests/test_client.py::test_post",
            "tests/test_gone.py::test_a",
        )
    ]


def test_a_file_measured_only_without_contexts_counts_as_not_run() -> None:
    xml_only = FileCoverage(
        "app/new.py", frozenset({1, 2}), frozenset({1, 2}), {2: LineBranches(2, 2)}
    )
    scoped = evidence_scope(
        INDEX, ["app/new.py"], ["tests/test_client.py"], [], {"app/new.py": xml_only}
    )
    assert scoped.files == [
        FileCoverage("app/new.py", frozenset({1, 2}), frozenset(), {2: LineBranches(2, 0)})
    ]
    assert "app/new.py: not in the coverage.py data with per-test contexts" in scoped.gaps

    lines_only = FileCoverage("app/new.py", frozenset({1}), frozenset({1}))
    (not_run,) = evidence_scope(
        INDEX, ["app/new.py"], ["tests/test_client.py"], [], {"app/new.py": lines_only}
    ).files
    assert not_run.branches is None  # still no branch data, not "0 branches"
    # A file without contexts does not stop the files after it from being counted.
    both = evidence_scope(
        INDEX, ["app/new.py", "app/client.py"], ["tests/test_client.py"], [],
        {"app/new.py": lines_only},
    )  # fmt: skip
    assert [f.path for f in both.files] == ["app/new.py", "app/client.py"]


class _It:
    """The parts of an Interaction that scoping reads."""

    def __init__(self, scope: Scope, evidence: Sequence[str] = (), id: str = "client") -> None:
        self.id = id
        self.coverage_scope = scope
        self.evidence = tuple(evidence)


def test_scope_all_takes_the_merged_reports() -> None:
    merged = {"app/client.py": file_coverage(CLIENT)}
    scoped = interaction_coverage(
        _It(Scope.ALL), ["app/client.py", "app/gone.py"], merged, None, []
    )  # type: ignore[arg-type]
    assert scoped.files == [merged["app/client.py"]] and scoped.gaps == scoped.notes == []


def test_evidence_scope_never_falls_back_silently() -> None:
    with pytest.raises(InputError, match="per-test contexts"):
        interaction_coverage(_It(Scope.EVIDENCE, ["tests/x.py"]), ["a.py"], {}, None, [])  # type: ignore[arg-type]
    no_tests = ContextIndex(names=("",), nodeids=("",), files={})
    with pytest.raises(InputError) as info:
        evidence_scope(no_tests, ["a.py"], ["tests/x.py"], [], {})
    # What is missing, then how to record it.
    assert info.value.message == "coverage_scope: evidence needs per-test contexts"
    assert info.value.hint is not None and "--cov-context=test" in info.value.hint


def test_require_contexts_names_the_interactions_and_the_inputs() -> None:
    its = [_It(Scope.EVIDENCE), _It(Scope.ALL)]
    xml = CoverageData(files={}, inputs=(InputFile("coverage.xml", "0" * 64, "cobertura"),))
    with pytest.raises(
        InputError, match=r"interaction client\) needs a coverage\.py data file"
    ) as info:
        require_contexts(its, xml)  # type: ignore[arg-type]
    assert "cobertura" in str(info.value) and "--cov-context=test" in str(info.value)
    data = CoverageData(
        files={},
        inputs=(InputFile("shards/1/.coverage.1", "0" * 64, "coveragepy-data"),),
        contexts=ContextIndex(names=("",), nodeids=("",), files={}),
    )
    with pytest.raises(InputError, match=r"shards/1/\.coverage\.1 recorded none"):
        require_contexts(its, data)  # type: ignore[arg-type]
    require_contexts([_It(Scope.ALL)], xml)  # type: ignore[arg-type]  # nothing asked: fine


def test_require_contexts_lists_every_interaction_and_input_or_says_none() -> None:
    its = [_It(Scope.EVIDENCE, id="a"), _It(Scope.EVIDENCE, id="b")]
    who = "coverage_scope: evidence (interactions a, b)"
    two = CoverageData(
        files={},
        inputs=(
            InputFile("lcov.info", "0" * 64, "lcov"),
            InputFile("coverage.xml", "0" * 64, "cobertura"),
        ),
    )
    for data, given in ((two, "cobertura, lcov"), (CoverageData(files={}, inputs=()), "none")):
        with pytest.raises(InputError) as info:
            require_contexts(its, data)  # type: ignore[arg-type]
        assert info.value.message == (
            f"{who} needs a coverage.py data file recorded with per-test contexts; "
            f"the coverage inputs are {given}, which do not say which test ran what"
        )
    shards = CoverageData(
        files={},
        inputs=tuple(InputFile(f"{k}/.coverage", "0" * 64, "coveragepy-data") for k in (1, 2)),
        contexts=ContextIndex(names=("",), nodeids=("",), files={}),
    )
    with pytest.raises(InputError) as info:
        require_contexts(its, shards)  # type: ignore[arg-type]
    assert (
        info.value.message
        == f"{who} needs per-test contexts, but 1/.coverage, 2/.coverage recorded none"
    )
    assert info.value.hint is not None and "--cov-context=test" in info.value.hint


def test_evidence_scope_counts_a_file_measured_without_contexts_as_not_run() -> None:
    """Through interaction_coverage: the merged reports say which files exist."""
    xml_only = FileCoverage("app/new.py", frozenset({1}), frozenset({1}))
    it = _It(Scope.EVIDENCE, ["tests/test_client.py"])
    scoped = interaction_coverage(it, ["app/new.py"], {"app/new.py": xml_only}, INDEX, [])  # type: ignore[arg-type]
    assert scoped.files == [FileCoverage("app/new.py", frozenset({1}), frozenset())]
    assert "app/new.py: not in the coverage.py data with per-test contexts" in scoped.gaps


@pytest.mark.parametrize(
    ("context", "nodeid"),
    [
        # coverage.py's own `dynamic_context = test_function`: the test's qualified name
        (
            "tests.integration.test_payments.TestCharge.test_created",
            "tests/integration/test_payments.py::TestCharge::test_created",
        ),
        ("tests.unit.test_retry.test_first_try", "tests/unit/test_retry.py::test_first_try"),
        ("test_mod.test_a", "test_mod.py::test_a"),
        # pytest-cov's `--cov-context=test`
        ("tests/x.py::TestY::test_z[a.b]|run", "tests/x.py::TestY::test_z[a.b]"),
        ("", ""),
    ],
)
def test_context_names_of_both_recorders(context: str, nodeid: str) -> None:
    assert context_nodeid(context) == nodeid
