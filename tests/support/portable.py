"""What the tests need from the system that differs between Linux, macOS and Windows.

CI runs the suite on all three (.github/workflows/ci.yml). A test whose subject is
POSIX-only is marked with a reason where it is defined; these helpers are for the
tests whose subject is not, and that only need a symbolic link, a checksum tool, a
console script of this venv or a line of shell.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def symlink(link: Path, target: Path | str, *, directory: bool = False) -> Path:
    """Make `link` a symbolic link to `target` and return it. On Windows creating one
    needs a privilege (Developer Mode, or an elevated process): where it is refused
    the test is skipped; on POSIX a refusal is a real error and raised."""
    try:
        link.symlink_to(target, target_is_directory=directory)
    except OSError:
        if os.name != "nt":
            raise
        pytest.skip("creating a symbolic link needs a privilege on Windows that this user lacks")
    return link


def sha256_checker() -> list[str]:
    """The command that checks a `sha256sum`-style list (`SHA256SUMS`): GNU's
    `sha256sum` (Linux, Git for Windows), else Perl's `shasum -a 256` (macOS ships
    it, not sha256sum). Both read the same lines and take `-c`, `--strict` and
    `--quiet`. Skips the test where neither is installed."""
    if found := shutil.which("sha256sum"):
        return [found]
    if found := shutil.which("shasum"):
        return [found, "-a", "256"]
    pytest.skip("neither sha256sum nor shasum is installed")


def console_script(name: str) -> str:
    """The console script `name` installed beside this interpreter (`name.exe` in a
    Windows venv's Scripts folder, which no bare path reaches), else `name` for the
    PATH to find."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or name


def shell_line(
    line: str, *, env: dict[str, str], **kwargs: Any
) -> subprocess.CompletedProcess[Any]:
    """Run one line of a document's `sh` block as a POSIX shell does. Windows has no
    /bin/sh (cmd.exe would read the quotes otherwise): there the line's words, split by
    the same POSIX rules, run without a shell, as Git Bash would run them."""
    if os.name != "nt":
        return subprocess.run(line, shell=True, env=env, **kwargs)
    program, *args = shlex.split(line)
    found = shutil.which(program, path=env["PATH"])  # the child's PATH, not this process's
    return subprocess.run([found or program, *args], env=env, **kwargs)


def touch_argv(name: str) -> list[str]:
    """A command that creates the file `name`, as `touch` does (Windows has no
    `touch`): this interpreter, which every runner has."""
    return [sys.executable, "-c", "import pathlib, sys; pathlib.Path(sys.argv[1]).touch()", name]
