"""Sharded CI: the fixture project's tests split over 3 jobs give the same verdict
and the same numbers as one run, whichever reports the shards upload."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import TESTS
from support.cache import built_once
from support.reports import run_check

from gate.check import CheckOptions, CheckRun
from gate.core.paths import PathResolver
from gate.core.report import InteractionResult
from gate.readers import read_tests

pytestmark = pytest.mark.slow

SHARDS = (
    ("tests/integration/test_inventory.py",),
    ("tests/integration/test_payments.py",),
    ("tests/unit",),
)
REPORT_ARGS = ("--cov", "--cov-branch", "--cov-context=test", "-o", "junit_family=xunit1")


def pytest_run(root: Path, *args: str, data_file: str = ".coverage") -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    env["COVERAGE_FILE"] = data_file
    subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *REPORT_ARGS, *args],
        cwd=root, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip


@dataclass(frozen=True)
class Sharded:
    root: Path  # one checkout: the single run's reports at the top, shards under shards/


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Sharded:
    """One checkout, the whole suite run once, and run again as 3 shards that each
    write shards/<n>/{coverage.xml,junit.xml,.coverage.<n>} as a CI matrix would."""

    def build(root: Path) -> None:
        shutil.copytree(
            TESTS / "fixture_project", root, ignore=shutil.ignore_patterns("__pycache__")
        )
        pytest_run(root, "--cov-report=xml:coverage.xml", "--junitxml=junit.xml")
        for number, subset in enumerate(SHARDS, start=1):
            out = f"shards/{number}"
            (root / out).mkdir(parents=True)
            pytest_run(
                root,
                f"--cov-report=xml:{out}/coverage.xml",
                f"--junitxml={out}/junit.xml",
                *subset,
                data_file=f"{out}/.coverage.{number}",
            )

    return Sharded(built_once("sharding", build, tmp_path_factory))


def check(
    root: Path, coverage: tuple[str, ...], junit: tuple[str, ...], config: str | None = None
) -> CheckRun:
    return run_check(CheckOptions(root=root, config=config, coverage=coverage, junit=junit))


def numbers(result: InteractionResult) -> tuple[object, ...]:
    return (
        result.status,
        result.statements,
        result.covered_statements,
        result.branches,
        result.covered_branches,
        result.tests,
        result.gaps,
        [(f.path, f.missing_lines, f.missing_branches) for f in result.file_details],
    )


def assert_same_verdict(one: CheckRun, many: CheckRun) -> None:
    assert many.report.passed == one.report.passed
    assert many.report.overall_confidence == pytest.approx(one.report.overall_confidence)
    assert many.report.unmapped == one.report.unmapped
    for ours, theirs in zip(many.report.interactions, one.report.interactions, strict=True):
        assert numbers(ours) == numbers(theirs), ours.id


def test_cobertura_and_junit_shards_equal_one_run(sharded: Sharded) -> None:
    """The command the shipped workflow runs."""
    one = check(sharded.root, ("coverage.xml",), ("junit.xml",))
    many = check(sharded.root, ("shards/**/coverage*.xml",), ("shards/**/junit*.xml",))
    assert len(many.report.provenance.files) == 6
    assert_same_verdict(one, many)


def test_data_file_shards_combine_like_coverage_combine(sharded: Sharded) -> None:
    one = check(sharded.root, (".coverage",), ("junit.xml",))
    many = check(sharded.root, ("shards/*/.coverage.*",), ("shards/**/junit*.xml",))
    assert_same_verdict(one, many)
    assert many.coverage.contexts is not None and one.coverage.contexts is not None
    assert sorted(many.coverage.contexts.names) == sorted(one.coverage.contexts.names)


def test_evidence_scope_from_shards_equals_one_run(sharded: Sharded, tmp_path: Path) -> None:
    config = yaml.safe_load((sharded.root / "signal-gate.yml").read_text())
    config["defaults"]["coverage_scope"] = "evidence"
    scoped = tmp_path / "scoped.yml"
    scoped.write_text(yaml.safe_dump(config))
    one = check(sharded.root, (".coverage",), ("junit.xml",), str(scoped))
    many = check(sharded.root, ("shards/*/.coverage.*",), ("shards/**/junit*.xml",), str(scoped))
    assert_same_verdict(one, many)


@pytest.mark.parametrize(
    "shard_files",
    [
        ("1/coverage.xml", "2/.coverage.2", "3/coverage.xml"),
        ("1/coverage.lcov", "2/coverage.json", "3/coverage.xml"),
        ("1/coverage.json", "2/coverage.lcov", "3/.coverage.3"),
    ],
    ids=["xml+data", "lcov+json+xml", "json+lcov+data"],
)
def test_mixed_report_formats_merge(
    sharded: Sharded, shard_files: tuple[str, ...], tmp_path: Path
) -> None:
    """Shards need not agree on a format: each may upload XML, LCOV, JSON or its
    data file (the LCOV and JSON made by coverage.py from the shard's data, written
    beside the project: it is shared by every test, and by mutmut's runs)."""
    shards = sharded.root / "shards"
    for number in (1, 2, 3):
        data = f"--data-file={shards / str(number) / f'.coverage.{number}'}"
        for kind in ("lcov", "json"):
            out = tmp_path / str(number) / f"coverage.{kind}"
            subprocess.run(
                [sys.executable, "-m", "coverage", kind, "-q", data, "-o", str(out)],
                cwd=sharded.root, check=True, capture_output=True,
            )  # fmt: skip
    made = {f"{n}/coverage.{kind}" for n in (1, 2, 3) for kind in ("lcov", "json")}
    reports = tuple(str((tmp_path if f in made else shards) / f) for f in shard_files)
    one = check(sharded.root, ("coverage.xml",), ("junit.xml",))
    many = check(sharded.root, reports, ("shards/**/junit*.xml",))
    assert_same_verdict(one, many)


def test_a_suite_uploaded_twice_is_not_counted_twice(sharded: Sharded, tmp_path: Path) -> None:
    again = tmp_path / "1-retry" / "junit.xml"  # beside the shared project, never in it
    again.parent.mkdir()
    shutil.copy(sharded.root / "shards" / "1" / "junit.xml", again)
    uploaded = [*sorted((sharded.root / "shards").glob("**/junit*.xml")), again]
    once = read_tests([sharded.root / "junit.xml"], PathResolver(sharded.root))
    twice = read_tests(uploaded, PathResolver(sharded.root))
    assert len(twice.inputs) == 4
    assert twice.cases.keys() == once.cases.keys()
    one = check(sharded.root, ("coverage.xml",), ("junit.xml",))
    many = check(sharded.root, ("shards/**/coverage*.xml",), tuple(map(str, uploaded)))
    assert_same_verdict(one, many)
