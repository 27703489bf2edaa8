"""`signal-gate demo`: run the bundled example service's tests for real, then the gate.

The example ships inside the package (gate/_examples in a wheel, examples/ in a
checkout), so the demo works from any folder. It is copied to a work folder
that becomes a git repository of its own (one commit, so the document's
`Commit:` names the example's state, not whatever repository holds the
folder), its tests run under pytest with coverage (branches, per-test
contexts) and JUnit output, and the gate evaluates what they produced and
writes the assessment and its evidence package.

Where git is installed it then plays a pull request: the example's commit is the
base (its report, `base-report.json`, the baseline), `change.diff` (a new, partly
tested method in the instrument client) is committed on top, the tests run again,
and the gate judges the change with `--diff-base` and `--baseline`, as the GitHub
Action does on a pull request.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
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
    "--junitxml=junit.xml",
    "-o",
    "junit_family=xunit1",
    "-o",
    "junit_logging=all",  # captured output goes into the JUnit file: the evidence package
)
EVIDENCE_DIR = "evidence"
CHANGE = "change.diff"  # the simulated pull request, committed on top of the example
# One fixed author and date: the same example is the same commit, run after run.
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "signal-gate demo",
    "GIT_AUTHOR_EMAIL": "demo@signal-gate.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_NAME": "signal-gate demo",
    "GIT_COMMITTER_EMAIL": "demo@signal-gate.invalid",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}


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
        remove_tree(workdir)
    shutil.copytree(
        example_dir(),
        workdir,
        ignore=shutil.ignore_patterns("__pycache__", ".coverage*", "coverage.xml", "junit.xml"),
    )
    # Bytes: text mode would end the line with CRLF on Windows, and the example's commit
    # (whose id the README quotes) must be the same commit on every system.
    (workdir / MARKER).write_bytes(b"created by `signal-gate demo`; safe to delete\n")
    commit_example(workdir)
    return workdir


def remove_tree(path: Path) -> None:
    """Remove `path` and all it holds. git makes its object files read-only, and
    Windows deletes no read-only file: one is made writable and removed again (the
    rmtree example of the shutil documentation). Raises OSError when that fails too."""

    def writable_again(remove: Callable[[str], object], name: str, _error: object) -> None:
        Path(name).chmod(stat.S_IWRITE)
        remove(name)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=writable_again)
    else:  # Python 3.11 has only onerror (deprecated since 3.12)
        shutil.rmtree(path, onerror=writable_again)


def commit_example(workdir: Path) -> str | None:
    """Make the copy a git repository with the example as its one commit; return
    the commit, or None where git is not installed (the document then names none)."""
    git = shutil.which("git")
    if git is None:
        return None
    env = {**os.environ, **GIT_IDENTITY}
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "signal-gate demo: the example"],
    ):
        done = subprocess.run([git, *args], cwd=workdir, env=env, capture_output=True, timeout=60)
        if done.returncode != 0:
            return None
    head = subprocess.run(
        [git, "rev-parse", "HEAD"], cwd=workdir, capture_output=True, text=True, timeout=60
    )
    return head.stdout.strip() or None


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
    if not (workdir / ".coverage").exists() or not (workdir / "junit.xml").exists():
        raise UsageError(f"the example's tests (exit {code}) wrote no coverage or JUnit report")


def commit_change(workdir: Path, echo: Callable[[str], None]) -> None:
    """Apply and commit the simulated pull request on top of the example."""
    echo(f"$ git apply {CHANGE} && git commit   (a simulated pull request)")
    for args in (
        ["apply", CHANGE],
        ["-c", "commit.gpgsign=false", "commit", "-q", "-a", "-m", "Instrument lookup by ISIN"],
    ):
        done = subprocess.run(
            ["git", *args], cwd=workdir, env={**os.environ, **GIT_IDENTITY},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        if done.returncode != 0:
            raise UsageError(f"the demo's git {args[0]} failed: {done.stderr.strip()[:300]}")


def _head(workdir: Path) -> str | None:
    """The commit prepare() made of the example; None without git."""
    git = shutil.which("git")
    if git is None or not (workdir / ".git").is_dir():
        return None
    done = subprocess.run(
        [git, "rev-parse", "HEAD"], cwd=workdir, capture_output=True, text=True, timeout=60
    )
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


@contextlib.contextmanager
def this_python_first() -> Iterator[None]:
    """Inside the block, the folder of the interpreter running the demo comes first on
    PATH, as in an activated virtual environment: the example's `command` check runs
    `python`, which must be the one its tests ran with, on every system (Windows has
    no `python3`). PATH is as it was after the block."""
    before = os.environ.get("PATH")
    here = str(Path(sys.executable).parent)
    os.environ["PATH"] = f"{here}{os.pathsep}{before}" if before else here
    try:
        yield
    finally:
        if before is None:
            del os.environ["PATH"]
        else:
            os.environ["PATH"] = before


def run_demo(workdir: Path, echo: Callable[[str], None], today: dt.date, generated: str) -> int:
    """The demo end to end. Returns 0 whenever the demo ran, whatever the verdict.

    `today` judges the waivers; `generated` is the assessment's timestamp.
    """
    with this_python_first():
        return _run_demo(workdir, echo, today, generated)


def _run_demo(workdir: Path, echo: Callable[[str], None], today: dt.date, generated: str) -> int:
    from gate.check import CheckOptions, evidence_sources, run_check
    from gate.core.report import to_json
    from gate.outputs.evidence_package import package_files, stage_package
    from gate.outputs.files import Outputs, write_file
    from gate.render.document import render_document
    from gate.render.markdown import render_markdown
    from gate.render.text import render_text

    workdir = prepare(workdir.resolve())
    tested(workdir, run_tests(workdir, echo))
    options = CheckOptions(root=workdir, today=today)
    base = _head(workdir)
    if base is not None:  # git is installed: the example's commit is the base
        write_file(workdir / "base-report.json", to_json(run_check(options).report))
        commit_change(workdir, echo)
        tested(workdir, run_tests(workdir, echo))
        options = CheckOptions(
            root=workdir, today=today, diff_base=base, baseline="base-report.json"
        )
    run = run_check(options)
    report = run.report
    # The assessment and its evidence describe the service, not the pull request:
    # the same check without the change's figures, as `signal-gate report` makes it.
    assessed = run_check(CheckOptions(root=workdir, today=today)) if report.patch else run
    package = package_files(evidence_sources(assessed, workdir, generated))
    with Outputs() as outputs:  # all of them or none
        outputs.write(workdir / "report.json", to_json(report))
        outputs.write(workdir / "comment.md", render_markdown(report))
        outputs.write(workdir / "assessment.md", render_document(assessed.report, generated))
        stage_package(outputs, workdir / EVIDENCE_DIR, package)
        outputs.commit()
    echo("")
    echo(render_text(report).rstrip())
    echo("")
    echo(
        f"Wrote report.json, comment.md, assessment.md and the evidence package "
        f"{EVIDENCE_DIR}/ in {workdir}"
    )
    if report.patch is not None:
        echo(f"The simulated change is {CHANGE}; base-report.json is the report before it.")
    verdict = "PASSED" if report.passed else "FAILED"
    echo(f"The demo ran. The gate's verdict on the example: {verdict}.")
    return 0
