"""The one way tests obtain a report: each goes through the packaged report schema.

`evaluate` and `run_check` are gate's own, with the report validated against
gate/schemas/report-1.schema.json before the test sees it; `report_json` parses what
the CLI wrote (`--json-out`, `--format json`) and validates it the same way.
tests/test_schema_everywhere.py checks that no test module calls gate's
`evaluate`/`run_check` or reads a report's JSON around this module.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from gate.check import CheckOptions, CheckRun
from gate.check import run_check as _run_check
from gate.core.evaluate import Evaluation
from gate.core.evaluate import evaluate as _evaluate
from gate.core.report import Report, to_data

from . import packaged_report_schema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(packaged_report_schema())


def valid(data: Any) -> Any:
    """Return `data` (a report as parsed JSON) after validating it; fail the test
    with every schema error, each at its path, otherwise."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    return data


def valid_report(report: Report) -> Report:
    """Return `report` once its JSON form has passed the schema."""
    valid(to_data(report))
    return report


def evaluate(ev: Evaluation) -> Report:
    """gate.core.evaluate.evaluate, its report validated."""
    return valid_report(_evaluate(ev))


def run_check(options: CheckOptions) -> CheckRun:
    """gate.check.run_check, its report validated."""
    run = _run_check(options)
    valid_report(run.report)
    return run


def report_json(source: str | Path) -> Any:
    """A report the CLI wrote, from its text or its file, parsed and validated."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    return valid(json.loads(text))
