"""JUnit XML in its dialects (pytest, Surefire, Gradle, jest-junit, go-junit-report,
gotestsum, ctest, PHPUnit, GoogleTest, ...), streamed.

Counts come from the `<testcase>` elements themselves; a suite's `tests=` or
`failures=` counters are never read (they are often wrong: reruns, nesting).
Surefire's rerun elements follow its report schema: `<flakyFailure>`/`<flakyError>`
on a passing case mean it passed on a rerun; `<rerunFailure>` after a
`<failure>` means every run failed. A result element found directly under a
suite (no test case) becomes a synthetic test case, so it is never dropped.

The report is streamed one `<testcase>` at a time; its captured output and
stack traces are freed as soon as its outcome is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gate.core.case_store import CODE, CaseStore
from gate.core.identity import junit_identity
from gate.core.model import Outcome, TestCase
from gate.core.paths import MAX_PATH, PathResolver
from gate.core.patterns import TestSelector
from gate.errors import InputError
from gate.readers.files import resolve_name
from gate.readers.junit_details import DetailBudget, case_details
from gate.readers.xmlstream import local_name, release, stream
from gate.text import clip, show_path

_RESULTS = {"failure": Outcome.FAILED, "error": Outcome.ERROR, "skipped": Outcome.SKIPPED}
PASSED = Outcome.PASSED
_SEVERITY = {Outcome.PASSED: 0, Outcome.SKIPPED: 1, Outcome.FAILED: 2, Outcome.ERROR: 3}
_NOT_RUN = frozenset({"notrun", "skipped", "disabled", "suppressed"})
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
# Far longer than any real test id (pytest ids with long parameters stay under a
# few kB); a megabyte-long name is a hostile report, not a test.
MAX_NAME = 65_536
# Identities are cached per (classname, file): pytest writes a few hundred test
# classes for 100k cases. The cache is dropped when a hostile report makes it grow.
_IDENTITY_CACHE_LIMIT = 50_000

KeepTest = Callable[[str, "str | None"], bool]


class JunitStats:
    """What a read saw, kept or not."""

    __slots__ = ("cases",)

    def __init__(self) -> None:
        self.cases = 0


def read_junit(
    path: Path,
    resolver: PathResolver,
    *,
    keep: KeepTest | None = None,
    stats: JunitStats | None = None,
    details: bool = True,
) -> Iterator[TestCase]:
    """Yield every test case of a JUnit report, in document order (`read_junit_into`)."""
    store = CaseStore(merge=False)
    read_junit_into(store, path, resolver, keep=keep, stats=stats, details=details)
    store.seal()
    yield from store.values()


def read_junit_into(
    store: CaseStore,
    path: Path,
    resolver: PathResolver,
    *,
    keep: KeepTest | None = None,
    stats: JunitStats | None = None,
    details: bool = True,
) -> None:
    """Add every test case of a JUnit report to `store`, in document order.

    `keep(nodeid, file)` selects the cases worth keeping (default: all); the others
    are read, judged and dropped. `stats` counts every case seen. `details` keeps a
    kept case's duration, failure text and output (gate.readers.junit_details) for
    the evidence package; without them a case with no message is stored in parts.
    """
    stats = stats if stats is not None else JunitStats()
    root, elements = stream(path, ("testcase", "failure", "error", "skipped", "testsuite"))
    _check_root(path, root.tag)
    report, identities, budget = str(path), _Identities(path, resolver), DetailBudget()
    pending: list[tuple[Outcome, str]] = []
    add, group = store.adder(), 0
    last: tuple[str | None, str | None] = (None, None)  # the prefix and file of group
    # A selector by test file alone decides once for a class's run of cases.
    by_file = isinstance(keep, TestSelector) and keep.by_subject
    decided: tuple[str | None, str | None, bool] = (None, None, False)
    for el in elements:
        tag = el.tag
        if tag not in _RESULTS and tag != "testcase" and tag != "testsuite":
            tag = local_name(tag)
        if tag == "testcase":
            stats.cases += 1
            prefix, name, file = identities.of(el)
            nodeid = prefix + name
            if prefix is not decided[0] or file is not decided[1]:
                kept = keep is None or keep(nodeid, file)
                if by_file and (file is not None or "::" in prefix):  # a subject of its own
                    decided = (prefix, file, kept)
            else:
                kept = decided[2]
            if kept:
                outcome, message = _outcome(pending, el)
                if details:
                    extra = case_details(el, budget)
                    store.add(TestCase(nodeid, file, outcome, message, report, **extra))
                elif message:
                    store.add(TestCase(nodeid, file, outcome, message, report))
                else:  # most cases: a class's tests share their prefix object
                    if prefix is not last[0] or file is not last[1]:
                        last, group = (prefix, file), store.group(prefix, file, report)
                    add(group, name, nodeid, 0 if outcome is PASSED else CODE[outcome])
            pending.clear()
            release(el)
        elif tag == "testsuite":
            release(el)
        elif _inside_case(el):
            pending.append((_RESULTS[tag], _first_line(el)))
        else:  # a result outside any test case: keep it visible
            stats.cases += 1
            _add_suite_result(store, el, tag, path, keep)


def _add_suite_result(
    store: CaseStore, el: Any, tag: str, path: Path, keep: KeepTest | None
) -> None:
    """A `<failure>`, `<error>` or `<skipped>` directly under a suite, as a test case
    of its own (`<suite>::(suite-level error)`), so that it is never dropped."""
    ident = junit_identity(_suite_name(el, path), f"(suite-level {tag})")
    if keep is None or keep(ident.nodeid, ident.file):
        outcome, message = _RESULTS[tag], _first_line(el)
        store.add(TestCase(ident.nodeid, ident.file, outcome, message, str(path)))
    el.clear(keep_tail=False)


class _Identities:
    """`junit_identity` for each test case, computed once per (classname, file attribute).

    The identity function appends the test's name last, whatever the branch it
    takes; so the identity of a probe name is computed once, and each case's
    node id is that prefix plus its own name (tests/test_properties_readers.py
    checks this against `junit_identity` for arbitrary strings).
    """

    _PROBE = "\x00"

    def __init__(self, path: Path, resolver: PathResolver) -> None:
        self._path = path
        self._resolver = resolver
        # (classname, file attribute) -> (node id without the name, test file)
        self._prefixes: dict[tuple[str, str | None], tuple[str, str | None]] = {}

    def of(self, el: Any) -> tuple[str, str, str | None]:
        """(node id without the name, name, test file) of a <testcase> element: the
        first part is one object for every case of a (classname, file)."""
        classname = el.get("classname") or ""
        name = (el.get("name") or "").strip()
        raw_file = el.get("file")
        key = (classname, raw_file)
        cached = self._prefixes.get(key)
        if cached is None or not name:
            self._check_sizes(el, classname, name, raw_file)
            file = self._file(raw_file, el) if raw_file and raw_file.strip(". ") else None
            if not name:
                ident = junit_identity(classname, name, file)
                return "", ident.nodeid, ident.file
            if len(self._prefixes) >= _IDENTITY_CACHE_LIMIT:
                self._prefixes.clear()
            probe = junit_identity(classname, self._PROBE, file)
            cached = self._prefixes[key] = (probe.nodeid[:-1], probe.file)
        elif len(classname) + len(name) > MAX_NAME:  # the bound _check_sizes applies
            self._check_sizes(el, classname, name, raw_file)
        return cached[0], name, cached[1]

    def _check_sizes(self, el: Any, classname: str, name: str, raw_file: str | None) -> None:
        longest = max(len(classname) + len(name), len(raw_file or ""))
        if len(classname) + len(name) > MAX_NAME or len(raw_file or "") > MAX_PATH:
            raise InputError(
                f"{show_path(self._path)}: <testcase> name, classname or file of "
                f"{longest:,} characters is not a test name (line {el.sourceline})"
            )

    def _file(self, raw: str, el: Any) -> str:
        where = f"<testcase> file= (line {el.sourceline})"
        return resolve_name(self._resolver, self._path, raw, where)


def _outcome(results: list[tuple[Outcome, str]], el: Any) -> tuple[Outcome, str]:
    """The worst result wins; its first message explains it."""
    if results:
        worst = max((outcome for outcome, _ in results), key=_SEVERITY.__getitem__)
        return worst, next(message for outcome, message in results if outcome is worst)
    # Either attribute may say so: GoogleTest 1.10 writes a GTEST_SKIP test as
    # status="run" result="skipped", with no <skipped> element.
    for said in (el.get("status"), el.get("result")):
        if said is not None and said.lower() in _NOT_RUN:
            return Outcome.SKIPPED, ""
    return Outcome.PASSED, ""


def _inside_case(el: Any) -> bool:
    """Is this result element part of a <testcase> (rather than of a suite)?"""
    for ancestor in el.iterancestors():
        tag = local_name(ancestor.tag)
        if tag == "testcase":
            return True
        if tag in ("testsuite", "testsuites"):
            return False
    return False


def _suite_name(el: Any, path: Path) -> str:
    for ancestor in el.iterancestors():
        if local_name(ancestor.tag) in ("testsuite", "testsuites") and ancestor.get("name"):
            return str(ancestor.get("name"))
    return path.name


def _check_root(path: Path, tag: str) -> None:
    if tag in ("testsuites", "testsuite"):
        return
    what = _NOT_JUNIT.get(tag, f"an XML document with root <{tag}>")
    raise InputError(f"{show_path(path)}: {what}, not JUnit XML (<testsuites> or <testsuite>)")


def _first_line(el: Any) -> str:
    """First non-empty line of a result's message attribute, else of its text."""
    for source in (el.get("message"), el.text, *(child.text for child in el)):
        if source:
            for line in source.splitlines():
                if line.strip():
                    text = " ".join(line.split())
                    return clip(text, MESSAGE_LIMIT)
    return ""
