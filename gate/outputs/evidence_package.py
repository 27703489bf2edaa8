"""The evidence package (`--evidence-dir DIR`): everything an auditor needs, as files.

    DIR/MANIFEST.json                       every file with its sha256 and size; what
                                            was left out and why (gate.outputs.manifest)
    DIR/SHA256SUMS                          the same, for `sha256sum -c SHA256SUMS`
    DIR/report.json                         the Report (schema signal-gate/report@1)
    DIR/assessment.md                       the assessment document
    DIR/comment.md                          the pull-request comment
    DIR/interactions/<id>/coverage.json     per interaction: files, statements,
                                            branches, missing ranges
    DIR/interactions/<id>/tests.json        per interaction: evidence and contract
                                            tests with outcome, duration, failure
                                            text and captured output
    DIR/interactions/<id>/html/index.html   per interaction: an HTML coverage page
                                            of its files (gate.outputs.coverage_html)
    DIR/contracts/<path>                    the contract documents the config names
    DIR/inputs/<path>                       a copy of every report the gate read

`package_files` decides what goes in (it reads sources and input sizes, writes
nothing); `stage_package` stages it, to be swapped in whole with the run's other
outputs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gate.core.model import ContextIndex, FileCoverage, TestCase
from gate.core.numbers import range_labels
from gate.core.paths import escapes, is_absolute, normalise
from gate.core.report import EvidenceTest, FileSummary, InteractionResult, Report, to_json
from gate.core.scope import evidence_contexts
from gate.errors import InputError
from gate.outputs.coverage_html import coveragepy_pages, source_page
from gate.outputs.directory import stage_directory
from gate.outputs.files import Outputs
from gate.outputs.manifest import MANIFEST, SUMS, Copy, Entry, Omitted, sha256_of, with_manifest
from gate.records import Record, field
from gate.render.document import render_document
from gate.render.markdown import render_markdown

COVERAGE_SCHEMA = "signal-gate/interaction-coverage@1"
TESTS_SCHEMA = "signal-gate/interaction-tests@2"
INTERACTIONS = "interactions"
OWN_TREES = ("inputs", "contracts")  # whole folders of the package's own making
PER_INTERACTION = ("coverage.json", "tests.json")
HTML = "html"


class PackageSources(Record, frozen=True):
    """What a package is made from: the report and what the check read for it."""

    report: Report
    generated: str  # the document's timestamp
    root: Path
    tests: Mapping[str, TestCase] = field(default_factory=dict)  # by node id
    coverage: Mapping[str, FileCoverage] = field(default_factory=dict)
    contexts: ContextIndex | None = None


def package_files(src: PackageSources) -> dict[str, Entry]:
    """Relative path -> content (bytes, or a file to copy) for every file of the
    package, MANIFEST.json and SHA256SUMS included."""
    report = src.report
    files: dict[str, Entry] = {
        "report.json": to_json(report),
        "assessment.md": render_document(report, src.generated).encode("utf-8"),
        "comment.md": render_markdown(report).encode("utf-8"),
    }
    for r in report.interactions:
        files[f"{INTERACTIONS}/{r.id}/coverage.json"] = _json(coverage_summary(r))
        files[f"{INTERACTIONS}/{r.id}/tests.json"] = _json(tests_summary(r, src.tests))
    omitted: list[Omitted] = []
    files.update(_contracts(report.interactions, src.root, omitted))
    files.update(_inputs(report, src.root))
    for r in report.interactions:
        files.update(_html(r, src))
    return with_manifest(files, omitted)


def coverage_summary(r: InteractionResult) -> dict[str, Any]:
    """The interaction's coverage in brief: totals, then each file with its gaps."""
    measured = {f.path for f in r.file_details}
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
        "unmeasured_files": [p for p in r.files if p not in measured],
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


def tests_summary(r: InteractionResult, cases: Mapping[str, TestCase]) -> dict[str, Any]:
    """The evidence patterns, the counts, every evidence test and every contract
    test with its outcome, and what the JUnit file said about it (duration,
    failure text, captured output) where it said it."""
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
        "tests": [_test(e, cases.get(e.id)) for e in r.evidence_tests],
        "contract_tests": r.contract_tests,
        "contract_results": [_test(e, cases.get(e.id)) for e in r.contract_results],
    }


def _test(e: EvidenceTest, case: TestCase | None) -> dict[str, Any]:
    out: dict[str, Any] = {"id": e.id, "outcome": e.outcome, "message": e.message}
    if case is not None:
        out.update(
            duration=case.duration, details=case.details, output=case.output, report=case.report
        )
    return out


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- copies: contract documents and input reports -----------------------------------------


def _contracts(
    results: Sequence[InteractionResult], root: Path, omitted: list[Omitted]
) -> dict[str, Entry]:
    """Each contract document once, when it is a regular file inside the root
    (after symlinks); the others are listed as omitted."""
    out: dict[str, Entry] = {}
    base = root.resolve()
    for doc in dict.fromkeys(d for r in results for d in r.contract_docs):
        rel = normalise(doc)
        name = f"contracts/{rel}"
        if not rel or is_absolute(rel) or escapes(rel):
            omitted.append(Omitted(name, "the path leaves the repository"))
            continue
        target = (base / rel).resolve()
        if not target.is_relative_to(base):
            omitted.append(Omitted(name, "a symlink out of the repository"))
        elif not target.is_file():
            omitted.append(Omitted(name, "no such regular file"))
        else:
            out[name] = Copy(target, sha256_of(target), target.stat().st_size, rel)
    return out


def _inputs(report: Report, root: Path) -> dict[str, Entry]:
    """A copy of every report read, under inputs/ by its path in the repository
    (outside it: inputs/outside-root/<n>-<name>), checked against the hash taken
    when it was read."""
    out: dict[str, Entry] = {}
    for n, f in enumerate(report.provenance.files, 1):
        path = Path(f.path) if is_absolute(f.path) else root / f.path
        rel = normalise(f.path)
        inside = rel and not is_absolute(rel) and not escapes(rel)
        name = f"inputs/{rel}" if inside else f"inputs/outside-root/{n}-{path.name}"
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise InputError(f"{f.path}: cannot copy into the evidence package: {exc}") from None
        out[name] = Copy(path, f.sha256, size, f.path)
    return out


def _html(r: InteractionResult, src: PackageSources) -> dict[str, Entry]:
    """The interaction's HTML coverage page(s) under interactions/<id>/html/."""
    prefix = f"{INTERACTIONS}/{r.id}/{HTML}/"
    data_files = [
        Path(f.path) if is_absolute(f.path) else src.root / f.path
        for f in src.report.provenance.files
        if f.format == "coveragepy-data"
    ]
    measured = [f.path for f in r.file_details]
    if data_files and measured:
        contexts = None
        if r.coverage_scope == "evidence" and src.contexts is not None:
            numbers = evidence_contexts(src.contexts, r.evidence)
            contexts = sorted(src.contexts.names[n] for n in numbers)
        title = f"{r.name} ({r.id})"
        pages = coveragepy_pages(data_files, src.root, measured, contexts, title)
        if isinstance(pages, dict):
            return {prefix + name: content for name, content in pages.items()}
    return {prefix + "index.html": source_page(r, src.root, src.coverage)}


# --- staging ---------------------------------------------------------------------------


def stage_package(outputs: Outputs, directory: Path, files: Mapping[str, Entry]) -> None:
    """Stage the package in `outputs`: built beside `directory` and swapped in whole at
    commit (gate.outputs.directory). What an earlier package left that this one does not
    hold is left behind; anything else already in the directory is kept."""
    outputs.add(stage_directory(directory, files, lambda rel: not _ours(rel, files), _folder))


def _folder(rel: str) -> bool:
    """The package's folders, also those of an earlier package (an interaction no
    longer reported, an input that is no longer read)."""
    parts = rel.split("/")
    if parts[0] in OWN_TREES:
        return True
    return parts[0] == INTERACTIONS and (len(parts) <= 2 or parts[2] == HTML)


def _ours(rel: str, files: Mapping[str, Entry]) -> bool:
    """Is `rel` a file this package writes, or a package file of an older run?"""
    parts = rel.split("/")
    if rel in files or rel in (MANIFEST, SUMS) or parts[0] in OWN_TREES:
        return True
    return (
        parts[0] == INTERACTIONS
        and len(parts) >= 3
        and (parts[2] == HTML or (len(parts) == 3 and parts[2] in PER_INTERACTION))
    )
