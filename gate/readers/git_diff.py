"""`--diff-base REF`: the changes of HEAD since its merge base with REF, from git.

The same changes as a pull request shows (`git diff REF...HEAD`: committed
changes only, renames followed), read in --root with paths relative to it.
Only the files the config looks at are diffed in full, so a pull request that
also vendors megabytes of other files costs nothing here. git runs with no
external diff driver and no textconv, bounded in output and time.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from gate.core.model import Diff
from gate.errors import InputError
from gate.readers.diff import MAX_DIFF_BYTES, KeepPath, parse_diff
from gate.text import plain, quoted, show_path

GIT_TIMEOUT = 120.0  # seconds for one git command
MAX_PATHSPECS = 2000  # kept files named on the command line; more: diff them all
SHALLOW_HINT = (
    "the base commit must be in the clone: actions/checkout with `fetch-depth: 0`, "
    "or `git fetch --depth=1 origin <base sha>`"
)
_DIFF = ("diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "--relative")


def git_changes(root: Path, ref: str, keep: KeepPath | None = None) -> Diff:
    """The lines HEAD adds or modifies since the merge base of `ref` and HEAD, per
    file relative to `root`; `keep(path)` limits the files diffed."""
    if not ref or ref.startswith("-") or any(c in ref for c in "\x00\n\r"):
        raise InputError(f"--diff-base {quoted(ref)}: not a git revision")
    base = _git(root, ["merge-base", ref, "HEAD"], f"no merge base of {ref} and HEAD").strip()
    sha = base.decode("ascii", errors="replace")
    source = f"git diff {sha[:12]}...HEAD"
    names = _changed_names(root, sha, keep)
    if names is not None and not names:
        return Diff(files={}, source=source, base_sha=sha)
    args = [*_DIFF, "-U0", "--src-prefix=a/", "--dst-prefix=b/", sha, "HEAD", "--"]
    raw = _git(root, [*args, *(names or [])], f"git diff {sha[:12]} HEAD failed")
    return parse_diff(raw, source, keep=keep, base_sha=sha)


def _changed_names(root: Path, base: str, keep: KeepPath | None) -> list[str] | None:
    """The paths (both sides of a rename) of the changed files `keep` wants, or
    None to diff everything (no `keep`, or too many to name)."""
    if keep is None:
        return None
    out = _git(root, [*_DIFF, "--name-status", "-z", base, "HEAD"], "git diff --name-status")
    fields = out.decode("utf-8", errors="surrogateescape").split("\x00")
    names: list[str] = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        width = 2 if status[:1] in ("R", "C") else 1  # renames and copies name both sides
        paths = fields[index + 1 : index + 1 + width]
        index += 1 + width
        if any(keep(p) for p in paths):
            names.extend(paths)
    return names if len(names) <= MAX_PATHSPECS else None


def _git(root: Path, args: list[str], failure: str) -> bytes:
    """git's standard output, at most MAX_DIFF_BYTES of it within GIT_TIMEOUT;
    raises InputError with git's own message when it fails."""
    env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    argv = ["git", "-c", "core.quotePath=true", *args]
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                argv, cwd=root, stdout=subprocess.PIPE, stderr=errors, env=env,
                start_new_session=sys.platform != "win32",  # its own process group, killed as one
            )  # fmt: skip
        except OSError as exc:
            raise InputError(f"cannot run git: {exc.strerror or exc}") from None
        timer = threading.Timer(GIT_TIMEOUT, _kill, (proc,))
        timer.start()
        try:
            out = _read_bounded(proc)
            code = proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:  # interrupted: git does not outlive the gate
                _kill(proc)
        errors.seek(0)
        message = errors.read(2000).decode("utf-8", errors="replace").strip()
    if out is None:
        raise InputError(f"{failure}: more than {MAX_DIFF_BYTES // 2**20} MiB of output; refused")
    if code < 0:
        raise InputError(f"{failure}: git did not finish within {GIT_TIMEOUT:g} s")
    if code != 0:
        shallow = "shallow" in message or "no merge base" in failure
        said = plain(message, 300) or f"git exited {code}"
        raise InputError(
            f"{failure} in {show_path(root)}: {said}",
            hint=SHALLOW_HINT if shallow else None,
        )
    return out


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill git and every process it started: a partial clone's lazy `git fetch`
    and its remote helper hold git's standard output open, so killing git alone
    would leave the read waiting on a stalled remote past GIT_TIMEOUT."""
    if sys.platform == "win32":  # no process groups: git alone
        proc.kill()
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):  # gone already
        os.killpg(proc.pid, signal.SIGKILL)


def _read_bounded(proc: subprocess.Popen[bytes]) -> bytes | None:
    """All of the process's output, or None (process killed) past MAX_DIFF_BYTES."""
    assert proc.stdout is not None
    chunks: list[bytes] = []
    size = 0
    with proc.stdout:
        while chunk := proc.stdout.read(1 << 16):
            size += len(chunk)
            if size > MAX_DIFF_BYTES:
                proc.kill()
                proc.wait()
                return None
            chunks.append(chunk)
    return b"".join(chunks)
