"""Evidence scope equals running the evidence alone, whatever the import order.

A small project made here: `pkg/lazy.py` is imported lazily, inside a test that
is not the interaction's evidence and that runs first, so its module-level lines
(and the module-level branch) are recorded under that other test's context. The
gate's evidence-scope figures must still equal coverage.py's own JSON of a run of
the evidence tests alone: statements, covered statements, branches and covered
branches, file by file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.reports import run_check

from gate.check import CheckOptions
from gate.core.report import Report

pytestmark = pytest.mark.slow

LAZY = '''\
"""Imported only inside tests."""
import functools
import os

MODE = os.environ.get("LAZY_MODE", "plain")
if MODE == "fancy":
    PREFIX = "*"
else:
    PREFIX = "-"


@functools.lru_cache(maxsize=None)
def label(name, shout=False):
    if shout:
        return PREFIX + name.upper()
    return PREFIX + name


class Store:
    kind = "memory"

    def __init__(self):
        self.items = []

    def add(self, item):
        if item in self.items:
            return False
        self.items.append(item)
        return True
'''
OTHER = """\
def test_imports_it_first():
    from pkg import lazy

    assert lazy.Store.kind == "memory"
    assert lazy.Store().add(1)
"""
EVIDENCE = """\
def test_label():
    from pkg.lazy import label

    assert label("a", shout=True) == "-A"
"""
CONFIG = {
    "version": 1,
    "id": "lazy",
    "defaults": {"threshold": {"line": 10, "branch": 10}, "coverage_scope": "evidence"},
    "overall": {"min_confidence": 0},
    "interactions": [
        {
            "id": "labels",
            "name": "Labels",
            "direction": "outbound",
            "modules": ["pkg"],
            "evidence": ["tests/test_b_evidence.py"],
        }
    ],
}


def make_project(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "lazy.py").write_text(LAZY)
    # Test files run in name order: the other test imports the module first.
    (root / "tests" / "test_a_other.py").write_text(OTHER)
    (root / "tests" / "test_b_evidence.py").write_text(EVIDENCE)
    (root / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\npythonpath = ["."]\n\n'
        "[tool.coverage.run]\nrelative_files = true\n"
    )
    (root / "gate.yml").write_text(yaml.safe_dump(CONFIG))
    return root


def pytest_run(root: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--cov=pkg",
         "--cov-branch", *args],
        cwd=root, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def gate_report(root: Path) -> Report:
    """`signal-gate check` of the project's suite run, in evidence scope."""
    options = CheckOptions(
        root=root, config=str(root / "gate.yml"), coverage=(".coverage",), junit=("junit.xml",)
    )
    return run_check(options).report


def test_evidence_scope_equals_the_evidence_run_alone(tmp_path: Path) -> None:
    suite = make_project(tmp_path / "suite")
    pytest_run(suite, "--cov-context=test", "--junitxml=junit.xml")
    alone = make_project(tmp_path / "alone")
    pytest_run(alone, "--cov-report=json:isolated.json", "tests/test_b_evidence.py")
    isolated = json.loads((alone / "isolated.json").read_text())["files"]

    report = gate_report(suite)
    (labels,) = report.interactions
    assert labels.coverage_scope == "evidence"
    for summary in labels.file_details:
        theirs = isolated[summary.path]
        assert (
            summary.statements,
            summary.covered_statements,
            summary.branches,
            summary.covered_branches,
        ) == (
            theirs["summary"]["num_statements"],
            theirs["summary"]["covered_lines"],
            theirs["summary"]["num_branches"],
            theirs["summary"]["covered_branches"],
        ), summary.path
        assert summary.missing_lines == theirs["missing_lines"], summary.path
    assert {s.path for s in labels.file_details} == set(isolated)
    # What makes the case: the module was first imported by the other test.
    suite_json = subprocess.run(
        [sys.executable, "-m", "coverage", "json", "-q", "--show-contexts", "-o", "-"],
        cwd=suite, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    contexts = json.loads(suite_json)["files"]["pkg/lazy.py"]["contexts"]
    assert contexts["2"] == ["tests/test_a_other.py::test_imports_it_first|run"]
    # Store.__init__ and Store.add ran only under the other test: a note, never counted.
    init, check, append, done = map(
        line_of,
        ("self.items = []", "if item in self.items:", "self.items.append(item)", "return True"),
    )
    assert append + 1 == done
    assert labels.notes == [
        f"run only by tests that are not its evidence: pkg/lazy.py lines {init}, {check}, "
        f"{append}-{done} (by tests/test_a_other.py::test_imports_it_first)"
    ]


def line_of(text: str) -> int:
    (number,) = (n for n, line in enumerate(LAZY.splitlines(), 1) if line.strip() == text)
    return number


def test_a_function_body_run_during_import_counts_only_under_the_evidence(
    tmp_path: Path,
) -> None:
    """The one difference from a run alone, and it is stricter: the body of a
    function called while the module is imported (here a decorator of the same
    module) ran under whichever test imported it, and a function's body counts
    only under the evidence. Running the evidence alone counts it; the gate
    names it in the note instead."""
    lazy = LAZY.replace(
        "@functools.lru_cache(maxsize=None)", "def decorate(fn):\n    return fn\n\n\n@decorate"
    )
    suite = make_project(tmp_path / "suite")
    (suite / "pkg" / "lazy.py").write_text(lazy)
    pytest_run(suite, "--cov-context=test", "--junitxml=junit.xml")
    alone = make_project(tmp_path / "alone")
    (alone / "pkg" / "lazy.py").write_text(lazy)
    pytest_run(alone, "--cov-report=json:isolated.json", "tests/test_b_evidence.py")
    isolated = json.loads((alone / "isolated.json").read_text())["files"]["pkg/lazy.py"]
    report = gate_report(suite)
    (lazy_file,) = (s for s in report.interactions[0].file_details if s.path == "pkg/lazy.py")
    body = lazy.splitlines().index("    return fn") + 1
    assert body not in isolated["missing_lines"]
    assert lazy_file.missing_lines == sorted([*isolated["missing_lines"], body])
    assert f"lines {body}, " in report.interactions[0].notes[0]


@pytest.mark.parametrize("scope", ["all", "evidence"])
def test_per_test_records_and_import_time_lines_are_kept_only_for_evidence_scope(
    tmp_path: Path, scope: str
) -> None:
    """A second syntax tree per source costs 7% of a data-file check, and records
    kept per context cost more than the merged ones coverage.py's report reads: a
    gate whose interactions all take scope `all` needs neither, so the file is read
    merged and has no per-context entry; its figures are coverage.py's own either way."""
    suite = make_project(tmp_path / "suite")
    config = {**CONFIG, "defaults": {**CONFIG["defaults"], "coverage_scope": scope}}
    (suite / "gate.yml").write_text(yaml.safe_dump(config))
    pytest_run(suite, "--cov-context=test", "--junitxml=junit.xml", "--cov-report=json:all.json")
    options = CheckOptions(
        root=suite, config=str(suite / "gate.yml"), coverage=(".coverage",), junit=("junit.xml",)
    )
    run = run_check(options)
    assert run.coverage.contexts is not None
    per_context = run.coverage.contexts.files.get("pkg/lazy.py")
    assert (per_context is not None and bool(per_context.import_lines)) is (scope == "evidence")
    if scope == "all":
        theirs = json.loads((suite / "all.json").read_text())["files"]["pkg/lazy.py"]
        (lazy,) = (s for s in run.report.interactions[0].file_details if s.path == "pkg/lazy.py")
        assert lazy.missing_lines == theirs["missing_lines"]
        assert lazy.covered_statements == theirs["summary"]["covered_lines"]
