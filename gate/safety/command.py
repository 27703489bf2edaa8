"""The `command` kind: run a program, pass when it exits 0 within its timeout.

This is the one check that executes code from the repository, so it is fenced:

- never when `ctx.allow_exec` is False (`--no-exec`, untrusted events): the
  check then fails with the reason, it never passes;
- never through a shell unless the check says `shell: true` (a string `run` is
  split with `shlex`, a list is used as is);
- in a scrubbed environment: a small allow-list (`BASE_ENV`, `LC_*`) plus the
  names the check lists under `env`; tokens, secrets, `ACTIONS_*` and
  `PYTHON*` variables reach the command only when listed;
- in its own session (process group), which is killed as a whole on timeout and
  once the command has exited; on Linux the orphans that left the group
  (`setsid`) come back to the gate and are killed too (gate.safety.reaper), so
  nothing it started outlives the check;
- with its output bounded: the last `OUTPUT_KEEP` bytes are kept, the last
  `TAIL_CHARS` characters are shown, and the values of secret-looking and listed
  variables are masked in the stream before it is cut (gate.safety.masking).
"""

from __future__ import annotations

import os
import re
import selectors
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from gate.config.schema import CommandCheck
from gate.core.paths import normalise
from gate.records import Record
from gate.safety.context import Finding, SafetyContext, failed, passed
from gate.safety.masking import StreamMask, mask, secret_values
from gate.safety.reaper import SWEEP_SECONDS, Subreaper, kill_group, subreaper
from gate.safety.tree import inside_root, outside_reason
from gate.text import clip, plural

DISABLED = "not run: command checks are disabled (--no-exec / untrusted event)"

OUTPUT_KEEP = 64 * 1024  # bytes of output kept while the command runs
TAIL_CHARS = 2000  # characters of output shown in a failed check's detail
LAST_LINE_CHARS = 200  # of its last line, repeated up front (renderers cut long details)
SHOWN_CHARS = 120  # of the command line as the detail names it
DRAIN_GRACE = 1.0  # seconds to wait for the output pipe to close once the group is dead
POLL = 0.05  # seconds between looks at the process while it produces no output

# Passed to every command. Enough for tools to find themselves, their home and
# the locale; nothing that carries credentials or changes how Python starts.
BASE_ENV = frozenset(
    {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TERM", "CI",
     "TMPDIR", "TEMP", "TMP", "SYSTEMROOT", "SYSTEMDRIVE", "COMSPEC", "PATHEXT", "WINDIR"}
)  # fmt: skip
BASE_ENV_PREFIXES = ("LC_",)

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


class Finished(Record, frozen=True):
    """How a command ended: its exit status (None: killed at the timeout; negative:
    killed by that signal), the last bytes of its output (secrets masked) and how many
    there were."""

    returncode: int | None
    output: bytes
    output_bytes: int
    group_killed: bool = True  # False where process groups do not exist (Windows)
    left_running: int = 0  # processes it started that could not be killed


class Problem(Record, frozen=True):
    """Why a command cannot be run as configured."""

    reason: str


def check_command(check: CommandCheck, ctx: SafetyContext) -> Finding:
    """Run the check's command under the fences above and judge its exit status."""
    if not ctx.allow_exec:
        return failed(DISABLED)
    shown = _shown(check.run)
    argv = command_line(check)
    if isinstance(argv, Problem):
        return failed(argv.reason)
    cwd = working_dir(ctx.root, check.cwd)
    if isinstance(cwd, Problem):
        return failed(cwd.reason)
    secrets = secret_values(os.environ, check.env)
    env = scrubbed_env(os.environ, check.env)
    try:
        done = run_bounded(argv, cwd, env, check.timeout, secrets)
    except OSError as exc:
        name = argv if isinstance(argv, str) else argv[0]
        what = "command not found" if isinstance(exc, FileNotFoundError) else "cannot start"
        return failed(mask(f"`{shown}`: {what}: {name!r} ({exc.strerror or exc})", secrets))
    return judge(shown, done, check.timeout, secrets)


def command_line(check: CommandCheck) -> list[str] | str | Problem:
    """The argv to execute, or the shell command line when `shell: true`."""
    if check.shell:
        if not isinstance(check.run, str):
            return Problem("`shell: true` needs `run` as one string, not a list")
        return check.run
    if isinstance(check.run, list):
        argv = list(check.run)
    else:
        try:
            argv = shlex.split(check.run)
        except ValueError as exc:
            return Problem(f"cannot split `run` into arguments: {exc}")
    return argv or Problem("`run` is empty")


def working_dir(root: Path, cwd: str | None) -> Path | Problem:
    """`cwd` under the root, or why it cannot be used."""
    base = root.resolve()
    if cwd is None:
        return base
    if (reason := outside_reason(cwd)) is not None:
        return Problem(f"cwd {reason}")
    path = base / normalise(cwd)
    if not path.is_dir():
        return Problem(f"cwd {cwd!r} is not a directory under the repository root")
    if not inside_root(base, path):
        return Problem(f"cwd {cwd!r} links outside the repository root")
    return path


def scrubbed_env(parent: Mapping[str, str], passthrough: Iterable[str]) -> dict[str, str]:
    """The environment a command sees: BASE_ENV, LC_*, and the names listed."""
    listed = set(passthrough)
    return {
        name: value
        for name, value in parent.items()
        if name in BASE_ENV or name.startswith(BASE_ENV_PREFIXES) or name in listed
    }


# --- running -----------------------------------------------------------------------


def run_bounded(
    argv: list[str] | str,
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    secrets: Iterable[str] = (),
) -> Finished:
    """Run to completion or to `timeout` seconds, whichever comes first; on POSIX
    the whole process group, and on Linux every orphan that left it, is killed
    afterwards either way. The output kept has `secrets` masked before it is cut.
    Raises OSError when the program cannot be started."""
    kept = _Tail(OUTPUT_KEEP, StreamMask(secrets))
    if sys.platform == "win32":
        return _run_without_groups(argv, cwd, env, timeout, kept)
    with subreaper() as reaper:
        proc: subprocess.Popen[bytes] | None = None
        try:
            proc = subprocess.Popen(
                argv,
                shell=isinstance(argv, str),  # only when the check says `shell: true`
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as one
            )
            timed_out, left = _supervise(proc, reaper, kept, timeout)
        finally:
            _tear_down(proc, reaper)
    code = None if timed_out else proc.returncode
    return Finished(code, kept.data(), kept.total, left_running=len(left))


def _supervise(
    proc: subprocess.Popen[bytes], reaper: Subreaper, kept: _Tail, timeout: float
) -> tuple[bool, list[int]]:
    """Keep the output until the command exits or times out, then kill its group and
    every orphan; return (timed out, pids that could not be killed)."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        timed_out, open_ = _pump(proc, selector, kept, timeout)
        kill_group(proc.pid)
        proc.wait()  # its pid stays the group's id while a member lives
        left = reaper.sweep(proc.pid)
        # Every process is dead: the pipe closes as soon as the kernel has torn
        # them down, unless one escaped (setsid, where there is no subreaper).
        grace = time.monotonic() + DRAIN_GRACE
        while open_ and time.monotonic() < grace:
            if selector.select(POLL):
                open_ = _drain(proc.stdout.fileno(), kept)
    return timed_out, left


def _tear_down(proc: subprocess.Popen[bytes] | None, reaper: Subreaper) -> None:
    """After the command, also when a signal to the gate cut it short: nothing of it
    may live on. Interrupted inside Popen, the child may run although `proc` was never
    set: it is a new child of the gate, and the sweep finds it."""
    if proc is None:
        reaper.sweep(None)
        return
    if proc.stdout is not None:
        proc.stdout.close()
    if proc.poll() is None:
        kill_group(proc.pid)
        proc.wait()
        reaper.sweep(proc.pid)


def _pump(
    proc: subprocess.Popen[bytes], selector: selectors.BaseSelector, kept: _Tail, timeout: float
) -> tuple[bool, bool]:
    """Keep the output until the leader exits or the timeout; return (timed out,
    pipe still open)."""
    assert proc.stdout is not None
    if sys.platform == "win32":  # pipes are not selectable there: _run_without_groups runs it
        raise NotImplementedError("a command's output is pumped this way on POSIX only")
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    deadline = time.monotonic() + timeout
    open_ = True
    nap = 0.001  # after EOF the leader is usually exiting: look again soon
    while not _exited(proc):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return True, open_
        if not open_:
            time.sleep(min(remaining, nap))
            nap = min(nap * 2, POLL)
        elif selector.select(min(remaining, POLL)):
            open_ = _drain(fd, kept)
    return False, open_


def _exited(proc: subprocess.Popen[bytes]) -> bool:
    """Has the group leader exited? Where the platform allows, it is not reaped
    yet, so its pid (the group id) cannot be reused before the group is killed."""
    if sys.platform == "linux":
        options = os.WEXITED | os.WNOHANG | os.WNOWAIT
        try:
            return os.waitid(os.P_PID, proc.pid, options) is not None
        except ChildProcessError:  # reaped already (SIGCHLD ignored by the host)
            return True
    return proc.poll() is not None


def _drain(fd: int, kept: _Tail) -> bool:
    """Read what the pipe holds; False once it is closed."""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return True
        if not chunk:
            return False
        kept.add(chunk)


def _run_without_groups(
    argv: list[str] | str, cwd: Path, env: dict[str, str], timeout: float, kept: _Tail
) -> Finished:
    """Fallback where process groups do not exist (Windows): the command itself
    is killed at the timeout, processes it started may survive it."""
    try:
        done = subprocess.run(
            argv,
            shell=isinstance(argv, str),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        kept.add(exc.output if isinstance(exc.output, bytes) else b"")
        return Finished(None, kept.data(), kept.total, group_killed=False)
    kept.add(done.stdout)
    return Finished(done.returncode, kept.data(), kept.total, group_killed=False)


class _Tail:
    """The last `size` bytes of a stream, masked before they are cut, and how many
    (masked) bytes went by: more than `size` when the front was cut."""

    def __init__(self, size: int, masker: StreamMask) -> None:
        self.size = size
        self.total = 0
        self._masker = masker
        self._buffer = bytearray()

    def add(self, chunk: bytes) -> None:
        self._keep(self._masker.feed(chunk))

    def data(self) -> bytes:
        self._keep(self._masker.flush())
        return bytes(self._buffer)

    def _keep(self, masked: bytes) -> None:
        self.total += len(masked)
        self._buffer += masked
        if len(self._buffer) > self.size:
            del self._buffer[: len(self._buffer) - self.size]


# --- the detail --------------------------------------------------------------------


def judge(shown: str, done: Finished, timeout: float, secrets: Iterable[str]) -> Finding:
    """The finding for a finished command, secrets masked."""
    secrets = list(secrets)
    if done.left_running:
        n = done.left_running
        return failed(
            f"`{mask(shown, secrets)}`: {n} {plural('process', n)} it started could not be "
            f"killed within {SWEEP_SECONDS:g} s"
        )
    if done.returncode == 0:
        return passed(mask(f"`{shown}` exited 0", secrets))
    if done.returncode is None:
        killed = "its process group was killed" if done.group_killed else "it was killed"
        head = f"`{shown}` timed out after {timeout:g} s ({killed})"
    elif done.returncode < 0:
        head = f"`{shown}` was killed by {_signal_name(-done.returncode)}"
    else:
        head = f"`{shown}` exited {done.returncode}"
    text = readable(done.output, secrets)
    if not text:
        return failed(mask(f"{head}, no output", secrets))
    tail = text[-TAIL_CHARS:]
    last = clip(tail.rstrip().rsplit("\n", 1)[-1].strip(), LAST_LINE_CHARS)
    cut = "last " if len(text) > TAIL_CHARS or done.output_bytes > len(done.output) else ""
    return failed(mask(f"{head}; last output line: {last}\n--- {cut}output ---\n{tail}", secrets))


def readable(output: bytes, secrets: Iterable[str]) -> str:
    """Output as text: escape sequences and progress-bar redraws removed, secrets
    masked (before any cut, so no part of a secret is left at an edge)."""
    text = _ANSI.sub("", output.decode("utf-8", errors="replace"))
    lines = [line.rsplit("\r", 1)[-1] for line in text.replace("\r\n", "\n").split("\n")]
    return mask("\n".join(lines).strip("\n"), secrets)


def _shown(run: str | list[str]) -> str:
    text = run if isinstance(run, str) else shlex.join(run)
    return clip(" ".join(text.split()), SHOWN_CHARS)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
