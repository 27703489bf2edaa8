"""The evidence package (`--evidence-dir DIR`): everything an auditor needs, as files.

    DIR/report.json                         the Report (schema signal-gate/report@1)
    DIR/assessment.md                       the assessment document
    DIR/comment.md                          the pull-request comment
    DIR/interactions/<id>/coverage.json     per interaction: files, statements,
                                            branches, missing ranges
    DIR/interactions/<id>/tests.json        per interaction: evidence tests, outcomes

`package_files` is pure (the Report in, file names and bytes out);
`write_package` writes them, each file atomically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gate.core.numbers import range_labels
from gate.core.report import FileSummary, InteractionResult, Report, to_json
from gate.outputs.files import write_atomic
from gate.render.document import render_document
from gate.render.markdown import render_markdown

COVERAGE_SCHEMA = "signal-gate/interaction-coverage@1"
TESTS_SCHEMA = "signal-gate/interaction-tests@1"
INTERACTIONS = "interactions"
PER_INTERACTION = ("coverage.json", "tests.json")


def package_files(report: Report, generated: str) -> dict[str, bytes]:
    """Relative path -> content for every file of the package; `generated` is the
    document's timestamp."""
    files = {
        "report.json": to_json(report),
        "assessment.md": render_document(report, generated).encode("utf-8"),
        "comment.md": render_markdown(report).encode("utf-8"),
    }
    for r in report.interactions:
        files[f"{INTERACTIONS}/{r.id}/coverage.json"] = _json(coverage_summary(r))
        files[f"{INTERACTIONS}/{r.id}/tests.json"] = _json(tests_summary(r))
    return files


def coverage_summary(r: InteractionResult) -> dict[str, Any]:
    """The interaction's coverage in brief: totals, then each file with its gaps."""
    return {
        "schema": COVERAGE_SCHEMA,
        "interaction": r.id,
        "modules": r.modules,
        "coverage_scope": r.coverage_scope,
        "threshold": r.threshold,
        "statements": r.statements,
        "covered_statements": r.covered_statements,
        "branches": r.branches,
        "covered_branches": r.covered_branches,
        "line_percent": r.line_percent,
        "branch_percent": r.branch_percent,
        "coverage_percent": r.coverage_percent,
        "files": [_file(f) for f in r.file_details],
        "unmeasured_files": [p for p in r.files if p not in {f.path for f in r.file_details}],
    }


def _file(f: FileSummary) -> dict[str, Any]:
    return {
        "path": f.path,
        "statements": f.statements,
        "covered_statements": f.covered_statements,
        "branches": f.branches,
        "covered_branches": f.covered_branches,
        "missing_lines": range_labels(f.missing_lines),
        "missing_branches": f.missing_branches,
    }


def tests_summary(r: InteractionResult) -> dict[str, Any]:
    """The evidence patterns, the counts and every evidence test with its outcome."""
    t = r.tests
    return {
        "schema": TESTS_SCHEMA,
        "interaction": r.id,
        "evidence": r.evidence,
        "counts": {
            "total": t.total,
            "passed": t.passed,
            "failed": t.failed,
            "errors": t.errors,
            "skipped": t.skipped,
        },
        "pass_rate": r.pass_rate,
        "tests": [
            {"id": e.id, "outcome": e.outcome, "message": e.message} for e in r.evidence_tests
        ],
    }


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_package(directory: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file (atomically, one by one) and drop the per-interaction files
    of interactions no longer in the report; return the paths written."""
    written = []
    for name, content in files.items():
        path = directory / name
        write_atomic(path, content)
        written.append(path)
    _remove_stale(
        directory, {name.split("/")[1] for name in files if name.startswith(INTERACTIONS)}
    )
    return written


def _remove_stale(directory: Path, current: set[str]) -> None:
    """Only our own file names under interactions/<id>/ are ever removed."""
    base = directory / INTERACTIONS
    if not base.is_dir():
        return
    for sub in base.iterdir():
        if sub.name in current or not sub.is_dir() or sub.is_symlink():
            continue
        for name in PER_INTERACTION:
            (sub / name).unlink(missing_ok=True)
        if not any(sub.iterdir()):
            sub.rmdir()
