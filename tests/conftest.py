"""Fixtures for every test: the corpus and GitHub API data (tests/data), a real
pytest+coverage run of the fixture project, golden files and report-schema validation."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import CORPUS, GITHUB_API
from support.cache import built_once
from support.mutation import hang_limit, quickest_first
from support.reports import valid

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
GOLDEN = TESTS / "golden"

# The fixture project and the demo example have tests of their own: they are run
# in subprocesses by the tests that need their reports, never collected here.
collect_ignore = ["fixture_project", "fixture_plugins", "hostile"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under `python3 dev.py mutate`, a mutant's quickest tests first (support/mutation.py)."""
    quickest_first(items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> object:
    """Under `python3 dev.py mutate`, a test a mutant makes hang ends it (support/mutation.py)."""
    with hang_limit(item.nodeid):
        return (yield)


# A command started in the background by a shell, and mutmut's workers, start with
# SIGINT ignored, and so would every gate the tests start: the tests that interrupt
# a gate need it as an interactive run has it (Python's KeyboardInterrupt).
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

# The fixture project's gate with only its ready interaction: a gate that passes.
PASSING_CONFIG = """\
version: 1
id: shop
title: Shop integration gate
overall: {min_confidence: 90}
interactions:
  - id: payments
    name: Payment Gateway
    direction: outbound
    critical: true
    modules: [shop.payments]
    evidence: [tests/integration/test_payments.py]
"""


@pytest.fixture(scope="session")
def corpus() -> Path:
    """tests/data/corpus: real coverage and JUnit reports (MANIFEST.md says whose)."""
    return CORPUS


@pytest.fixture(scope="session")
def github_api() -> Path:
    """tests/data/github-api: GitHub's OpenAPI subsets, webhook schemas, examples/."""
    return GITHUB_API


@pytest.fixture(scope="session")
def report_schema() -> Callable[[object], object]:
    """Validate a report (parsed JSON) against the packaged gate/schemas/report-1.schema.json
    (support.reports.valid, which every report a test produces goes through)."""
    return valid


# The fixture project judged by evidence scope, from its coverage.py data file.
EVIDENCE_SCOPED_CONFIG = """
version: 1
id: shop
title: Shop
defaults: {coverage_scope: evidence}
reports: {coverage: [.coverage], junit: [junit.xml]}
interactions:
  - id: payments
    name: Payment Gateway
    direction: outbound
    modules: [shop.payments]
    evidence: ["tests/integration/test_*.py::TestCharge"]
  - id: inventory
    name: Inventory Service
    direction: outbound
    modules: ["shop/clients/inventory_client.py"]
    evidence: ["tests/integration/test_inventory.py::test_*"]
    threshold: {line: 80}
"""


@dataclass(frozen=True)
class ProjectRun:
    """A copy of the fixture project after a real pytest run with coverage."""

    root: Path
    pytest_exit: int

    def coverage_json(self, *args: str) -> dict:
        """coverage.py's own figures for the same data (`coverage json`)."""
        out = self.root / "cov-independent.json"
        subprocess.run(
            [sys.executable, "-m", "coverage", "json", "-q", "-o", str(out), *args],
            cwd=self.root, check=True,
        )  # fmt: skip
        return json.loads(out.read_text())


PYTEST_REPORT_ARGS = (
    "-p", "no:cacheprovider", "-q",
    "--cov", "--cov-branch", "--cov-context=test",
    "--cov-report=xml:coverage.xml", "--junitxml=junit.xml", "-o", "junit_family=xunit1",
)  # fmt: skip


def run_fixture_project(dest: Path) -> ProjectRun:
    shutil.copytree(TESTS / "fixture_project", dest, ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *PYTEST_REPORT_ARGS],
        cwd=dest, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert (dest / "coverage.xml").is_file(), done.stdout + done.stderr
    (dest / "pytest-exit-code").write_text(str(done.returncode))
    return ProjectRun(dest, done.returncode)


def fixture_project_run(name: str, tmp_path_factory: pytest.TempPathFactory) -> ProjectRun:
    """The fixture project after a real run (built once when SIGNAL_GATE_TEST_CACHE
    is set: tests/support/cache.py)."""
    root = built_once(name, run_fixture_project, tmp_path_factory)
    return ProjectRun(root, int((root / "pytest-exit-code").read_text()))


@pytest.fixture(scope="session")
def fixture_run(tmp_path_factory: pytest.TempPathFactory) -> ProjectRun:
    """The fixture project, run once per session: 1 failing, 1 skipped test on purpose."""
    return fixture_project_run("fixture", tmp_path_factory)


@dataclass(frozen=True)
class InstalledWheel:
    """This checkout built as a wheel, and that wheel installed into a folder of its own."""

    wheel: Path  # dist/signal_gate-*.whl
    site: Path  # `pip install --no-deps --target`: put it first on PYTHONPATH to use it


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> InstalledWheel:
    """Built and installed once per session; the dependencies come from this venv."""
    root = tmp_path_factory.mktemp("wheel")
    dist, site = root / "dist", root / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = dist.glob("signal_gate-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
         str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return InstalledWheel(wheel, site)


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with tests/golden/<name>; SIGNAL_GATE_REGEN_GOLDEN=1 rewrites it.

    On a mismatch the actual text is saved beside the golden file as
    <name>.actual, for review as a diff.
    """

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if os.environ.get("SIGNAL_GATE_REGEN_GOLDEN") == "1":
            path.write_text(actual, encoding="utf-8")
            pytest.fail(f"regenerated {name}: review the diff, then run again without the flag")
        assert path.exists(), f"no golden file {path}; run with SIGNAL_GATE_REGEN_GOLDEN=1"
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            path.with_name(path.name + ".actual").write_text(actual, encoding="utf-8")
        assert actual == expected, f"{name} differs from its golden file; see {name}.actual"

    return check


def signal_gate(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would: a real subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "gate", *args],
        cwd=cwd, capture_output=True, text=True, env=full_env, timeout=120,
    )  # fmt: skip


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    return signal_gate
