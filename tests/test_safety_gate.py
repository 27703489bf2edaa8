"""Safety checks end to end through `gate.check.run_check`: a repository with a
config holding a safety section and a waiver, judged on a date passed in."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path

import yaml
from safety_fixtures import PAYMENTS, PROJECT
from support.reports import run_check

from gate.check import CheckOptions
from gate.core.report import Report, to_data
from gate.safety.command import DISABLED

BEFORE = dt.date(2026, 12, 31)  # the waiver's last day: still waived
AFTER = dt.date(2027, 1, 1)


def repo(tmp_path: Path, **safety: object) -> Path:
    """A copy of the sample project with reports, a results file and a config whose
    only failing check, `runbook`, is waived until 2026-12-31."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "reports/safety.json").write_text(
        json.dumps([{"id": "migrations", "name": "Migrations", "passed": True, "detail": "3/3"}])
    )
    checks = [
        {"id": "payments-tests", "name": "Payment tests pass", "kind": "junit",
         "tests": ["tests/test_payments.py"]},
        {"id": "payments-coverage", "name": "Payment coverage", "kind": "coverage",
         "modules": ["svc.payments"], "line": 95, "branch": 95},
        {"id": "runbook", "name": "Runbook exists", "kind": "file_exists",
         "paths": ["docs/RUNBOOK.md"]},
        {"id": "smoke", "name": "Smoke import", "kind": "command",
         "run": [sys.executable, "-c", "import svc.payments.gateway"]},
        {"id": "script", "name": "Release script", "kind": "results",
         "path": "reports/safety.json"},
    ]  # fmt: skip
    config = {
        "version": 1,
        "id": "svc",
        "overall": {"min_confidence": 90},
        "reports": {"coverage": ["reports/coverage.xml"], "junit": ["reports/junit.xml"]},
        "interactions": [{**PAYMENTS, "critical": True}],
        "safety": {"checks": checks, **safety},
        "waivers": [
            {
                "target": "runbook",
                "reason": "the runbook moves to the wiki (#12)",
                "owner": "team-payments",
                "until": "2026-12-31",
            },
        ],
    }
    (root / "signal-gate.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    return root


def check(root: Path, today: dt.date, allow_exec: bool = True) -> Report:
    return run_check(CheckOptions(root=root, today=today, allow_exec=allow_exec)).report


def by_id(report: Report) -> dict:
    return {c.id: c for c in report.safety.checks}


def test_a_waived_failing_check_does_not_fail_the_gate(tmp_path: Path) -> None:
    report = check(repo(tmp_path), BEFORE)
    checks = by_id(report)
    assert list(checks) == [
        "payments-tests", "payments-coverage", "runbook", "smoke", "script/migrations"
    ]  # fmt: skip
    assert (report.safety.passed, report.safety.total, report.safety.required) == (4, 5, 5)
    runbook = checks["runbook"]
    assert not runbook.passed
    assert runbook.detail == "no file matches 'docs/RUNBOOK.md'"
    assert runbook.waiver is not None
    assert (runbook.waiver.until, runbook.waiver.expired) == ("2026-12-31", False)
    assert runbook.waiver.reason == "the runbook moves to the wiki (#12)"
    assert all(c.waiver is None for c in report.safety.checks if c.id != "runbook")
    assert report.reasons == []
    assert report.passed


def test_an_expired_waiver_fails_the_gate_and_says_so(tmp_path: Path) -> None:
    report = check(repo(tmp_path), AFTER)
    runbook = by_id(report)["runbook"]
    assert runbook.waiver is not None and runbook.waiver.expired
    assert not report.passed
    assert "safety check runbook: waiver expired 2026-12-31" in report.reasons
    assert "deployment safety 4/5, 5 required" in report.reasons


def test_once_fixed_the_check_passes_whatever_the_date(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "docs").mkdir()
    (root / "docs/RUNBOOK.md").write_text("# Payments runbook\n")
    report = check(root, AFTER)
    assert by_id(report)["runbook"].passed
    assert (report.safety.passed, report.safety.total) == (5, 5)
    assert report.passed


def test_no_exec_turns_command_checks_into_failures(tmp_path: Path) -> None:
    report = check(repo(tmp_path), BEFORE, allow_exec=False)
    smoke = by_id(report)["smoke"]
    assert (smoke.passed, smoke.detail) == (False, DISABLED)
    assert not report.passed
    assert "deployment safety 3/5, 5 required" in report.reasons


def test_required_n_counts_imported_checks(tmp_path: Path) -> None:
    report = check(repo(tmp_path, required=3), AFTER)
    assert (report.safety.passed, report.safety.total, report.safety.required) == (4, 5, 3)
    # 4 of 3 required pass, but an expired waiver still says so.
    assert report.reasons == ["safety check runbook: waiver expired 2026-12-31"]


def test_a_waiver_on_a_results_check_covers_its_entries(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "reports/safety.json").write_text(
        json.dumps([{"id": "migrations", "passed": False, "detail": "0003 not reversible"}])
    )
    config = yaml.safe_load((root / "signal-gate.yml").read_text())
    config["waivers"].append(
        {"target": "script", "reason": "migrations tool replaced (#40)", "until": "2026-12-31"}
    )
    (root / "signal-gate.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    report = check(root, BEFORE)
    migrations = by_id(report)["script/migrations"]
    assert (migrations.passed, migrations.detail) == (False, "0003 not reversible")
    assert migrations.waiver is not None and not migrations.waiver.expired
    assert report.passed


def test_the_report_with_safety_checks_matches_the_schema(tmp_path: Path) -> None:
    data = to_data(check(repo(tmp_path), AFTER))  # support.reports validated it
    runbook = next(c for c in data["safety"]["checks"] if c["id"] == "runbook")
    assert runbook["kind"] == "file_exists"
    assert runbook["waiver"]["expired"] is True


def test_the_verdict_depends_on_the_date_passed_in_not_the_clock(tmp_path: Path) -> None:
    """One repository checked on the waiver's last day and the day after: the verdict
    changes with the date given, and only with it (whatever today's clock says, one
    of the two dates disagrees with it). The same date twice gives the same report."""
    root = repo(tmp_path)
    before, after = to_data(check(root, BEFORE)), to_data(check(root, AFTER))
    assert before["passed"] is True and after["passed"] is False
    runbook = {d: next(c for c in r["safety"]["checks"] if c["id"] == "runbook")
               for d, r in ((BEFORE, before), (AFTER, after))}  # fmt: skip
    assert runbook[BEFORE]["waiver"]["expired"] is False
    assert runbook[AFTER]["waiver"]["expired"] is True
    assert to_data(check(root, AFTER))["safety"] == after["safety"]
