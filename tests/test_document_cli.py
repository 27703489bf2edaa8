"""`signal-gate report` as a user runs it: a real subprocess on a real run of the
fixture project. Exit codes: 0 passed / 1 failed (document written either way) /
2 error; with --check, 0 up to date / 1 stale or missing / 2 error."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import PASSING_CONFIG
from support.reports import report_json

from gate.outputs.evidence_package import coverage_summary
from gate.readers.report_file import read_report
from gate.records import replace


def test_report_writes_the_document_for_a_failing_gate(fixture_run, cli, tmp_path: Path) -> None:
    out = tmp_path / "docs" / "assessment.md"
    done = cli("report", "--out", str(out), cwd=fixture_run.root)
    assert done.returncode == 1, done.stderr
    assert f"wrote {out} (gate failed)" in done.stderr
    document = out.read_text(encoding="utf-8")
    assert document.startswith("# Integration assessment: Shop integration gate\n")
    assert "- **Verdict: FAILED**" in document
    assert not list(out.parent.glob(".assessment.md.*"))  # no temporary file left behind


def test_report_exit_0_when_the_gate_passes(fixture_run, cli, tmp_path: Path) -> None:
    config = tmp_path / "pass.yml"
    config.write_text(PASSING_CONFIG)
    out = tmp_path / "a.md"
    done = cli("report", "--config", str(config), "--out", str(out), cwd=fixture_run.root)
    assert done.returncode == 0, done.stderr
    assert "**Validation complete:**" in out.read_text()


def test_report_to_stdout(fixture_run, cli) -> None:
    done = cli("report", "--out", "-", cwd=fixture_run.root, env={"SOURCE_DATE_EPOCH": "0"})
    assert done.returncode == 1
    assert "\nGenerated: 1970-01-01T00:00:00Z\n" in done.stdout


def test_two_runs_differ_only_in_the_timestamp(fixture_run, cli, tmp_path: Path) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    cli("report", "--out", str(a), cwd=fixture_run.root, env={"SOURCE_DATE_EPOCH": "0"})
    cli("report", "--out", str(b), cwd=fixture_run.root, env={"SOURCE_DATE_EPOCH": "86400"})
    la, lb = a.read_text().splitlines(), b.read_text().splitlines()
    assert [x for x, y in zip(la, lb, strict=True) if x != y] == ["Generated: 1970-01-01T00:00:00Z"]


def test_check_passes_a_fresh_document(fixture_run, cli, tmp_path: Path) -> None:
    out = tmp_path / "assessment.md"
    cli("report", "--out", str(out), cwd=fixture_run.root, env={"SOURCE_DATE_EPOCH": "0"})
    before = out.read_bytes()
    done = cli("report", "--out", str(out), "--check", cwd=fixture_run.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "is up to date" in done.stderr
    assert out.read_bytes() == before  # --check never writes


def test_check_catches_a_stale_document(fixture_run, cli, tmp_path: Path) -> None:
    out = tmp_path / "assessment.md"
    cli("report", "--out", str(out), cwd=fixture_run.root)
    stale = out.read_text().replace("(12/14 statements)", "(13/14 statements)")
    out.write_text(stale)
    done = cli("report", "--out", str(out), "--check", cwd=fixture_run.root)
    assert done.returncode == 1
    assert "is stale" in done.stderr
    assert "-- **Line coverage:** 85.7% (13/14 statements)" in done.stdout
    assert "+- **Line coverage:** 85.7% (12/14 statements)" in done.stdout
    assert out.read_text() == stale


def test_check_of_a_missing_document_fails(fixture_run, cli, tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    done = cli("report", "--out", str(missing), "--check", cwd=fixture_run.root)
    assert done.returncode == 1
    assert "does not exist" in done.stderr
    assert not missing.exists()


def test_check_refuses_to_write_anything(fixture_run, cli, tmp_path: Path) -> None:
    done = cli("report", "--out", "-", "--check", cwd=fixture_run.root)
    assert done.returncode == 2 and "--check writes nothing" in done.stderr
    ev = tmp_path / "ev"
    done = cli("report", "--out", str(tmp_path / "a.md"), "--check", "--evidence-dir", str(ev),
               cwd=fixture_run.root)  # fmt: skip
    assert done.returncode == 2 and not ev.exists()


def test_input_errors_exit_2_and_write_nothing(fixture_run, cli, tmp_path: Path) -> None:
    out = tmp_path / "a.md"
    done = cli("report", "--out", str(out), "--coverage", "missing.xml", cwd=fixture_run.root)
    assert done.returncode == 2
    assert "missing.xml: coverage file not found" in done.stderr
    assert not out.exists()


def test_evidence_package(fixture_run, cli, tmp_path: Path) -> None:
    ev = tmp_path / "evidence"
    (ev / "interactions" / "gone").mkdir(parents=True)
    (ev / "interactions" / "gone" / "tests.json").write_text("{}")
    (ev / "interactions" / "kept").mkdir()
    (ev / "interactions" / "kept" / "coverage.json").write_text("{}")
    (ev / "interactions" / "kept" / "notes.txt").write_text("not ours")
    done = cli("report", "--out", str(tmp_path / "a.md"), "--evidence-dir", str(ev),
               cwd=fixture_run.root)  # fmt: skip
    assert done.returncode == 1, done.stderr
    names = sorted(p.relative_to(ev).as_posix() for p in ev.rglob("*") if p.is_file())
    assert names == [
        "MANIFEST.json", "SHA256SUMS", "assessment.md", "comment.md",
        "inputs/coverage.xml", "inputs/junit.xml",
        "interactions/inventory/coverage.json", "interactions/inventory/html/index.html",
        "interactions/inventory/tests.json",
        "interactions/kept/notes.txt",
        "interactions/payments/coverage.json", "interactions/payments/html/index.html",
        "interactions/payments/tests.json",
        "interactions/shipping/coverage.json", "interactions/shipping/html/index.html",
        "interactions/shipping/tests.json",
        "report.json",
    ]  # fmt: skip
    report_json(ev / "report.json")
    assert (ev / "comment.md").read_text().startswith("## ❌ Shop integration gate: failed")
    coverage = json.loads((ev / "interactions/inventory/coverage.json").read_text())
    assert coverage["statements"] == 14 and coverage["covered_branches"] == 5
    assert coverage["files"] == [{
        "path": "shop/clients/inventory_client.py", "statements": 14, "covered_statements": 12,
        "branches": 6, "covered_branches": 5, "missing_lines": ["6", "14"],
        "missing_branches": ["5->6"],
    }]  # fmt: skip
    assert coverage["unmeasured_files"] == []
    # A claimed file the coverage report never measured is listed as unmeasured.
    inventory = next(r for r in read_report(ev / "report.json").interactions
                     if r.id == "inventory")  # fmt: skip
    claimed = replace(inventory, files=[*inventory.files, "shop/clients/new_client.py"])
    assert coverage_summary(claimed)["unmeasured_files"] == ["shop/clients/new_client.py"]
    tests = json.loads((ev / "interactions/inventory/tests.json").read_text())
    assert tests["counts"] == {"total": 5, "passed": 3, "failed": 1, "errors": 0, "skipped": 1}
    (failed,) = [t for t in tests["tests"] if t["outcome"] == "failed"]
    assert failed["id"] == "tests/integration/test_inventory.py::test_stock_missing_is_reported"
    assert failed["message"] == "LookupError: sku-404"
    assert "raise LookupError" in failed["details"]  # the traceback, not only its first line
    assert failed["duration"] >= 0 and failed["report"].endswith("junit.xml")


def test_check_also_writes_an_evidence_package(fixture_run, cli, tmp_path: Path) -> None:
    ev = tmp_path / "evidence"
    done = cli("check", "--evidence-dir", str(ev), cwd=fixture_run.root)
    assert done.returncode == 1
    assert (ev / "interactions" / "payments" / "tests.json").is_file()
    assert (ev / "assessment.md").read_text().startswith("# Integration assessment:")
