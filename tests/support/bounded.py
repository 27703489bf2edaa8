"""Run code that must finish in a child process under a generous time limit.

For hostile inputs (patterns, regexes) whose danger is that they never finish: the
test fails when the child does not finish within the limit, never on how fast it
finished (speed claims live in benchmarks/).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

LIMIT = 10  # seconds; a generous bound on "finishes", not a speed claim


def finishes(script: str, *args: str) -> str:
    """Run `script` in a fresh interpreter; its stdout, or fail if it hangs or errs."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script), *args],
            capture_output=True, text=True, timeout=LIMIT, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish within {LIMIT} s")
    assert done.returncode == 0, done.stderr
    return done.stdout
