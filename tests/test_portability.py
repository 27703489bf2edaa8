"""Windows has no fcntl, resource, termios, pwd, grp, pty or tty: gate, and the test
suite's own support modules and conftest, must import without them. Checked here on
any platform, in a fresh interpreter where importing any of them fails, so that the
Windows runner of CI finds its problems in the tests it runs, not in collection."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSIX_ONLY = ("fcntl", "resource", "termios", "pwd", "grp", "pty", "tty")

PROBE = """
import importlib, pathlib, pkgutil, sys
for name in {posix_only!r}:
    sys.modules[name] = None  # `import name` now raises ImportError
root = pathlib.Path({root!r})
sys.path[:0] = [str(root), str(root / "tests")]
import gate
names = [i.name for i in pkgutil.walk_packages(gate.__path__, "gate.")]
names = [n for n in names if n != "gate.__main__"]  # runs the CLI
names += [f"support.{{p.stem}}" for p in sorted((root / "tests" / "support").glob("*.py"))]
names += ["conftest"]
failed = []
for name in names:
    try:
        importlib.import_module(name)
    except ImportError as exc:
        failed.append(f"{{name}}: {{exc}}")
print(len(names))
print("\\n".join(failed))
"""


def test_gate_and_the_test_support_import_without_posix_only_modules() -> None:
    probe = PROBE.format(posix_only=POSIX_ONLY, root=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    count, *failed = done.stdout.strip().split("\n")
    assert int(count) > 100  # every module of gate, support and conftest was tried
    assert [line for line in failed if line] == []
