"""`init` on a project shaped like a notification library with a plugin per
service (tests/fixture_plugins): 14 plugins under notifykit/plugins/, modules and
packages, talking through the standard library's network clients, each tested by
tests/test_plugin_<name>.py. Every plugin must be proposed with its own test file
as evidence, the proposal must validate, and `check` must run on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

PLUGINS = Path(__file__).resolve().parent / "fixture_plugins"
SERVICES = {
    "desktop", "discord", "email", "ftp_drop", "gotify", "matrix", "mattermost", "ntfy",
    "pushover", "slack", "syslog_remote", "teams", "telegram", "xmpp",
}  # fmt: skip
PACKAGES = {"email", "matrix", "xmpp"}


@dataclass(frozen=True)
class Ran:
    root: Path  # the project after `pytest --cov --cov-context=test`, with its reports


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    root = tmp_path_factory.mktemp("plugins") / "notifykit"
    shutil.copytree(PLUGINS, root, ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--cov",
         "--cov-branch", "--cov-context=test", "--cov-report=xml:coverage.xml",
         "--junitxml=junit.xml", "-o", "junit_family=xunit1"],
        cwd=root, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / ".coverage").is_file()
    return Ran(root)


def fresh(ran: Ran, dest: Path, *, coverage_data: bool = True) -> Path:
    shutil.copytree(ran.root, dest)
    if not coverage_data:
        (dest / ".coverage").unlink()
    return dest


def module_of(service: str) -> str:
    return f"notifykit/plugins/{service}" + ("/" if service in PACKAGES else ".py")


def test_every_plugin_is_proposed_with_its_own_tests_from_per_test_coverage(
    ran: Ran, cli, tmp_path: Path
) -> None:
    root = fresh(ran, tmp_path / "notifykit")
    done = cli("init", cwd=root)
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load((root / "signal-gate.yml").read_text(encoding="utf-8"))
    by_module = {it["modules"][0]: it for it in config["interactions"]}
    assert set(by_module) == {module_of(s) for s in SERVICES}
    for service in SERVICES:
        it = by_module[module_of(service)]
        own = f"tests/test_plugin_{service}.py"
        assert it["direction"] == "outbound" and it["evidence"][0] == own, it
    # The dispatcher's tests import every plugin; only the one that runs a plugin's
    # code is evidence, and only for that plugin, by its node id.
    assert by_module[module_of("desktop")]["evidence"] == [
        "tests/test_plugin_desktop.py", "tests/test_core.py::test_a_loaded_plugin_runs",
    ]  # fmt: skip
    assert all(len(it["evidence"]) == 1 for m, it in by_module.items() if "desktop" not in m)
    assert config["unmapped"]["paths"] == ["notifykit/plugins/**/*.py"]
    assert config["unmapped"]["policy"] == "warn"  # plugins/__init__.py and base.py
    summary = done.stderr
    assert "wrote signal-gate.yml: 14 interactions (14 outbound, 0 inbound)" in summary
    assert "  in the plugin folder notifykit/plugins/: desktop, discord, email" in summary
    assert "  evidence: 14 from per-test coverage in .coverage" in summary
    assert cli("validate", cwd=root).returncode == 0


def test_check_runs_on_the_proposal_and_skips_are_allowed_by_default(
    ran: Ran, cli, tmp_path: Path
) -> None:
    """teams is at 100%/100% with 2 passed and 1 skipped evidence test: PRODUCTION
    READY by default, not with `skipped: block`."""
    root = fresh(ran, tmp_path / "notifykit")
    assert cli("init", cwd=root).returncode == 0
    done = cli("check", "--format", "json", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    report = yaml.safe_load(done.stdout)  # JSON is YAML
    teams = next(r for r in report["interactions"] if r["id"] == "teams")
    assert (teams["line_percent"], teams["status"]) == (100.0, "PRODUCTION READY")
    assert teams["tests"] == {"total": 3, "passed": 2, "failed": 0, "errors": 0, "skipped": 1}
    assert teams["notes"] == [
        "test tests/test_plugin_teams.py::test_legacy_connector skipped: the legacy connector "
        "runs only on Python 2 (skip allowed)"
    ]
    assert all(r["status"] == "PRODUCTION READY" for r in report["interactions"])
    config = root / "signal-gate.yml"
    config.write_text(config.read_text().replace("  skipped: allow\n", "  skipped: block\n"))
    done = cli("check", cwd=root)
    assert done.returncode == 1
    assert "teams          out    100.0%  n/a       2 passed · 1 skipped  100.0%        NEAR" in (
        done.stdout
    )
    assert "  - interaction teams is NEAR PRODUCTION READY" in done.stdout


def test_without_per_test_coverage_the_test_names_give_the_same_evidence(
    ran: Ran, cli, tmp_path: Path
) -> None:
    root = fresh(ran, tmp_path / "notifykit", coverage_data=False)
    done = cli("init", "--print", cwd=root)
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load(done.stdout)
    for it in config["interactions"]:
        service = it["modules"][0].removeprefix("notifykit/plugins/").rstrip("/")
        assert it["evidence"] == [f"tests/test_plugin_{service.removesuffix('.py')}.py"]
    assert "  evidence: 14 from test file names" in done.stderr


def test_hints_for_an_unusual_layout(ran: Ran, cli, tmp_path: Path) -> None:
    """--modules names the clients, --tests how their test files are named."""
    root = fresh(ran, tmp_path / "notifykit", coverage_data=False)
    for test in (root / "tests").glob("test_plugin_*.py"):
        test.rename(test.with_name(test.name.replace("test_plugin_", "test_notify")))
    done = cli(
        "init", "--print", "--modules", "notifykit/plugins/*", "--tests",
        "tests/test_notify{name}.py", cwd=root,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load(done.stdout)
    modules = {it["modules"][0] for it in config["interactions"]}
    # Every match, support modules included: the glob is the user's word.
    assert modules == {module_of(s) for s in SERVICES} | {"notifykit/plugins/base.py"}
    slack = next(it for it in config["interactions"] if it["id"] == "slack")
    assert slack["evidence"] == ["tests/test_notifyslack.py"]
    assert "  matches --modules notifykit/plugins/*: base, desktop, discord" in done.stderr
