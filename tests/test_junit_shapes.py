"""The rarer shapes of JUnit results, each against the rule docs/numbers.md states:

- a test case's outcome is the worst of its `<error>`, `<failure>` and `<skipped>`
  elements (error > failure > skipped), whatever their order, and its message is
  the worst element's;
- without one it passed, unless `status` or `result` says notrun, skipped, disabled
  or suppressed;
- across JUnit files the same test is the same test seen again: its last outcome
  counts (README.md, "a test counts by its last outcome");
- the pass rate is passed / (passed + failed + errors): an errored test counts
  against it, a skipped one does not.

The pytest shape (a failing test whose teardown errors too) is written by a real
pytest run; the others are the shapes their writers produce, written out here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from support.reports import evaluate

from gate.config.load import config_from_data
from gate.core.evaluate import Evaluation
from gate.core.model import FileCoverage, InputFile, Outcome
from gate.core.paths import MAX_PATH, PathResolver
from gate.core.patterns import TestSelector
from gate.core.report import InteractionResult
from gate.errors import InputError
from gate.readers import read_tests
from gate.readers.junit import MAX_NAME, JunitStats, read_junit

TEARDOWN_PROJECT = """\
import pytest

@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("teardown broke")

def test_fails_then_teardown_errors(broken_teardown):
    assert 1 == 2, "the test itself failed"

def test_passes_then_teardown_errors(broken_teardown):
    pass

@pytest.mark.skip(reason="not today")
def test_skipped():
    pass

def test_passes():
    pass
"""


@pytest.fixture(scope="module")
def pytest_junit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """junit.xml from a real pytest run of TEARDOWN_PROJECT (xunit2, pytest's default)."""
    root = tmp_path_factory.mktemp("teardown")
    (root / "test_shapes.py").write_text(TEARDOWN_PROJECT)
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
         "--junitxml=junit.xml", "test_shapes.py"],
        cwd=root, capture_output=True, timeout=120,
    )  # fmt: skip
    return root / "junit.xml"


def outcomes(*paths: Path) -> dict[str, tuple[Outcome, str]]:
    results = read_tests(list(paths), PathResolver(paths[0].parent))
    return {c.nodeid.split("::")[-1]: (c.outcome, c.message) for c in results.cases.values()}


def children(path: Path, name: str) -> list[str]:
    """The result elements pytest wrote for one test case, independently of gate."""
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.get("name") == name:
            return [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
    raise AssertionError(f"no test case {name} in {path}")


def test_a_failure_then_a_teardown_error_is_two_cases_neither_passing(pytest_junit: Path) -> None:
    """pytest writes a failed test whose teardown errors as two <testcase> elements of
    one name, the first with the <failure>, the second with the <error>. Within one
    file each counts, so the test counts once failed and once errored."""
    cases = ET.parse(pytest_junit).getroot().iter("testcase")
    twice = [c for c in cases if c.get("name") == "test_fails_then_teardown_errors"]
    assert [[child.tag for child in c] for c in twice] == [["failure"], ["error"]]
    results = read_tests([pytest_junit], PathResolver(pytest_junit.parent))
    seen = {k: c.outcome for k, c in results.cases.items() if "test_fails_then" in k}
    assert sorted(o.value for o in seen.values()) == ["error", "failed"]


def test_a_teardown_error_after_a_pass_is_an_error(pytest_junit: Path) -> None:
    assert children(pytest_junit, "test_passes_then_teardown_errors") == ["error"]
    by_name = outcomes(pytest_junit)
    assert by_name["test_passes_then_teardown_errors"][0] is Outcome.ERROR
    assert by_name["test_skipped"][0] is Outcome.SKIPPED
    assert by_name["test_passes"] == (Outcome.PASSED, "")


def write(tmp_path: Path, name: str, cases: str) -> Path:
    path = tmp_path / name
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites><testsuite name="shapes" tests="9">{cases}</testsuite></testsuites>\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("elements", "expected", "message"),
    [
        # in any order, the worst element decides and explains
        ('<skipped message="s"/><failure message="f"/>', Outcome.FAILED, "f"),
        ('<failure message="f"/><skipped message="s"/>', Outcome.FAILED, "f"),
        ('<error message="e"/><failure message="f"/>', Outcome.ERROR, "e"),
        ('<failure message="f"/><error message="e"/>', Outcome.ERROR, "e"),
        ('<skipped message="s"/><error message="e"/><failure message="f"/>', Outcome.ERROR, "e"),
        # two of the worst: the first one's message
        ('<failure message="first"/><failure message="second"/>', Outcome.FAILED, "first"),
    ],
)
def test_the_worst_result_element_wins(
    tmp_path: Path, elements: str, expected: Outcome, message: str
) -> None:
    path = write(
        tmp_path, "junit.xml", f'<testcase classname="t" name="case">{elements}</testcase>'
    )
    assert outcomes(path)["case"] == (expected, message)


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('status="disabled"', Outcome.SKIPPED),  # CTest
        ('status="Disabled"', Outcome.SKIPPED),
        ('status="notrun" result="suppressed"', Outcome.SKIPPED),  # GoogleTest DISABLED_
        ('status="run" result="skipped"', Outcome.SKIPPED),  # GoogleTest 1.10 GTEST_SKIP
        ('status="skipped"', Outcome.SKIPPED),
        ('status="run" result="completed"', Outcome.PASSED),  # GoogleTest
        ('status="passed"', Outcome.PASSED),
        ("", Outcome.PASSED),
    ],
)
def test_a_case_without_result_elements_is_judged_by_its_status(
    tmp_path: Path, attributes: str, expected: Outcome
) -> None:
    path = write(tmp_path, "junit.xml", f'<testcase classname="t" name="case" {attributes}/>')
    assert outcomes(path)["case"] == (expected, "")


def test_a_result_element_beats_a_status_attribute(tmp_path: Path) -> None:
    case = '<testcase classname="t" name="case" status="disabled"><failure message="f"/></testcase>'
    assert outcomes(write(tmp_path, "junit.xml", case))["case"] == (Outcome.FAILED, "f")


FAILED_RUN = '<testcase classname="t" name="flaky"><failure message="timeout"/></testcase>'
PASSED_RUN = '<testcase classname="t" name="flaky"/>'


def test_a_passing_rerun_in_a_later_file_makes_the_test_pass(tmp_path: Path) -> None:
    first = write(tmp_path, "junit-1.xml", FAILED_RUN)
    rerun = write(tmp_path, "junit-rerun.xml", PASSED_RUN)
    assert outcomes(first, rerun)["flaky"] == (Outcome.PASSED, "")
    assert len(read_tests([first, rerun], PathResolver(tmp_path)).cases) == 1


def test_a_failing_rerun_in_a_later_file_makes_the_test_fail(tmp_path: Path) -> None:
    """The order of the files given, not pass-beats-fail: the last outcome counts."""
    first = write(tmp_path, "junit-1.xml", PASSED_RUN)
    rerun = write(tmp_path, "junit-rerun.xml", FAILED_RUN)
    assert outcomes(first, rerun)["flaky"] == (Outcome.FAILED, "timeout")


def test_in_one_file_two_cases_of_one_name_both_count(tmp_path: Path) -> None:
    """Within a file, a repeated identity is another test (same title twice), not a rerun."""
    path = write(tmp_path, "junit.xml", FAILED_RUN + PASSED_RUN)
    results = read_tests([path], PathResolver(tmp_path))
    assert sorted(c.outcome.value for c in results.cases.values()) == ["failed", "passed"]


# --- the pass rate: errors count against it ------------------------------------------------


def evaluated(tmp_path: Path, cases: str) -> InteractionResult:
    """The interaction over a fully covered app/a.py, its evidence read from `cases`."""
    junit = write(tmp_path, "junit.xml", cases)
    tests = read_tests([junit], PathResolver(tmp_path))
    config = config_from_data(
        {"version": 1, "interactions": [
            {"id": "a", "name": "A", "direction": "outbound", "modules": ["app/a.py"],
             "evidence": ["tests/test_a.py"]}]},
        "signal-gate.yml",
    )  # fmt: skip
    lines = frozenset(range(1, 11))
    coverage = {"app/a.py": FileCoverage("app/a.py", lines, lines, {})}
    (a,) = evaluate(Evaluation(config, coverage, tests, dt.date(2026, 11, 29))).interactions
    return a


def case(name: str, body: str = "") -> str:
    return (
        f'<testcase classname="tests.test_a" name="{name}" file="tests/test_a.py">{body}</testcase>'
    )


def test_an_errored_test_counts_against_the_pass_rate_a_skipped_one_does_not(
    tmp_path: Path,
) -> None:
    cases = (
        case("test_1")
        + case("test_2")
        + case("test_3", '<error message="setup"/>')
        + case("test_4", '<skipped message="later"/>')
    )
    a = evaluated(tmp_path, cases)
    assert (a.tests.passed, a.tests.errors, a.tests.skipped, a.tests.total) == (2, 1, 1, 4)
    assert a.pass_rate == float(Fraction(2, 3))
    assert a.confidence == pytest.approx(100 * 2 / 3)
    assert "test tests/test_a.py::test_3 errored: setup" in a.gaps


def test_only_errors_is_a_pass_rate_of_zero(tmp_path: Path) -> None:
    a = evaluated(tmp_path, case("test_1", '<error message="e"/>'))
    assert a.pass_rate == 0 and a.confidence == 0


def test_a_file_named_twice_is_read_once(pytest_junit: Path) -> None:
    """Repeats are told apart by the file they come from: the same file given twice
    is the same results, not every test seen twice."""
    resolver = PathResolver(pytest_junit.parent)
    once = read_tests([pytest_junit], resolver)
    assert read_tests([pytest_junit, pytest_junit], resolver).cases == once.cases


# --- whole documents, as their writers produce them ---------------------------------------


def document(tmp_path: Path, text: str) -> Path:
    """`text` as the JUnit file junit.xml (unlike `write`, no suite around it)."""
    path = tmp_path / "junit.xml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    """The message the reader refuses `path` with."""
    with pytest.raises(InputError) as refused:
        read_tests([path], PathResolver(path.parent))
    return refused.value.message


# --- results outside any test case (docs/numbers.md: `<suite>::(suite-level failure)`) ----


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # named after the nearest enclosing suite that has a name
        ('<testsuites name="all"><testsuite name="pkg.Suite"><error message="setup failed"/>'
         '<testcase classname="pkg.Suite" name="ok"/></testsuite></testsuites>',
         [("pkg.Suite::(suite-level error)", Outcome.ERROR, "setup failed"),
          ("pkg.Suite::ok", Outcome.PASSED, "")]),
        ('<testsuites name="all"><testsuite name="outer"><testsuite name="inner">'
         '<failure message="x"/></testsuite></testsuite></testsuites>',
         [("inner::(suite-level failure)", Outcome.FAILED, "x")]),
        ('<testsuites name="all"><testsuite><failure message="x"/></testsuite></testsuites>',
         [("all::(suite-level failure)", Outcome.FAILED, "x")]),
        # no suite with a name: the JUnit file's
        ('<testsuite><skipped message="not today"/></testsuite>',
         [("junit.xml::(suite-level skipped)", Outcome.SKIPPED, "not today")]),
        ('<testsuite name=""><failure message="y"/></testsuite>',
         [("junit.xml::(suite-level failure)", Outcome.FAILED, "y")]),
    ],
    ids=["beside-a-case", "nested", "outer-name", "unnamed", "empty-name"],
)  # fmt: skip
def test_a_result_outside_any_case_is_a_case_named_after_its_suite(
    tmp_path: Path, text: str, expected: list[tuple[str, Outcome, str]]
) -> None:
    path = document(tmp_path, text)
    cases = read_tests([path], PathResolver(tmp_path)).cases.values()
    assert [(c.nodeid, c.outcome, c.message) for c in cases] == expected


def test_an_unusable_file_attribute_is_named_with_its_line(tmp_path: Path) -> None:
    long_name = "x" * 300  # no file system has a file name over 255 bytes
    message = refusal(document(
        tmp_path,
        '<testsuite name="s">\n<testcase classname="t" name="ok"/>\n'
        f'<testcase classname="t" name="bad" file="a/{long_name}.py"/>\n</testsuite>',
    ))  # fmt: skip
    assert f"junit.xml: <testcase> file= (line 3) 'a/{long_name[:38]}" in message
    assert "has a segment of 303 bytes" in message


@pytest.mark.parametrize(
    ("attribute", "file", "nodeid"),
    [
        ("", "tests/test_x.py", "tests/test_x.py::test_a"),
        (" ", "tests/test_x.py", "tests/test_x.py::test_a"),
        (".", "tests/test_x.py", "tests/test_x.py::test_a"),
        ("./", "tests/test_x.py", "tests/test_x.py::test_a"),  # the root is no file
        ("..", "tests/test_x.py", "tests/test_x.py::test_a"),  # nor is its parent
        ("X", "X", "X::tests.test_x::test_a"),  # a file named X is one, not a module
    ],
)  # fmt: skip
def test_a_file_attribute_that_names_nothing_leaves_the_file_to_the_classname(
    tmp_path: Path, attribute: str, file: str | None, nodeid: str
) -> None:
    path = document(
        tmp_path,
        f'<testsuite><testcase classname="tests.test_x" name="test_a" file="{attribute}"/>'
        "</testsuite>",
    )
    [case] = read_tests([path], PathResolver(tmp_path)).cases.values()
    assert (case.file, case.nodeid) == (file, nodeid)


def test_a_result_without_message_or_text_has_an_empty_message(tmp_path: Path) -> None:
    case = '<testcase classname="t" name="case"><failure/></testcase>'
    assert outcomes(write(tmp_path, "junit.xml", case))["case"] == (Outcome.FAILED, "")


def test_a_document_of_another_kind_is_named_by_its_root(tmp_path: Path) -> None:
    assert refusal(document(tmp_path, "<inventory><item/></inventory>")).endswith(
        "junit.xml: an XML document with root <inventory>, "
        "not JUnit XML (<testsuites> or <testsuite>)"
    )


# --- what read_junit hands on: every case counted, keep asked with the identity ----------

CASES_AND_A_SUITE_RESULT = (
    '<testsuites><testsuite name="s"><error message="setup"/>'
    '<testcase classname="tests.test_a" name="one"/>'
    '<testcase classname="tests.test_b" name="two"><failure message="f"/></testcase>'
    "</testsuite></testsuites>"
)


@pytest.mark.parametrize("details", [True, False])
def test_every_case_is_counted_and_keep_decides_on_its_identity_and_file(
    tmp_path: Path, details: bool
) -> None:
    path = document(tmp_path, CASES_AND_A_SUITE_RESULT)
    asked: list[tuple[str, str | None]] = []

    def keep(nodeid: str, file: str | None) -> bool:
        asked.append((nodeid, file))
        return file == "tests/test_b.py" or nodeid.startswith("s::")

    stats = JunitStats()
    kept = list(read_junit(path, PathResolver(tmp_path), keep=keep, stats=stats, details=details))
    assert stats.cases == 3  # the suite-level result is a case too; dropped ones count
    assert asked == [
        ("s::(suite-level error)", None),
        ("tests/test_a.py::one", "tests/test_a.py"),
        ("tests/test_b.py::two", "tests/test_b.py"),
    ]
    assert [(c.nodeid, c.file, c.outcome, c.report) for c in kept] == [
        ("s::(suite-level error)", None, Outcome.ERROR, str(path)),
        ("tests/test_b.py::two", "tests/test_b.py", Outcome.FAILED, str(path)),
    ]


def test_a_suite_level_result_of_a_test_module_is_kept_and_stored_with_its_file(
    tmp_path: Path,
) -> None:
    """A suite named like a pytest module (`tests.test_db`) gives its suite-level result
    that module's file: `keep` decides on it, and the case keeps it."""
    path = document(
        tmp_path, '<testsuite name="tests.test_db"><error message="db down"/></testsuite>'
    )
    asked: list[tuple[str, str | None]] = []

    def keep(nodeid: str, file: str | None) -> bool:
        asked.append((nodeid, file))
        return file == "tests/test_db.py"

    kept = list(read_junit(path, PathResolver(tmp_path), keep=keep))
    nodeid = "tests/test_db.py::(suite-level error)"
    assert asked == [(nodeid, "tests/test_db.py")]
    assert [(c.nodeid, c.file, c.outcome, c.message) for c in kept] == [
        (nodeid, "tests/test_db.py", Outcome.ERROR, "db down")
    ]


def test_read_junit_yields_every_case_as_written_repeats_included(tmp_path: Path) -> None:
    """read_junit hands on every case in document order, a repeated identity and a
    test named like a repeat's key (`x #2`) included: merging is read_tests' rule."""
    cases = PASSED_RUN + FAILED_RUN.replace('"flaky"', '"flaky #2"') + PASSED_RUN
    path = write(tmp_path, "junit.xml", cases)
    assert [(c.nodeid, c.outcome) for c in read_junit(path, PathResolver(tmp_path))] == [
        ("t::flaky", Outcome.PASSED),
        ("t::flaky #2", Outcome.FAILED),
        ("t::flaky", Outcome.PASSED),
    ]


def test_a_file_with_no_test_case_says_so(tmp_path: Path) -> None:
    path = document(tmp_path, '<testsuites><testsuite name="s" tests="0"/></testsuites>')
    notes = read_tests([path], PathResolver(tmp_path)).notes
    assert notes == (f"{path}: JUnit report with no test cases",)


def test_an_overlong_name_is_refused_in_a_class_already_seen(tmp_path: Path) -> None:
    # The identity of a class is worked out once; the second case's name is still bounded.
    path = document(
        tmp_path,
        '<testsuite><testcase classname="tests.test_a" name="one"/>\n'
        f'<testcase classname="tests.test_a" name="{"n" * 65_537}"/></testsuite>',
    )
    assert refusal(path) == (
        f"{path}: <testcase> name, classname or file of 65,549 characters "
        "is not a test name (line 2)"
    )


def test_a_name_or_file_of_exactly_the_bound_is_read(tmp_path: Path) -> None:
    """MAX_NAME characters of classname and name, a file= of MAX_PATH characters: read;
    one more is refused (test_an_overlong_name_is_refused_in_a_class_already_seen)."""
    classname = "c" * (MAX_NAME - 1)
    file = "d/" * ((MAX_PATH - 4) // 2) + "t.py"
    assert len(file) == MAX_PATH
    path = document(
        tmp_path,
        f'<testsuite><testcase classname="{classname}" name="n"/>'
        f'<testcase classname="t" name="m" file="{file}"/></testsuite>',
    )
    cases = list(read_junit(path, PathResolver(tmp_path)))
    assert [(c.nodeid, c.file) for c in cases] == [
        (f"{classname}::n", None),
        (f"{file}::m", file),
    ]


FILES = [None, "tests/test_a.py", "tests/test_b.py"]
CLASSES = ["tests.test_a.TestA", "tests.test_b", "", "TestA", "tests.test_a"]
NAMES = ["one", "two[a::b]", "", "x::y"]
PATTERN_SETS = [
    ("tests/test_a.py",),
    ("tests/*.py",),
    ("TestA",),
    ("tests/test_a.py::TestA",),
    ("x",),
    ("tests/test_b.py", "tests/test_a.py::one"),
]


@settings(max_examples=150, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    st.lists(st.tuples(st.sampled_from(CLASSES), st.sampled_from(NAMES), st.sampled_from(FILES)),
             max_size=12),
    st.sampled_from(PATTERN_SETS),
)  # fmt: skip
@example([("tests.test_a", "one", None), ("tests.test_a", "two", None)], ("tests/test_a.py::one",))
@example([("", "x::y", None), ("", "z::w", None)], ("x",))  # no class: each id its own file part
def test_a_selector_keeps_what_it_would_say_of_each_case_on_its_own(
    tmp_path: Path, cases: list[tuple[str, str, str | None]], patterns: tuple[str, ...]
) -> None:
    """The reader asks a selector by test file once for a class's run of cases: what it
    keeps is what asking for every case would keep."""
    rows = "".join(
        f'<testcase classname="{c}" name="{n}"' + (f' file="{f}"' if f else "") + "/>"
        for c, n, f in cases
    )
    path = document(tmp_path, f'<testsuite name="s">{rows}</testsuite>')
    resolver = PathResolver(tmp_path)
    selector = TestSelector(patterns)
    every = list(read_junit(path, resolver, details=False))
    kept = list(read_junit(path, resolver, keep=selector, details=False))
    assert kept == [c for c in every if selector(c.nodeid, c.file)]


# --- read_tests: what it takes, what it keeps, what it records -----------------------------


def test_read_tests_keeps_the_details_and_records_each_file_once_with_its_digest(
    tmp_path: Path,
) -> None:
    """By default a case keeps its failure text and time (the evidence package reads
    them); `keep` decides what is stored; each file is read and recorded once, and a
    file with cases has no note."""
    failing = (
        '<testcase classname="tests.test_a" name="bad" time="0.5">'
        '<failure message="boom">Traceback: boom</failure></testcase>'
        '<testcase classname="tests.test_b" name="other"/>'
    )
    first = write(tmp_path, "junit-1.xml", failing)
    second = write(tmp_path, "junit-2.xml", case("alone"))
    resolver = PathResolver(tmp_path)
    results = read_tests(
        [first, second, first], resolver, keep=lambda nodeid, file: "test_b" not in nodeid
    )
    assert sorted(results.cases) == ["tests/test_a.py::alone", "tests/test_a.py::bad"]
    bad = results.cases["tests/test_a.py::bad"]
    assert (bad.outcome, bad.message, bad.details, bad.duration) == (
        Outcome.FAILED, "boom", "boom\nTraceback: boom", 0.5,
    )  # fmt: skip
    assert results.inputs == tuple(
        InputFile(str(path), hashlib.sha256(path.read_bytes()).hexdigest(), "junit")
        for path in (first, second)
    )
    assert results.notes == ()


def test_no_junit_report_at_all_is_refused() -> None:
    with pytest.raises(InputError) as info:
        read_tests([], PathResolver(Path("/nonexistent-root")))
    assert str(info.value) == "no JUnit report given; evidence tests cannot be confirmed"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("<!DOCTYPE html><html><body>502</body></html>",
         "an HTML page (an error page saved as a report?)"),
        ("tests passed: 3", "not XML, so not a JUnit report"),
    ],
    ids=["html", "text"],
)  # fmt: skip
def test_a_junit_file_that_is_no_xml_is_refused_saying_what_it_is(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = document(tmp_path, content)
    assert refusal(path) == f"{path}: {problem}"


@pytest.mark.parametrize("seen", [False, True], ids=["first-of-its-class", "class-seen"])
def test_the_bound_is_on_classname_and_name_together_whether_or_not_the_class_was_seen(
    tmp_path: Path, seen: bool
) -> None:
    """MAX_NAME characters of classname and name are read; one more is refused, be
    the case the first of its class or one whose class identity is already known."""
    classname = "tests.test_a"
    before = f'<testcase classname="{classname}" name="one"/>\n' if seen else ""
    fits = "n" * (MAX_NAME - len(classname))
    path = document(
        tmp_path,
        f'<testsuite>{before}<testcase classname="{classname}" name="{fits}"/></testsuite>',
    )
    assert f"tests/test_a.py::{fits}" in read_tests([path], PathResolver(tmp_path)).cases
    path = document(
        tmp_path,
        f'<testsuite>{before}<testcase classname="{classname}" name="{fits}x"/></testsuite>',
    )
    assert refusal(path) == (
        f"{path}: <testcase> name, classname or file of 65,537 characters "
        f"is not a test name (line {1 + seen})"
    )


def test_without_details_each_case_keeps_its_outcome_file_and_report(tmp_path: Path) -> None:
    """Without details, cases with no message are stored compactly by class: each
    still has its own outcome, identity, file and report; a result outside any case,
    after them, is counted as a case too."""
    path = document(
        tmp_path,
        '<testsuite name="s"><testcase classname="tests.test_a" name="ok"/>'
        '<testcase classname="tests.test_a" name="bad"><failure/></testcase>'
        '<testcase classname="tests.test_a" name="broken"><error/></testcase>'
        '<testcase classname="tests.test_a" name="later"><skipped/></testcase>'
        '<testcase classname="b" name="other" file="tests/test_b.py"/>'
        '<error message="teardown"/></testsuite>',
    )
    stats = JunitStats()
    cases = list(read_junit(path, PathResolver(tmp_path), stats=stats, details=False))
    report = str(path)
    assert [(c.nodeid, c.file, c.outcome, c.message, c.report) for c in cases] == [
        ("tests/test_a.py::ok", "tests/test_a.py", Outcome.PASSED, "", report),
        ("tests/test_a.py::bad", "tests/test_a.py", Outcome.FAILED, "", report),
        ("tests/test_a.py::broken", "tests/test_a.py", Outcome.ERROR, "", report),
        ("tests/test_a.py::later", "tests/test_a.py", Outcome.SKIPPED, "", report),
        ("tests/test_b.py::other", "tests/test_b.py", Outcome.PASSED, "", report),
        ("s::(suite-level error)", None, Outcome.ERROR, "teardown", report),
    ]
    assert stats.cases == 6


def test_a_case_without_a_name_is_its_class_or_file_wherever_it_stands(tmp_path: Path) -> None:
    """A <testcase> with no name (or a blank one) is identified by its classname and
    file alone, be it the first of its class or not; one with no classname by its name."""
    path = document(
        tmp_path,
        '<testsuite name="s"><testcase classname="tests.test_a" name="one"/>'
        '<testcase classname="tests.test_a" name=" "/>'
        '<testcase classname="b" file="tests/test_b.py"/>'
        '<testcase name="alone"/></testsuite>',
    )
    cases = list(read_junit(path, PathResolver(tmp_path), details=False))
    assert [(c.nodeid, c.file) for c in cases] == [
        ("tests/test_a.py::one", "tests/test_a.py"),
        ("tests/test_a.py", "tests/test_a.py"),
        ("tests/test_b.py", "tests/test_b.py"),
        ("alone", None),
    ]


def test_a_file_attribute_past_max_path_is_refused(tmp_path: Path) -> None:
    """A file= of MAX_PATH characters is read (test_a_name_or_file_of_exactly_the_bound_is_read);
    one more is refused before it is resolved."""
    file = "d/" * ((MAX_PATH - 4) // 2) + "tt.py"
    assert len(file) == MAX_PATH + 1
    path = document(
        tmp_path, f'<testsuite><testcase classname="t" name="m" file="{file}"/></testsuite>'
    )
    assert refusal(path) == (
        f"{path}: <testcase> name, classname or file of 4,097 characters "
        "is not a test name (line 1)"
    )
