"""Every Cobertura-shaped and JUnit file of the corpus is read, or rejected with a
message naming it; counts agree with an independent count of the same file."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support import CORPUS

from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import detect_coverage_format, read_coverage, read_tests

COBERTURA = sorted(
    p for p in CORPUS.glob("coverage/*/*") if p.suffix == ".xml" and "jacoco" not in p.parent.name
)
JUNIT = sorted(CORPUS.glob("junit/*/*.xml"))
NOT_COBERTURA = {"gcov_demo-coverage.xml": "SonarQube generic coverage"}
NOT_JUNIT = {
    "git-lfs-pointer-ctest.xml": "Git LFS pointer",
    "nunit3-test-run-TestResults.xml": "NUnit 3 result file",
    "pester-nunit2-TestResults.xml": "NUnit 2 result file",
}


def independent_cobertura_counts(path: Path) -> tuple[int, int]:
    """(statements, covered) from distinct (file, line) pairs of class-level lines."""
    root = ET.parse(path).getroot()
    lines: dict[tuple[str, str], bool] = {}
    for cls in root.iter("class"):
        block = cls.find("lines")
        for line in block.findall("line") if block is not None else []:
            if int(line.get("number", "0")) < 1:
                continue
            key = (cls.get("filename", "").replace("\\", "/").lstrip("./"), line.get("number", ""))
            lines[key] = lines.get(key, False) or int(float(line.get("hits", "0"))) > 0
    return len(lines), sum(lines.values())


@pytest.mark.parametrize("path", COBERTURA, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cobertura_corpus(path: Path, tmp_path: Path) -> None:
    resolver = PathResolver(tmp_path)
    if path.name in NOT_COBERTURA:
        with pytest.raises(InputError, match=NOT_COBERTURA[path.name]) as info:
            read_coverage([path], resolver)
        assert str(path) in str(info.value)
        return
    assert detect_coverage_format(path) == "cobertura"
    data = read_coverage([path], resolver)
    statements = sum(len(f.statements) for f in data.files.values())
    covered = sum(len(f.executed & f.statements) for f in data.files.values())
    assert (statements, covered) == independent_cobertura_counts(path)
    assert statements > 0
    for f in data.files.values():
        assert not f.path.startswith(("/", "./")) and "\\" not in f.path
        if f.branches:
            assert all(0 <= b.covered <= b.total for b in f.branches.values())


def test_cobertura_declared_totals_match_where_producers_are_reliable() -> None:
    """coverage.py's own root counters agree with what we count from the lines."""
    for path in CORPUS.glob("coverage/coveragepy/*.xml"):
        root = ET.parse(path).getroot()
        if root.get("lines-valid") is None:
            continue
        data = read_coverage([path], PathResolver(Path("/nonexistent-root")))
        statements = sum(len(f.statements) for f in data.files.values())
        covered = sum(len(f.executed) for f in data.files.values())
        assert statements == int(root.get("lines-valid", "-1")), path.name
        assert covered == int(root.get("lines-covered", "-1")), path.name
        if int(root.get("branches-valid", "0")):
            assert sum(f.branch_total for f in data.files.values()) == int(
                root.get("branches-valid", "-1")
            )
            assert sum(f.branch_covered for f in data.files.values()) == int(
                root.get("branches-covered", "-1")
            )


def independent_junit_count(path: Path) -> dict[str, int]:
    root = ET.parse(path).getroot()
    counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        if "error" in tags:
            counts["error"] += 1
        elif "failure" in tags:
            counts["failed"] += 1
        elif "skipped" in tags or case.get("status") in ("notrun", "skipped"):
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    # result elements directly under a suite are kept as synthetic cases
    for suite in root.iter("testsuite"):
        for child in suite:
            if child.tag in ("error", "failure"):
                counts["error" if child.tag == "error" else "failed"] += 1
    return counts


@pytest.mark.parametrize("path", JUNIT, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_junit_corpus(path: Path, tmp_path: Path) -> None:
    resolver = PathResolver(tmp_path)
    if path.name in NOT_JUNIT:
        with pytest.raises(InputError, match=NOT_JUNIT[path.name]) as info:
            read_tests([path], resolver)
        assert str(path) in str(info.value)
        return
    results = read_tests([path], resolver)
    got = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    for case in results.cases.values():
        got[case.outcome.value] += 1
    assert got == independent_junit_count(path)


def test_suite_counters_are_never_trusted() -> None:
    """Surefire counts reruns in tests="4" failures="4" for one test case."""
    path = CORPUS / "junit/maven-surefire/TEST-io.olamy.AlwaysFailTest-rerunFailure.xml"
    cases = list(read_tests([path], PathResolver(Path("."))).cases.values())
    assert [(c.nodeid, c.outcome.value) for c in cases] == [
        ("io.olamy.AlwaysFailTest::testApp", "failed")
    ]


def test_flaky_test_that_passed_on_rerun_counts_as_passed() -> None:
    path = CORPUS / "junit/maven-surefire/surefire-flakyFailure.xml"
    (case,) = read_tests([path], PathResolver(Path("."))).cases.values()
    assert case.outcome.value == "passed"


def test_failure_message_is_its_first_line() -> None:
    path = CORPUS / "junit/pytest/mikepenz-xunit2-failures.xml"
    failed = [c for c in read_tests([path], PathResolver(Path("."))).cases.values() if c.message]
    assert failed and all("\n" not in c.message for c in failed)


def test_junit_file_given_as_coverage_is_rejected(tmp_path: Path) -> None:
    path = CORPUS / "junit/pytest/horovod-xunit1-fail.xml"
    with pytest.raises(InputError, match="a JUnit test report, not a coverage report"):
        read_coverage([path], PathResolver(tmp_path))
