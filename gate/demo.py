"""`signal-gate demo`: run the bundled example service's tests for real, then the gate.

The example ships inside the package (gate/_examples in a wheel, examples/ in a
checkout), so the demo works from any folder. It is copied to a work folder,
its tests run under pytest with coverage (branches, per-test contexts) and
JUnit output, and the gate evaluates what they produced.

Then, where git is installed, it plays a pull request: the copy becomes a git
repository whose first commit is the example as shipped (its report is the
baseline), `change.diff` (a new, partly tested method in the instrument client)
is committed on top, the tests run again, and the gate judges the change with
`--diff-base` and `--baseline`, as the GitHub Action does on a pull request.
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
CHANGE = "change.diff"  # the simulated pull request, committed on top of the example
BASE_TAG = "demo-base"
# A commit that works whatever the user's git configuration: no identity needed,
# no signing prompt, no hooks.
GIT = ("git", "-c", "user.name=signal-gate demo", "-c", "user.email=demo@signal-gate.invalid",
       "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null")  # fmt: skip
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


def tested(workdir: Path, code: int) -> None:
    """Refuse to go on when the example's tests wrote no reports."""
    if not (workdir / "coverage.xml").exists() or not (workdir / "junit.xml").exists():
        raise UsageError(f"the example's tests (exit {code}) wrote no coverage or JUnit report")


def simulate_change(workdir: Path, echo: Callable[[str], None]) -> bool:
    """Make the work folder a git repository holding the example as its base
    commit; False (the demo then shows no change) where git is not installed."""
    if shutil.which("git") is None:
        echo("git is not installed: the demo shows no pull request (This change)")
        return False
    echo(f"$ git init && git commit   (the example as shipped, tagged {BASE_TAG})")
    _git(workdir, "init", "-q")
    _git(workdir, "add", "-A")
    _git(workdir, "commit", "-q", "-m", "The example as shipped")
    _git(workdir, "tag", BASE_TAG)
    return True


def commit_change(workdir: Path, echo: Callable[[str], None]) -> None:
    """Apply and commit the simulated pull request."""
    echo(f"$ git apply {CHANGE} && git commit   (a simulated pull request)")
    _git(workdir, "apply", CHANGE)
    _git(workdir, "commit", "-q", "-a", "-m", "Instrument lookup by ISIN")


def _git(workdir: Path, *args: str) -> None:
    done = subprocess.run([*GIT, *args], cwd=workdir, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise UsageError(f"the demo's git {args[0]} failed: {done.stderr.strip()[:300]}")


def run_demo(workdir: Path, echo: Callable[[str], None], today: dt.date, generated: str) -> int:
    """The demo end to end. Returns 0 whenever the demo ran, whatever the verdict.

    `today` judges the waivers; `generated` is the assessment's timestamp.
    """
    from gate.check import CheckOptions, run_check
    from gate.core.report import to_json
    from gate.outputs.files import write_file
    from gate.render.document import render_document
    from gate.render.markdown import render_markdown
    from gate.render.text import render_text

    workdir = prepare(workdir.resolve())
    tested(workdir, run_tests(workdir, echo))
    options = CheckOptions(root=workdir, today=today)
    if simulate_change(workdir, echo):
        write_file(workdir / "base-report.json", to_json(run_check(options).report))
        commit_change(workdir, echo)
        tested(workdir, run_tests(workdir, echo))
        options = CheckOptions(
            root=workdir, today=today, diff_base=BASE_TAG, baseline="base-report.json"
        )
    report = run_check(options).report
    write_file(workdir / "report.json", to_json(report))
    write_file(workdir / "comment.md", render_markdown(report))
    write_file(workdir / "assessment.md", render_document(report, generated))
    echo("")
    echo(render_text(report).rstrip())
    echo("")
    echo(f"Wrote report.json, comment.md and assessment.md in {workdir}")
    if report.patch is not None:
        echo(f"The simulated change is {CHANGE}; base-report.json is the report before it.")
    verdict = "PASSED" if report.passed else "FAILED"
    echo(f"The demo ran. The gate's verdict on the example: {verdict}.")
    return 0
