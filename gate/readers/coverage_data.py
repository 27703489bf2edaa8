"""coverage.py data files (`.coverage`, `.coverage.*`), stage 2: what could run.

A data file records what ran, per context, but not what *could* run: the
statements and branches come from coverage.py's own analysis of the source
(`PythonFileReporter`, with the project's exclusion settings), so the source
tree must be present. Stage 1 (`gate.readers.coverage_records`) reads the
records; here each distinct raw record of a file (an arc or a line, as the
tracer saw it) is numbered and translated once - by coverage.py's
`translate_lines`/`translate_arcs`, exactly as its `Analysis` does - into the
facts it proves (statements executed, branch arcs taken), kept as
`FileContexts`. `gate.core.scope` then counts any set of contexts.
"""

from __future__ import annotations

import collections
import functools
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import coverage
from coverage.exceptions import CoverageException
from coverage.python import PythonFileReporter

from gate.core.contexts import file_coverage
from gate.core.identity import context_nodeid
from gate.core.model import ContextIndex, FileContexts, FileCoverage
from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers.coverage_records import (
    ARC_OFFSET,
    MAX_LINES,
    MERGED,
    Chunk,
    RawContexts,
    RawFile,
    read_contexts,
)
from gate.readers.fanout import fan_out
from gate.readers.import_lines import MAX_SOURCE_BYTES, import_time_lines
from gate.records import Record
from gate.text import show_path

# What coverage.py's parser lets through from a hostile source: deep nesting
# (RecursionError, MemoryError), NUL bytes and bad encodings (ValueError).
_ANALYSIS_ERRORS = (CoverageException, SyntaxError, ValueError, RecursionError, MemoryError)

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
    writers: dict[str, str | None]  # data file -> the coverage.py version that wrote it


def read_coverage_data(
    paths: Sequence[Path],
    resolver: PathResolver,
    keep: Callable[[str], bool] | None = None,
    per_context: Callable[[str], bool] | None = None,
) -> DataRead:
    """Read and combine coverage.py data files; analyse each measured source
    that `keep(repo_path)` wants (default: all) once. The others cost one row
    each in the file table: neither their records nor their sources are read.
    The files `per_context(repo_path)` wants (default: all), those evidence scope
    counts, are kept per context in the index, with their import-time lines (a
    second syntax tree of the source); the others are read as what any context
    ran, as coverage.py's own report reads them."""
    return analyse(read_contexts(paths, resolver, keep, per_context), resolver.root)


def analyse(raw: RawContexts, root: Path) -> DataRead:
    """Stage 2: each file's statements and branches from its source, and its
    records translated into facts; the coverage over all contexts. The files are
    analysed independently, so in worker processes when there are enough of them
    (`gate.readers.fanout`)."""
    settings = _config_file(root)
    _use_settings(settings)  # here first: a settings error is named once, in order
    jobs = [(path, raw.files.pop(path)) for path in sorted(raw.files)]
    analysed = fan_out(
        functools.partial(_analyse_job, root=root, has_arcs=raw.has_arcs),
        jobs,
        setup=functools.partial(_use_settings, settings),
    )
    indexed: dict[str, FileContexts] = {}
    files: list[FileCoverage] = []
    for (_, raw_file), contexts in zip(jobs, analysed, strict=True):
        files.append(file_coverage(contexts))
        if raw_file.per_context:  # a merged file's one run says nothing of any test
            indexed[contexts.path] = contexts
    ordered = sorted(raw.names, key=raw.names.__getitem__)
    index = ContextIndex(
        names=tuple(ordered),
        nodeids=tuple(context_nodeid(n) for n in ordered),
        files=indexed,
    )
    return DataRead(files=files, contexts=index, notes=raw.notes, writers=raw.writers)


_coverage: list[coverage.Coverage] = []  # this process's analyser, set by _use_settings


def _use_settings(settings: str | bool) -> None:
    """Make the coverage.py analyser (with the project's settings) of this process."""
    try:
        _coverage[:] = [coverage.Coverage(data_file=None, config_file=settings)]
    except CoverageException as exc:
        raise InputError(f"{show_path(settings)}: coverage.py settings: {exc}") from None
    except UnicodeDecodeError:  # coverage.py reads its settings as UTF-8 and raises this
        raise InputError(
            f"{show_path(settings)}: coverage.py settings: not UTF-8 text, which coverage.py "
            "cannot read"
        ) from None


def _analyse_job(job: tuple[str, RawFile], *, root: Path, has_arcs: bool) -> FileContexts:
    repo_path, raw_file = job
    return _analyse(repo_path, raw_file, root, _coverage[0], has_arcs)


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
    repo_path: str,
    raw_file: RawFile,
    root: Path,
    cov: coverage.Coverage,
    has_arcs: bool,
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
        import_lines = import_time_lines(reporter.source()) if raw_file.per_context else frozenset()
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
    if raw_file.per_context:  # each distinct raw record is numbered and translated
        numbering = {key: number for number, key in enumerate(distinct)}
        records = _merged_chunks(raw_file.chunks, numbering, width)
        groups: list[Sequence[tuple[int, ...]]] = [(key,) for key in distinct]
    else:  # one record, what any context ran, translated at once as coverage.py does
        records = array("I", [MERGED]), array("I", [0, 1]), array("I", [0])
        groups = [distinct]
    fact_offsets = array("I", [0])
    fact_values = array("i")
    for group in groups:
        fact_values.extend(_facts(group, reporter, statements, shape))
        fact_offsets.append(len(fact_values))
    context_ids, record_offsets, record_ids = records
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
        import_lines=import_lines & statements,
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
    keys: Sequence[tuple[int, ...]],
    reporter: PythonFileReporter,
    statements: frozenset[int],
    shape: _BranchShape | None,
) -> list[int]:
    """What raw records prove together: executed statements (positive) and taken
    branch arcs (`-(number + 1)`). coverage.py translates each record on its own,
    so the facts of several are the union of each one's."""
    if shape is None:
        return [n for n in reporter.translate_lines(line for (line,) in keys) if n in statements]
    arcs = [(a - ARC_OFFSET, b - ARC_OFFSET) for a, b in keys]
    # CoverageData.lines() of arc data: both ends that are real lines.
    ends = [n for arc in arcs for n in arc if n > 0]
    facts = [n for n in reporter.translate_lines(ends) if n in statements]
    # analysis_from_file_reporter: translate, fold self-arcs onto the single exit.
    folded: set[tuple[int, int]] = set()
    for fa, fb in reporter.translate_arcs(arcs):
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
