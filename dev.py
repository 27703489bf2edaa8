#!/usr/bin/env python3
"""One entry point for newcomers and CI: `python3 dev.py demo` and `python3 dev.py test`.

Each command prepares its own virtual environment in .venv (created on first use,
re-installed when pyproject.toml changes), so a fresh clone needs only Python 3.11+
and git.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_venv() -> None:
    """Create .venv and install the project with its dev and demo extras when needed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit(f"signal-gate needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    stamp = VENV / ".installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and PY.exists():
        return
    if not PY.exists():
        print("dev.py: creating .venv", flush=True)
        venv.create(VENV, with_pip=True)
    print("dev.py: installing signal-gate with its dev and demo extras", flush=True)
    pip = [str(PY), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev,demo]"], check=True)
    stamp.write_text(wanted)


def run(*argv: str) -> int:
    print("$", " ".join(argv), flush=True)
    return subprocess.run(argv, cwd=ROOT).returncode


def cmd_demo(args: list[str]) -> int:
    return run(str(BIN / "signal-gate"), "demo", *args)


def cmd_test(args: list[str]) -> int:
    """Tests, lint, types and import layers; any failure fails the run."""
    failures = 0
    rc = run(str(PY), "-m", "pytest", *args)
    # pytest exits 5 when it collected nothing: that is a failure here, never a pass.
    failures += rc != 0
    failures += run(str(PY), "-m", "ruff", "check", ".") != 0
    failures += run(str(PY), "-m", "ruff", "format", "--check", ".") != 0
    failures += run(str(PY), "-m", "mypy", "--strict", "gate") != 0
    # The floor plan: layers and forbidden imports ([tool.importlinter] in pyproject.toml).
    failures += run(str(BIN / "lint-imports")) != 0
    return 1 if failures else 0


def main() -> int:
    commands = {"demo": cmd_demo, "test": cmd_test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print("usage: python3 dev.py {demo|test} [args...]", file=sys.stderr)
        return 2
    ensure_venv()
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
