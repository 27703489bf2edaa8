"""Builders for the safety-check tests: configs through the real validator,
contexts over real reports (the sample project's own pytest run, see README.md),
one check run end to end through `run_safety`."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

from gate.config.load import config_from_data
from gate.config.schema import Config
from gate.core.model import CoverageData, TestResults
from gate.core.paths import PathResolver
from gate.core.report import SafetyCheckResult, SafetyResult
from gate.readers import read_coverage, read_tests
from gate.safety import SafetyContext, run_safety

TODAY = dt.date(2026, 6, 1)
PROJECT = Path(__file__).resolve().parent / "project"
COVERAGE_XML = "reports/coverage.xml"
JUNIT_XML = "reports/junit.xml"

PAYMENTS = {
    "id": "payments",
    "name": "Payment Gateway",
    "direction": "outbound",
    "modules": ["svc.payments"],
    "evidence": ["tests/test_payments.py"],
}


def check(kind: str, id: str = "c1", **keys: Any) -> dict[str, Any]:
    """One check as a user writes it in signal-gate.yml."""
    return {"id": id, "name": f"{kind} check", "kind": kind, **keys}


def config_data(*checks: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {
        "version": 1,
        "interactions": [PAYMENTS],
        "safety": {"checks": list(checks)},
        **top,
    }


def config_with(*checks: dict[str, Any], **top: Any) -> Config:
    """A config through the real validator, holding these checks."""
    return config_from_data(config_data(*checks, **top), "signal-gate.yml")


@lru_cache(maxsize=1)
def fixture_reports() -> tuple[CoverageData, TestResults]:
    """The sample project's coverage.xml and junit.xml (a real pytest run: one
    failing and one skipped test on purpose), read by the real readers."""
    resolver = PathResolver(PROJECT)
    coverage = read_coverage([PROJECT / COVERAGE_XML], resolver)
    tests = read_tests([PROJECT / JUNIT_XML], resolver)
    return coverage, tests


def context(
    root: Path,
    config: Config | None = None,
    *,
    coverage: CoverageData | None = None,
    tests: TestResults | None = None,
    allow_exec: bool = True,
    today: dt.date = TODAY,
    repo_files: frozenset[str] | None = None,
) -> SafetyContext:
    reports = fixture_reports()
    return SafetyContext(
        root=root,
        coverage=(coverage or reports[0]).files,
        tests=tests or reports[1],
        allow_exec=allow_exec,
        today=today,
        waivers={w.target: w for w in (config.waivers if config else ())},
        repo_files=repo_files,
    )


def run_checks(root: Path, *checks: dict[str, Any], **ctx: Any) -> SafetyResult:
    config = config_with(*checks)
    return run_safety(config.safety, context(root, config, **ctx))


def run_one(root: Path, one: dict[str, Any], **ctx: Any) -> SafetyCheckResult:
    """Run a single declared check; it must yield exactly one result."""
    result = run_checks(root, one, **ctx)
    assert result.total == 1, result
    return result.checks[0]


def config_error(one: dict[str, Any]) -> str:
    """The ConfigError message for a config holding this one check."""
    import pytest

    from gate.config.load import config_from_data
    from gate.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        config_from_data(config_data(one), "signal-gate.yml")
    return str(info.value)


# --- the sample project as a repository the CLI runs in ----------------------------------

# The payments interaction of the sample project (fully covered, its tests pass) and one
# command check: the gate passes exactly when that command runs and exits 0.
COMMAND_GATE = """\
version: 1
interactions:
  - {{id: payments, name: Payment Gateway, direction: outbound,
     modules: [svc.payments], evidence: [tests/test_payments.py]}}
reports: {{coverage: [reports/coverage.xml], junit: [reports/junit.xml]}}
safety:
  checks:
    - {command}
"""


def project_with_command(dest: Path, command: str) -> Path:
    """A copy of the sample project at `dest` whose signal-gate.yml declares `command`
    (a flow mapping of one `command` check) as its only safety check."""
    import shutil

    shutil.copytree(PROJECT, dest, ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "signal-gate.yml").write_text(COMMAND_GATE.format(command=command))
    return dest


def environment_outside_actions() -> dict[str, str]:
    """This process's environment without the variables of a GitHub Actions run (the
    suite may itself run in one)."""
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}


def alive(pid: int) -> bool:
    """Is `pid` a live process (Linux /proc, read directly)? A zombie is not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"
