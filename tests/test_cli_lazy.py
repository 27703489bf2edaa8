"""The command group loads a command's module only when that command is used,
and `--help` lists every command without importing the gate behind them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gate.cli.main import COMMANDS

# What `signal-gate --help` shows: every command with its short help.
SHORT_HELP = {
    "assessment-pr": "Open or update the pull request that commits DOCUMENT,...",
    "baseline": "Download the base branch's report for check --baseline.",
    "check": "Evaluate the gate: exit 0 if it passes, 1 if it fails, 2...",
    "demo": "Run the bundled example service's tests for real, then...",
    "explain": "Show one interaction in full: files, missing lines and...",
    "init": "Propose a signal-gate.yml from the code and its tests.",
    "publish": "Post a report on its pull request: sticky comment,...",
    "report": "Write the integration assessment document (Markdown).",
    "schema": "Print the JSON Schema of the config file or of the...",
    "validate": "Check a config file alone; exit 0 when it is valid, 2...",
}
# The work behind the commands, which neither --version nor --help needs.
HEAVY = [
    "gate.check", "gate.config", "gate.core", "gate.readers", "gate.render", "gate.github",
    "gate.safety", "gate.outputs", "gate.scaffold", "gate.cli.settings", "yaml", "msgspec",
    "lxml", "coverage", "github", "tabulate",
]  # fmt: skip


def loaded_after(*argv: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run `signal-gate ARGV` in a fresh interpreter; return it and the modules
    it had imported when it exited."""
    script = (
        "import json, sys\n"
        "from gate.cli.main import main\n"
        "try:\n"
        "    main(sys.argv[1:], prog_name='signal-gate')\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *argv],
        cwd=cwd, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    modules = done.stderr.rpartition("\nMODULES ")[2]
    return done, json.loads(modules)


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_version_imports_no_command(tmp_path: Path) -> None:
    done, modules = loaded_after("--version", cwd=tmp_path)
    assert "signal-gate, version" in done.stdout
    assert heavy(modules) == []
    assert [m for m in modules if m.endswith("_command")] == []


def test_help_lists_every_command_with_its_short_help_and_nothing_heavy(tmp_path: Path) -> None:
    done, modules = loaded_after("--help", cwd=tmp_path)
    listed = done.stdout.split("Commands:\n", 1)[1].splitlines()
    assert {line.split(None, 1)[0]: line.split(None, 1)[1] for line in listed} == SHORT_HELP
    assert set(SHORT_HELP) == set(COMMANDS)
    assert heavy(modules) == []


def test_a_command_imports_its_own_module_only(tmp_path: Path) -> None:
    done, modules = loaded_after("check", "--help", cwd=tmp_path)
    assert "--evidence-dir" in done.stdout
    assert [m for m in modules if m.endswith("_command")] == ["gate.cli.check_command"]
    assert heavy(modules) == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_loads_and_shows_its_help(name: str, cli, tmp_path: Path) -> None:
    """click's docs ask for this of a lazy group: a broken import path shows up here."""
    done = cli(name, "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: ") and f" {name} " in done.stdout.splitlines()[0]


def test_an_unknown_command_is_a_usage_error(cli, tmp_path: Path) -> None:
    done = cli("chek", cwd=tmp_path)
    assert done.returncode == 2 and "No such command 'chek'" in done.stderr


def test_a_check_without_a_change_imports_no_diff_reader(fixture_run, tmp_path: Path) -> None:
    """Start-up time is CI time: what only some runs need is imported by those runs
    (the diff readers and unidiff for --diff; the renderers of outputs not asked for;
    coverage.py for data files; RE2 for pattern checks)."""
    done, modules = loaded_after("check", cwd=fixture_run.root)
    assert "gate.core.evaluate" in modules, done.stderr  # the check ran
    unneeded = ("unidiff", "gate.readers.diff", "gate.readers.git_diff", "gate.render.markdown",
                "gate.outputs.junit", "gate.render.document", "coverage", "re2")  # fmt: skip
    assert [m for m in modules if m.split(".")[0] in unneeded or m in unneeded] == []
    (tmp_path / "empty.diff").write_text("")
    done, modules = loaded_after(
        "check", "--diff", str(tmp_path / "empty.diff"), cwd=fixture_run.root
    )
    assert "gate.readers.diff" in modules and "unidiff" in modules
