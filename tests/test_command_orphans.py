"""Nothing a `command` check starts outlives it, not even a process that left its group
with `setsid` (gate/safety/reaper.py). Real processes, real `setsid`, real /proc."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from safety_fixtures import alive, check, run_one

from gate.safety.command import Finished, judge
from gate.safety.reaper import _scan_children, children

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or shutil.which("setsid") is None,
    reason="a child subreaper is Linux-only (prctl); needs setsid(1) and /proc",
)

PR_GET_CHILD_SUBREAPER = 37  # <linux/prctl.h>, written out here on purpose


def eventually_dead(pids: list[int], seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(alive(pid) for pid in pids):
            return True
        time.sleep(0.02)
    return not any(alive(pid) for pid in pids)


def pids(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()]


def escape(then: str, run: str = "sleep 60") -> str:
    """A shell script that starts `run` in a new session (`setsid`), waits until it is
    there (its pid in escaped.pid is written after the setsid), then does `then`."""
    return (
        f"setsid sh -c 'echo $$ >> escaped.pid; exec {run}' & "
        "while [ ! -s escaped.pid ]; do sleep 0.01; done; " + then
    )


def is_subreaper() -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    value = ctypes.c_int(-1)
    assert libc.prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(value), 0, 0, 0) == 0
    return value.value


def test_a_setsid_grandchild_of_a_passing_command_is_killed(tmp_path: Path) -> None:
    # `setsid sleep` leaves the command's session and process group: killing the group
    # alone would leave it running, reparented to init, after the check.
    script = escape("exit 0")
    started = time.monotonic()
    result = run_one(tmp_path, check("command", id="cmd", run=["sh", "-c", script]))
    assert result.passed, result.detail
    # not held up waiting for the pipe the escaped process kept open
    assert time.monotonic() - started < 3
    assert eventually_dead(pids(tmp_path / "escaped.pid"))


def test_a_chain_of_setsid_descendants_is_killed_at_the_timeout(tmp_path: Path) -> None:
    # Level 1 leaves the command's session and stays alive; level 2 leaves level 1's.
    # Level 2 is no orphan until the sweep has killed level 1: it must come back too.
    (tmp_path / "level1.sh").write_text(
        "echo $$ >> escaped.pid\nsetsid sh -c 'echo $$ >> escaped.pid; exec sleep 60' &\nsleep 60\n"
    )
    script = (
        "setsid sh level1.sh & "
        "while [ $(cat escaped.pid 2>/dev/null | wc -l) -lt 2 ]; do sleep 0.01; done; sleep 60"
    )
    result = run_one(tmp_path, check("command", id="cmd", run=["sh", "-c", script], timeout=2))
    assert not result.passed
    assert "timed out after 2 s" in result.detail
    escaped = pids(tmp_path / "escaped.pid")
    assert len(escaped) == 2
    assert eventually_dead(escaped)


def test_the_gate_is_a_subreaper_only_while_a_command_runs(tmp_path: Path) -> None:
    # Not inherited across fork (man 2 PR_SET_CHILD_SUBREAPER): 0 unless a check left it.
    assert is_subreaper() == 0
    assert run_one(tmp_path, check("command", id="cmd", run=["true"])).passed
    assert is_subreaper() == 0


def test_children_the_gate_had_before_are_left_alone(tmp_path: Path) -> None:
    ours = subprocess.Popen(["sleep", "60"])
    try:
        script = escape("exit 1")
        result = run_one(tmp_path, check("command", id="cmd", run=["sh", "-c", script]))
        assert not result.passed
        assert eventually_dead(pids(tmp_path / "escaped.pid"))
        assert ours.poll() is None and alive(ours.pid)
    finally:
        ours.kill()
        ours.wait()


def test_the_exit_status_survives_the_sweep(tmp_path: Path) -> None:
    # The sweep reaps orphans; it must never reap the command itself, whose status
    # would then be lost (subprocess reports a stolen status as 0: a pass).
    script = escape("exit 3")
    result = run_one(tmp_path, check("command", id="cmd", run=["sh", "-c", script]))
    assert not result.passed
    assert result.detail.endswith("` exited 3, no output")


def test_processes_that_could_not_be_killed_fail_the_check() -> None:
    done = Finished(returncode=0, output=b"", output_bytes=0, left_running=2)
    finding = judge("serve --daemon", done, 10, secrets=[])
    assert not finding.passed
    assert finding.detail == (
        "`serve --daemon`: 2 processes it started could not be killed within 5 s"
    )


def test_an_interrupted_check_leaves_nothing_running(tmp_path: Path) -> None:
    # SIGINT to a gate that is running a command: the command and what it started die
    # with the gate's KeyboardInterrupt, nothing is left behind.
    code = (
        "import sys; sys.path[:0] = sys.argv[1:3]\n"
        "from safety_fixtures import check, run_one\n"
        "from pathlib import Path\n"
        "run_one(Path(sys.argv[3]), check('command', id='cmd', run=['sh', '-c', sys.argv[4]]))\n"
    )
    tests = Path(__file__).resolve().parent
    script = escape("echo $$ > leader.pid; sleep 60")
    gate = subprocess.Popen(
        [sys.executable, "-c", code, str(tests), str(tests.parent), str(tmp_path), script],
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    leader_file = tmp_path / "leader.pid"
    while not (leader_file.exists() and leader_file.read_text().strip()) and (
        time.monotonic() < deadline
    ):  # the file is there before the shell has written its pid
        time.sleep(0.02)
    gate.send_signal(2)  # SIGINT
    _, stderr = gate.communicate(timeout=10)
    assert b"KeyboardInterrupt" in stderr
    leader = pids(tmp_path / "leader.pid")
    assert eventually_dead(leader + pids(tmp_path / "escaped.pid"))


def test_both_ways_of_listing_the_gates_children_find_them() -> None:
    # The per-thread children lists where the kernel has them, else a scan of /proc.
    child = subprocess.Popen(["sleep", "30"])
    try:
        assert child.pid in children(os.getpid())
        assert child.pid in _scan_children(os.getpid())
    finally:
        child.kill()
        child.wait()
