"""What `signal-gate check` writes, through the real CLI in a subprocess: every output
or none (exit 2 writes nothing but the error report), `-` and /dev/stdout are standard
output, a FIFO is written in place, and SIGINT/SIGTERM leave the last run's outputs as
they were and exit 130/143."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from safety_fixtures import alive, environment_outside_actions, project_with_command

SLOW = (
    "{id: slow, name: Slow when asked, kind: command, shell: true, "
    'run: "if [ -e slow ]; then echo $$ > started; sleep 60; fi"}'
)
if os.name == "nt":  # no sh; only the signal tests (POSIX) need the check to be slow
    SLOW = f"{{id: slow, name: Passes, kind: command, run: [{json.dumps(sys.executable)}, -V]}}"
posix_signals = pytest.mark.skipif(
    os.name != "posix", reason="POSIX signals: on Windows send_signal(SIGTERM) ends the process"
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return project_with_command(tmp_path / "project", SLOW)


def check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gate", "check", *args],
        cwd=root, env=environment_outside_actions(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def outputs(out: Path) -> list[str]:
    return [
        "--json-out", str(out / "report.json"), "--markdown-out", str(out / "report.md"),
        "--summary-out", str(out / "summary.md"), "--github-output", str(out / "outputs"),
        "--evidence-dir", str(out / "evidence"),
    ]  # fmt: skip


def no_report_or_an_error_report(path: Path) -> bool:
    """On exit 2 the JSON output is the one file that may be written: the error report."""
    return not path.exists() or json.loads(path.read_text()).get("verdict") == "error"


# --- all or none -------------------------------------------------------------------------


def test_every_output_is_written_on_a_verdict(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    done = check(project, *outputs(out))
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "report.json").read_text())["passed"] is True
    assert (out / "report.md").read_text().startswith("## ")
    assert (out / "summary.md").read_text().startswith("## ")
    assert "passed=true\n" in (out / "outputs").read_text()
    assert (out / "evidence" / "report.json").is_file()
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("broken", ["markdown", "summary", "evidence"])
def test_an_error_at_any_output_writes_none_of_them(
    project: Path, tmp_path: Path, broken: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.md").write_text("earlier step\n")
    (out / "outputs").write_text("earlier=1\n")
    (out / "a-file").write_text("not a folder\n")
    args = outputs(out)
    if broken == "markdown":  # its folder cannot be made: the run finds out at the end
        args[args.index("--markdown-out") + 1] = str(out / "a-file" / "report.md")
    elif broken == "summary":
        args[args.index("--summary-out") + 1] = str(out / "a-file" / "summary.md")
    else:
        (out / "evidence" / "src").mkdir(parents=True)  # not an evidence package
    before = files(out)
    done = check(project, *args)
    assert done.returncode == 2, done.stderr
    assert "cannot write" in done.stderr or "not an evidence package" in done.stderr
    after = files(out)
    after.pop("report.json", None)
    assert after == before  # the appends and the package too: a retry appends once
    assert no_report_or_an_error_report(out / "report.json")
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []


# --- where standard output is ------------------------------------------------------------


@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_json_out_to_standard_output(project: Path, target: str) -> None:
    if target.startswith("/dev/") and os.name == "nt":
        pytest.skip("Windows has no /dev")
    done = check(project, "--format", "text", "--json-out", target)
    assert done.returncode == 0, done.stderr
    _, _, rest = done.stdout.partition("{")
    assert json.loads("{" + rest.split("\n}\n", 1)[0] + "\n}")["passed"] is True
    assert not (project / "-").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes (FIFOs) are POSIX")
def test_json_out_to_a_fifo(project: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = check(project, "--json-out", str(fifo))
    reader.join(30)
    assert done.returncode == 0, done.stderr
    assert json.loads(got[0])["passed"] is True
    assert fifo.is_fifo()


# --- signals -----------------------------------------------------------------------------


@posix_signals
@pytest.mark.parametrize(
    ("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"]
)
def test_a_stopped_run_leaves_the_last_outputs_as_they_were(
    project: Path, tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert check(project, *outputs(out)).returncode == 0
    before = files(out)
    (project / "slow").touch()
    gate = subprocess.Popen(
        [sys.executable, "-m", "gate", "check", *outputs(out)],
        cwd=project, env=environment_outside_actions(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    started = project / "started"
    while not (started.exists() and started.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.01)  # the file is there before the shell has written its pid
    command = int(started.read_text())
    gate.send_signal(sig)
    _, stderr = gate.communicate(timeout=30)
    assert gate.returncode == code, stderr
    assert f"stopped by {sig.name}".encode() in stderr
    assert files(out) == before
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    if Path("/proc").is_dir():
        assert not alive(command)
