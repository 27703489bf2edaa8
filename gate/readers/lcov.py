"""LCOV tracefiles (geninfo/lcov 1.x and 2.x, Istanbul/Jest/c8, coverlet, Flutter,
Foundry, solidity-coverage, coverage.py's `coverage lcov`).

Follows the geninfo(1) format: a record starts with `SF:<path>` and ends with
`end_of_record` (tolerating trailing blanks and CRLF). Within it:

- `DA:<line>,<hits>[,<checksum>]` - a statement and how often it ran;
- `BRDA:<line>,[e]<block>,<branch>,<taken>` - one branch; `taken` is `-` when the
  block never ran (not taken). LCOV 2.x may write an expression as `<branch>`,
  commas included, so only the first two and the last field are positional;
- `LF/LH/BRF/BRH` - the producer's own totals: never trusted, only checked in tests;
- `TN`, `FN`, `FNDA`, `FNF`, `FNH`, `FNL`, `FNA`, `VER`, `MCDC` - ignored: the gate
  measures statements and branches, not functions.

The same source file in several records (a C++ header compiled into several
units) is one file: hits and branch counts add up, never double-count.
Not-taken branches are named (`#<block>/<branch>`, or the destination line for
coverage.py's own LCOV) so that shards merge: a branch is covered if any shard
took it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from gate.core.model import FileCoverage, LineBranches
from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers.counts import MAX_COUNT, MAX_LINE, NotANumber, whole
from gate.readers.files import resolve_name
from gate.readers.xmlstream import UTF16_BOMS
from gate.text import quoted, show_path

_IGNORED = frozenset({"TN", "FN", "FNDA", "FNF", "FNH", "FNL", "FNA", "LF", "LH", "BRF", "BRH"})
_IGNORED |= {"VER", "MCDC"}
# coverage.py's arc descriptions (parser.py), as `coverage lcov` writes them.
_JUMP = re.compile(r"^jump to line (\d+)$")
_EXITS = ("jump to the function exit", "return from function ", "exit the module", "exit class ")
# Longer than any real record (an SF: path is at most 4,096 bytes; LCOV 2.x branch
# expressions are source text): a longer line is hostile and is never held whole.
MAX_RECORD_CHARS = 1 << 20


class _Record:
    """One source file's DA and BRDA data, summed over all its records."""

    __slots__ = ("branches", "hits")

    def __init__(self) -> None:
        self.hits: dict[int, int] = {}
        # (line, block, branch) -> times taken
        self.branches: dict[tuple[int, str, str], int] = {}

    def add_hits(self, line: int, hits: int) -> None:
        if line > 0:  # line 0 is no statement; some producers write it anyway
            self.hits[line] = self.hits.get(line, 0) + hits

    def add_branch(self, key: tuple[int, str, str], taken: int) -> None:
        if key[0] > 0:
            self.branches[key] = self.branches.get(key, 0) + taken


def read_lcov(
    path: Path, resolver: PathResolver, keep: Callable[[str], bool] | None = None
) -> Iterator[FileCoverage]:
    """Yield the coverage of each source file in an LCOV tracefile that
    `keep(repo_path)` wants (default: all)."""
    files: dict[str, _Record] = {}
    current: _Record | None = None
    with_branches = False
    for number, line in _lines(path):
        if line == "end_of_record":
            current = None
            continue
        tag, sep, value = line.partition(":")
        if not sep:
            raise InputError(f"{_at(path, number)}: {quoted(line)} is not an LCOV record")
        if tag == "SF":
            if not value.strip():
                raise InputError(f"{_at(path, number)}: SF: without a file name")
            where = f"line {number}: SF:"
            name = resolve_name(resolver, path, value.strip(), where)
            current = files.setdefault(name, _Record())
        elif tag == "DA":
            _record(path, number, current).add_hits(*_da(path, number, value))
        elif tag == "BRDA":
            with_branches = True
            _record(path, number, current).add_branch(*_brda(path, number, value))
        elif tag in ("BRF", "BRH"):
            with_branches = True
        elif tag not in _IGNORED:
            raise InputError(f"{_at(path, number)}: unknown LCOV record {quoted(tag)}")
    if not files:
        raise InputError(
            f"{show_path(path)}: LCOV report lists no source files (no SF: record); "
            "refusing to read it as 0 lines"
        )
    for file_path, record in files.items():
        if keep is None or keep(file_path):
            yield _coverage(file_path, record, with_branches)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, stripped text) of each non-blank line; a line longer than
    MAX_RECORD_CHARS is refused after reading that much of it."""
    with path.open(encoding=_encoding(path), errors="replace") as handle:
        for number, text in enumerate(iter(lambda: handle.readline(MAX_RECORD_CHARS + 1), ""), 1):
            if len(text) > MAX_RECORD_CHARS:
                raise InputError(
                    f"{_at(path, number)}: longer than {MAX_RECORD_CHARS:,} characters; "
                    "not an LCOV record"
                )
            if line := text.strip():
                yield number, line


def _at(path: Path, number: int) -> str:
    return f"{show_path(path)}: line {number}"


def _encoding(path: Path) -> str:
    """UTF-8 (a byte-order mark dropped), or UTF-16 when a BOM says so (PowerShell's
    `>` writes it)."""
    with path.open("rb") as handle:
        head = handle.read(2)
    return "utf-16" if head in UTF16_BOMS else "utf-8-sig"


def _record(path: Path, number: int, current: _Record | None) -> _Record:
    if current is None:
        raise InputError(f"{_at(path, number)}: data outside an SF: ... end_of_record block")
    return current


def _da(path: Path, number: int, value: str) -> tuple[int, int]:
    fields = value.split(",")
    if len(fields) < 2:
        raise InputError(f"{_at(path, number)}: DA:{quoted(value)} needs <line>,<hits>")
    line = _count(path, number, fields[0], "line", MAX_LINE)
    return line, _count(path, number, fields[1], "hits", MAX_COUNT)


def _brda(path: Path, number: int, value: str) -> tuple[tuple[int, str, str], int]:
    head, _, taken = value.rpartition(",")
    line, _, rest = head.partition(",")
    block, comma, branch = rest.partition(",")
    if not line or not block or not comma or not taken:
        raise InputError(
            f"{_at(path, number)}: BRDA:{quoted(value)} needs <line>,<block>,<branch>,<taken>"
        )
    count = 0 if taken.strip() == "-" else _count(path, number, taken, "taken", MAX_COUNT)
    return (_count(path, number, line, "line", MAX_LINE), block.strip(), branch.strip()), count


def _count(path: Path, number: int, raw: str, what: str, maximum: int) -> int:
    """A DA or BRDA number, through the one number parser."""
    try:
        return whole(raw.strip(), maximum=maximum)
    except NotANumber as exc:
        raise InputError(f"{_at(path, number)}: {what} {quoted(raw)} {exc.reason}") from None


def _arm_name(block: str, branch: str) -> str:
    """How a not-taken branch is named: coverage.py's `coverage lcov` describes each
    arm ("jump to line 12", "exit the module"), which becomes the destination its
    XML and JSON reports name ("12", "exit"), so shards in either format merge;
    other producers' arms are `#<block>/<branch>`."""
    if match := _JUMP.match(branch):
        return match[1]
    if branch.startswith(_EXITS):
        return "exit"
    return f"#{block}/{branch}"


def _coverage(file_path: str, record: _Record, with_branches: bool) -> FileCoverage:
    branches: dict[int, LineBranches] | None = None
    if with_branches:
        by_line: dict[int, list[tuple[str, int]]] = {}
        for (line, block, branch), taken in record.branches.items():
            by_line.setdefault(line, []).append((_arm_name(block, branch), taken))
        branches = {
            line: LineBranches(
                total=len(arms),
                covered=sum(1 for _, taken in arms if taken > 0),
                missing=tuple(label for label, taken in arms if taken == 0),
            )
            for line, arms in sorted(by_line.items())
        }
    return FileCoverage(
        path=file_path,
        statements=frozenset(record.hits),
        executed=frozenset(line for line, hits in record.hits.items() if hits > 0),
        branches=branches,
    )
