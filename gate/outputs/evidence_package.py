"""The evidence package (`--evidence-dir DIR`): everything an auditor needs, as files.

    DIR/report.json                         the Report (schema signal-gate/report@1)
    DIR/assessment.md                       the assessment document
    DIR/comment.md                          the pull-request comment
    DIR/interactions/<id>/coverage.json     per interaction: files, statements,
                                            branches, missing ranges
    DIR/interactions/<id>/tests.json        per interaction: evidence tests, outcomes

`package_files` is pure (the Report in, file names and bytes out);
`stage_package` stages them, to be swapped in whole with the run's other outputs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gate.core.numbers import range_labels
from gate.core.report import FileSummary, InteractionResult, Report, to_json
from gate.outputs.directory import stage_directory
from gate.outputs.files import Outputs
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


def stage_package(outputs: Outputs, directory: Path, files: dict[str, bytes]) -> None:
    """Stage the package in `outputs`: built beside `directory` and swapped in whole at
    commit (gate.outputs.directory). The per-interaction files of interactions no longer
    in the report are left behind; anything else already in the directory is kept."""
    outputs.add(
        stage_directory(directory, files, lambda rel: not _ours(rel, files), _package_folder)
    )


def _package_folder(rel: str) -> bool:
    """interactions/ and interactions/<id>/, also of an interaction no longer reported."""
    parts = rel.split("/")
    return parts[0] == INTERACTIONS and len(parts) <= 2


def _ours(rel: str, files: dict[str, bytes]) -> bool:
    """Is `rel` a file this package writes, or an interaction's file of an older run?"""
    parts = rel.split("/")
    stale = len(parts) == 3 and parts[0] == INTERACTIONS and parts[2] in PER_INTERACTION
    return rel in files or stale
