"""How outputs are written (gate/outputs/files.py, gate/outputs/directory.py): never a
rename over a device, a FIFO or a link; `-` and /dev/stdout are standard output; modes
kept; all outputs of a run or none; the evidence package swapped in whole.

/dev/null itself is only ever looked at: the tests that write use a FIFO, a symbolic
link and (as root) a character device made in a temporary directory.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gate.errors import UsageError
from gate.outputs.directory import stage_directory
from gate.outputs.evidence_package import stage_package
from gate.outputs.files import Outputs, process_umask, write_file

posix = pytest.mark.skipif(os.name != "posix", reason="FIFOs, modes and links are POSIX")


def leftovers(folder: Path) -> list[str]:
    """Temporary files or folders of ours left in `folder`."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


class FifoReader:
    """A reader on a FIFO, in a thread, so that opening it for writing does not block."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path, self.data = path, b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with self.path.open("rb") as handle:
            self.data = handle.read()

    def result(self) -> bytes:
        self.thread.join(10)
        return self.data


# --- what a path is ----------------------------------------------------------------------


@posix
def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    reader = FifoReader(tmp_path / "pipe")
    write_file(tmp_path / "pipe", '{"verdict": "passed"}\n')
    assert reader.result() == b'{"verdict": "passed"}\n'
    assert stat.S_ISFIFO((tmp_path / "pipe").lstat().st_mode)
    assert leftovers(tmp_path) == []


@posix
def test_a_character_device_is_written_in_place(tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null
    except (PermissionError, AttributeError):
        pytest.skip("making a device needs root (and CAP_MKNOD)")
    write_file(device, b"x" * 100_000)
    assert stat.S_ISCHR(device.lstat().st_mode)
    assert leftovers(tmp_path) == []


@posix
def test_dev_null_would_be_written_in_place(tmp_path: Path) -> None:
    # Only looked at: staged (opened to append, which changes nothing), never committed.
    before = os.stat("/dev/null")
    with Outputs() as outputs:
        outputs.write(Path("/dev/null"), b"report")
        assert not any(getattr(item, "renames", True) for item in outputs._staged)
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


@posix
def test_a_link_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "report.json"
    target.write_text("old")
    link = tmp_path / "report.json"
    link.symlink_to("real/report.json")
    write_file(link, "new")
    assert link.is_symlink() and os.readlink(link) == "real/report.json"
    assert target.read_text() == "new"
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "real") == []


@posix
def test_a_dangling_link_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "made.json")
    write_file(link, "x")
    assert link.is_symlink() and (tmp_path / "made.json").read_text() == "x"


@posix
def test_a_link_to_a_fifo_writes_into_the_fifo(tmp_path: Path) -> None:
    reader = FifoReader(tmp_path / "pipe")
    (tmp_path / "link").symlink_to("pipe")
    write_file(tmp_path / "link", "through")
    assert reader.result() == b"through"
    assert (tmp_path / "link").is_symlink()


@posix
def test_a_replaced_file_keeps_its_mode_and_owner(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("old")
    path.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(path, 1234, 1234)
    before = path.stat()  # macOS gives a new file its folder's group, not the process's
    write_file(path, "new")
    info = path.stat()
    assert (path.read_text(), stat.S_IMODE(info.st_mode)) == ("new", 0o640)
    assert (info.st_uid, info.st_gid) == (before.st_uid, before.st_gid)


@posix
@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_file_gets_0666_under_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        write_file(tmp_path / "sub" / "new.json", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "sub" / "new.json").stat().st_mode) == mode


def test_a_directory_is_refused_and_left_alone(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(UsageError, match=r"out: cannot write: is a directory$"):
        write_file(tmp_path / "out", "x")
    assert (tmp_path / "out").is_dir() and leftovers(tmp_path) == []


WRITER = """\
import sys
from pathlib import Path
from gate.outputs.files import write_file
print("printed first", flush=True)
write_file(Path(sys.argv[1]), "the report\\n")
print("printed last")
"""


@posix
@pytest.mark.parametrize("name", ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_standard_output_names_write_to_standard_output(tmp_path: Path, name: str) -> None:
    if name.startswith("/proc") and not Path("/proc/self/fd").is_dir():
        pytest.skip("no /proc")
    # stdout redirected to a regular file, as `signal-gate check ... > log` does: the
    # report goes into the same stream, nothing is renamed over the log or cut off.
    log = tmp_path / "log"
    with log.open("wb") as handle:
        subprocess.run(
            [sys.executable, "-c", WRITER, name], stdout=handle, cwd=tmp_path, check=True
        )
    assert log.read_text() == "printed first\nthe report\nprinted last\n"
    assert leftovers(tmp_path) == [] and not (tmp_path / "-").exists()
    piped = subprocess.run(
        [sys.executable, "-c", WRITER, name], capture_output=True, cwd=tmp_path, check=True
    )
    assert piped.stdout == b"printed first\nthe report\nprinted last\n"


# --- all or none -------------------------------------------------------------------------


def test_nothing_is_written_when_a_later_output_cannot_be_staged(tmp_path: Path) -> None:
    (tmp_path / "summary.md").mkdir()  # cannot be appended to
    with (
        pytest.raises(UsageError, match=r"summary\.md: cannot write: is a directory$"),
        Outputs() as outputs,
    ):
        outputs.write(tmp_path / "report.json", "{}")
        outputs.append(tmp_path / "summary.md", "## report")
        outputs.commit()
    assert not (tmp_path / "report.json").exists()
    assert leftovers(tmp_path) == []


def test_a_missing_runner_file_is_created_only_at_commit(tmp_path: Path) -> None:
    with Outputs() as outputs:
        outputs.append(tmp_path / "github-output", "passed=true\n")
        assert not (tmp_path / "github-output").exists()
        outputs.commit()
    assert (tmp_path / "github-output").read_text() == "passed=true\n"
    with Outputs() as outputs:
        outputs.append(tmp_path / "github-output", "confidence=0.9\n")
        outputs.commit()
    assert (tmp_path / "github-output").read_text() == "passed=true\nconfidence=0.9\n"


def interrupt_self() -> None:
    """SIGINT to this process, as Ctrl-C sends it. On Windows os.kill(pid, SIGINT) would
    end the process outright (TerminateProcess): raise_signal runs its handler instead."""
    if os.name == "nt":
        signal.raise_signal(signal.SIGINT)
    else:
        os.kill(os.getpid(), signal.SIGINT)


class SignalsMidCommit:
    """A staged output (our own protocol) whose commit signals the gate itself."""

    renames = True

    def __init__(self, log: list[str], name: str) -> None:
        self.log, self.name = log, name

    def commit(self) -> None:
        if not self.log:
            interrupt_self()
        self.log.append(self.name)

    def discard(self) -> None:
        pass


def test_a_signal_waits_until_every_rename_is_done() -> None:
    log: list[str] = []
    with pytest.raises(KeyboardInterrupt), Outputs() as outputs:
        for name in ("json", "markdown", "evidence"):
            outputs.add(SignalsMidCommit(log, name))
        outputs.commit()
    assert log == ["json", "markdown", "evidence"]


@posix  # a signal to the process lands on any of its threads: POSIX; Windows has none such
def test_a_signal_is_held_even_when_another_thread_receives_it() -> None:
    """CPython runs handlers in the main thread wherever the kernel delivered the
    signal: holding it must not depend on which thread that was."""
    import threading

    stop = threading.Event()
    idle = threading.Thread(target=stop.wait, daemon=True)  # a library's thread
    idle.start()
    try:
        for _ in range(20):  # the kernel picks the thread: try it many times
            log: list[str] = []
            with pytest.raises(KeyboardInterrupt), Outputs() as outputs:
                for name in ("json", "markdown", "evidence"):
                    outputs.add(SignalsMidCommit(log, name))
                outputs.commit()
            assert log == ["json", "markdown", "evidence"]
    finally:
        stop.set()


# --- the evidence package ----------------------------------------------------------------

PACKAGE = {
    "report.json": b"{}\n",
    "assessment.md": b"# A\n",
    "comment.md": b"## C\n",
    "interactions/pay/coverage.json": b"{}\n",
    "interactions/pay/tests.json": b"{}\n",
}


def write_package(directory: Path, files: dict[str, bytes] = PACKAGE) -> None:
    with Outputs() as outputs:
        stage_package(outputs, directory, files)
        outputs.commit()


def tree(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_a_package_replaces_the_last_one_whole(tmp_path: Path) -> None:
    ev = tmp_path / "evidence"
    write_package(ev, {**PACKAGE, "interactions/gone/tests.json": b"old\n"})
    (ev / "interactions" / "pay" / "auditor-note.txt").write_text("checked")
    (ev / "README").write_text("ours, not signal-gate's")
    write_package(ev, {**PACKAGE, "report.json": b'{"run": 2}\n'})
    assert tree(ev) == {
        **PACKAGE,
        "report.json": b'{"run": 2}\n',
        "interactions/pay/auditor-note.txt": b"checked",
        "README": b"ours, not signal-gate's",
    }
    assert not (ev / "interactions" / "gone").exists()
    assert leftovers(tmp_path) == []


def test_a_package_staged_but_not_committed_changes_nothing(tmp_path: Path) -> None:
    ev = tmp_path / "evidence"
    write_package(ev)
    with Outputs() as outputs:
        stage_package(outputs, ev, {**PACKAGE, "report.json": b"run 2"})
    assert tree(ev) == PACKAGE and leftovers(tmp_path) == []


@pytest.mark.parametrize("folder", [".git", "src", "interactions/pay/deeper"])
def test_a_directory_that_is_not_a_package_is_refused(tmp_path: Path, folder: str) -> None:
    ev = tmp_path / "repo"
    write_package(ev)
    (ev / folder).mkdir()
    with pytest.raises(UsageError, match=f"not an evidence package directory: .*{folder}/"):
        write_package(ev, {**PACKAGE, "report.json": b"run 2"})
    assert tree(ev) == PACKAGE and leftovers(tmp_path) == []


def test_carrying_over_is_bounded(tmp_path: Path) -> None:
    ev = tmp_path / "evidence"
    ev.mkdir()
    for n in range(1001):
        (ev / f"note-{n}.txt").write_text("")
    with pytest.raises(UsageError, match="holds over 1000 files of its own"):
        write_package(ev)
    assert leftovers(tmp_path) == []


@posix
def test_a_linked_package_directory_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "evidence").symlink_to("store")
    write_package(tmp_path / "evidence")
    assert (tmp_path / "evidence").is_symlink()
    assert tree(tmp_path / "store") == PACKAGE


def test_a_file_where_the_package_goes_is_refused(tmp_path: Path) -> None:
    (tmp_path / "evidence").write_text("a file")
    with pytest.raises(UsageError, match="not a directory"):
        write_package(tmp_path / "evidence")
    assert (tmp_path / "evidence").read_text() == "a file"


def test_stage_directory_takes_only_what_carry_keeps(tmp_path: Path) -> None:
    target = tmp_path / "d"
    target.mkdir()
    (target / "keep.txt").write_text("k")
    (target / "drop.txt").write_text("d")
    with Outputs() as outputs:
        outputs.add(stage_directory(target, {"new.txt": b"n"}, carry=lambda r: r == "keep.txt"))
        outputs.commit()
    assert tree(target) == {"keep.txt": b"k", "new.txt": b"n"}


# --- fuzz: generated paths, what they are known by construction --------------------------

KINDS = ["missing", "regular", "fifo", "directory", "loop", "missing-parent"]


@st.composite
def scenario(draw: st.DrawFn) -> tuple[str, int, list[bool], int]:
    """(what the path finally is, its mode, for each link: relative?, data size)."""
    kind = draw(st.sampled_from(KINDS))
    links = draw(st.lists(st.booleans(), max_size=3, min_size=1 if kind == "loop" else 0))
    mode = draw(st.sampled_from([0o600, 0o640, 0o644, 0o664, 0o755]))
    return kind, mode, links, draw(st.integers(0, 200_000))


def build(root: Path, kind: str, mode: int, links: list[bool]) -> tuple[Path, Path]:
    """Make the scenario under root; return (the path to write, its final target)."""
    final = root / "d" / ("new" if kind == "missing-parent" else "") / "final"
    (root / "d").mkdir()
    if kind == "regular":
        final.write_text("old")
        final.chmod(mode)
    elif kind == "directory":
        final.mkdir()
    chain = [root / f"link{i}" for i in range(len(links))]
    for i, (link, relative) in enumerate(zip(chain, links, strict=True)):
        target = chain[i + 1] if i + 1 < len(chain) else final
        if kind == "loop" and i + 1 == len(chain):
            target = chain[0]
        link.symlink_to(os.path.relpath(target, link.parent) if relative else target)
    return (chain[0] if chain else final), final


@posix
@settings(max_examples=150, derandomize=True, deadline=None, database=None)
@given(case=scenario())
def test_generated_output_paths_are_written_by_what_they_are(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, int, list[bool], int]
) -> None:
    """150 generated paths (hypothesis, derandomize=True): chains of relative and absolute
    links ending in a missing file, a file with a mode, a FIFO, a folder or a loop. The
    links stay links, a FIFO stays a FIFO and gets the data, a file keeps its mode, a
    folder or a loop is refused untouched, and no temporary file is ever left."""
    kind, mode, links, size = case
    root = tmp_path_factory.mktemp("out")
    path, final = build(root, kind, mode, links)
    before = {p: (os.readlink(p) if p.is_symlink() else None) for p in root.rglob("*")}
    data = bytes(range(256)) * (size // 256) + b"end"
    reader = FifoReader(final) if kind == "fifo" else None
    if kind in ("directory", "loop"):
        with pytest.raises(UsageError, match="cannot write"):
            write_file(path, data)
    else:
        write_file(path, data)
    for p, link in before.items():
        assert (os.readlink(p) if p.is_symlink() else None) == link, p
    if reader is not None:
        assert reader.result() == data and stat.S_ISFIFO(final.lstat().st_mode)
    elif kind in ("regular", "missing", "missing-parent"):
        assert final.read_bytes() == data and not final.is_symlink()
        expected = mode if kind == "regular" else 0o666 & ~process_umask()
        assert stat.S_IMODE(final.stat().st_mode) == expected
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir() and not p.is_symlink())]:
        assert leftovers(folder) == [], folder
