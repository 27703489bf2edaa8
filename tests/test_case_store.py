"""The compact store of test cases (gate.core.case_store): it gives back exactly the
cases it was given, merges by identity exactly as a dictionary by node id would, and
takes a fraction of the memory of keeping the cases as objects."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable, Sized
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gate.core.case_store import CaseStore, Picked
from gate.core.model import Outcome, TestCase
from gate.core.paths import PathResolver
from gate.core.patterns import CaseIndex, TestSelector
from gate.readers import read_tests

# Ids chosen to meet: repeats, ids with and without `::`, a `::` inside a parameter,
# an empty name, and real ids that look like the `id #2` a repeat is told apart by.
IDS = ["a.py::t", "a.py::t #2", "a.py::t #2 #2", "a.py::T::t[x::y]", "noid", "", "a.py::"]
PROFILE = settings(max_examples=300, derandomize=True, deadline=None, database=None)
case_st = st.builds(
    TestCase,
    nodeid=st.sampled_from(IDS),
    file=st.sampled_from([None, "a.py", "b.py"]),
    outcome=st.sampled_from(list(Outcome)),
    message=st.sampled_from(["", "boom"]),
    duration=st.sampled_from([None, 0.5]),
)
reports_st = st.lists(st.lists(case_st, max_size=8), max_size=4)


def merged_by_dict(reports: list[list[TestCase]]) -> dict[str, TestCase]:
    """The merge rule written plainly, as read_tests once did it: one entry per
    identity, the last outcome wins; a repeat within one report is `id #k`."""
    cases: dict[str, TestCase] = {}
    for report in reports:
        repeats: dict[str, int] = {}
        for case in report:
            key = case.nodeid
            earlier = cases.get(key)
            if earlier is not None:
                if earlier.report == case.report:
                    repeats[key] = repeats.get(key, 1) + 1
                    key = f"{key} #{repeats[key]}"
                cases.pop(key, None)
            cases[key] = case
    return cases


def stored(reports: list[list[TestCase]]) -> CaseStore:
    store = CaseStore()
    for case in (c for report in reports for c in report):
        store.add(case)
    store.seal()
    return store


def with_reports(reports: list[list[TestCase]]) -> list[list[TestCase]]:
    return [
        [TestCase(c.nodeid, c.file, c.outcome, c.message, f"r{n}.xml", c.duration) for c in r]
        for n, r in enumerate(reports)
    ]


@PROFILE
@given(reports_st)
def test_the_store_merges_exactly_as_a_dictionary_by_node_id(
    reports: list[list[TestCase]],
) -> None:
    reports = with_reports(reports)
    assert list(stored(reports).items()) == list(merged_by_dict(reports).items())


def test_a_rerun_in_a_later_report_replaces_and_moves_to_the_end() -> None:
    first = [TestCase("a.py::t", "a.py", Outcome.FAILED, "boom", "1.xml"),
             TestCase("a.py::u", "a.py", Outcome.PASSED, "", "1.xml")]  # fmt: skip
    rerun = [TestCase("a.py::t", "a.py", Outcome.PASSED, "", "2.xml")]
    store = stored([first, rerun])
    assert list(store) == ["a.py::u", "a.py::t"]
    assert store["a.py::t"].outcome is Outcome.PASSED and len(store) == 2


def test_a_repeat_within_one_report_is_a_second_test() -> None:
    twice = [TestCase("a.py::t", None, Outcome.PASSED, "", "1.xml")] * 2
    store = stored([twice])
    assert list(store) == ["a.py::t", "a.py::t #2"]
    assert [c.nodeid for c in store.values()] == ["a.py::t", "a.py::t"]


def test_a_real_id_that_looks_like_a_repeat_is_replaced_as_a_dictionary_would() -> None:
    cases = [TestCase("a.py::t #2", None, Outcome.FAILED, "real", "1.xml"),
             TestCase("a.py::t", None, Outcome.PASSED, "", "1.xml"),
             TestCase("a.py::t", None, Outcome.PASSED, "", "1.xml")]  # fmt: skip
    assert list(stored([cases]).items()) == list(merged_by_dict([cases]).items())
    assert len(stored([cases])) == 2


def test_every_case_comes_back_as_given_across_chunks() -> None:
    """Plain cases are rebuilt from their parts; cases carrying more (a message, a
    duration, a failure text or output alone) are kept whole. Past 4,096 cases the
    names go into a second chunk."""
    cases = [
        TestCase(f"tests/t{n % 7}.py::C{n % 3}::test_{n}[p::{n}]", f"tests/t{n % 7}.py",
                 list(Outcome)[n % 4], "m" if n % 5 == 0 else "", "j.xml",
                 0.25 if n % 11 == 0 else None)
        for n in range(10_000)
    ]  # fmt: skip
    cases.append(TestCase("tests/t.py::details", "tests/t.py", Outcome.FAILED, details="Trace"))
    cases.append(TestCase("tests/t.py::output", "tests/t.py", Outcome.PASSED, output="out"))
    store = stored([cases])
    assert list(store.values()) == cases
    assert [store[c.nodeid] for c in cases[::997]] == cases[::997]
    assert "tests/t0.py::C0::test_0[p::0]" in store and "nope" not in store


def test_a_new_store_is_an_empty_mapping() -> None:
    assert len(CaseStore()) == 0 and list(CaseStore()) == []


def test_of_keeps_every_case_in_order_without_merging() -> None:
    """Not even a later report's case replaces an earlier one of the same id."""
    cases = [TestCase("a.py::t", None, Outcome.PASSED, "", "1.xml")] * 3
    cases += [TestCase("a.py::t", None, Outcome.FAILED, "", "2.xml")]
    store = CaseStore.of(cases)
    assert list(store.values()) == cases and len(store) == 4
    assert list(store) == ["a.py::t"] * 4


def test_a_sealed_store_takes_no_more_cases() -> None:
    store = CaseStore.of([])
    with pytest.raises(RuntimeError, match=r"^CaseStore\.add after seal$"):
        store.add(TestCase("a.py::t", None, Outcome.PASSED))
    with pytest.raises(RuntimeError, match=r"^CaseStore\.adder after seal$"):
        store.adder()


def test_a_reports_repeats_are_counted_across_another_report_added_between() -> None:
    """Within one report a repeat is `id #k`, however its cases and another report's
    were interleaved when added: the third `t` of 1.xml is `t #3`, it replaces nothing."""
    cases = [TestCase("a.py::t", None, Outcome.PASSED, "", "1.xml"),
             TestCase("a.py::t", None, Outcome.FAILED, "", "1.xml"),
             TestCase("b.py::u", None, Outcome.PASSED, "", "2.xml"),
             TestCase("a.py::t", None, Outcome.SKIPPED, "", "1.xml")]  # fmt: skip
    store = stored([cases])
    assert list(store) == ["a.py::t", "a.py::t #2", "b.py::u", "a.py::t #3"]
    assert list(store.values()) == cases


def test_by_subject_gives_a_class_of_one_file_and_report_as_one_run_in_order() -> None:
    """The cases that share their id up to its last `::` (a class's), their file and
    their report come together, by their file, else their id's file part; an id with
    neither a `::` nor a file is a subject of its own."""
    cases = [TestCase("a.py::T::t1", None, Outcome.PASSED, report="j.xml"),
             TestCase("a.py::T::u2", None, Outcome.PASSED, report="j.xml"),
             TestCase("a.py::U::t", None, Outcome.PASSED, report="j.xml"),
             TestCase("c1", "c.py", Outcome.PASSED, report="j.xml"),
             TestCase("d1", "c.py", Outcome.PASSED, report="j.xml"),
             TestCase("c2", "c.py", Outcome.PASSED, report="j.xml"),
             TestCase("e", None, Outcome.PASSED, report="j.xml"),
             TestCase("f", None, Outcome.PASSED, report="j.xml")]  # fmt: skip
    subjects = [(subject, list(numbers)) for subject, numbers in CaseStore.of(cases).by_subject()]
    assert subjects == [
        ("a.py", [0, 1]),
        ("a.py", [2]),
        ("c.py", [3, 4, 5]),
        ("e", [6]),
        ("f", [7]),
    ]


def test_a_cases_head_is_its_id_before_the_first_double_colon(tmp_path: Path) -> None:
    """However the case was stored: whole (its prefix holds the head), or in parts by
    the JUnit reader with its whole id as its name (no classname: the prefix is empty)."""
    ids = ["a.py::T::t[x::y]", "aXX::XX::t", "noid", "", "a.py::"]
    store = CaseStore.of([TestCase(i, None, Outcome.PASSED) for i in ids])
    assert [store.head(n) for n in store.numbers()] == [i.split("::")[0] for i in ids]
    path = tmp_path / "junit.xml"
    path.write_text('<testsuite><testcase name="tests/x.py::test_a"/></testsuite>', "utf-8")
    read = read_tests([path], PathResolver(tmp_path), details=False).cases
    assert [read.head(n) for n in read.numbers()] == ["tests/x.py"]
    index = CaseIndex(read)
    for pattern in ("tests/x.py", "tests/x.py::test_a"):
        assert TestSelector([pattern]).pick(index) == list(read.values()), pattern


def test_picked_cases_read_like_a_list_of_them() -> None:
    cases = [TestCase(f"a.py::t{n}", "a.py", list(Outcome)[n % 4], report="j.xml")
             for n in range(6)]  # fmt: skip
    picked = TestSelector(["a.py"]).pick(CaseIndex(CaseStore.of(cases)))
    assert isinstance(picked, Picked)
    assert picked == cases and list(picked) == cases and len(picked) == 6
    assert picked[1] == cases[1] and picked[2:4] == cases[2:4]
    assert list(picked.outcomes()) == [c.outcome for c in cases]
    assert list(picked.nodeids) == [c.nodeid for c in cases]
    assert picked.nodeids[-1] == "a.py::t5" and picked.nodeids[:2] == ["a.py::t0", "a.py::t1"]
    assert picked != cases[:5]


def _junit(path: Path, count: int) -> None:
    rows = (
        f'<testcase classname="tests.http.test_m{n // 20:04d}.TestM" name="test_case_{n}[p-{n}]"'
        ' time="0.5"/>'
        for n in range(count)
    )
    path.write_text(f'<testsuite name="s">{"".join(rows)}</testsuite>', encoding="utf-8")


def _retained(build: Callable[[], Sized]) -> tuple[int, int]:
    """(bytes still held once `build` returned, the length of what it built)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        built = build()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before, len(built)
    finally:
        tracemalloc.stop()


def test_read_tests_keeps_a_passing_test_in_a_few_dozen_bytes(tmp_path: Path) -> None:
    """100,000 passing tests, ids of about 50 characters: as node-id strings, records
    and a dictionary they took about 220 bytes each; stored, their names and 9 bytes."""
    path = tmp_path / "junit.xml"
    _junit(path, 100_000)
    kept, count = _retained(lambda: read_tests([path], PathResolver(tmp_path), details=False).cases)
    assert count == 100_000
    assert kept / count < 50, f"{kept / count:.0f} bytes a test"


def test_a_plain_case_added_whole_is_kept_in_parts() -> None:
    cases = [TestCase(f"tests/t.py::TestM::test_case_{n}[p-{n}]", "tests/t.py", Outcome.PASSED,
                      report="j.xml") for n in range(100_000)]  # fmt: skip
    kept, count = _retained(lambda: stored([cases]))
    assert count == 100_000
    assert kept / count < 50, f"{kept / count:.0f} bytes a test"
