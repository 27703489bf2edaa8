"""coverage.py data files, stage 1: what every context ran, as recorded.

What each context ran is read in one pass over the SQL tables coverage.py
documents for advanced use ("Coverage.py database schema", SCHEMA_VERSION 7;
`CoverageData` itself reads one context at a time, which is far too slow for
20,000 test contexts), into compact per-file arrays (`RawFile`). Several data
files combine as `coverage combine` would: per file and context, the union of
what each recorded. Only the files the caller keeps are collected, and only those
evidence scope counts keep each context's records: the others are read as
coverage.py's own report reads them, what any context ran (SQLite merges them).
The source analysis (stage 2) is `gate.readers.coverage_data`.

Everything read here comes from a pull request: every value is checked for the
type and range coverage.py would have written, and anything else is refused
naming the data file.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from array import array
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import coverage
from coverage.exceptions import CoverageException
from coverage.numbits import numbits_to_nums

from gate.core.paths import PathResolver, escapes, is_absolute, is_file
from gate.errors import InputError
from gate.readers.files import resolve_name
from gate.text import clip, counted, show_path

SCHEMA_VERSION = 7  # the coverage.py data schema these queries are written for
MISSING_SHOWN = 5  # absent source files named in the error
MAX_VERSION = 40  # characters of the writer's version kept (it comes from the file)
# SQLite hands a context's arcs over as one string of code points, two per arc
# (`char(a + K, b + K)`), which becomes an int array without parsing a number in
# Python. K keeps every line number within +-2**19 a valid, non-surrogate code
# point; sources are checked to be shorter (MAX_LINES).
ARC_OFFSET = 0x90000
MAX_LINES = (1 << 19) - 1
MAX_NUMBITS = (MAX_LINES + 1) // 8  # bytes of a numbits blob for lines up to MAX_LINES
_NO_SUCH_LINE = f"no source analysed here has more than {MAX_LINES:,} lines"
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
_ARC_RUNS = (
    "select file_id, context_id, group_concat(char(fromno + ?, tono + ?), ''),"
    " max(max(abs(fromno), abs(tono))),"
    " min(typeof(fromno) = 'integer' and typeof(tono) = 'integer')"
    " from arc{where} group by file_id, context_id order by file_id, context_id"
)
_LINE_RUNS = (
    "select file_id, context_id, numbits from line_bits{where} order by file_id, context_id"
)
# A file read merged: its distinct arcs over every context, one run per file (the
# context column is unused). Lines stay one row per context: SQLite has no union
# of numbits blobs, and `_collect` puts them all under MERGED.
_MERGED_ARC_RUNS = (
    "select file_id, 0, group_concat(char(fromno + ?, tono + ?), ''),"
    " max(max(abs(fromno), abs(tono))),"
    " min(typeof(fromno) = 'integer' and typeof(tono) = 'integer')"
    " from (select distinct file_id, fromno, tono from arc{where})"
    " group by file_id order by file_id"
)
_ORPHAN_CONTEXT = (
    "select context_id from {table}"
    " where (context_id is null or context_id not in (select id from context)){also} limit 1"
)
_IN_WANTED = " file_id in (select id from temp.wanted)"
MERGED = 0  # the context number of a merged file's records: what any context ran
_NO_ROW = object()  # the file id before the first row


Chunk: TypeAlias = "tuple[array[int], array[int], array[int]]"


class RawFile:
    """One repository file's raw records, per context, from every data file.

    Records are kept as recorded: an arc `(a, b)` as the two values `a + K, b + K`,
    a line as its number (see `_rows`)."""

    __slots__ = ("chunks", "measured_as", "per_context")

    def __init__(self, per_context: bool) -> None:
        # One (contexts, offsets into values, values) run per data file.
        self.chunks: list[Chunk] = []
        self.measured_as: list[str] = []
        # False: read merged, every record under the context number MERGED.
        self.per_context = per_context

    def new_chunk(self) -> Chunk:
        chunk = (array("I"), array("I", [0]), array("I"))
        self.chunks.append(chunk)
        return chunk


@dataclass
class RawContexts:
    """Stage 1: what every context ran, as recorded (before source analysis)."""

    names: dict[str, int] = field(default_factory=dict)  # context name -> number
    files: dict[str, RawFile] = field(default_factory=dict)  # repository path -> records
    notes: list[str] = field(default_factory=list)
    has_arcs: bool = False
    writers: dict[str, str | None] = field(default_factory=dict)  # data file -> its version


def read_contexts(
    paths: Sequence[Path],
    resolver: PathResolver,
    keep: Callable[[str], bool] | None = None,
    per_context: Callable[[str], bool] | None = None,
) -> RawContexts:
    """Stage 1: combine the data files' records, by repository path, of the files
    `keep(repo_path)` wants (default: all): per context for the files
    `per_context(repo_path)` names (default: all), merged for the others."""
    raw = RawContexts()
    for number, path in enumerate(paths):
        arcs = _read_one(path, resolver, raw, keep, per_context)
        if number and arcs != raw.has_arcs:
            raise InputError(
                f"{show_path(path)}: records {'branches' if arcs else 'lines only'}, unlike "
                f"{show_path(paths[0])}; coverage.py cannot combine branch and statement "
                "data either",
                hint="measure every shard with the same settings (--cov-branch everywhere)",
            )
        raw.has_arcs = arcs
    return raw


def _read_one(
    path: Path,
    resolver: PathResolver,
    raw: RawContexts,
    keep: Callable[[str], bool] | None,
    per_context: Callable[[str], bool] | None,
) -> bool:
    """Add one data file's records to `raw`; return whether it records arcs."""
    try:
        with closing(_connect(path)) as db:
            _check_schema(path, db)  # first: coverage.py would add its schema to a foreign file
            has_arcs, plugin_files, writer = _metadata(path, db)
            raw.writers[str(path)] = writer
            if (note := version_note(path, writer)) is not None:
                raw.notes.append(note)
            context_ids = _contexts(path, db, raw.names)
            by_id = _files(path, db, resolver, raw, plugin_files, keep, per_context)
            if not by_id:
                raise InputError(
                    f"{show_path(path)}: coverage.py data file that measured no files; "
                    "refusing to read it as 0 lines"
                )
            kept = {i: target for i, target in by_id.items() if target is not None}
            for merged in (False, True):
                ids = [i for i, target in kept.items() if target.per_context is not merged]
                if ids:
                    filtered = _file_filter(db, None if len(ids) == len(by_id) else ids)
                    if merged:  # SQLite merges the contexts: it vets their ids too
                        _refuse_orphan_context(path, db, has_arcs, filtered)
                    rows = _rows(path, db, has_arcs, filtered, merged)
                    _collect(path, rows, by_id, context_ids)
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # text that is not UTF-8: corrupt pages
        raise InputError(f"{show_path(path)}: cannot read the coverage.py data: {exc}") from None
    return has_arcs


def version_note(path: Path, writer: str | None) -> str | None:
    """A note when the coverage.py that wrote a data file is another major.minor
    than the one analysing its sources here (branch arcs and exclusions change
    between versions), else None."""
    ours = coverage.__version__
    if writer is not None and _minor(writer) == _minor(ours):
        return None
    by = "an unknown coverage.py version" if writer is None else f"coverage.py {show_path(writer)}"
    return (
        f"coverage.py versions differ, so branch counts can differ: {show_path(path)} was "
        f"written by {by} and is analysed with coverage.py {ours}. Pin the same "
        "coverage.py where the tests run and where the gate runs, or, where evidence scope "
        "is not needed, pass the Cobertura or JSON report the project's own coverage.py wrote"
    )


def _minor(version: str) -> tuple[str, ...] | None:
    match = re.match(r"(\d+)\.(\d+)(?:\D|$)", version)
    return None if match is None else match.groups()


def _check_schema(path: Path, db: sqlite3.Connection) -> None:
    try:
        row = db.execute("select version from coverage_schema").fetchone()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise InputError(
            f"{show_path(path)}: an SQLite file, but not coverage.py data ({exc})"
        ) from None
    if row is None or row[0] != SCHEMA_VERSION:
        raise InputError(
            f"{show_path(path)}: coverage.py data schema {row and row[0]}; "
            f"this reader knows schema {SCHEMA_VERSION}",
            hint="export the report with the coverage.py that wrote it: coverage xml",
        )


def _metadata(path: Path, db: sqlite3.Connection) -> tuple[bool, set[str], str | None]:
    """Whether the data records arcs (from coverage.py's own CoverageData, which
    also vets the file), and which files a plugin measured (the `tracer` table:
    one query, where `CoverageData.file_tracer` would open the file per name),
    and the version of the coverage.py that wrote it (the `meta` table)."""
    data = coverage.CoverageData(basename=str(path))
    try:
        data.read()
        has_arcs = data.has_arcs()
    except (CoverageException, ValueError, TypeError, sqlite3.Error) as exc:
        # A `meta` row that is not what coverage.py wrote (has_arcs = 'x') fails
        # inside coverage.py with a ValueError: the file is broken, not the gate.
        raise InputError(
            f"{show_path(path)}: not a readable coverage.py data file: {exc}"
        ) from None
    query = (
        "select file.path from tracer join file on file.id = tracer.file_id"
        " where tracer.tracer != ''"
    )
    plugins = {measured for (measured,) in db.execute(query)}
    row = db.execute("select value from meta where key = 'version'").fetchone()
    return has_arcs, plugins, None if row is None else clip(str(row[0]), MAX_VERSION)


def _rows(
    path: Path, db: sqlite3.Connection, has_arcs: bool, filtered: bool, merged: bool
) -> Iterable[tuple[int, int, Iterable[int]]]:
    """(file id, context id, record values) per file and context, grouped by file,
    of the files in `temp.wanted` when `filtered` (else all); `merged`: one run of
    arcs per file.
    SQLite concatenates a run's arcs, so Python sees one row per run rather than
    one per arc, and decodes it without parsing numbers."""
    where = " where" + _IN_WANTED if filtered else ""
    if has_arcs:
        # The largest |line number| of each run comes with it, in the same pass:
        # one outside +-MAX_LINES has no valid code point (see ARC_OFFSET).
        query = _MERGED_ARC_RUNS if merged else _ARC_RUNS
        rows = db.execute(query.format(where=where), (ARC_OFFSET, ARC_OFFSET))
        return ((f, c, _values(path, text, top, ints)) for f, c, text, top, ints in rows)
    rows = db.execute(_LINE_RUNS.format(where=where))
    return ((f, c, _numbers(path, bits)) for f, c, bits in rows)


def _file_filter(db: sqlite3.Connection, only: Iterable[int] | None) -> bool:
    """Whether the queries must keep to the file ids `only` names (None: all),
    which then fill `temp.wanted`, once for every query of the group."""
    if only is None:
        return False
    # A table, not a list of literals: the (file_id, context_id, ...) index then
    # skips other files' rows, and the statement stays small for any file count.
    db.execute("create temp table if not exists wanted (id integer primary key)")
    db.execute("delete from temp.wanted")
    db.executemany("insert into temp.wanted values (?)", ((i,) for i in only))
    return True


def _refuse_orphan_context(
    path: Path, db: sqlite3.Connection, has_arcs: bool, filtered: bool
) -> None:
    """Refuse records of a context the context table does not list (coverage.py's
    foreign keys would never write one), of the files in `temp.wanted` when
    `filtered` (else all): `_collect` does so for the rows it reads per context."""
    table = "arc" if has_arcs else "line_bits"
    also = " and" + _IN_WANTED if filtered else ""
    row = db.execute(_ORPHAN_CONTEXT.format(table=table, also=also)).fetchone()
    if row is not None:
        raise InputError(f"{show_path(path)}: {_orphan('context', row[0])}")


def _values(path: Path, text: str, top: int, integers: int) -> array[int]:
    """A run of arcs as `a + K, b + K` values; raises InputError for line numbers
    that are not integers or that no source has (SQLite stores any type)."""
    if not integers:
        raise InputError(f"{show_path(path)}: an arc whose line numbers are not integers")
    if top > MAX_LINES:
        raise InputError(f"{show_path(path)}: an arc names line {top:,}; {_NO_SUCH_LINE}")
    values = array("I")
    values.frombytes(text.encode(_UTF32))
    return values


def _numbers(path: Path, bits: object) -> list[int]:
    """The line numbers of a `numbits` blob, at most MAX_LINES of them; raises
    InputError for a value of another type (SQLite stores any) or a longer blob."""
    if not isinstance(bits, bytes):
        raise InputError(f"{show_path(path)}: a line_bits row whose numbits is not a blob")
    if len(bits) > MAX_NUMBITS:
        raise InputError(
            f"{show_path(path)}: a line_bits row of {len(bits):,} bytes; {_NO_SUCH_LINE}"
        )
    return numbits_to_nums(bits)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _contexts(path: Path, db: sqlite3.Connection, names: dict[str, int]) -> dict[int, int]:
    """This file's context ids -> global context numbers (shared by name)."""
    mapping: dict[int, int] = {}
    for context_id, name in db.execute("select id, context from context order by id"):
        if name is not None and not isinstance(name, str):
            raise InputError(f"{show_path(path)}: context id {context_id!r} is not named by text")
        mapping[context_id] = names.setdefault(name or "", len(names))
    return mapping


def _files(
    path: Path,
    db: sqlite3.Connection,
    resolver: PathResolver,
    raw: RawContexts,
    plugin_files: set[str],
    keep: Callable[[str], bool] | None,
    per_context: Callable[[str], bool] | None,
) -> dict[int, RawFile | None]:
    """This file's file ids -> the repository file they accumulate into (None:
    not wanted by `keep`, or measured by a plugin; left out), read per context
    when `per_context` (None: always) wants it."""
    by_id: dict[int, RawFile | None] = {}
    absent: list[str] = []
    root = resolver.root.resolve()
    real_dirs: dict[str, Path | None] = {}
    for file_id, measured in db.execute("select id, path from file order by id"):
        by_id[file_id] = None
        if not isinstance(measured, str):
            raise InputError(f"{show_path(path)}: file id {file_id!r} is not named by text")
        repo_path = resolve_name(resolver, path, measured, "measured file")
        if keep is not None and not keep(repo_path):
            continue
        if measured in plugin_files:
            raw.notes.append(
                f"{show_path(path)}: {show_path(measured)} was measured by a coverage.py "
                "plugin; its statements cannot be analysed here, so it is left out"
            )
            continue
        if not _inside(root, repo_path, real_dirs):
            absent.append(measured)
            continue
        if (target := raw.files.get(repo_path)) is None:
            target = raw.files[repo_path] = RawFile(per_context is None or per_context(repo_path))
        by_id[file_id] = target
        target.measured_as.append(measured)
    if absent:
        shown = ", ".join(map(show_path, absent[:MISSING_SHOWN]))
        more = f" and {len(absent) - MISSING_SHOWN} more" if len(absent) > MISSING_SHOWN else ""
        raise InputError(
            f"{show_path(path)}: the source of {counted(len(absent), 'measured file')} is not "
            f"under {show_path(resolver.root)}: {shown}{more}; statements and branches come from "
            "the source, so it must be present",
            hint="run the gate in the checkout, or map the recorded prefix with `paths`",
        )
    return by_id


def _inside(root: Path, repo_path: str, real_dirs: dict[str, Path | None]) -> bool:
    """A source file in the checkout (`root` resolved): never one outside it,
    whatever a hostile data file names (`/etc/passwd`, `../x.py`, a symlink out),
    and never an error (a symlink loop or an unreadable directory is no source).
    `real_dirs` caches each directory's real path: one walk per directory."""
    if is_absolute(repo_path) or escapes(repo_path):
        return False
    folder, _, name = repo_path.rpartition("/")
    if folder not in real_dirs:
        real_dirs[folder] = _real(root / folder)
    real = real_dirs[folder]
    if real is None:
        return False
    candidate: Path | None = real / name
    try:
        if candidate is not None and candidate.is_symlink():
            candidate = _real(candidate)
    except OSError:
        return False
    return candidate is not None and candidate.is_relative_to(root) and is_file(candidate)


def _real(path: Path) -> Path | None:
    """`path` with every symlink resolved, or None when that fails (a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # Python 3.11 raises RuntimeError for a loop
        return None


def _collect(
    path: Path,
    rows: Iterable[tuple[int, int, Iterable[int]]],
    by_id: dict[int, RawFile | None],
    context_ids: dict[int, int],
) -> None:
    """Fold (file, context, record values) rows, grouped by file, into the files:
    a merged file's under MERGED. The rows are those of kept files only (the query
    reads no others), so a row naming a file or context id that has no row of its
    own is refused: coverage.py's foreign keys would never write one (a merged
    file's context ids were vetted by `_refuse_orphan_context`)."""
    current_file: object = _NO_ROW  # equal to no file id: SQLite keeps any value there
    merged = False
    contexts = offsets = values = array("I")
    for file_id, context_id, records in rows:
        if file_id != current_file:
            current_file = file_id
            target = by_id.get(file_id)
            if target is None:
                raise InputError(f"{show_path(path)}: {_orphan('file', file_id)}")
            contexts, offsets, values = target.new_chunk()
            merged = not target.per_context
        number = MERGED if merged else context_ids.get(context_id)
        if number is None:
            raise InputError(f"{show_path(path)}: {_orphan('context', context_id)}")
        contexts.append(number)
        values.extend(records)
        offsets.append(len(values))


def _orphan(table: str, row_id: object) -> str:
    return f"data recorded for {table} id {row_id!r}, which the {table} table does not list"
