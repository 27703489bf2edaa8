"""coverage.py data files (`.coverage`, `.coverage.*`): the one module that imports
coverage.py.

A data file records what ran, per context, but not what *could* run: the
statements and branches come from coverage.py's own analysis of the source
(`PythonFileReporter`, with the project's exclusion settings), so the source
tree must be present. Several data files combine as `coverage combine` would:
per file and context, the union of what each recorded.

What each context ran is read in one pass over the SQL tables coverage.py
documents for advanced use ("Coverage.py database schema", SCHEMA_VERSION 7;
`CoverageData` itself reads one context at a time, which is far too slow for
20,000 test contexts). It is kept compact, as `FileContexts`: each distinct raw
record of a file (an arc or a line, as the tracer saw it) is numbered, and
translated once -
by coverage.py's `translate_lines`/`translate_arcs`, exactly as its `Analysis`
does - into the facts it proves (statements executed, branch arcs taken).
`gate.core.scope` then counts any set of contexts the way `coverage report
--contexts=...` would.
"""

from __future__ import annotations

import collections
import sqlite3
import sys
from array import array
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

import coverage
from coverage.exceptions import CoverageException
from coverage.numbits import numbits_to_nums
from coverage.python import PythonFileReporter

from gate.core.contexts import file_coverage
from gate.core.identity import context_nodeid
from gate.core.model import ContextIndex, FileContexts, FileCoverage
from gate.core.paths import PathResolver, escapes, is_absolute, is_file
from gate.errors import InputError
from gate.readers.files import resolve_name
from gate.records import Record
from gate.text import show_path

SCHEMA_VERSION = 7  # the coverage.py data schema these queries are written for
MISSING_SHOWN = 5  # absent source files named in the error
# SQLite hands a context's arcs over as one string of code points, two per arc
# (`char(a + K, b + K)`), which becomes an int array without parsing a number in
# Python. K keeps every line number within +-2**19 a valid, non-surrogate code
# point; sources are checked to be shorter (MAX_LINES).
_K = 0x90000
MAX_LINES = (1 << 19) - 1
MAX_NUMBITS = (MAX_LINES + 1) // 8  # bytes of a numbits blob for lines up to MAX_LINES
MAX_SOURCE_BYTES = 16 * 1024 * 1024  # larger than any hand-written or generated module
# What coverage.py's parser lets through from a hostile source: deep nesting
# (RecursionError, MemoryError), NUL bytes and bad encodings (ValueError).
_ANALYSIS_ERRORS = (CoverageException, SyntaxError, ValueError, RecursionError, MemoryError)
_NO_SUCH_LINE = f"no source analysed here has more than {MAX_LINES:,} lines"
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"

# Where coverage.py looks for its settings (exclusions change what a statement is),
# in its own order; the last three count only when they hold coverage settings.
_CONFIG_FILES = (
    (".coveragerc", ""),
    (".coveragerc.toml", ""),
    ("setup.cfg", "[coverage:"),
    ("tox.ini", "[coverage:"),
    ("pyproject.toml", "[tool.coverage"),
)


class DataRead(Record, frozen=True):
    """What the data files hold: every file's coverage over all contexts, and the
    per-context index that evidence scoping reads."""

    files: list[FileCoverage]
    contexts: ContextIndex
    notes: list[str]


Chunk: TypeAlias = "tuple[array[int], array[int], array[int]]"


class _RawFile:
    """One repository file's raw records, per context, from every data file.

    Records are kept as recorded: an arc `(a, b)` as the two values `a + K, b + K`,
    a line as its number (see `_rows`)."""

    __slots__ = ("chunks", "measured_as")

    def __init__(self) -> None:
        # One (contexts, offsets into values, values) run per data file.
        self.chunks: list[Chunk] = []
        self.measured_as: list[str] = []

    def new_chunk(self) -> Chunk:
        chunk = (array("I"), array("I", [0]), array("I"))
        self.chunks.append(chunk)
        return chunk


@dataclass
class RawContexts:
    """Stage 1: what every context ran, as recorded (before source analysis)."""

    names: dict[str, int] = field(default_factory=dict)  # context name -> number
    files: dict[str, _RawFile] = field(default_factory=dict)  # repository path -> records
    notes: list[str] = field(default_factory=list)
    has_arcs: bool = False


def read_coverage_data(paths: Sequence[Path], resolver: PathResolver) -> DataRead:
    """Read and combine coverage.py data files; analyse each measured source once."""
    return analyse(read_contexts(paths, resolver), resolver.root)


def read_contexts(paths: Sequence[Path], resolver: PathResolver) -> RawContexts:
    """Stage 1: combine the data files' per-context records, by repository path."""
    raw = RawContexts()
    for number, path in enumerate(paths):
        arcs = _read_one(path, resolver, raw.names, raw.files, raw.notes)
        if number and arcs != raw.has_arcs:
            raise InputError(
                f"{show_path(path)}: records {'branches' if arcs else 'lines only'}, unlike "
                f"{paths[0]}; coverage.py cannot combine branch and statement data either",
                hint="measure every shard with the same settings (--cov-branch everywhere)",
            )
        raw.has_arcs = arcs
    return raw


def analyse(raw: RawContexts, root: Path) -> DataRead:
    """Stage 2: each file's statements and branches from its source, and its
    records translated into facts; the coverage over all contexts. Consumes
    `raw` file by file, so the records are never held twice."""
    settings = _config_file(root)
    try:
        cov = coverage.Coverage(data_file=None, config_file=settings)
    except CoverageException as exc:
        raise InputError(f"{show_path(settings)}: coverage.py settings: {exc}") from None
    files: list[FileCoverage] = []
    indexed: dict[str, FileContexts] = {}
    for repo_path in sorted(raw.files):
        raw_file = raw.files.pop(repo_path)  # consumed: its records are held once
        contexts = _analyse(repo_path, raw_file, root, cov, raw.has_arcs)
        indexed[repo_path] = contexts
        files.append(file_coverage(contexts))
    ordered = sorted(raw.names, key=raw.names.__getitem__)
    index = ContextIndex(
        names=tuple(ordered),
        nodeids=tuple(context_nodeid(n) for n in ordered),
        files=indexed,
    )
    return DataRead(files=files, contexts=index, notes=raw.notes)


def _read_one(
    path: Path,
    resolver: PathResolver,
    names: dict[str, int],
    raw: dict[str, _RawFile],
    notes: list[str],
) -> bool:
    """Add one data file's records to `raw`; return whether it records arcs."""
    try:
        with closing(_connect(path)) as db:
            _check_schema(path, db)  # first: coverage.py would add its schema to a foreign file
            has_arcs, plugin_files = _metadata(path, db)
            context_ids = _contexts(path, db, names)
            by_id = _files(path, db, resolver, raw, plugin_files, notes)
            if not by_id and not plugin_files:
                raise InputError(
                    f"{show_path(path)}: coverage.py data file that measured no files; "
                    "refusing to read it as 0 lines"
                )
            _collect(path, _rows(path, db, has_arcs), by_id, context_ids)
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # text that is not UTF-8: corrupt pages
        raise InputError(f"{show_path(path)}: cannot read the coverage.py data: {exc}") from None
    return has_arcs


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


def _metadata(path: Path, db: sqlite3.Connection) -> tuple[bool, set[str]]:
    """Whether the data records arcs (from coverage.py's own CoverageData, which
    also vets the file), and which files a plugin measured (the `tracer` table:
    one query, where `CoverageData.file_tracer` would open the file per name)."""
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
    return has_arcs, {measured for (measured,) in db.execute(query)}


def _rows(
    path: Path, db: sqlite3.Connection, has_arcs: bool
) -> Iterable[tuple[int, int, Iterable[int]]]:
    """(file id, context id, record values) per file and context, grouped by file.
    SQLite concatenates a context's arcs, so Python sees one row per file and
    context rather than one per arc, and decodes it without parsing numbers."""
    if has_arcs:
        # The largest |line number| of each run comes with it, in the same pass:
        # one outside +-MAX_LINES has no valid code point (see _K).
        query = (
            "select file_id, context_id, group_concat(char(fromno + ?, tono + ?), ''),"
            " max(max(abs(fromno), abs(tono))),"
            " min(typeof(fromno) = 'integer' and typeof(tono) = 'integer') from arc"
            " group by file_id, context_id order by file_id, context_id"
        )
        rows = db.execute(query, (_K, _K))
        return ((f, c, _values(path, text, top, ints)) for f, c, text, top, ints in rows)
    query = "select file_id, context_id, numbits from line_bits order by file_id, context_id"
    return ((f, c, _numbers(path, bits)) for f, c, bits in db.execute(query))


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
    """The line numbers of a `numbits` blob, at most MAX_LINES of them."""
    if not isinstance(bits, bytes) or len(bits) > MAX_NUMBITS:
        size = len(bits) if isinstance(bits, bytes) else 0
        raise InputError(f"{show_path(path)}: a line_bits row of {size:,} bytes; {_NO_SUCH_LINE}")
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
    raw: dict[str, _RawFile],
    plugin_files: set[str],
    notes: list[str],
) -> dict[int, _RawFile | None]:
    """This file's file ids -> the repository file they accumulate into (None:
    measured by a plugin, left out)."""
    by_id: dict[int, _RawFile | None] = {}
    absent: list[str] = []
    root = resolver.root.resolve()
    real_dirs: dict[str, Path | None] = {}
    for file_id, measured in db.execute("select id, path from file order by id"):
        if measured in plugin_files:
            notes.append(
                f"{show_path(path)}: {show_path(measured)} was measured by a coverage.py "
                "plugin; its statements cannot be analysed here, so it is left out"
            )
            by_id[file_id] = None
            continue
        if not isinstance(measured, str):
            raise InputError(f"{show_path(path)}: file id {file_id!r} is not named by text")
        repo_path = resolve_name(resolver, path, measured, "measured file")
        if not _inside(root, repo_path, real_dirs):
            absent.append(measured)
            continue
        target = raw.setdefault(repo_path, _RawFile())
        target.measured_as.append(measured)
        by_id[file_id] = target
    if absent:
        shown = ", ".join(map(show_path, absent[:MISSING_SHOWN]))
        more = f" and {len(absent) - MISSING_SHOWN} more" if len(absent) > MISSING_SHOWN else ""
        raise InputError(
            f"{show_path(path)}: the source of {len(absent)} measured file(s) is not under "
            f"{show_path(resolver.root)}: {shown}{more}; statements and branches come from "
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
    by_id: dict[int, _RawFile | None],
    context_ids: dict[int, int],
) -> None:
    """Fold (file, context, record values) rows, grouped by file, into the files.
    A row naming a file or context id that has no row of its own is refused:
    coverage.py's foreign keys would never write one."""
    current_file = -1
    skip = False
    contexts = offsets = values = array("I")
    for file_id, context_id, records in rows:
        if file_id != current_file:
            current_file = file_id
            if file_id not in by_id:
                raise InputError(f"{show_path(path)}: {_orphan('file', file_id)}")
            target = by_id[file_id]
            skip = target is None  # a plugin-measured file, left out
            if target is not None:
                contexts, offsets, values = target.new_chunk()
        if skip:
            continue
        number = context_ids.get(context_id)
        if number is None:
            raise InputError(f"{show_path(path)}: {_orphan('context', context_id)}")
        contexts.append(number)
        values.extend(records)
        offsets.append(len(values))


def _orphan(table: str, row_id: object) -> str:
    return f"data recorded for {table} id {row_id!r}, which the {table} table does not list"


def _config_file(root: Path) -> str | bool:
    """The coverage.py settings file coverage.py itself would use in `root`."""
    for name, marker in _CONFIG_FILES:
        candidate = root / name
        if candidate.is_file() and (
            not marker or marker in candidate.read_text(encoding="utf-8", errors="replace")
        ):
            return str(candidate)
    return False


def _analyse(
    repo_path: str, raw_file: _RawFile, root: Path, cov: coverage.Coverage, has_arcs: bool
) -> FileContexts:
    """The file's statements and branches from its source, and its raw records
    translated into facts the way coverage.py's `analysis_from_file_reporter` does."""
    source = root / repo_path
    shown = show_path(repo_path)
    if (size := source.stat().st_size) > MAX_SOURCE_BYTES:
        raise InputError(f"{shown}: {size:,} bytes; too large to be analysed as Python source")
    reporter = PythonFileReporter(str(source), coverage=cov)
    try:
        statements = frozenset(reporter.lines())
        shape = _BranchShape.of(reporter) if has_arcs else None
        lines = reporter.source().count("\n")
    except _ANALYSIS_ERRORS as exc:
        measured = show_path(raw_file.measured_as[0])
        problem = str(exc) or type(exc).__name__
        raise InputError(
            f"{shown}: cannot analyse the source measured as {measured}: {problem}"
        ) from None
    if lines >= MAX_LINES:
        raise InputError(f"{shown}: more than {MAX_LINES:,} lines; too long to analyse")
    width = 2 if has_arcs else 1
    distinct = sorted({key for chunk in raw_file.chunks for key in _keys(chunk[2], width)})
    fact_offsets = array("I", [0])
    fact_values = array("i")
    for key in distinct:
        fact_values.extend(_facts(key, reporter, statements, shape))
        fact_offsets.append(len(fact_values))
    numbering = {key: number for number, key in enumerate(distinct)}
    context_ids, record_offsets, record_ids = _merged_chunks(raw_file.chunks, numbering, width)
    return FileContexts(
        path=repo_path,
        statements=statements,
        branch_exits=None if shape is None else shape.exits,
        branch_arcs=() if shape is None else shape.arcs,
        context_ids=context_ids.tobytes(),
        record_offsets=record_offsets.tobytes(),
        record_ids=record_ids.tobytes(),
        fact_offsets=fact_offsets.tobytes(),
        fact_values=fact_values.tobytes(),
    )


class _BranchShape(Record, frozen=True):
    """coverage.py's view of a file's branches (results.Analysis, 7.x): lines with
    more than one exit, and the arcs from them that count as missed when not taken
    (not from a `no_branch` line, not into excluded code)."""

    exits: dict[int, int]
    arcs: tuple[tuple[int, int], ...]
    arc_numbers: dict[tuple[int, int], int]
    single_dests: dict[int, int]

    @classmethod
    def of(cls, reporter: PythonFileReporter) -> _BranchShape:
        possible = reporter.arcs()
        excluded = reporter.excluded_lines()
        no_branch = reporter.no_branch_lines()
        exits = {line: n for line, n in reporter.exit_counts().items() if n > 1}
        arcs = tuple(
            sorted(
                (a, b)
                for a, b in possible
                if a in exits and a not in no_branch and b not in excluded
            )
        )
        dests: dict[int, set[int]] = collections.defaultdict(set)
        for a, b in possible:
            dests[a].add(b)
        single = {a: next(iter(bs)) for a, bs in dests.items() if len(bs) == 1}
        return cls(exits, arcs, {arc: i for i, arc in enumerate(arcs)}, single)


def _keys(values: array[int], width: int) -> Iterable[tuple[int, ...]]:
    """A chunk's values as records: (a + K, b + K) pairs for arcs, (line,) for lines."""
    it = iter(values)
    return zip(*([it] * width), strict=True)


def _facts(
    key: tuple[int, ...],
    reporter: PythonFileReporter,
    statements: frozenset[int],
    shape: _BranchShape | None,
) -> list[int]:
    """What one raw record proves: executed statements (positive) and taken
    branch arcs (`-(number + 1)`)."""
    if shape is None:
        return [n for n in reporter.translate_lines(key) if n in statements]
    a, b = key[0] - _K, key[1] - _K
    # CoverageData.lines() of arc data: both ends that are real lines.
    facts = [n for n in reporter.translate_lines([n for n in (a, b) if n > 0]) if n in statements]
    # analysis_from_file_reporter: translate, fold self-arcs onto the single exit.
    folded: set[tuple[int, int]] = set()
    for fa, fb in reporter.translate_arcs([(a, b)]):
        if fa != fb:
            folded.add((fa, fb))
        elif fa in shape.single_dests:
            folded.add((fa, shape.single_dests[fa]))
    for arc in reporter.translate_arcs(folded):
        number = shape.arc_numbers.get(arc)
        if number is not None:
            facts.append(-(number + 1))
    return facts


def _merged_chunks(
    chunks: list[Chunk], numbering: dict[tuple[int, ...], int], width: int
) -> tuple[array[int], array[int], array[int]]:
    """One (contexts ascending, offsets, record numbers) table from the file's
    chunks; a context recorded by several data files gets the union."""
    if len(chunks) == 1 and _ascending(chunks[0][0]):
        contexts, offsets, values = chunks[0]
        records = array("I", map(numbering.__getitem__, _keys(values, width)))
        return contexts, array("I", (o // width for o in offsets)), records
    per_context: dict[int, set[int]] = {}
    for contexts, offsets, values in chunks:
        for k, context in enumerate(contexts):
            found = per_context.setdefault(context, set())
            run = values[offsets[k] : offsets[k + 1]]
            found.update(map(numbering.__getitem__, _keys(run, width)))
    out_contexts, out_offsets, out_records = array("I"), array("I", [0]), array("I")
    for context in sorted(per_context):
        out_contexts.append(context)
        out_records.extend(sorted(per_context[context]))
        out_offsets.append(len(out_records))
    return out_contexts, out_offsets, out_records


def _ascending(values: array[int]) -> bool:
    return all(values[i] < values[i + 1] for i in range(len(values) - 1))
