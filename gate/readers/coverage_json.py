"""coverage.py JSON reports (`coverage json`), with or without `meta.format`.

Follows coverage.py's jsonreport: per file `executed_lines`, `missing_lines`,
`excluded_lines`, a `summary`, and with branch measurement `executed_branches` /
`missing_branches` as `[from, to]` pairs, `to` negative for an exit from the code
object (shown as "exit", as coverage.py does).

`executed_lines` is what ran, not only statements: coverage.py also lists module
and class docstrings and lines of excluded code that ran, and some versions list
line 0 for empty modules. The summary's own counts are the statements, so they
decide: `missing_lines` are statements; of the executed lines that are neither
excluded nor line 0, `summary.covered_lines` are statements. When more than that
ran, the lowest-numbered ones are taken as the docstrings (the module docstring
comes first); which ones is invisible in the figures, since the missing lines
are exact.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

import msgspec

from gate.core.model import FileCoverage, LineBranches
from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers.xmlstream import UTF16_BOMS


class _Summary(msgspec.Struct):
    num_statements: int | None = None
    covered_lines: int | None = None


class _File(msgspec.Struct):
    executed_lines: list[int]
    missing_lines: list[int]
    excluded_lines: list[int] = msgspec.field(default_factory=list)
    summary: _Summary = msgspec.field(default_factory=_Summary)
    executed_branches: list[tuple[int, int]] | None = None
    missing_branches: list[tuple[int, int]] | None = None


class _Meta(msgspec.Struct):
    version: str = "?"
    format: int | None = None
    branch_coverage: bool = False


class _Report(msgspec.Struct):
    meta: _Meta
    files: dict[str, _File]


def read_coverage_json(path: Path, resolver: PathResolver) -> Iterator[FileCoverage]:
    """Yield the coverage of each source file in a coverage.py JSON report."""
    report = _decode(path)
    if not report.files:
        raise InputError(
            f"{path}: coverage.py JSON report lists no source files; refusing to read it as 0 lines"
        )
    for name, entry in report.files.items():
        yield _file(path, resolver.resolve(name), name, entry, report.meta.branch_coverage)


def _decode(path: Path) -> _Report:
    raw = _utf8(path.read_bytes())
    try:
        return msgspec.json.decode(raw, type=_Report)
    except msgspec.ValidationError as exc:
        problem = _not_ours(raw) or f"not a coverage.py JSON report: {exc}"
        raise InputError(f"{path}: {problem}") from None
    except msgspec.DecodeError as exc:
        raise InputError(f"{path}: not valid JSON: {exc}") from None


def _utf8(raw: bytes) -> bytes:
    """JSON as UTF-8: a UTF-8 byte-order mark dropped, UTF-16 (with a BOM) recoded."""
    if raw.startswith(UTF16_BOMS):
        return raw.decode("utf-16", errors="replace").encode()
    return raw.removeprefix(codecs.BOM_UTF8)


def _not_ours(raw: bytes) -> str | None:
    """Name the JSON coverage formats people mistake for coverage.py's."""
    try:
        doc = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return None
    if isinstance(doc, dict):
        first = next(iter(doc.values()), None)
        if isinstance(first, dict) and "statementMap" in first:
            return (
                "Istanbul JSON (coverage-final.json), not coverage.py's; "
                "use Istanbul's lcov or cobertura reporter"
            )
        if "total" in doc and isinstance(doc.get("total"), dict):
            return (
                "Istanbul summary JSON (coverage-summary.json) carries no lines; "
                "use Istanbul's lcov or cobertura reporter"
            )
    return None


def _file(
    path: Path, repo_path: str, name: str, entry: _File, branch_coverage: bool
) -> FileCoverage:
    missing = {n for n in entry.missing_lines if n > 0}
    ran = sorted({n for n in entry.executed_lines if n > 0} - set(entry.excluded_lines) - missing)
    declared = entry.summary.covered_lines
    if declared is not None:
        if declared > len(ran):
            raise InputError(
                f"{path}: {name}: summary says {declared} statements ran, "
                f"but only {len(ran)} executed lines are listed"
            )
        ran = ran[len(ran) - declared :]  # the extras are docstrings, from the top
    statements = frozenset(ran) | missing
    if entry.summary.num_statements not in (None, len(statements)):
        raise InputError(
            f"{path}: {name}: summary says {entry.summary.num_statements} statements, "
            f"but {len(statements)} are listed as executed or missing"
        )
    return FileCoverage(
        path=repo_path,
        statements=statements,
        executed=frozenset(ran),
        branches=_branches(entry) if branch_coverage else None,
    )


def _branches(entry: _File) -> dict[int, LineBranches]:
    taken: dict[int, int] = {}
    not_taken: dict[int, list[str]] = {}
    for source, _dest in entry.executed_branches or ():
        taken[source] = taken.get(source, 0) + 1
    for source, dest in entry.missing_branches or ():
        not_taken.setdefault(source, []).append(str(dest) if dest > 0 else "exit")
    return {
        line: LineBranches(
            total=taken.get(line, 0) + len(not_taken.get(line, ())),
            covered=taken.get(line, 0),
            missing=tuple(not_taken.get(line, ())),
        )
        for line in sorted(taken.keys() | not_taken.keys())
    }
