"""Writing the gate's outputs: all of them or none, and never over what a path really is.

`Outputs` stages every output first (a temporary file beside each target, a handle
open on each device or runner file, a temporary directory for the evidence package)
and commits them only once the run has succeeded, so a run that ends in an error
writes nothing. What a path is decides how it is written:

- `-`: standard output;
- a symbolic link: followed; its target is written, the link stays;
- a path that exists and is not a regular file (`/dev/null`, a FIFO, `/dev/stdout`,
  `/dev/fd/N` of a process substitution): written in place, never renamed over;
- a regular file or a new path: a temporary file beside it, renamed into place, so a
  reader never sees half a report. A replaced file keeps its mode (and, where the
  gate may, its owner); a new one gets 0666 under the umask, as `open` would. Content
  given in pieces (`write_pieces`) goes into that temporary file as it comes, so it
  is never held whole.

The renames of one commit run with SIGINT and SIGTERM held back, so a signal cannot
fall between two of them; it is delivered once they are done.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from gate.errors import UsageError

STDOUT = "-"
_STANDARD = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
_HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Staged(Protocol):
    """One output made ready: `commit` puts it in place, `discard` leaves no trace.
    `renames` says whether the commit is a rename (run with signals held back)."""

    renames: bool

    def commit(self) -> None: ...

    def discard(self) -> None: ...


class Outputs:
    """The outputs of one run, written all or none (see the module docstring)."""

    def __init__(self) -> None:
        self._staged: list[Staged] = []

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def write(self, path: Path, data: bytes | str) -> None:
        """Stage `data` as the whole content of `path`."""
        payload = data.encode("utf-8") if isinstance(data, str) else data
        self.add(_stage_write(path, (payload,)))

    def write_pieces(self, path: Path, pieces: Iterable[bytes]) -> None:
        """Stage the pieces, one after another, as the whole content of `path`: a file
        gets them in its temporary file now, a stream or a device at commit. Consumed
        once, never joined."""
        self.add(_stage_write(path, pieces))

    def append(self, path: Path, text: str) -> None:
        """Stage `text` to be appended to `path` (a runner file such as $GITHUB_OUTPUT):
        opened now when it exists, so that a file that cannot be written fails the run
        before anything is written; created at commit when it does not."""
        handle = _open(path) if path.exists() else None
        if handle is None and not path.parent.is_dir():
            raise UsageError(f"{path}: cannot write: its directory does not exist")
        self.add(_Handle(path, handle, (text.encode("utf-8"),)))

    def add(self, staged: Staged) -> None:
        self._staged.append(staged)

    def commit(self) -> None:
        """Put every staged output in place: the renames first, signals held back, then
        the writes in place and the appends."""
        staged, self._staged = self._staged, []
        try:
            with _signals_held():
                for item in (s for s in staged if s.renames):
                    item.commit()
            for item in (s for s in staged if not s.renames):
                item.commit()
        finally:
            for item in staged:
                item.discard()  # a no-op for what was committed

    def discard(self) -> None:
        staged, self._staged = self._staged, []
        for item in staged:
            item.discard()


def write_file(path: Path, data: bytes | str) -> None:
    """Write one output now, by the rules of the module docstring."""
    with Outputs() as outputs:
        outputs.write(path, data)
        outputs.commit()


def process_umask() -> int:
    """The umask of this process (reading it means setting it: set it back at once)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def new_file_mode() -> int:
    """The mode `open` would give a new file: 0666 under the process umask."""
    return 0o666 & ~process_umask()


def sibling_temp(target: Path, kind: str) -> Path:
    """A fresh, unused name beside `target`: `.NAME.KIND-XXXXXXXX` (hidden, ours)."""
    import tempfile  # only when writing: it costs 5 ms at start-up

    fd, name = tempfile.mkstemp(prefix=f".{target.name}.{kind}-", dir=target.parent)
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done, then are delivered as usual.

    Python-level handlers, not a signal mask: CPython runs handlers in the main
    thread whichever thread the kernel delivered the signal to, so a mask on this
    thread alone would not hold back a signal that lands on another one (a library's
    thread). Outside the main thread handlers cannot be set, and nothing is held.
    """
    caught: list[int] = []
    previous: dict[signal.Signals, Any] = {}
    try:
        for signum in _HELD_SIGNALS:
            previous[signum] = signal.signal(signum, lambda n, _frame: caught.append(n))
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for held, handler in previous.items():
            signal.signal(held, handler)
        for number in dict.fromkeys(caught):
            signal.raise_signal(number)


def _stage_write(path: Path, data: Iterable[bytes]) -> Staged:
    if str(path) == STDOUT:
        return _Handle(path, 1, data)
    descriptor = _descriptor(path)
    if descriptor is not None:
        return _Handle(path, descriptor, data)
    try:
        info = path.stat()  # follows symbolic links
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        return _Handle(path, _open(path), data)  # a device or a FIFO: in place
    return _Replace.stage(Path(os.path.realpath(path)), data, info, shown=path)


def _descriptor(path: Path) -> int | None:
    """The descriptor of this process that `path` leads to through its links
    (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`), or None. Such an output is written
    through that descriptor: renaming over what it names, or opening it anew, would
    cut off or overwrite what the shell redirected there."""
    current = Path(os.path.normpath(path.absolute()))
    for _ in range(40):  # the kernel's own limit on links followed
        if str(current) in _STANDARD:
            return _STANDARD[str(current)]
        fd_dirs = ("/dev/fd", "/proc/self/fd", f"/proc/{os.getpid()}/fd")
        if str(current.parent) in fd_dirs and current.name.isdigit():
            return int(current.name)
        if not current.is_symlink():
            return None
        current = Path(os.path.normpath(current.parent / current.readlink()))
    return None


def _open(path: Path) -> BinaryIO:
    """`path` opened to append (a stream is never truncated), or a UsageError."""
    if path.is_dir():  # said by name: Windows refuses to open one as "Permission denied"
        raise UsageError(f"{path}: cannot write: is a directory")
    try:
        return path.open("ab")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None


class _Handle:
    """Bytes (in pieces) for an open handle, a descriptor of this process (1 is
    standard output), or a runner file to append to (opened at commit when it does not
    exist yet)."""

    renames = False

    def __init__(self, path: Path, handle: BinaryIO | int | None, data: Iterable[bytes]) -> None:
        self.path, self.handle, self.data = path, handle, data

    def commit(self) -> None:
        try:
            if isinstance(self.handle, int):
                self._to_descriptor(self.handle)
            else:
                handle = self.handle or _open(self.path)
                self.handle = handle
                for piece in self.data:
                    handle.write(piece)
                handle.flush()
        except OSError as exc:
            raise UsageError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        finally:
            self.discard()

    def _to_descriptor(self, fd: int) -> None:
        for stream in (sys.stdout, sys.stderr):  # what was printed comes first
            stream.flush()
        for piece in self.data:
            view = memoryview(piece)
            while view:
                view = view[os.write(fd, view) :]

    def discard(self) -> None:
        if self.handle is not None and not isinstance(self.handle, int):
            with contextlib.suppress(OSError):
                self.handle.close()
        self.handle = None


class _Replace:
    """A temporary file beside the target, renamed over it at commit."""

    renames = True

    def __init__(self, target: Path, temp: Path, shown: Path) -> None:
        self.target, self.temp, self.shown = target, temp, shown
        self.done = False

    @classmethod
    def stage(
        cls, target: Path, data: Iterable[bytes], info: os.stat_result | None, shown: Path
    ) -> _Replace:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = sibling_temp(target, "new")
        except OSError as exc:
            raise UsageError(f"{shown}: cannot write: {exc.strerror or exc}") from None
        staged = cls(target, temp, shown)
        staged.guard(lambda: _fill(temp, data, info))
        return staged

    def guard(self, action: Callable[[], object]) -> None:
        """Run `action`; on any failure leave nothing behind and say which output."""
        try:
            action()
        except BaseException as exc:
            self.discard()
            if isinstance(exc, OSError):
                raise UsageError(f"{self.shown}: cannot write: {exc.strerror or exc}") from None
            raise

    def commit(self) -> None:
        self.guard(lambda: self.temp.replace(self.target))
        self.done = True

    def discard(self) -> None:
        if not self.done:
            self.temp.unlink(missing_ok=True)


def _fill(temp: Path, data: Iterable[bytes], info: os.stat_result | None) -> None:
    """Write the temporary file: its content, then the mode (and owner) to keep."""
    with temp.open("wb") as handle:
        for piece in data:
            handle.write(piece)
    temp.chmod(stat.S_IMODE(info.st_mode) if info is not None else new_file_mode())
    if info is not None and hasattr(os, "chown"):
        with contextlib.suppress(OSError):  # only root may give a file away
            os.chown(temp, info.st_uid, info.st_gid)
