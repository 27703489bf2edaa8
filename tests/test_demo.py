"""`signal-gate demo`: the bundled example's tests run for real, then the gate.

The demo is also run from an installed wheel, in a folder far from the checkout,
to prove the example ships inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import InstalledWheel
from support.reports import report_json

REPO = Path(__file__).resolve().parent.parent


def assert_demo_matrix(workdir: Path, stdout: str) -> None:
    data = report_json(workdir / "report.json")
    statuses = {i["id"]: i["status"] for i in data["interactions"]}
    assert len(statuses) == 12
    assert set(statuses.values()) == {
        "PRODUCTION READY", "NEAR PRODUCTION READY", "REQUIRES ATTENTION", "UNKNOWN",
    }  # fmt: skip
    assert statuses["screener-backend"] == "UNKNOWN"
    assert data["unmapped"] == ["app/clients/news_client.py"]
    assert "The demo ran. The gate's verdict on the example: FAILED." in stdout
    safety = data["safety"]
    assert (safety["passed"], safety["total"], safety["required"]) == (20, 22, 22)
    failed = {c["id"]: c["detail"] for c in safety["checks"] if not c["passed"]}
    assert failed.keys() == {"secrets-from-env-only", "outbound-timeouts"}
    assert "app/clients/metrics_client.py:28" in failed["secrets-from-env-only"]
    assert "app/clients/news_client.py:28" in failed["outbound-timeouts"]
    assert "Deployment safety: 20/22" in stdout
    comment = (workdir / "comment.md").read_text()
    assert comment.startswith("## ❌ Signal Service")
    # The simulated pull request (change.diff): totals still ready, its own lines not.
    instrument = next(i for i in data["interactions"] if i["id"] == "instrument-service")
    assert instrument["status"] == "PRODUCTION READY"
    patch = instrument["patch"]
    assert (patch["statements"], patch["covered_statements"]) == (8, 6)
    assert patch["missing"] == {"app/clients/instrument_client.py": [60, 63]}
    assert instrument["delta"]["status"] == "PRODUCTION READY"
    assert (
        "instrument-service: 6 of 8 changed statements covered (75.0%), below 95%"
        in (data["reasons"])
    )
    assert "### This change" in comment and "instrument-service" in comment
    assert "This change (git diff " in stdout
    document = (workdir / "assessment.md").read_text()
    assert document.startswith("# Integration assessment: Signal Service integration gate")
    assert "pytest tests/integration/test_ticker_service.py --cov=" in document
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("-----"))
    table_rows = lines[start + 1 : lines.index("", start)]
    assert [row.split()[0] for row in table_rows] == list(statuses)


def test_demo_from_the_checkout(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "gate", "demo", "--workdir", str(workdir)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert_demo_matrix(workdir, done.stdout)


def test_demo_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "precious.txt").write_text("keep me")
    done = subprocess.run(
        [sys.executable, "-m", "gate", "demo", "--workdir", "mine"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "is not a signal-gate demo folder" in done.stderr
    assert (tmp_path / "mine" / "precious.txt").read_text() == "keep me"


@pytest.mark.slow
def test_demo_from_an_installed_wheel_in_any_folder(
    tmp_path: Path, installed_wheel: InstalledWheel
) -> None:
    with zipfile.ZipFile(installed_wheel.wheel) as archive:
        shipped = [n for n in archive.namelist() if n.startswith("gate/_examples/")]
    assert "gate/_examples/signal_service/signal-gate.yml" in shipped
    assert not [n for n in shipped if "__pycache__" in n or n.endswith((".xml", ".coverage"))]
    site = installed_wheel.site
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # The wheel's copy of `gate` comes first; the dependencies come from this venv.
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", "import gate, sys; site = sys.argv.pop(1); "
         "assert gate.__file__.startswith(site), gate.__file__; "
         "from gate.cli.main import main; main(prog_name='signal-gate')",
         str(site), "demo"],
        cwd=elsewhere, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert_demo_matrix(elsewhere / "signal-gate-demo", done.stdout)
