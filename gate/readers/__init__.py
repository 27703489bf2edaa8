"""Report files -> model values. Formats are told apart by content, never by name.

`read_coverage` and `read_tests` take every file (sharded CI jobs upload many)
and merge them into one view: a line is covered if any shard covered it, and a
test that appears in several files counts by its last outcome.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal, assert_never

from gate.core.case_store import CaseStore
from gate.core.model import (
    CoverageData,
    FileCoverage,
    InputFile,
    TestResults,
    merge_files,
)
from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers.cobertura import read_cobertura
from gate.readers.coverage_json import read_coverage_json
from gate.readers.jacoco import read_jacoco
from gate.readers.junit import JunitStats, KeepTest, read_junit_into
from gate.readers.lcov import read_lcov
from gate.readers.xmlstream import document, looks_like_html, sniff, text_head
from gate.records import replace
from gate.text import show_path

CoverageFormat = Literal["cobertura", "lcov", "jacoco", "coveragepy-json", "coveragepy-data"]

_LCOV_LINE = re.compile(rb"^(TN|SF|DA|FN|FNDA|LF|LH|BRDA|FNL|FNA):", re.M)


# How to produce the report a missing file or glob was meant to be.
_PRODUCE = {
    "coverage": "produce it with `pytest --cov --cov-branch --cov-report=xml:coverage.xml`, "
    "or point --coverage (or reports.coverage) at yours",
    "JUnit": "produce it with `pytest --junitxml=junit.xml`, "
    "or point --junit (or reports.junit) at yours",
}


def expand(patterns: Iterable[str], root: Path, what: str) -> list[Path]:
    """Files named by paths or globs (relative to root); each pattern must match."""
    found: list[Path] = []
    for pattern in patterns:
        if any(c in pattern for c in "*?["):
            base = Path(pattern) if Path(pattern).is_absolute() else root / pattern
            anchor = Path(base.anchor)
            # Everything but directories: a FIFO or a dangling link among the matches is
            # refused by name when read (sniff), never skipped silently.
            matches = sorted(
                p for p in anchor.glob(str(base.relative_to(anchor))) if not p.is_dir()
            )
            if not matches:
                raise InputError(
                    f"{what} pattern {pattern!r} matches no file under {show_path(root)}",
                    hint=_PRODUCE.get(what),
                )
            found.extend(matches)
        else:
            path = Path(pattern) if Path(pattern).is_absolute() else root / pattern
            if not path.exists():
                raise InputError(
                    f"{show_path(path)}: {what} file not found", hint=_PRODUCE.get(what)
                )
            found.append(path)
    # The same file named twice (a path and a glob) is read once.
    return list(dict.fromkeys(found))


def detect_coverage_format(path: Path) -> CoverageFormat:
    """Name the coverage format of `path` from its content, or raise InputError."""
    head = sniff(path)
    if head.startswith(b"SQLite format 3\x00"):
        return "coveragepy-data"
    if head.startswith(b"!coverage.py: This is a private format"):
        raise InputError(
            f"{show_path(path)}: a coverage.py 4.x data file, which coverage.py 5+ no longer reads",
            hint="re-run the tests with coverage.py 5 or later, or export `coverage xml`",
        )
    body = text_head(head)  # UTF-8, no BOM (UTF-16 decoded), no leading blanks
    if body.startswith(b"{"):
        return "coveragepy-json"
    if _LCOV_LINE.search(body):
        return "lcov"
    if looks_like_html(body):
        raise InputError(f"{show_path(path)}: an HTML page (an error page saved as a report?)")
    if body.startswith(b"<"):
        tag = document(path).tag
        if tag == "coverage":
            return "cobertura"
        if tag == "report":
            return "jacoco"
        if tag in ("testsuites", "testsuite"):
            raise InputError(f"{show_path(path)}: a JUnit test report, not a coverage report")
        if tag.lower() == "html":
            raise InputError(f"{show_path(path)}: an HTML page (an error page saved as a report?)")
        raise InputError(
            f"{show_path(path)}: XML with root <{tag}> is not a coverage format signal-gate reads"
        )
    if b"\x00" in head:
        raise InputError(f"{show_path(path)}: binary data, not a coverage report")
    raise InputError(
        f"{show_path(path)}: not a coverage report signal-gate can read "
        "(Cobertura XML, JaCoCo XML, LCOV, coverage.py JSON or data file)"
    )


def read_coverage(
    paths: Sequence[Path],
    resolver: PathResolver,
    keep: Callable[[str], bool] | None = None,
    per_context: Callable[[str], bool] | None = None,
) -> CoverageData:
    """Read and merge every coverage file; fail closed on anything unreadable.

    `keep(repo_path)` limits what is kept; `per_context(repo_path)`, the files of a
    coverage.py data file that evidence scope counts, kept per context with their
    import-time lines (both: all)."""
    if not paths:
        raise InputError("no coverage report given; a gate without coverage never passes")
    observations: list[FileCoverage] = []
    inputs: list[InputFile] = []
    data_files: list[Path] = []
    notes: list[str] = []
    for path in paths:
        fmt = detect_coverage_format(path)
        match fmt:
            case "cobertura":
                observations.extend(read_cobertura(path, resolver, keep=keep, notes=notes))
            case "lcov":
                observations.extend(read_lcov(path, resolver, keep=keep))
            case "jacoco":
                observations.extend(read_jacoco(path, resolver, keep=keep))
            case "coveragepy-json":
                observations.extend(read_coverage_json(path, resolver, keep=keep))
            case "coveragepy-data":  # data files combine before analysis: read below
                data_files.append(path)
            case unknown:
                assert_never(unknown)
        inputs.append(InputFile(str(path), _sha256(path), fmt))
    if not data_files:
        return CoverageData(
            files=merge_files(observations), inputs=tuple(inputs), notes=tuple(notes)
        )
    # Imports coverage.py (~80 ms): only when a data file is given.
    from gate.readers.coverage_data import read_coverage_data

    data = read_coverage_data(data_files, resolver, keep=keep, per_context=per_context)
    observations.extend(data.files)
    return CoverageData(
        files=merge_files(observations),
        inputs=tuple(_with_writer(i, data.writers) for i in inputs),
        notes=(*notes, *data.notes),
        contexts=data.contexts,
    )


def read_tests(
    paths: Sequence[Path],
    resolver: PathResolver,
    keep: KeepTest | None = None,
    details: bool = True,
) -> TestResults:
    """Read and merge every JUnit file: one case per identity, the last outcome wins.

    `keep(nodeid, file)` limits what is kept to the tests something will look at
    (evidence patterns, safety checks); 200k test cases then cost no memory.
    `details`: keep each case's duration, failure text and output too (for the
    evidence package; up to 16 million characters a report).
    """
    if not paths:
        raise InputError("no JUnit report given; evidence tests cannot be confirmed")
    cases = CaseStore()
    inputs: list[InputFile] = []
    notes: list[str] = []
    for path in dict.fromkeys(paths):  # each file once: its cases are told apart by it
        head = text_head(sniff(path))
        if looks_like_html(head):
            raise InputError(f"{show_path(path)}: an HTML page (an error page saved as a report?)")
        if not head.startswith(b"<"):
            raise InputError(f"{show_path(path)}: not XML, so not a JUnit report")
        # Within one file every <testcase> counts, even when two share a name (same
        # title in two describe blocks); across files the same identity is the same
        # test seen again (a shard, a rerun), and the last outcome wins (CaseStore).
        stats = JunitStats()
        read_junit_into(cases, path, resolver, keep=keep, stats=stats, details=details)
        if stats.cases == 0:
            notes.append(f"{show_path(path)}: JUnit report with no test cases")
        inputs.append(InputFile(str(path), _sha256(path), "junit"))
    cases.seal()
    return TestResults(cases=cases, inputs=tuple(inputs), notes=tuple(notes))


def _with_writer(given: InputFile, writers: Mapping[str, str | None]) -> InputFile:
    """A data file's provenance with the coverage.py version that wrote it."""
    version = writers.get(given.path)
    return given if version is None else replace(given, writer=f"coverage.py {version}")


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
