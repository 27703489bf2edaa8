"""JUnit XML in its dialects (pytest, Surefire, Gradle, jest-junit, go-junit-report,
gotestsum, ctest, PHPUnit, GoogleTest, ...), streamed.

Counts come from the `<testcase>` elements themselves; a suite's `tests=` or
`failures=` counters are never read (they are often wrong: reruns, nesting).
Surefire's rerun elements follow its report schema: `<flakyFailure>`/`<flakyError>`
on a passing case mean it passed on a rerun; `<rerunFailure>` after a
`<failure>` means every run failed. A result element found directly under a
suite (no test case) becomes a synthetic test case, so it is never dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.errors import InputError
from gate.identity import junit_identity
from gate.model import Outcome, TestCase
from gate.paths import PathResolver
from gate.readers.xmlstream import iterparse, local_name

_RESULTS = {"failure": Outcome.FAILED, "error": Outcome.ERROR, "skipped": Outcome.SKIPPED}
_NOT_JUNIT = {
    "test-run": "an NUnit 3 result file",
    "test-results": "an NUnit 2 result file (e.g. Pester)",
    "assemblies": "an xUnit.net v2 result file",
    "TestRun": "a Visual Studio TRX file",
    "coverage": "a coverage report",
    "report": "a JaCoCo coverage report",
    "html": "an HTML page",
}
MESSAGE_LIMIT = 300


@dataclass
class _Case:
    classname: str
    name: str
    file: str | None
    status: str
    results: list[tuple[Outcome, str]] = field(default_factory=list)


def read_junit(path: Path, resolver: PathResolver) -> Iterator[TestCase]:
    """Yield every test case of a JUnit report, in document order."""
    suites: list[str] = []
    case: _Case | None = None
    saw_root = False
    report = str(path)

    for event, el in iterparse(path, events=("start", "end")):
        tag = local_name(el.tag)
        if event == "start":
            if not saw_root:
                _check_root(path, tag)
                saw_root = True
            if tag == "testsuite":
                suites.append(el.get("name") or "")
            elif tag == "testcase":
                file = el.get("file")
                case = _Case(
                    classname=el.get("classname") or "",
                    name=el.get("name") or "",
                    file=resolver.resolve(file) if file and file.strip(". ") else None,
                    status=(el.get("status") or el.get("result") or "").lower(),
                )
            continue
        if tag in _RESULTS:
            outcome = _RESULTS[tag]
            if case is not None:
                case.results.append((outcome, _first_line(el)))
            else:  # a result directly under a suite: keep it visible
                suite = suites[-1] if suites else path.name
                ident = junit_identity(suite, "(suite-level " + tag + ")")
                yield TestCase(ident.nodeid, ident.file, outcome, _first_line(el), report)
            el.clear()
        elif tag == "testcase" and case is not None:
            ident = junit_identity(case.classname, case.name, case.file)
            outcome, message = _outcome(case)
            yield TestCase(ident.nodeid, ident.file, outcome, message, report)
            case = None
            el.clear()
        elif tag == "testsuite":
            if suites:
                suites.pop()
            el.clear()
        elif tag in ("system-out", "system-err", "properties", "flakyFailure", "flakyError"):
            el.clear()


def _outcome(case: _Case) -> tuple[Outcome, str]:
    """The worst result wins; its first message explains it."""
    if case.results:
        worst = max((outcome for outcome, _ in case.results), key=_severity)
        return worst, next(message for outcome, message in case.results if outcome is worst)
    if case.status in ("notrun", "skipped", "disabled", "suppressed"):
        return Outcome.SKIPPED, ""
    return Outcome.PASSED, ""


def _severity(outcome: Outcome) -> int:
    return [Outcome.PASSED, Outcome.SKIPPED, Outcome.FAILED, Outcome.ERROR].index(outcome)


def _check_root(path: Path, tag: str) -> None:
    if tag in ("testsuites", "testsuite"):
        return
    what = _NOT_JUNIT.get(tag, f"an XML document with root <{tag}>")
    raise InputError(f"{path}: {what}, not JUnit XML (<testsuites> or <testsuite>)")


def _first_line(el: Any) -> str:
    """First non-empty line of a result's message attribute, else of its text."""
    for source in (el.get("message"), el.text, *(child.text for child in el)):
        if source:
            for line in source.splitlines():
                if line.strip():
                    text = " ".join(line.split())
                    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"
    return ""
