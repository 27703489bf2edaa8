"""Files that the operating system itself refuses, for the readers' refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# A write-only sysctl: procfs refuses to open it for reading even for root, who
# reads any chmod-000 file.
_WRITE_ONLY = Path("/proc/sys/vm/compact_memory")


def unopenable(tmp_path: Path, content: str = "x") -> Path:
    """A regular file that stat() accepts and open() for reading refuses with
    EACCES ("Permission denied"): a chmod-000 file, or for root a write-only
    sysctl. Skips the test where neither exists."""
    path = tmp_path / "unopenable"
    path.write_text(content)
    path.chmod(0)
    if not os.access(path, os.R_OK):
        return path
    if _WRITE_ONLY.is_file() and not os.access(_WRITE_ONLY, os.R_OK):
        return _WRITE_ONLY
    pytest.skip("no file here that open() refuses to this user")
