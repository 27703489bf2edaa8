"""How long the action's install takes: a cold run (wheels from the package index) and
the next run with the wheel cache restored (wheels from the wheelhouse, no index).

    python benchmarks/action_install.py [--runs 3]

Runs the action's own "Check the inputs and Python" and "Install signal-gate" scripts
(action.yml) with bash, as the runner would, each time into a fresh RUNNER_TEMP; the
wheelhouse (what actions/cache restores) is kept between the cold and the warm run.
The warm runs point pip at a closed port as its index, so they prove they need none.
Needs the package index for the cold run. Figures are recorded in docs/github-action.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]


def _step(name: str) -> str:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return next(s["run"] for s in action["runs"]["steps"] if s.get("name") == name)


def _run_install(base: Path, wheels: Path, index: str) -> float:
    """Run both steps in a fresh runner; return the install step's seconds."""
    temp = base / "runner-temp"
    temp.mkdir(parents=True)
    output = base / "output"
    output.touch()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(base),
        "RUNNER_TEMP": str(temp),
        "RUNNER_OS": "Linux",
        "RUNNER_ARCH": "X64",
        "GITHUB_OUTPUT": str(output),
        "SG_MODE": "publish",
        "SG_COMMENT": "on-change",
        "SG_FAIL_ON_GATE": "true",
        "SG_NO_EXEC": "false",
        "SG_CACHE": "true",
        "SG_PREINSTALLED_PYTHON": "",
        "SG_ACTION_PATH": str(REPO),
        "SIGNAL_GATE_WHEELHOUSE": str(wheels),
        "PIP_INDEX_URL": index,
    }
    bash = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
    subprocess.run([*bash, _step("Check the inputs and Python")], env=env, check=True)
    found = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    env.update(SG_BASE_PYTHON=found["python"], SG_PREINSTALLED="false")
    started = time.perf_counter()
    subprocess.run([*bash, _step("Install signal-gate")], env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cold, warm = [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="sg-install-") as tmp:
            wheels = Path(tmp) / "wheelhouse"
            cold.append(_run_install(Path(tmp) / "cold", wheels, "https://pypi.org/simple"))
            warm.append(_run_install(Path(tmp) / "warm", wheels, "http://127.0.0.1:9/simple"))
            size = sum(p.stat().st_size for p in wheels.iterdir()) / 1e6
            count = len(list(wheels.iterdir()))
            shutil.rmtree(wheels)
        print(f"run {run + 1}: cold {cold[-1]:.1f} s, warm {warm[-1]:.1f} s "
              f"({count} wheels, {size:.1f} MB)")  # fmt: skip
    print(f"median of {args.runs}: cold {statistics.median(cold):.1f} s, "
          f"warm (cache restored, no index) {statistics.median(warm):.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
