"""coverage_scope: evidence, on a real pytest run with per-test contexts.

The figures must equal `coverage report --contexts='^$,<evidence regexes>'
--include=<the modules>` on the same data (docs/numbers.md, "Evidence-scoped
coverage"), and what running only the evidence tests would measure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TESTS, ProjectRun, fixture_project_run, signal_gate
from support import assert_error_report_only
from support.reports import run_check

from gate.check import CheckOptions
from gate.core.report import InteractionResult, Status
from gate.errors import InputError

pytestmark = pytest.mark.slow

# Each interaction of the scoped config, with the coverage.py context regexes
# that select its evidence tests (written by hand, independently of the gate).
INTERACTIONS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "payments": (
        {"modules": ["shop.payments"], "evidence": ["tests/integration/test_payments.py"]},
        [r"^tests/integration/test_payments\.py::"],
    ),
    "inventory": (
        {
            "modules": ["shop/clients/inventory_client.py"],
            "evidence": ["tests/integration/test_inventory.py::test_*"],
        },
        [r"^tests/integration/test_inventory\.py::test_"],
    ),
    "retry-unit": (
        {"modules": ["shop/payments/retry.py"], "evidence": ["tests/unit/test_retry.py"]},
        [r"^tests/unit/test_retry\.py::"],
    ),
    "stock-only": (
        {
            "modules": ["shop/clients/inventory_client.py", "shop/payments/gateway.py"],
            "evidence": ["tests/integration/test_inventory.py::test_stock"],
        },
        [r"^tests/integration/test_inventory\.py::test_stock\|"],
    ),
    "refund-and-charge": (
        {
            "modules": ["shop.payments"],
            "evidence": [
                "tests/integration/test_payments.py::test_refund",
                "tests/integration/test_payments.py::TestCharge::test_unexpected[500]",
            ],
        },
        [
            r"^tests/integration/test_payments\.py::test_refund\|",
            r"^tests/integration/test_payments\.py::TestCharge::test_unexpected\[500\]\|",
        ],
    ),
}


def gate_config(interactions: dict[str, dict[str, Any]], scope: str = "evidence") -> str:
    return yaml.safe_dump(
        {
            "version": 1,
            "id": "scoped",
            "defaults": {"threshold": {"line": 95, "branch": 95}, "coverage_scope": scope},
            "overall": {"min_confidence": 0},
            "interactions": [
                {"id": key, "name": key, "direction": "outbound", **spec}
                for key, spec in interactions.items()
            ],
        }
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> ProjectRun:
    """The fixture project after `pytest --cov --cov-branch --cov-context=test`."""
    project = fixture_project_run("scope", tmp_path_factory)
    assert (project.root / ".coverage").is_file()
    return project


def check(
    root: Path, interactions: dict[str, dict[str, Any]], *coverage: str, scope: str = "evidence"
):
    config = root / f"gate-{scope}.yml"
    config.write_text(gate_config(interactions, scope))
    return run_check(
        CheckOptions(
            root=root,
            config=str(config),
            coverage=coverage or (".coverage",),
            junit=("junit.xml",),
        )
    )


def totals(report: dict) -> tuple[int, int, int, int]:
    t = report["totals"]
    return t["num_statements"], t["covered_lines"], t["num_branches"], t["covered_branches"]


def figures(result: InteractionResult) -> tuple[int, int, int, int]:
    return (
        result.statements,
        result.covered_statements,
        result.branches,
        result.covered_branches,
    )


def test_figures_equal_coverage_report_with_the_evidence_contexts(run: ProjectRun) -> None:
    report = check(run.root, {key: spec for key, (spec, _) in INTERACTIONS.items()}).report
    by_id = {r.id: r for r in report.interactions}
    for key, (_spec, regexes) in INTERACTIONS.items():
        result = by_id[key]
        assert result.coverage_scope == "evidence"
        theirs = run.coverage_json(
            "--contexts=" + ",".join(["^$", *regexes]), "--include=" + ",".join(result.files)
        )
        assert figures(result) == totals(theirs), key
        assert result.coverage_percent == pytest.approx(theirs["totals"]["percent_covered"])
        for summary in result.file_details:
            entry = theirs["files"][summary.path]
            assert summary.missing_lines == entry["missing_lines"], (key, summary.path)
            expected = [f"{a}->{b if b > 0 else 'exit'}" for a, b in entry["missing_branches"]]
            assert summary.missing_branches == expected, (key, summary.path)


def test_scoped_figures_differ_from_all_tests_where_other_tests_ran_the_code(
    run: ProjectRun,
) -> None:
    """The point of the scope: test_payments.py runs retry.py's loop, so in scope
    `all` the unit test's interaction looks fully covered; in scope `evidence` it
    is not."""
    spec = {"retry-unit": INTERACTIONS["retry-unit"][0]}
    everything = check(run.root, spec, scope="all").report.interactions[0]
    scoped = check(run.root, spec).report.interactions[0]
    assert everything.covered_statements == everything.statements == 9
    assert scoped.statements == 9 and scoped.covered_statements == 6
    assert scoped.branches == 2 and scoped.covered_branches == 1


def test_figures_equal_an_isolated_run_of_the_evidence_tests(
    run: ProjectRun, tmp_path: Path
) -> None:
    """What `pytest <evidence> --cov --cov-branch` alone measures, without running
    the suite once per interaction."""
    alone = tmp_path / "alone"
    shutil.copytree(TESTS / "fixture_project", alone, ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--cov", "--cov-branch",
         "--cov-report=json:isolated.json", "tests/integration/test_payments.py"],
        cwd=alone, capture_output=True, env=env, timeout=300, check=True,
    )  # fmt: skip
    isolated = json.loads((alone / "isolated.json").read_text())
    payments = check(run.root, {"payments": INTERACTIONS["payments"][0]}).report.interactions[0]
    files = {p: isolated["files"][p]["summary"] for p in payments.files}
    assert figures(payments) == (
        sum(s["num_statements"] for s in files.values()),
        sum(s["covered_lines"] for s in files.values()),
        sum(s["num_branches"] for s in files.values()),
        sum(s["covered_branches"] for s in files.values()),
    )


def test_coverage_py_test_function_contexts(tmp_path: Path) -> None:
    """`[run] dynamic_context = test_function` names tests by qualified name
    (`tests.integration.test_payments.TestCharge.test_created`); the same
    evidence patterns select them."""
    root = tmp_path / "project"
    shutil.copytree(TESTS / "fixture_project", root, ignore=shutil.ignore_patterns("__pycache__"))
    settings = root / "pyproject.toml"
    settings.write_text(
        settings.read_text().replace(
            "[tool.coverage.run]", '[tool.coverage.run]\ndynamic_context = "test_function"'
        )
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    subprocess.run(
        [sys.executable, "-m", "coverage", "run", "-m", "pytest", "-p", "no:cacheprovider", "-q",
         "--junitxml=junit.xml"],
        cwd=root, capture_output=True, env=env, timeout=300,
    )  # fmt: skip
    project = ProjectRun(root, 0)
    spec = {"payments": INTERACTIONS["payments"][0], "retry-unit": INTERACTIONS["retry-unit"][0]}
    by_id = {r.id: r for r in check(root, spec).report.interactions}
    regexes = {
        "payments": r"^tests\.integration\.test_payments\.",
        "retry-unit": r"^tests\.unit\.test_retry\.",
    }
    for key, regex in regexes.items():
        theirs = project.coverage_json(
            f"--contexts=^$,{regex}", "--include=" + ",".join(by_id[key].files)
        )
        assert figures(by_id[key]) == totals(theirs), key


def test_lines_only_other_tests_ran_are_a_note_that_never_gates(run: ProjectRun) -> None:
    reserve = {
        "modules": ["shop/clients/inventory_client.py"],
        "evidence": [
            "tests/integration/test_inventory.py::test_reserve_ok",
            "tests/integration/test_inventory.py::test_reserve_conflict",
        ],
    }
    note = (
        "run only by tests that are not its evidence: shop/clients/inventory_client.py "
        "lines 18-21 (by tests/integration/test_inventory.py::test_stock, "
        "tests/integration/test_inventory.py::test_stock_missing_is_reported)"
    )
    ready = check(run.root, {"reserve": {**reserve, "threshold": {"line": 50, "branch": None}}})
    result = ready.report.interactions[0]
    assert result.status is Status.READY and result.gaps == []
    strict = check(run.root, {"reserve": reserve}).report.interactions[0]
    assert strict.status is not Status.READY
    assert note in strict.gaps


def test_an_evidence_test_that_ran_none_of_the_code_is_a_gap(run: ProjectRun) -> None:
    mislabelled = {
        "modules": ["shop/clients/inventory_client.py"],
        "evidence": ["tests/unit/test_retry.py", "tests/integration/test_inventory.py::test_stock"],
        "threshold": {"line": 10, "branch": None},
    }
    result = check(run.root, {"inventory": mislabelled}).report.interactions[0]
    assert result.status is not Status.READY
    assert (
        "evidence test tests/unit/test_retry.py::test_first_try ran none of this "
        "interaction's code (mislabelled evidence?)"
    ) in result.gaps
    assert not any("test_stock ran none" in g for g in result.gaps)


def test_xml_only_is_an_input_error_never_a_silent_fallback(run: ProjectRun) -> None:
    with pytest.raises(InputError) as info:
        check(run.root, {"payments": INTERACTIONS["payments"][0]}, "coverage.xml")
    message = str(info.value)
    assert "coverage_scope: evidence (interaction payments)" in message
    assert "cobertura" in message and "--cov-context=test" in message


def test_the_cli_exits_2_and_writes_nothing(run: ProjectRun, tmp_path: Path) -> None:
    config = tmp_path / "gate.yml"
    config.write_text(gate_config({"payments": INTERACTIONS["payments"][0]}))
    out = tmp_path / "report.json"
    done = signal_gate(
        "check", "--config", str(config), "--coverage", "coverage.xml", "--junit", "junit.xml",
        "--json-out", str(out), cwd=run.root,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "per-test contexts" in done.stderr
    assert_error_report_only(out)  # nothing half-written: only why there is no verdict


def test_data_without_contexts_is_an_input_error_naming_it(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(TESTS / "fixture_project", root, ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--cov", "--cov-branch",
         "--junitxml=junit.xml"],
        cwd=root, capture_output=True, env=env, timeout=300,
    )  # fmt: skip
    with pytest.raises(InputError, match="recorded none") as info:
        check(root, {"payments": INTERACTIONS["payments"][0]})
    assert ".coverage" in str(info.value)


def test_scope_all_reads_the_same_from_the_data_file_and_the_xml(run: ProjectRun) -> None:
    spec = {key: spec for key, (spec, _) in INTERACTIONS.items()}
    from_data = check(run.root, spec, ".coverage", scope="all").report
    from_xml = check(run.root, spec, "coverage.xml", scope="all").report
    for ours, theirs in zip(from_data.interactions, from_xml.interactions, strict=True):
        assert figures(ours) == figures(theirs)
        assert ours.status is theirs.status and ours.gaps == theirs.gaps
    assert [f.format for f in from_data.provenance.files][:1] == ["coveragepy-data"]
