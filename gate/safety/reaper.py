"""Nothing a `command` check started outlives it, not even what left its process group.

A command runs in its own session, whose process group is killed as a whole. A
process that calls `setsid` (a daemon, `setsid sleep 1000 &`) leaves that group; when
its parent dies it is reparented to init and, on a self-hosted runner, survives the
job. On Linux the gate therefore becomes a child subreaper while a command runs
(`prctl(PR_SET_CHILD_SUBREAPER)`, man 2 PR_SET_CHILD_SUBREAPER): orphans of the command
are reparented to the gate instead, and `Subreaper.sweep` kills them, their process
groups, and the orphans that killing makes, until none is left.

Elsewhere (macOS, the BSDs, Windows) there is no subreaper: only the process group
is killed, and a process that left it survives. docs/security.md says so.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ctypes

PR_SET_CHILD_SUBREAPER = 36  # <linux/prctl.h>
PR_GET_CHILD_SUBREAPER = 37
SWEEP_SECONDS = 5.0  # at most this long to kill orphans that keep forking
SWEEP_PAUSE = 0.005  # seconds between looks, while a killed process is being torn down


class Subreaper:
    """The gate as child subreaper for the time of one command (Linux only).

    `active` says whether orphans of the command come back to us; the children the
    gate had before are never touched (the sweep is not safe beside another thread
    that starts processes: it would take that thread's new children for orphans).
    """

    def __init__(self) -> None:
        self._before = children(os.getpid())
        self._previous = _prctl_get()
        # Orphans are found in /proc: without it, being their reaper would only
        # leave them as our zombies.
        visible = Path("/proc/self/stat").is_file()
        self.active = visible and self._previous is not None and _prctl_set(1)

    def restore(self) -> None:
        if self.active and self._previous is not None:
            _prctl_set(self._previous)

    def sweep(self, group: int | None) -> list[int]:
        """Kill every process of `group` (the command's; None when it never got one)
        and every new child of the gate (the orphans that came back, or a command whose
        start was cut short), until none is left or `SWEEP_SECONDS` have passed; reap
        them all. Return the pids still alive then (empty when every one is gone)."""
        if sys.platform == "win32":  # no process groups: run_bounded never sweeps there
            return []
        own_group = os.getpgrp()
        deadline = time.monotonic() + SWEEP_SECONDS
        while True:
            if group is not None:
                kill_group(group)
            orphans = children(os.getpid()) - self._before
            for pid in orphans:
                with contextlib.suppress(OSError):
                    pgid = os.getpgid(pid)
                    if pgid != own_group:
                        kill_group(pgid)
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            for pid in orphans:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
            if not orphans and (group is None or not _group_alive(group)):
                return []
            if time.monotonic() > deadline:
                return sorted(orphans)
            time.sleep(SWEEP_PAUSE)


@contextlib.contextmanager
def subreaper() -> Iterator[Subreaper]:
    """The gate as child subreaper inside the block, as it was before after it."""
    reaper = Subreaper()
    try:
        yield reaper
    finally:
        reaper.restore()


def children(pid: int) -> set[int]:
    """The pids whose parent is `pid`, from /proc (Linux); empty elsewhere.

    Each thread's `task/TID/children` list where the kernel has them
    (CONFIG_PROC_CHILDREN: a few files), else every process's `stat` (a scan of /proc,
    a hundred times slower). man 5 proc warns that the lists can miss a process being
    created or reparented while they are read; the sweep reads them again until a
    round finds nothing, after the group is gone, when nothing is reparented to us
    any more.
    """
    if sys.platform != "linux":
        return set()
    try:
        lists = [task / "children" for task in Path(f"/proc/{pid}/task").iterdir()]
        return {int(child) for path in lists for child in path.read_text().split()}
    except FileNotFoundError:  # no children lists in this kernel: scan every process
        return _scan_children(pid)
    except OSError:  # no /proc mounted: Subreaper.active is False then
        return set()


def _scan_children(pid: int) -> set[int]:
    try:
        entries = [entry for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    except OSError:
        return set()
    found = set()
    for entry in entries:
        try:
            stat = (entry / "stat").read_bytes()
        except OSError:  # it exited while we looked
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def kill_group(pgid: int) -> None:
    """SIGKILL to every process of the group, if any is left (POSIX; a no-op on
    Windows, which has no process groups)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(pgid, signal.SIGKILL)


def _group_alive(pgid: int) -> bool:
    """Is any process, a zombie included, still in the group?"""
    if sys.platform == "win32":
        return False
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _prctl_get() -> int | None:
    """Whether the gate is a subreaper now (0 or 1); None where prctl is unavailable."""
    libc = _libc()
    if libc is None:
        return None
    import ctypes

    value = ctypes.c_int(0)
    if libc.prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(value), 0, 0, 0) != 0:
        return None
    return value.value


def _prctl_set(value: int) -> bool:
    libc = _libc()
    return libc is not None and libc.prctl(PR_SET_CHILD_SUBREAPER, value, 0, 0, 0) == 0


def _libc() -> ctypes.CDLL | None:
    if sys.platform != "linux":
        return None
    import ctypes  # only on Linux, only when a command runs

    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
