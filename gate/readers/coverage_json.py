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
ran, the extras are the docstrings: found from the source's syntax tree when the
source is under the root, else taken as the lowest-numbered lines (the module
docstring comes first). Either way the figures are exact, since the missing lines
are; the source also makes the set of lines exact.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Annotated, TypeVar

import msgspec

from gate.core.model import FileCoverage, LineBranches
from gate.core.paths import PathResolver, is_file
from gate.errors import InputError
from gate.readers.counts import MAX_COUNT, MAX_LINE
from gate.readers.files import resolve_name
from gate.readers.import_lines import MAX_SOURCE_BYTES, docstring_lines
from gate.readers.xmlstream import UTF16_BOMS
from gate.regular_file import require_regular
from gate.text import counted, show_path

# JSON has no framing to stream by, and msgspec decodes whole documents, so the
# document is read whole, up to this size: coverage.py's JSON for a million
# statements with branches (format 3 repeats every list per function and class)
# is about 30 MB. Each file's entry is decoded only when the gate wants the file.
MAX_JSON_BYTES = 128 * 1024 * 1024

# JSON numbers are ASCII digits already; these bounds are the readers' own.
Line = Annotated[int, msgspec.Meta(ge=0, le=MAX_LINE)]
Dest = Annotated[int, msgspec.Meta(ge=-MAX_LINE, le=MAX_LINE)]
Count = Annotated[int, msgspec.Meta(ge=0, le=MAX_COUNT)]


T = TypeVar("T")


class _Summary(msgspec.Struct):
    num_statements: Count | None = None
    covered_lines: Count | None = None


class _File(msgspec.Struct):
    executed_lines: list[Line]
    missing_lines: list[Line]
    excluded_lines: list[Line] = msgspec.field(default_factory=list)
    summary: _Summary = msgspec.field(default_factory=_Summary)
    executed_branches: list[tuple[Dest, Dest]] | None = None
    missing_branches: list[tuple[Dest, Dest]] | None = None


class _Meta(msgspec.Struct):
    version: str = "?"
    format: int | None = None
    branch_coverage: bool = False


class _Report(msgspec.Struct):
    meta: _Meta
    files: dict[str, msgspec.Raw]  # each decoded when wanted (`keep`)


def read_coverage_json(
    path: Path, resolver: PathResolver, keep: Callable[[str], bool] | None = None
) -> Iterator[FileCoverage]:
    """Yield the coverage of each source file in a coverage.py JSON report that
    `keep(repo_path)` wants (default: all); the others are never decoded."""
    report = _decode(path)
    if not report.files:
        raise InputError(
            f"{show_path(path)}: coverage.py JSON report lists no source files; "
            "refusing to read it as 0 lines"
        )
    for name, raw in report.files.items():
        repo_path = resolve_name(resolver, path, name, "file")
        if keep is None or keep(repo_path):
            entry = _decoded(path, name, raw, _File)
            docstrings = partial(_docstrings, resolver.root / repo_path)
            yield _file(path, repo_path, name, entry, report.meta.branch_coverage, docstrings)


def _decode(path: Path) -> _Report:
    size = require_regular(path)
    if size > MAX_JSON_BYTES:
        raise InputError(
            f"{show_path(path)}: {size:,} bytes is more than the {MAX_JSON_BYTES // 2**20} MB "
            "a coverage.py JSON report is read up to",
            hint="pass the coverage.py data file (.coverage) or `coverage xml` output instead",
        )
    raw = _utf8(path.read_bytes())
    try:
        return _decoded(path, None, raw, _Report)
    except InputError:
        if problem := _not_ours(raw):
            raise InputError(f"{show_path(path)}: {problem}") from None
        raise


def _decoded(path: Path, name: str | None, raw: bytes | msgspec.Raw, kind: type[T]) -> T:
    """`raw` decoded as `kind`; InputError naming the report (and the file entry)."""
    where = show_path(path) if name is None else f"{show_path(path)}: {show_path(name)}"
    try:
        return msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as exc:
        raise InputError(f"{where}: not a coverage.py JSON report: {exc}") from None
    except msgspec.DecodeError as exc:
        raise InputError(f"{where}: not valid JSON: {exc}") from None
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply to be a coverage report") from None


def _utf8(raw: bytes) -> bytes:
    """JSON as UTF-8: a UTF-8 byte-order mark dropped, UTF-16 (with a BOM) recoded."""
    if raw.startswith(UTF16_BOMS):
        return raw.decode("utf-16", errors="replace").encode()
    return raw.removeprefix(codecs.BOM_UTF8)


def _not_ours(raw: bytes) -> str | None:
    """Name the JSON coverage formats people mistake for coverage.py's (decoding
    no deeper than the keys of the top two levels)."""
    doc = _keys(raw)
    if doc is None:
        return None
    first = _keys(next(iter(doc.values()), b""))
    if first is not None and "statementMap" in first:
        return (
            "Istanbul JSON (coverage-final.json), not coverage.py's; "
            "use Istanbul's lcov or cobertura reporter"
        )
    if "total" in doc and _keys(doc["total"]) is not None:
        return (
            "Istanbul summary JSON (coverage-summary.json) carries no lines; "
            "use Istanbul's lcov or cobertura reporter"
        )
    return None


def _keys(raw: bytes | msgspec.Raw) -> dict[str, msgspec.Raw] | None:
    """A JSON object's members, their values left undecoded; None if not an object."""
    try:
        return msgspec.json.decode(raw, type=dict[str, msgspec.Raw])
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None


def _file(
    path: Path,
    repo_path: str,
    name: str,
    entry: _File,
    branch_coverage: bool,
    docstrings: Callable[[], frozenset[int]] = frozenset,
) -> FileCoverage:
    missing = {n for n in entry.missing_lines if n > 0}
    ran = sorted({n for n in entry.executed_lines if n > 0} - set(entry.excluded_lines) - missing)
    declared = entry.summary.covered_lines
    if declared is not None:
        if declared > len(ran):
            raise InputError(
                f"{show_path(path)}: {show_path(name)}: summary says "
                f"{counted(declared, 'statement')} ran, but only "
                f"{counted(len(ran), 'executed line')} {'is' if len(ran) == 1 else 'are'} listed"
            )
        if len(ran) > declared:  # the extras are docstrings
            ran = _without_docstrings(ran, declared, docstrings())
    statements = frozenset(ran) | missing
    if entry.summary.num_statements not in (None, len(statements)):
        raise InputError(
            f"{show_path(path)}: {show_path(name)}: summary says "
            f"{counted(entry.summary.num_statements, 'statement')}, but {len(statements)} "
            f"{'is' if len(statements) == 1 else 'are'} listed as executed or missing"
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


def _without_docstrings(ran: list[int], declared: int, docstrings: frozenset[int]) -> list[int]:
    """`declared` of the executed lines `ran` (sorted): the docstring lines left out,
    then, while too many remain, the lowest-numbered ones."""
    extras = len(ran) - declared
    dropped = {line for line in ran if line in docstrings}
    if len(dropped) > extras:  # the source no longer matches the report
        dropped = set()
    kept = [line for line in ran if line not in dropped]
    return kept[len(kept) - declared :]


def _docstrings(source: Path) -> frozenset[int]:
    """The docstring lines of the source, when it is a readable Python file under
    the root of a sane size; empty otherwise (the report is still read)."""
    if source.suffix != ".py" or not is_file(source):
        return frozenset()
    try:
        if source.stat().st_size > MAX_SOURCE_BYTES:
            return frozenset()
        return docstring_lines(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
