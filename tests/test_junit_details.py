"""What a JUnit test case says beyond its outcome (gate.readers.junit_details): its
duration, the whole failure text and the output it captured, bounded per case and
per report; read from real JUnit files through the reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.core.paths import PathResolver
from gate.readers import junit_details
from gate.readers.junit import read_junit
from gate.readers.junit_details import DetailBudget, duration, tail

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3">
<testcase classname="tests.test_a" name="test_ok" time="0.25">
  <system-out>hello</system-out><!-- a comment --><system-err>warn</system-err>
</testcase>
<testcase classname="tests.test_a" name="test_bad" time="1,234.5">
  <failure message="assert 4 == 3">Traceback (most recent call last):
  File "tests/test_a.py", line 9
E   assert 4 == 3</failure>
</testcase>
<testcase classname="tests.test_a" name="test_skip" time="nan">
  <skipped message="not today" />
</testcase>
</testsuite></testsuites>
"""


def read(tmp_path: Path, text: str = JUNIT) -> dict[str, object]:
    path = tmp_path / "junit.xml"
    path.write_text(text, encoding="utf-8")
    return {c.nodeid.rsplit("::", 1)[1]: c for c in read_junit(path, PathResolver(tmp_path))}


def test_duration_failure_text_and_output(tmp_path: Path) -> None:
    cases = read(tmp_path)
    ok, bad, skip = cases["test_ok"], cases["test_bad"], cases["test_skip"]
    assert (ok.duration, ok.output, ok.details) == (0.25, "hello\nwarn", "")
    assert bad.duration == 1234.5
    assert bad.message == "assert 4 == 3"
    assert bad.details.startswith("assert 4 == 3\nTraceback (most recent call last):")
    assert bad.details.endswith("E   assert 4 == 3")
    assert (skip.duration, skip.details) == (None, "not today")


def test_without_details_a_case_is_its_outcome_and_message(tmp_path: Path) -> None:
    """What `check` reads when it writes no evidence package: the same outcomes and
    messages, none of the texts (which cost half the reading at 200,000 tests)."""
    path = tmp_path / "junit.xml"
    path.write_text(JUNIT, encoding="utf-8")
    whole = list(read_junit(path, PathResolver(tmp_path)))
    bare = list(read_junit(path, PathResolver(tmp_path), details=False))
    assert [(c.nodeid, c.outcome, c.message) for c in bare] == [
        (c.nodeid, c.outcome, c.message) for c in whole
    ]
    assert {(c.duration, c.details, c.output) for c in bare} == {(None, "", "")}
    assert any(c.output for c in whole)


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [("0.5", 0.5), ("12", 12.0), ("-1", None), ("inf", None), ("x", None), (None, None),
     ("0", 0.0), ("0" * 39 + "1", 1.0), ("1" * 41, None)],
)  # fmt: skip
def test_durations_are_finite_and_not_negative(raw: str | None, seconds: float | None) -> None:
    assert duration(raw) == seconds


def test_long_texts_keep_their_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(junit_details, "TEXT_LIMIT", 10)
    assert tail("short") == "short"
    assert tail("0123456789") == "0123456789"  # exactly the limit: nothing cut
    assert tail("0123456789abcdef") == "[6 characters cut]\n6789abcdef"
    assert tail("a\r\nb\rc\x1b[31m") == "a\nb\nc[31m"  # one line ending; no escape character


def test_a_report_keeps_details_within_its_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    budget = DetailBudget(left=12)
    assert budget.take("0123456789") == "0123456789"
    assert DetailBudget(left=2).take("ab") == "ab"  # exactly what is left: kept
    assert budget.take("abc") == ""  # over what is left: dropped, and nothing more is kept
    assert budget.take("a") == ""
    monkeypatch.setattr(junit_details, "READ_BUDGET", 8)
    cases = read(tmp_path)
    assert cases["test_ok"].output == ""  # "hello\nwarn" is 10 characters
    assert cases["test_bad"].outcome.value == "failed"  # outcomes never depend on it


RESULTS = """<testsuite name="pytest" tests="2">
<testcase classname="tests.test_b" name="test_teardown" time="1">
  <failure message="assert X">
    at first line, indented
  </failure>
  <error message="teardown failed">E   OSError</error>
</testcase>
<testcase classname="tests.test_b" name="test_no_message" time="1">
  <failure>  Traceback, indented</failure>
</testcase>
</testsuite>
"""


def test_every_result_of_a_case_in_order_keeping_its_indentation(tmp_path: Path) -> None:
    """pytest writes a failure and an error for a test whose teardown fails too;
    only the blank lines around a text go, its indentation stays."""
    cases = read(tmp_path, RESULTS)
    assert cases["test_teardown"].details == (
        "assert X\n    at first line, indented\n  \nteardown failed\nE   OSError"
    )
    assert cases["test_no_message"].details == "  Traceback, indented"
