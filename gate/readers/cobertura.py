"""Cobertura XML (coverage.py, pytest-cov, gcovr, Istanbul/Jest, coverlet, tarpaulin, ...).

Follows the coverage-04 DTD loosely, as producers do: a `<class filename>` holds
`<lines><line number hits [branch condition-coverage missing-branches]>`.
Lines inside `<methods>` repeat the class's lines and are skipped. A source file
listed several times (several classes, two packages) is merged, never counted
twice. Producers that write no branch data at all give `branches=None`.

The report is streamed one `<class>` at a time. A file the caller does not
`keep` (no interaction or glob claims it) costs no Python work per line, and a
file whose path lies outside the repository root is never kept: it is named in
`notes` instead, and nothing downstream can open it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from lxml import etree

from gate.core.model import FileBuilder, FileCoverage, LineBranches
from gate.core.paths import PathResolver, escapes, is_absolute, unusable
from gate.errors import InputError
from gate.readers.counts import MAX_COUNT, MAX_LINE, NotANumber, plain, whole
from gate.readers.files import resolve_name
from gate.readers.xmlstream import local_name, release, stream
from gate.text import counted, quoted, show_path

NOTE_NAMES = 5  # paths named in one note before "and N more"

_CONDITION = re.compile(r"\s*[0-9.]+%\s*\(([^/()]*)/([^/()]*)\)\s*\Z")
_HAS_BRANCH_LINE = etree.XPath(
    "boolean(*[local-name()='lines']/*[local-name()='line']"
    "[translate(@branch, 'TRUE', 'true')='true'][@condition-coverage])"
)

KeepPath = Callable[[str], bool]


class _Read:
    """What one pass over a report collects."""

    def __init__(self, declared_branches: bool) -> None:
        self.files: dict[str, FileBuilder] = {}
        self.sources: list[str] = []
        self.outside: list[str] = []
        self.zero_lines = 0
        self.classes = 0
        self.has_branch_data = declared_branches

    @property
    def outside_only(self) -> bool:
        """True when the root holds none of the report's files (not even unkept ones)."""
        return not self.files and len(self.outside) == self.classes


def read_cobertura(
    path: Path,
    resolver: PathResolver,
    *,
    keep: KeepPath | None = None,
    notes: list[str] | None = None,
) -> Iterator[FileCoverage]:
    """Yield the coverage of each source file in a Cobertura report.

    `keep(repo_path)` selects the files worth reading line by line (default:
    all); the others are parsed but never turned into sets. Things worth saying
    that do not stop the read (files outside the root, line number 0) are
    appended to `notes` when given.
    """
    root, elements = stream(path, ("class", "sources", "package", "file"))
    if root.tag != "coverage":
        raise InputError(
            f"{show_path(path)}: root element <{root.tag}>, not a Cobertura <coverage> report"
        )
    _check_rates(path, root.attrs, "<coverage>")
    state = _Read(declared_branches=_branches_measured(root.attrs))
    for el in elements:
        tag = local_name(el.tag)
        if tag == "class":
            _read_class(path, el, resolver, keep, state)
        elif tag == "sources":
            state.sources = _sources(path, el)
        elif tag == "package":
            _check_rates(path, el.attrib, "<package>")
        else:
            raise InputError(
                f"{show_path(path)}: SonarQube generic coverage (<coverage><file>), not Cobertura",
                hint="ask the producer for Cobertura output (e.g. gcovr --cobertura)",
            )
        release(el)

    if not state.classes:
        raise InputError(
            f"{show_path(path)}: Cobertura report lists no source files; "
            "refusing to read it as 0 lines"
        )
    if state.outside and state.outside_only:
        raise InputError(
            f"{show_path(path)}: every source file of the report is outside the repository root "
            f"(e.g. {show_path(state.outside[0])}); refusing to read it as 0 lines",
            hint="run the gate with --root set to the directory the report was measured in",
        )
    if notes is not None:
        notes.extend(_notes(path, state))
    for file_path, acc in state.files.items():
        yield acc.build(file_path, with_branches=state.has_branch_data)


def _read_class(
    path: Path, el: Any, resolver: PathResolver, keep: KeepPath | None, state: _Read
) -> None:
    state.classes += 1
    _check_rates(path, el.attrib, "<class>")
    name = el.get("filename")
    if not name or not name.strip():
        raise InputError(
            f"{show_path(path)}: <class> without a filename attribute (line {el.sourceline})"
        )
    where = f"<class> filename (line {el.sourceline})"
    rel = resolve_name(resolver, path, name, where, state.sources)
    if is_absolute(rel) or escapes(rel):
        state.outside.append(rel)
        return
    if keep is not None and not keep(rel):
        if not state.has_branch_data:
            state.has_branch_data = bool(_HAS_BRANCH_LINE(el))
        return
    acc = state.files.get(rel)
    if acc is None:
        acc = state.files[rel] = FileBuilder()
    for lines in el.iterchildren("{*}lines"):
        _read_lines(path, lines, acc, state)


def _read_lines(path: Path, lines: Any, acc: FileBuilder, state: _Read) -> None:
    """Record each <line> of a class's <lines> (not those under <methods>).

    The loop is the hot path of the whole gate (a million lines in a big report):
    short runs of ASCII digits take the fast way (`counts.plain`), anything else
    goes through the one number parser (`_line_numbers`).
    """
    statements, executed = acc.statements, acc.executed
    has_branches = False
    for line in lines.iterchildren("{*}line"):
        raw_number, raw_hits = line.get("number"), line.get("hits")
        if plain(raw_number) and plain(raw_hits):
            number, hits = int(raw_number), int(raw_hits)
        else:
            number, hits = _line_numbers(path, line)
        if not number:
            state.zero_lines += 1
            continue
        statements.add(number)
        if hits:
            executed.add(number)
        branch = line.get("branch")
        if (
            branch is not None
            and (branch == "true" or branch.lower() == "true")
            and _add_branches(path, line, number, acc)
        ):
            has_branches = True
    if has_branches:
        state.has_branch_data = True


def _sources(path: Path, el: Any) -> list[str]:
    """The report's source roots; '--source' leaks from some producers' CLI args."""
    found: list[str] = []
    for source in el.iterchildren("{*}source"):
        text = (source.text or "").strip()
        if (reason := unusable(text)) is not None:
            raise InputError(
                f"{show_path(path)}: <source> {quoted(text)} is not a usable path: it {reason} "
                f"(line {source.sourceline})"
            )
        if text and not text.startswith("--"):
            found.append(text)
    return found


def _line_numbers(path: Path, el: Any) -> tuple[int, int]:
    """(number, hits) of an unusual <line>, validated: raises InputError for
    impossible values; number 0 (a known producer bug) is returned as 0."""
    return _number_of(path, el, "number", MAX_LINE), _number_of(path, el, "hits", MAX_COUNT)


def _add_branches(path: Path, el: Any, number: int, acc: FileBuilder) -> bool:
    """Record the branches of a `branch="true"` line; False when it gives no counts."""
    condition = el.get("condition-coverage")
    if condition is None:
        return False
    match = _CONDITION.match(condition)
    try:
        if match is None:
            raise NotANumber("is not 'N% (covered/total)'")
        covered, total = whole(match[1]), whole(match[2], maximum=MAX_LINE)
        if covered > total:
            raise NotANumber("is impossible (more covered than there are)")
    except NotANumber as exc:
        raise InputError(
            f"{show_path(path)}: line {number}: condition-coverage={quoted(condition)} "
            f"{exc.reason} (line {el.sourceline})"
        ) from None
    raw = el.get("missing-branches")
    missing = tuple(filter(None, raw.split(","))) if raw else ()
    acc.add_branches(number, LineBranches(total, covered, missing))
    return True


def _number_of(path: Path, el: Any, attr: str, maximum: int) -> int:
    """A <line>'s whole-number attribute, through the one number parser."""
    raw = el.get(attr)
    try:
        return whole(raw, maximum=maximum)
    except NotANumber as exc:
        raise InputError(
            f"{show_path(path)}: <line> {attr}={quoted(raw)} {exc.reason} (line {el.sourceline})"
        ) from None


def _branches_measured(attrs: Mapping[str, str]) -> bool:
    """Does the report say branches were measured, even if it lists none?

    coverage.py writes `branches-valid="0" branch-rate="0"` without branch
    measurement, and `branch-rate="1"` (0 of 0) with it; gcovr and Cobertura
    always measure branches and write the same. So 0 valid branches at rate 1
    is "no branches in this code", not "no branch data".
    """
    valid = attrs.get("branches-valid")
    if valid is None:
        return False
    return _number(valid) > 0 or _number(attrs.get("branch-rate")) == 1


def _check_rates(path: Path, attrs: Any, where: str) -> None:
    """Declared rates are never used, but one outside 0..1 means a broken report.
    ("NaN" is what several producers write for a class with no branches.)"""
    for attr in ("line-rate", "branch-rate"):
        raw = attrs.get(attr)
        if raw is None:
            continue
        value = _number(raw)
        if not -1e-9 <= value <= 1 + 1e-9:
            raise InputError(
                f"{show_path(path)}: {where} {attr}={quoted(raw)} is not a rate from 0 to 1"
            )


def _number(raw: str | None) -> float:
    """A declared figure; 0 when absent, unparsable or not finite."""
    try:
        value = float(raw) if raw is not None else 0.0
    except ValueError:
        return 0.0
    return value if math.isfinite(value) else 0.0


def _notes(path: Path, state: _Read) -> list[str]:
    out: list[str] = []
    if state.outside:
        unique = list(dict.fromkeys(state.outside))
        shown = ", ".join(map(show_path, unique[:NOTE_NAMES]))
        more = f" and {len(unique) - NOTE_NAMES} more" if len(unique) > NOTE_NAMES else ""
        out.append(
            f"{show_path(path)}: {counted(len(unique), 'source file')} outside the repository "
            "root ignored "
            f"(never opened): {shown}{more}"
        )
    if state.zero_lines:
        lines = counted(state.zero_lines, "<line> element")
        out.append(f"{show_path(path)}: {lines} with number 0 ignored")
    return out
