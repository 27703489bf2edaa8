"""tests/README.md says every report a test produces is validated against the report
schema. That holds because tests obtain reports only through `support.reports`
(`evaluate`, `run_check`, `report_json`): this test keeps it so."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PRODUCERS = {("gate.check", "run_check"), ("gate.core.evaluate", "evaluate")}


def imports_of_producers(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if (node.module, alias.name) in PRODUCERS:
                    found.append(
                        f"{path.relative_to(TESTS)}:{node.lineno} {node.module}.{alias.name}"
                    )
    return found


def test_no_test_produces_a_report_around_the_validating_helpers() -> None:
    modules = [
        p
        for p in TESTS.rglob("*.py")
        if p != TESTS / "support" / "reports.py"
        and not {"fixture_project", "hostile"} & set(p.parts)
    ]
    assert len(modules) > 40
    offenders = [hit for path in modules for hit in imports_of_producers(path)]
    assert offenders == [], "use support.reports.evaluate / run_check instead:\n" + "\n".join(
        offenders
    )


def test_the_helper_rejects_a_report_the_schema_rejects() -> None:
    """The validation is real: a report missing a required field fails."""
    import pytest
    from support.reports import valid

    with pytest.raises(AssertionError, match="required"):
        valid({"schema": "signal-gate/report@1"})
