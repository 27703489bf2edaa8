"""A directory of outputs (the evidence package) written whole: built beside its target,
swapped in with two renames, never a mix of two runs.

The new directory `.DIR.new-XXXX` is built next to DIR: the files of this run, and
everything already in DIR that `carry` says is not ours (a note an auditor left),
carried over as hard links (copies where links are refused), symbolic links as links.
At commit, DIR is renamed to `.DIR.old-XXXX`, the new one to DIR, and the old one is
removed; a failed second rename puts the old one back. A run stopped before the
commit leaves DIR as it was and removes its temporary directory.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol, TypeAlias

from gate.errors import UsageError
from gate.outputs.files import new_file_mode, process_umask, sibling_temp

# What may be carried over: files and links in the folders of the outputs. Any other
# folder, or more files than this, and it is not a directory of outputs:
# `--evidence-dir .` by mistake would otherwise swap a whole repository.
MAX_CARRIED = 1_000


Folders: TypeAlias = Callable[[str], bool]


class Streamed(Protocol):
    """Content too large to hold as bytes (a copy of an input report): it writes
    itself to a new file, raising GateError when it cannot be what it should."""

    def write_to(self, path: Path) -> None: ...


class StagedDirectory:
    """One directory built in a temporary sibling, swapped in at `commit`."""

    renames = True

    def __init__(self, target: Path, temp: Path) -> None:
        self.target, self.temp = target, temp
        self.done = False

    def commit(self) -> None:
        old = None
        try:
            if self.target.exists():
                old = sibling_temp(self.target, "old")
                old.unlink()
                self.target.rename(old)
            try:
                self.temp.rename(self.target)
            except OSError:
                if old is not None:
                    old.rename(self.target)
                    old = None
                raise
            self.done = True
        except OSError as exc:
            raise UsageError(f"{self.target}: cannot write: {exc.strerror or exc}") from None
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        if not self.done:
            shutil.rmtree(self.temp, ignore_errors=True)


def stage_directory(
    target: Path,
    files: Mapping[str, bytes | Streamed],
    carry: Callable[[str], bool],
    folder: Folders = lambda rel: False,
) -> StagedDirectory:
    """Build `files` (relative '/'-separated name -> content) and what `carry` keeps of
    the existing `target` in a temporary sibling; nothing at `target` changes yet.
    `target` may hold the folders of `files` and those `folder` allows, no other (it
    would not be a directory of outputs). A symbolic link at `target` is followed.
    Raises UsageError, leaving nothing behind."""
    ours = {name.rsplit("/", i)[0] for name in files for i in range(1, name.count("/") + 1)}
    target = Path(os.path.realpath(target))
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: cannot write the evidence package: not a directory")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = sibling_temp(target, "new")
        temp.unlink()
        temp.mkdir()
    except OSError as exc:
        raise UsageError(f"{target}: cannot write: {exc.strerror or exc}") from None
    staged = StagedDirectory(target, temp)
    try:
        mode = stat.S_IMODE(target.stat().st_mode) if target.is_dir() else 0o777 & ~process_umask()
        temp.chmod(mode)
        for name, content in files.items():
            path = temp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                content.write_to(path)
            path.chmod(new_file_mode())
        if target.is_dir():
            _carry(target, temp, carry, lambda rel: rel in ours or folder(rel))
    except BaseException as exc:
        staged.discard()
        if isinstance(exc, OSError):
            raise UsageError(f"{target}: cannot write: {exc.strerror or exc}") from None
        raise
    return staged


def _carry(source: Path, dest: Path, carry: Callable[[str], bool], allowed: Folders) -> None:
    """Bring over every file and link of `source` that `carry(relative name)` keeps;
    refuse a `source` with a folder that `allowed(relative name)` does not allow."""
    count = 0
    stack: list[tuple[Path, str]] = [(source, "")]
    while stack:
        folder, prefix = stack.pop()
        for entry in sorted(folder.iterdir()):
            rel = f"{prefix}{entry.name}"
            info = entry.lstat()
            if stat.S_ISDIR(info.st_mode):
                if not allowed(rel):
                    raise _refused(source, f"it holds a folder the package has not: {rel}/")
                stack.append((entry, f"{rel}/"))
            elif carry(rel):
                count += 1
                if count > MAX_CARRIED:
                    raise _refused(source, f"it holds over {MAX_CARRIED} files of its own")
                _bring(entry, dest / rel, info, source)


def _bring(entry: Path, copy: Path, info: os.stat_result, source: Path) -> None:
    copy.parent.mkdir(parents=True, exist_ok=True)
    if stat.S_ISLNK(info.st_mode):
        copy.symlink_to(entry.readlink())
    elif stat.S_ISREG(info.st_mode):
        try:
            os.link(entry, copy, follow_symlinks=False)
        except OSError:
            shutil.copy2(entry, copy, follow_symlinks=False)
    else:
        shown = entry.relative_to(source)
        raise _refused(source, f"{shown} is neither a file, a directory nor a link")


def _refused(target: Path, why: str) -> UsageError:
    return UsageError(
        f"{target}: not an evidence package directory: {why}",
        hint="give --evidence-dir a directory of its own",
    )
