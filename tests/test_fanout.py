"""Per-file work spread over forked workers gives what one process gives, in order."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import coverage
import pytest

from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import read_coverage
from gate.readers.fanout import MAX_WORKERS, MIN_ITEMS_PER_WORKER, fan_out, workers_for

MANY = MIN_ITEMS_PER_WORKER * 4


def cpus_here() -> int:
    """The CPUs this process may use where the work is spread (Linux, no other
    thread running), else 1: decided here, independently of `workers_for`."""
    if sys.platform != "linux" or threading.active_count() > 1:
        return 1
    return len(os.sched_getaffinity(0))


def needs_workers() -> None:
    if cpus_here() < 2:
        pytest.skip("one CPU, not Linux, or other threads: the work runs in this process")


def square_with_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def refuse_seven(n: int) -> int:
    if n == 7:
        raise InputError(f"item {n} refused", hint="a hint that must survive")
    return n


def test_results_come_back_in_order_from_other_processes() -> None:
    needs_workers()
    results = list(fan_out(square_with_pid, range(MANY)))
    assert [r for r, _ in results] == [n * n for n in range(MANY)]
    assert {pid for _, pid in results} - {os.getpid()}


def test_work_is_spread_over_as_many_workers_as_it_pays_for_and_no_more() -> None:
    needs_workers()
    assert workers_for(MANY) == min(cpus_here(), MAX_WORKERS, MANY // MIN_ITEMS_PER_WORKER)
    assert workers_for(MIN_ITEMS_PER_WORKER * MAX_WORKERS * 100) == min(cpus_here(), MAX_WORKERS)
    # Fewer items than two workers' worth: no worker at all.
    assert workers_for(2 * MIN_ITEMS_PER_WORKER - 1) == 1
    assert workers_for(2 * MIN_ITEMS_PER_WORKER) == 2


def frozen_in_worker(n: int) -> tuple[int, int]:
    return gc.get_freeze_count(), os.getpid()


def test_a_worker_never_collects_what_it_inherited() -> None:
    """The parent's objects are frozen while workers fork: a worker's garbage
    collection would walk them all, copying every inherited page (about 7% more CPU
    on benchmarks' data-10%). They are unfrozen once the work is done."""
    needs_workers()
    before = gc.get_freeze_count()
    seen = list(fan_out(frozen_in_worker, range(MANY)))
    assert {pid for _, pid in seen} - {os.getpid()}
    assert all(count > before + 1000 for count, _ in seen)
    assert gc.get_freeze_count() == before


def test_no_more_processes_than_workers_for_says() -> None:
    needs_workers()
    pids = {pid for _, pid in fan_out(square_with_pid, range(2 * MIN_ITEMS_PER_WORKER))}
    assert len(pids) <= 2


def test_with_another_thread_running_the_work_stays_in_this_process() -> None:
    """Forking a threaded process can deadlock on a lock the other thread held."""
    needs_workers()
    done = threading.Event()
    other = threading.Thread(target=done.wait)
    other.start()
    try:
        assert workers_for(MANY) == 1
        assert {pid for _, pid in fan_out(square_with_pid, range(MANY))} == {os.getpid()}
    finally:
        done.set()
        other.join()


_SETUP: dict[str, int] = {}


def setup_here() -> None:
    _SETUP["pid"] = os.getpid()


def pid_of_setup(n: int) -> tuple[int | None, int]:
    return _SETUP.get("pid"), os.getpid()


@pytest.mark.parametrize("count", [3, MANY])
def test_setup_runs_in_every_process_before_its_work(count: int) -> None:
    _SETUP.clear()
    for set_up_in, ran_in in fan_out(pid_of_setup, range(count), setup=setup_here):
        assert set_up_in == ran_in


def test_little_work_stays_in_this_process() -> None:
    results = list(fan_out(square_with_pid, range(3)))
    assert {pid for _, pid in results} == {os.getpid()}


@pytest.mark.parametrize("count", [10, MANY])
def test_a_refusal_in_a_worker_is_raised_whole(count: int) -> None:
    with pytest.raises(InputError, match="item 7 refused") as info:
        list(fan_out(refuse_seven, range(count)))
    assert info.value.hint == "a hint that must survive"


@pytest.mark.slow
def test_a_data_file_of_many_sources_reads_as_coverage_py_counts(tmp_path: Path) -> None:
    """Enough files for workers: the figures still equal `coverage json`'s."""
    needs_workers()
    files = {}
    for k in range(MANY):
        rel = f"pkg/m{k:03d}.py"
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text(f"def f(x):\n    if x > {k}:\n        return 1\n    return 2\n")
        files[rel] = [(-1, 1), (1, -1), (-1, 2), (2, 3 + k % 2), (3 + k % 2, -1)]
    (tmp_path / ".coveragerc").write_text("[run]\nbranch = True\nrelative_files = True\n")
    data = coverage.CoverageData(basename=str(tmp_path / ".coverage"))
    data.set_context("tests/test_m.py::test_f|run")
    data.add_arcs(files)
    data.write()
    ours = read_coverage([tmp_path / ".coverage"], PathResolver(tmp_path)).files
    subprocess.run(
        [sys.executable, "-m", "coverage", "json", "-q", "-o", "theirs.json"],
        cwd=tmp_path, check=True, capture_output=True,
    )  # fmt: skip
    theirs = json.loads((tmp_path / "theirs.json").read_text())["files"]
    assert set(ours) == set(theirs) and len(ours) == MANY
    for path, f in ours.items():
        summary = theirs[path]["summary"]
        assert (len(f.statements), len(f.executed), f.branch_total, f.branch_covered) == (
            summary["num_statements"],
            summary["covered_lines"],
            summary["num_branches"],
            summary["covered_branches"],
        ), path
