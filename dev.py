#!/usr/bin/env python3
"""One entry point for newcomers and CI: `python3 dev.py demo` and `python3 dev.py test`
(and `python3 dev.py mutate`, mutation testing: slow, never part of CI).

Each command prepares its own virtual environment in .venv (created on first use,
re-installed when pyproject.toml changes), so a fresh clone needs only Python 3.11+
and git.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
EXE = ".exe" if os.name == "nt" else ""  # console scripts are NAME.exe in Scripts\
PY = BIN / f"python{EXE}"


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


def run(*argv: str, env: dict[str, str] | None = None) -> int:
    print("$", " ".join(argv), flush=True)
    return subprocess.run(argv, cwd=ROOT, env=env).returncode


def cmd_demo(args: list[str]) -> int:
    return run(str(BIN / f"signal-gate{EXE}"), "demo", *args)


def cmd_test(args: list[str]) -> int:
    """Tests, lint, types and import layers; any failure fails the run."""
    failures = 0
    # The tests write and read their files as UTF-8 without naming it, and decode the
    # CLI's UTF-8 output: UTF-8 mode (PEP 540; the default from Python 3.15, PEP 686)
    # makes that so on Windows too, where the default is the ANSI code page (cp1252).
    rc = run(str(PY), "-m", "pytest", *args, env={**os.environ, "PYTHONUTF8": "1"})
    # pytest exits 5 when it collected nothing: that is a failure here, never a pass.
    failures += rc != 0
    failures += run(str(PY), "-m", "ruff", "check", ".") != 0
    failures += run(str(PY), "-m", "ruff", "format", "--check", ".") != 0
    # The types as every CI system sees them: mypy follows `sys.platform` checks, so a
    # POSIX-only call (os.killpg) unguarded for Windows fails here on Linux already.
    for platform in ("linux", "darwin", "win32"):
        failures += run(str(PY), "-m", "mypy", "--strict", "--platform", platform, "gate") != 0
    # The floor plan: layers and forbidden imports ([tool.importlinter] in pyproject.toml).
    failures += run(str(BIN / f"lint-imports{EXE}")) != 0
    return 1 if failures else 0


EQUIVALENT = ROOT / "tests" / "mutants-equivalent.txt"
KNOWN_GAPS = ROOT / "tests" / "mutants-known-gaps.txt"
# mutmut's exit codes for a mutant: 1 and 3 killed, 0 survived, these timed out (killed
# too: the mutant made the tests hang), 33 and 5 no test reaches it, None not run yet.
TIMEOUT = (24, -24, 36, 152, 255)


def cmd_mutate(args: list[str]) -> int:
    """Mutation testing of gate/core and gate/readers ([tool.mutmut] in pyproject.toml).

    mutmut copies the project into mutants/, runs each mutant against the tests that
    reach the mutated function, and keeps its results there: a second run tests only
    what changed. Arguments go to `mutmut run` (mutant names or globs, e.g.
    "gate.core.numbers.*", and `--max-children N`); `--score` alone prints the score
    of the results kept, running nothing. The score is killed (timeouts included) over
    all mutants but the equivalent ones listed, with a reason each, in
    tests/mutants-equivalent.txt.
    """
    if args == ["--score"]:
        return print_score()
    # The fixture project's runs depend on tests/fixture_project only: built once for
    # every mutant instead of once per mutant (tests/support/cache.py). Outside the
    # checkout, as a test's temporary folder is: inside it, git would see a commit.
    checkout = hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]
    cache = Path(tempfile.gettempdir()) / f"signal-gate-test-cache-{checkout}"
    env = {**os.environ, "SIGNAL_GATE_TEST_CACHE": str(cache)}
    refresh_data_files()
    fresh_test_map()
    rc = run(str(BIN / f"mutmut{EXE}"), "run", *args, env=env)
    if rc != 0:
        return rc
    return print_score()


def refresh_data_files() -> None:
    """Copy gate's non-Python files (the JSON schemas, ...) into mutants/ again.

    mutmut rewrites every .py file there on each run but copies other files only
    once: a schema changed since would be tested in its old version.
    """
    for source in (ROOT / "gate").rglob("*"):
        if source.is_file() and source.suffix not in (".py", ".pyc"):
            copy = ROOT / "mutants" / source.relative_to(ROOT)
            if copy.parent.is_dir() and (
                not copy.exists() or copy.read_bytes() != source.read_bytes()
            ):
                shutil.copy2(source, copy)


def fresh_test_map() -> None:
    """Have mutmut map every test to the functions it runs again when gate's code changed.

    mutmut maps a test only when it first sees it (mutants/mutmut-stats.json): code
    moved into a new function is not reached by the old tests that run it, and its
    mutants would be tested without them (survivors that are not). The verdicts kept
    in mutants/**/*.meta stay; mutmut re-tests a function when its own code changes.
    """
    digest = hashlib.sha256()
    for source in sorted((ROOT / "gate").rglob("*.py")):
        digest.update(source.relative_to(ROOT).as_posix().encode() + b"\0" + source.read_bytes())
    stamp = ROOT / "mutants" / "gate-sources.sha256"
    if not stamp.parent.is_dir() or (stamp.exists() and stamp.read_text() == digest.hexdigest()):
        return
    (ROOT / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    stamp.write_text(digest.hexdigest())


def listed(path: Path) -> set[str]:
    """The mutant names a triage file lists, one a line before its reason."""
    return {
        line.split()[0]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }


def verdict(code: int | None, name: str, equivalent: set[str]) -> str:
    """The column of the score table a mutant counts in."""
    if name in equivalent:
        return "equivalent"
    if code in (1, 3):
        return "killed"
    if code in TIMEOUT:
        return "timeout"
    if code == 0:
        return "survived"
    return "no tests" if code in (5, 33) else "not run"


def print_score() -> int:
    """Print mutmut's verdicts from mutants/**/*.meta, module by module, and the score:
    killed and timed out over all mutants but the equivalent ones."""
    equivalent, gaps = listed(EQUIVALENT), listed(KNOWN_GAPS)
    columns = ("killed", "timeout", "survived", "no tests", "not run", "equivalent")
    rows: dict[str, dict[str, int]] = {}
    open_: list[str] = []
    seen: set[str] = set()
    for meta in sorted((ROOT / "mutants" / "gate").rglob("*.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        row = rows.setdefault(meta.relative_to(ROOT / "mutants").as_posix()[:-5], {})
        seen.update(codes)
        for name, code in codes.items():
            column = verdict(code, name, equivalent)
            row[column] = row.get(column, 0) + 1
            if column in ("survived", "no tests", "not run"):
                open_.append(name)
    print(f"| module | {' | '.join(columns)} | score |")
    print(f"|---|{'---|' * len(columns)}---|")
    for module, row in rows.items():
        if row:
            cells = " | ".join(str(row.get(c, 0)) for c in columns)
            print(f"| `{module}` | {cells} | {score(row)} |")
    total = {c: sum(row.get(c, 0) for row in rows.values()) for c in columns}
    print(f"| all | {' | '.join(str(total[c]) for c in columns)} | {score(total)} |")
    killed, counted = total["killed"] + total["timeout"], sum(total.values()) - total["equivalent"]
    print(f"score: {killed}/{counted} killed = {score(total)} (equivalent mutants left out)")
    for name in sorted(open_):
        print(f"  {'known gap' if name in gaps else 'open'}: {name}")
    for name in sorted((equivalent | gaps) - seen):  # the code changed under the triage
        print(f"  listed, but no such mutant: {name}")
    return 0


def score(row: dict[str, int]) -> str:
    """Killed and timed out over all but the equivalent mutants, as a percentage."""
    counted = sum(row.values()) - row.get("equivalent", 0)
    if not counted:
        return "-"
    return f"{100 * (row.get('killed', 0) + row.get('timeout', 0)) / counted:.1f}%"


def main() -> int:
    commands = {"demo": cmd_demo, "test": cmd_test, "mutate": cmd_mutate}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print("usage: python3 dev.py {demo|test|mutate} [args...]", file=sys.stderr)
        return 2
    ensure_venv()
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
