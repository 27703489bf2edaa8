"""What the tests need from the system that differs between Linux, macOS and Windows.

CI runs the suite on all three (.github/workflows/ci.yml). A test whose subject is
POSIX-only is marked with a reason where it is defined; these helpers are for the
tests whose subject is not, and that only need a symbolic link or a checksum tool.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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
