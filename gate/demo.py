"""`signal-gate demo`: run the bundled example service's tests for real, then the gate.

The example ships inside the package (gate/_examples in a wheel, examples/ in a
checkout), so the demo works from any folder. It is copied to a work folder,
its tests run under pytest with coverage (branches, per-test contexts) and
JUnit output, and the gate evaluates what they produced.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from gate.errors import UsageError

MARKER = ".signal-gate-demo"
PYTEST_ARGS = (
    "-q",
    "-p",
    "no:cacheprovider",
    "--cov",
    "--cov-branch",
    "--cov-context=test",
    "--cov-report=xml:coverage.xml",
    "--junitxml=junit.xml",
    "-o",
    "junit_family=xunit1",
)


def example_dir() -> Path:
    """Where the example lives: inside the installed package, else in the checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_examples" / "signal_service",
                      package.parent / "examples" / "signal_service"):  # fmt: skip
        if (candidate / "signal-gate.yml").is_file():
            return candidate
    raise UsageError("the bundled example is missing from this installation")


def prepare(workdir: Path) -> Path:
    """Copy the example into `workdir`, replacing an earlier demo copy only."""
    if workdir.exists():
        if not (workdir / MARKER).exists():
            raise UsageError(
                f"{workdir}: exists and is not a signal-gate demo folder; "
                "choose another with --workdir"
            )
        shutil.rmtree(workdir)
    shutil.copytree(
        example_dir(),
        workdir,
        ignore=shutil.ignore_patterns("__pycache__", ".coverage*", "coverage.xml", "junit.xml"),
    )
    (workdir / MARKER).write_text("created by `signal-gate demo`; safe to delete\n")
    return workdir


def run_tests(workdir: Path, echo: Callable[[str], None]) -> int:
    """Run the example's test suite with coverage and JUnit output; return pytest's code."""
    for module in ("pytest", "pytest_cov"):
        if importlib.util.find_spec(module) is None:
            raise UsageError(
                f"the demo needs {module.replace('_', '-')}",
                hint="pip install 'signal-gate[demo]'",
            )
    echo(f"$ pytest {' '.join(PYTEST_ARGS)}   (in {workdir})")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *PYTEST_ARGS],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = [line for line in done.stdout.splitlines() if line.strip()][-1:]
    echo(f"  pytest exited {done.returncode}: {' '.join(tail)}")
    return done.returncode


def run_demo(workdir: Path, echo: Callable[[str], None], today: dt.date, generated: str) -> int:
    """The demo end to end. Returns 0 whenever the demo ran, whatever the verdict.

    `today` judges the waivers; `generated` is the assessment's timestamp.
    """
    from gate.check import CheckOptions, run_check
    from gate.core.report import to_json
    from gate.outputs.files import write_atomic
    from gate.render.document import render_document
    from gate.render.markdown import render_markdown
    from gate.render.text import render_text

    workdir = prepare(workdir.resolve())
    code = run_tests(workdir, echo)
    if not (workdir / "coverage.xml").exists() or not (workdir / "junit.xml").exists():
        raise UsageError(f"the example's tests (exit {code}) wrote no coverage or JUnit report")
    run = run_check(CheckOptions(root=workdir, today=today))
    report = run.report
    write_atomic(workdir / "report.json", to_json(report))
    write_atomic(workdir / "comment.md", render_markdown(report))
    write_atomic(workdir / "assessment.md", render_document(report, generated))
    echo("")
    echo(render_text(report).rstrip())
    echo("")
    echo(f"Wrote report.json, comment.md and assessment.md in {workdir}")
    verdict = "PASSED" if report.passed else "FAILED"
    echo(f"The demo ran. The gate's verdict on the example: {verdict}.")
    return 0
