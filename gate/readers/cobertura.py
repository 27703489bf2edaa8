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
from gate.core.paths import MAX_PATH, PathResolver, escapes, is_absolute
from gate.errors import InputError
from gate.readers.xmlstream import local_name, release, stream
from gate.text import quoted

# Larger than any real line number or branch count (a C `int`), small enough to
# catch "1e300" and overflowed counters.
MAX_COUNT = 2**31 - 1
NOTE_NAMES = 5  # paths named in one note before "and N more"

_CONDITION = re.compile(r"\s*\d+(?:\.\d+)?%\s*\(\s*(\d+)\s*/\s*(\d+)\s*\)\s*\Z")
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
        raise InputError(f"{path}: root element <{root.tag}>, not a Cobertura <coverage> report")
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
                f"{path}: SonarQube generic coverage (<coverage><file>), not Cobertura",
                hint="ask the producer for Cobertura output (e.g. gcovr --cobertura)",
            )
        release(el)

    if not state.classes:
        raise InputError(
            f"{path}: Cobertura report lists no source files; refusing to read it as 0 lines"
        )
    if state.outside and state.outside_only:
        raise InputError(
            f"{path}: every source file of the report is outside the repository root "
            f"(e.g. {state.outside[0]}); refusing to read it as 0 lines",
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
        raise InputError(f"{path}: <class> without a filename attribute (line {el.sourceline})")
    if len(name) > MAX_PATH:
        raise InputError(
            f"{path}: <class> filename of {len(name):,} characters is not a path "
            f"(line {el.sourceline})"
        )
    try:
        rel = resolver.resolve(name, state.sources)
    except OSError as exc:  # ENAMETOOLONG and the like: no file could have this name
        raise InputError(
            f"{path}: <class> filename {quoted(name)} is not a usable path: {exc.strerror} "
            f"(line {el.sourceline})"
        ) from None
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
    plain numbers take the fast way, anything unusual goes through `_line_numbers`.
    """
    statements, executed = acc.statements, acc.executed
    has_branches = False
    for line in lines.iterchildren("{*}line"):
        try:
            number = int(line.get("number"))
            hits = int(line.get("hits"))
        except (TypeError, ValueError):
            number, hits = _line_numbers(path, line)
        if not 0 < number <= MAX_COUNT or hits < 0:
            number, hits = _line_numbers(path, line)
            if number == 0:
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
        if len(text) > MAX_PATH:
            raise InputError(
                f"{path}: <source> of {len(text):,} characters is not a path "
                f"(line {source.sourceline})"
            )
        if text and not text.startswith("--"):
            found.append(text)
    return found


def _line_numbers(path: Path, el: Any) -> tuple[int, int]:
    """(number, hits) of an unusual <line>, validated: raises InputError for
    impossible values; number 0 (a known producer bug) is returned as 0."""
    return _count(path, el, "number"), _hits(path, el)


def _add_branches(path: Path, el: Any, number: int, acc: FileBuilder) -> bool:
    """Record the branches of a `branch="true"` line; False when it gives no counts."""
    condition = el.get("condition-coverage")
    if condition is None:
        return False
    match = _CONDITION.match(condition)
    if match is None:
        raise InputError(
            f"{path}: line {number}: condition-coverage={quoted(condition)} is not "
            f"'N% (covered/total)' (line {el.sourceline})"
        )
    covered, total = int(match[1]), int(match[2])
    if covered > total or total > MAX_COUNT:
        raise InputError(
            f"{path}: line {number}: condition-coverage {covered}/{total} is impossible "
            f"(line {el.sourceline})"
        )
    raw = el.get("missing-branches")
    missing = tuple(filter(None, raw.split(","))) if raw else ()
    acc.add_branches(number, LineBranches(total, covered, missing))
    return True


def _count(path: Path, el: Any, attr: str) -> int:
    """A line number: a whole number from 0 to MAX_COUNT."""
    raw = el.get(attr)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = _whole(path, el, attr, raw)
    if not 0 <= value <= MAX_COUNT:
        raise InputError(
            f"{path}: <line> {attr}={quoted(raw)} is not a possible line number "
            f"(line {el.sourceline})"
        )
    return value


def _hits(path: Path, el: Any) -> int:
    """Hits: a whole number >= 0, of any size."""
    raw = el.get("hits")
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = _whole(path, el, "hits", raw)
    if value < 0:
        raise InputError(f"{path}: <line> hits={quoted(raw)} is negative (line {el.sourceline})")
    return value


def _whole(path: Path, el: Any, attr: str, raw: str | None) -> int:
    """A few producers write counts as "1.0"; anything else is not a count."""
    try:
        as_float = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        as_float = math.nan
    if not math.isfinite(as_float) or as_float != int(as_float):
        what = "missing" if raw is None else "not a whole number"
        raise InputError(
            f"{path}: <line> {attr}={quoted(raw)} is {what} (line {el.sourceline})"
        ) from None
    return int(as_float)


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
            raise InputError(f"{path}: {where} {attr}={quoted(raw)} is not a rate from 0 to 1")


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
        shown = ", ".join(unique[:NOTE_NAMES])
        more = f" and {len(unique) - NOTE_NAMES} more" if len(unique) > NOTE_NAMES else ""
        out.append(
            f"{path}: {len(unique)} source file(s) outside the repository root ignored "
            f"(never opened): {shown}{more}"
        )
    if state.zero_lines:
        out.append(f"{path}: {state.zero_lines} <line> element(s) with number 0 ignored")
    return out
