"""`signal-gate demo`: the bundled example's tests run for real, then the gate.

The demo is also run from an installed wheel, in a folder far from the checkout,
to prove the example ships inside the package."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import InstalledWheel
from support.portable import sha256_checker, shell_line
from support.reports import report_json

from gate.core.numbers import display_percent
from gate.demo import GIT_IDENTITY, MARKER, PYTEST_ARGS, prepare, this_python_first

REPO = Path(__file__).resolve().parent.parent


# The integration assessment the demo models, point by point: id -> (name, direction,
# critical). The demo's config must say the same (test below).
SOURCE_DOCUMENT = {
    "config-service": ("Config Service (Bootstrap/Secrets)", "outbound", True),
    "ticker-service": ("Ticker Service (Historical Prices/Moneyness)", "outbound", False),
    "instrument-service": ("Instrument Service (Reference Data)", "outbound", False),
    "marketplace": ("Marketplace (Entitlements/Watermark)", "bidirectional", True),
    "alert-service": ("Alert Service (Price Alerts)", "outbound", False),
    "comms-service": ("Comms Service (E-mail/SMS)", "outbound", False),
    "metrics-sidecar": ("Metrics Sidecar (Push Metrics)", "outbound", True),
    "user-service-acl": ("User Service ACL (Gateway-Only)", "outbound", True),
    "sdk-signal-streams": ("SDK Signal Streams (Server-Sent Events)", "inbound", False),
    "monitoring": ("Monitoring (Health/Metrics)", "inbound", False),
    "automation-endpoints": ("Automation Endpoints (Rules)", "inbound", False),
    "screener-backend": ("Screener Backend (Callers)", "unknown", False),
}
# What each interaction's own evidence proves (README.md, "The interactions").
STATUSES = {
    "config-service": "PRODUCTION READY",
    "ticker-service": "REQUIRES ATTENTION",
    "instrument-service": "PRODUCTION READY",
    "marketplace": "PRODUCTION READY",
    "alert-service": "REQUIRES ATTENTION",
    "comms-service": "NEAR PRODUCTION READY",
    "metrics-sidecar": "PRODUCTION READY",
    "user-service-acl": "PRODUCTION READY",
    "sdk-signal-streams": "PRODUCTION READY",
    "monitoring": "PRODUCTION READY",
    "automation-endpoints": "PRODUCTION READY",
    "screener-backend": "UNKNOWN",
}


def assert_demo_matrix(workdir: Path, stdout: str) -> None:
    data = report_json(workdir / "report.json")
    statuses = {i["id"]: i["status"] for i in data["interactions"]}
    assert statuses == STATUSES
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
    # The document names the demo's own commit, not the repository around it.
    head = git(workdir, "rev-parse", "HEAD")
    assert f"Commit: `{head}`" in document
    # The example as shipped, then the simulated pull request (change.diff) on top.
    assert git(workdir, "log", "--format=%s") == (
        "Instrument lookup by ISIN\nsignal-gate demo: the example"
    )
    evidence = workdir / "evidence"
    assert (evidence / "interactions" / "config-service" / "html" / "index.html").is_file()
    assert (evidence / "inputs" / ".coverage").is_file()
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("-----"))
    table_rows = lines[start + 1 : lines.index("", start)]
    assert [row.split()[0] for row in table_rows] == list(statuses)


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One `signal-gate demo` per module: its folder and what it printed."""
    workdir = tmp_path_factory.mktemp("demo") / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "gate", "demo", "--workdir", str(workdir)],
        cwd=workdir.parent, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return workdir, done.stdout


def test_demo_from_the_checkout(demo_run: tuple[Path, str]) -> None:
    workdir, stdout = demo_run
    assert_demo_matrix(workdir, stdout)


def test_the_demo_follows_the_source_document(demo_run: tuple[Path, str]) -> None:
    """Its 12 interactions, point by point: names, directions, criticality; and the
    assessment filled in (owners, risks, the contract) for each documented one."""
    data = report_json(demo_run[0] / "report.json")
    found = {i["id"]: (i["name"], i["direction"], i["critical"]) for i in data["interactions"]}
    assert found == SOURCE_DOCUMENT
    for i in data["interactions"]:
        assert i["contract"], i["id"]
        if i["id"] != "screener-backend":
            assert i["owner"], i["id"]  # nobody owns the undocumented one yet
    assert all(i["risks"] for i in data["interactions"] if i["status"] != "PRODUCTION READY")
    assert data["review"]["cycle_days"] == 180 and data["next_steps"]


def test_every_reproduce_command_gives_the_documents_figure(
    demo_run: tuple[Path, str], tmp_path: Path
) -> None:
    """Each interaction's commands, pasted into a shell in the demo folder, make
    the gate say what the document says: line and branch figures and status."""
    copy = shutil.copytree(demo_run[0], tmp_path / "copy", symlinks=True)
    report = report_json(copy / "report.json")
    document = (copy / "assessment.md").read_text()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    ran = []
    for r in report["interactions"]:
        if r["reproduce"] is None:
            continue
        assert r["reproduce"] in document.replace("```sh\n", "")  # as the document prints it
        pytest_line, explain_line = r["reproduce"].splitlines()
        shell_line(pytest_line, cwd=copy, env=env, capture_output=True, timeout=300)
        done = shell_line(
            explain_line, cwd=copy, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == (0 if r["status"] == "PRODUCTION READY" else 1), done.stderr
        figures = f"{r['covered_statements']}/{r['statements']} statements"
        assert f"line    {display_percent(r['line_percent'])} ({figures})" in done.stdout
        branches = f"{r['covered_branches']}/{r['branches']} branches"
        assert f"branch  {display_percent(r['branch_percent'])} ({branches})" in done.stdout
        ran.append(r["id"])
    assert len(ran) == 11  # all but the screener backend, which declares no evidence


def test_the_document_changes_only_when_the_facts_change(
    demo_run: tuple[Path, str], tmp_path: Path
) -> None:
    """Commit the document (HEAD moves), run the same tests again: --check passes.
    Make one evidence test fail: --check fails and names it."""
    copy = shutil.copytree(demo_run[0], tmp_path / "copy", symlinks=True)
    env = {**os.environ, **GIT_IDENTITY}
    subprocess.run(["git", "add", "-f", "assessment.md"], cwd=copy, env=env, check=True)
    subprocess.run(["git", "commit", "-qm", "assessment"], cwd=copy, env=env, check=True)
    rerun = [sys.executable, "-m", "pytest", *PYTEST_ARGS]
    subprocess.run(rerun, cwd=copy, capture_output=True, timeout=300)
    check = [sys.executable, "-m", "gate", "report", "--out", "assessment.md", "--check"]
    done = subprocess.run(check, cwd=copy, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr

    test_file = copy / "tests" / "integration" / "test_monitoring.py"
    source = test_file.read_text()
    assert 'match="only goes up"' in source
    test_file.write_text(source.replace('match="only goes up"', 'match="goes down too"'))
    subprocess.run(rerun, cwd=copy, capture_output=True, timeout=300)
    done = subprocess.run(check, cwd=copy, capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "tests/integration/test_monitoring.py::TestMetrics::test_counters_only_go_up" in (
        done.stdout
    )
    assert "@@ Monitoring (Health/Metrics) (`monitoring`) @@" in done.stdout


def test_the_evidence_package_verifies(demo_run: tuple[Path, str]) -> None:
    evidence = demo_run[0] / "evidence"
    done = subprocess.run(
        [*sha256_checker(), "--strict", "-c", "SHA256SUMS"],
        cwd=evidence, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert (evidence / "contracts/docs/contracts/marketplace.md").is_file()
    page = (evidence / "interactions/marketplace/html/index.html").read_text()
    assert "marketplace_client.py" in page and "marketplace_events.py" in page


def test_the_examples_python_is_the_one_that_runs_the_demo() -> None:
    """The example's `command` check runs `python` (Windows has no `python3`): during
    the demo that is this interpreter, first on PATH; PATH is as it was after."""
    before = os.environ.get("PATH")
    with this_python_first():
        found = shutil.which("python")
    assert found is not None and Path(found).parent == Path(sys.executable).parent
    assert os.environ.get("PATH") == before


def test_a_second_demo_replaces_its_own_folder_git_objects_and_all(tmp_path: Path) -> None:
    """git makes its object files read-only, and Windows deletes no read-only file:
    the folder of an earlier demo (a git repository) is replaced all the same."""
    workdir = prepare(tmp_path / "demo")
    stale = workdir / "stale.txt"
    stale.write_text("from the earlier demo")
    stale.chmod(stat.S_IREAD)  # as git leaves .git/objects
    assert prepare(workdir) == workdir
    assert not stale.exists() and (workdir / MARKER).is_file()


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


def test_the_readme_shows_what_the_demo_prints(demo_run: tuple[Path, str]) -> None:
    """The matrix and the change section quoted at the top of README.md are the
    demo's real output, line for line."""
    _, stdout = demo_run
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    quoted = readme.split("```\nSignal Service integration gate: FAILED\n", 1)[1].split("```")[0]
    lines = [line for line in quoted.splitlines() if line.strip() and line.strip() != "..."]
    printed = stdout.splitlines()
    missing = [line for line in lines if line not in printed]
    assert len(lines) > 15 and not missing
