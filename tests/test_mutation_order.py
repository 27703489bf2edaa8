"""Mutation testing runs a mutant's quickest tests first (tests/support/mutation.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from support.mutation import quickest_first


@dataclass(frozen=True)
class Node:
    nodeid: str


STATS = {"duration_by_test": {"t.py::slow": 40.0, "t.py::quick": 0.01, "t.py::middle": 2.5}}


def _items() -> list[Node]:
    names = ("t.py::slow", "t.py::new", "t.py::middle", "t.py::also_new", "t.py::quick")
    return [Node(name) for name in names]


def test_a_mutants_tests_run_quickest_first_and_unrecorded_ones_last(tmp_path: Path) -> None:
    stats = tmp_path / "mutmut-stats.json"
    stats.write_text(json.dumps(STATS), encoding="utf-8")
    items = _items()
    quickest_first(items, {"MUTANT_UNDER_TEST": "gate.core.x_f__mutmut_3"}, stats)
    assert [item.nodeid for item in items] == [
        "t.py::quick", "t.py::middle", "t.py::slow", "t.py::new", "t.py::also_new"
    ]  # fmt: skip


def test_the_order_is_kept_outside_a_mutants_run_or_without_a_record(tmp_path: Path) -> None:
    stats = tmp_path / "mutmut-stats.json"
    stats.write_text(json.dumps(STATS), encoding="utf-8")
    # mutmut's own runs: the stats run, the clean run, the forced failure.
    for environ in ({}, {"MUTANT_UNDER_TEST": "stats"}, {"MUTANT_UNDER_TEST": "fail"}):
        items = _items()
        quickest_first(items, environ, stats)
        assert items == _items()
    for broken in ("", "{", '{"other": 1}', "[1]"):
        missing = tmp_path / f"stats-{len(broken)}.json"
        if broken:
            missing.write_text(broken, encoding="utf-8")
        items = _items()
        quickest_first(items, {"MUTANT_UNDER_TEST": "gate.core.x_f__mutmut_3"}, missing)
        assert items == _items()
