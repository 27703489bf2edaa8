"""Mutation testing runs a mutant's quickest tests first (tests/support/mutation.py)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import TESTS
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


HANG = """\
import json, sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
from support.mutation import hang_limit
stats = Path({stats!r})
with hang_limit("t.py::quick", {{"MUTANT_UNDER_TEST": {mutant!r}}}, stats, grace={grace}):
    time.sleep({sleep})
print("finished")
"""


def run_hang(
    tmp_path: Path, mutant: str, grace: float, sleep: float
) -> subprocess.CompletedProcess[str]:
    stats = tmp_path / "mutmut-stats.json"
    stats.write_text(json.dumps(STATS), encoding="utf-8")
    script = HANG.format(
        tests=str(TESTS), stats=str(stats), mutant=mutant, grace=grace, sleep=sleep
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX: mutmut runs there only")
def test_a_test_that_outlasts_its_limit_under_a_mutant_ends_as_mutmuts_timeout(
    tmp_path: Path,
) -> None:
    """Recorded 0.01 s: the limit is 0.1 s + the grace; SIGXCPU is mutmut's timeout."""
    hung = run_hang(tmp_path, "gate.core.x_f__mutmut_3", grace=0.2, sleep=5)
    assert hung.returncode == -signal.SIGXCPU and "finished" not in hung.stdout
    in_time = run_hang(tmp_path, "gate.core.x_f__mutmut_3", grace=1.0, sleep=0.2)
    assert in_time.returncode == 0 and in_time.stdout == "finished\n"
    not_a_mutant = run_hang(tmp_path, "stats", grace=0.2, sleep=1)
    assert not_a_mutant.returncode == 0 and not_a_mutant.stdout == "finished\n"
