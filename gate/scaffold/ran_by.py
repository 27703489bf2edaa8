"""Evidence from per-test coverage: the tests that ran an interaction's code.

A test counts when it ran a statement inside one of the interaction's functions,
not merely imported its modules (a module is imported once, in whichever test
touches it first). Tests are grouped into their file when every test of that
file that coverage recorded qualifies (`tests/test_plugin_slack.py`), and named
one by one otherwise (`tests/test_core.py::test_dispatch_all`). Pure: a
`ContextIndex` and the units' function-body lines in, evidence patterns out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from gate.core.contexts import contexts_running
from gate.core.model import ContextIndex
from gate.scaffold.discover import Unit
from gate.scaffold.evidence import combined


def ran_by(
    units: Sequence[Unit], index: ContextIndex, body_lines: Mapping[str, Iterable[int]]
) -> dict[str, tuple[str, ...]]:
    """{unit path: evidence patterns} for the units some test ran; `body_lines`
    gives each source file's function-body lines."""
    by_file = _tests_by_file(index)
    out: dict[str, tuple[str, ...]] = {}
    for unit in units:
        tests: set[str] = set()
        for path in unit.files:
            fc = index.files.get(path)
            if fc is not None:
                wanted = set(body_lines.get(path, ())) & fc.statements
                tests.update(index.nodeids[c] for c in contexts_running(fc, wanted))
        tests.discard("")  # code that ran outside any test: collection, imports
        if tests:
            out[unit.path] = combined(_grouped(tests, by_file))
    return out


def _tests_by_file(index: ContextIndex) -> dict[str, set[str]]:
    """Every test the data recorded, by the file it is in."""
    by_file: dict[str, set[str]] = defaultdict(set)
    for nodeid in index.nodeids:
        if nodeid:
            by_file[nodeid.split("::", 1)[0]].add(nodeid)
    return by_file


def _grouped(tests: set[str], by_file: Mapping[str, set[str]]) -> list[str]:
    """Whole files first, then the tests of files that only partly qualify."""
    files: list[str] = []
    singles: list[str] = []
    for file in sorted({t.split("::", 1)[0] for t in tests}):
        mine = {t for t in tests if t.split("::", 1)[0] == file}
        if "::" in next(iter(mine)) and mine == by_file.get(file):
            files.append(file)
        else:
            singles.extend(sorted(mine))
    return [*files, *singles]
