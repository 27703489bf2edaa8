"""Project runs kept between pytest sessions, for mutation testing only.

`python3 dev.py mutate` runs a few tests per mutant, each in a pytest session of its
own: the session fixtures that run the fixture project under coverage (seconds each)
would run again for every mutant. Their output depends only on tests/fixture_project
and the coverage.py installed, never on gate/, so with SIGNAL_GATE_TEST_CACHE set they
are built once in that folder and reused. Without it (a normal `pytest`) every session
builds its own, in its temporary folder.

A run is built in place (coverage.py records absolute paths) under a lock, and marked
done only when complete; a half-built one is removed and built again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import coverage
import pytest

TESTS = Path(__file__).resolve().parents[1]
FIXTURE_PROJECT = TESTS / "fixture_project"
ENV = "SIGNAL_GATE_TEST_CACHE"


def _fingerprint(name: str) -> str:
    digest = hashlib.sha256(f"{name}\0{coverage.__version__}\0".encode())
    for path in sorted(FIXTURE_PROJECT.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(FIXTURE_PROJECT)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def built_once(
    name: str, build: Callable[[Path], None], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """Return a folder `build(folder)` filled: a fresh one in this session's
    temporary folder, or with SIGNAL_GATE_TEST_CACHE set the one built there
    for the same fixture project and coverage.py. Tests treat it as read-only."""
    cache = os.environ.get(ENV)
    if not cache:
        folder = tmp_path_factory.mktemp(name) / "project"
        build(folder)
        return folder
    base = Path(cache) / f"{name}-{_fingerprint(name)}"
    base.mkdir(parents=True, exist_ok=True)
    folder, done = base / "project", base / ".done"
    import fcntl  # POSIX, as mutmut is: imported here, so conftest imports on Windows

    with (base / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            build(folder)
            done.touch()
    return folder
