"""What a chosen set of coverage.py contexts ran in one file.

`FileContexts` keeps, per file, which raw records each context ran and which
facts (statements executed, branch arcs taken) each record proves; this module
counts any set of contexts the way coverage.py's `Analysis` counts a data file
read with `--contexts`. Pure: the readers use it for the whole-file figures,
`gate.core.scope` for an interaction's evidence.
"""

from __future__ import annotations

from collections.abc import Collection

from gate.core.model import FileContexts, FileCoverage, LineBranches


def file_coverage(fc: FileContexts, contexts: Collection[int] | None = None) -> FileCoverage:
    """One file's coverage counting only what `contexts` ran (None: every context)."""
    facts = _facts(fc, _records(fc, contexts))
    executed = frozenset(f for f in facts if f > 0)
    taken = {fc.branch_arcs[-f - 1] for f in facts if f < 0}
    branches = None if fc.branch_exits is None else _line_branches(fc, taken)
    return FileCoverage(fc.path, fc.statements, executed, branches)


def _records(fc: FileContexts, contexts: Collection[int] | None) -> Collection[int]:
    """The raw records the given contexts ran in the file."""
    if contexts is None:
        return range(len(fc.fact_offsets) // 4 - 1)
    ids = memoryview(fc.record_ids).cast("I")
    offsets = memoryview(fc.record_offsets).cast("I")
    records: set[int] = set()
    for k, context in enumerate(memoryview(fc.context_ids).cast("I")):
        if context in contexts:
            records.update(ids[offsets[k] : offsets[k + 1]])
    return records


def _facts(fc: FileContexts, records: Collection[int]) -> set[int]:
    offsets = memoryview(fc.fact_offsets).cast("I")
    values = memoryview(fc.fact_values).cast("i")
    facts: set[int] = set()
    for record in records:
        facts.update(values[offsets[record] : offsets[record + 1]])
    return facts


def _line_branches(fc: FileContexts, taken: set[tuple[int, int]]) -> dict[int, LineBranches]:
    """coverage.py's branch_stats: a branch line's exits, less the candidate arcs
    from it that no counted context took."""
    missing: dict[int, list[str]] = {}
    for arc in fc.branch_arcs:
        if arc not in taken:
            missing.setdefault(arc[0], []).append(str(arc[1]) if arc[1] > 0 else "exit")
    out: dict[int, LineBranches] = {}
    for line, exits in sorted((fc.branch_exits or {}).items()):
        not_taken = tuple(missing.get(line, ()))
        out[line] = LineBranches(exits, max(0, exits - len(not_taken)), not_taken)
    return out


def contexts_running(fc: FileContexts, lines: Collection[int]) -> list[int]:
    """The contexts (ascending) that executed any of `lines` in the file."""
    wanted = set(lines)
    offsets = memoryview(fc.fact_offsets).cast("I")
    values = memoryview(fc.fact_values).cast("i")
    hits = {
        record
        for record in range(len(offsets) - 1)
        if not wanted.isdisjoint(values[offsets[record] : offsets[record + 1]])
    }
    ids = memoryview(fc.record_ids).cast("I")
    starts = memoryview(fc.record_offsets).cast("I")
    return [
        context
        for k, context in enumerate(memoryview(fc.context_ids).cast("I"))
        if not hits.isdisjoint(ids[starts[k] : starts[k + 1]])
    ]
