"""Reading a report back for `publish` (gate/readers/report_file.py): it may be a fork's
artifact, so every field is validated by the config's rules and every size is bounded."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from support.refused_files import unopenable

from gate.core.report import (
    SCHEMA,
    ErrorReport,
    Provenance,
    Report,
    ReportError,
    SafetyCheckResult,
    SafetyResult,
    to_json,
)
from gate.errors import InputError
from gate.readers.report_file import (
    MAX_ITEMS,
    MAX_REPORT_BYTES,
    MAX_TEXT,
    read_baseline,
    read_report,
)


def written(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "report.json"
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return path


def a_report(**changes: object) -> dict:
    report = Report(
        schema=SCHEMA,
        passed=True,
        overall_confidence=100.0,
        min_confidence=95.0,
        interactions=[],
        safety=SafetyResult(
            passed=1,
            total=1,
            required=1,
            checks=[SafetyCheckResult("deploy/smoke test #1", "smoke", "results", True, "")],
        ),
        unmapped=[],
        inputs={"coverage": [], "junit": []},
        provenance=Provenance(config_sha256="0" * 64),
        id="core",
    )
    return {**json.loads(to_json(report)), **changes}


def test_a_report_and_an_error_report_read_back(tmp_path: Path) -> None:
    report = read_report(written(tmp_path, a_report()))
    assert isinstance(report, Report) and report.id == "core"
    # An id imported by a `results` check is `<check id>/<entry id>`: free text, bounded.
    assert report.safety.checks[0].id == "deploy/smoke test #1"

    error = ErrorReport(SCHEMA, ReportError("broken", "x.yml"), Provenance(config_sha256=""))
    read = read_report(written(tmp_path, to_json(error)))
    assert isinstance(read, ErrorReport) and read.error.file == "x.yml"


def test_an_error_report_is_no_baseline_and_the_refusal_names_it(tmp_path: Path) -> None:
    """`check --baseline` compares figures: an error report has none."""
    assert read_baseline(written(tmp_path, a_report())).id == "core"
    error = ErrorReport(SCHEMA, ReportError("broken", "x.yml"), Provenance(config_sha256=""))
    path = written(tmp_path, to_json(error))
    with pytest.raises(InputError) as info:
        read_baseline(path)
    assert str(info.value) == (
        f"{path}: an error report (its check could not be evaluated), not a baseline"
    )


@pytest.mark.parametrize(
    "gate_id",
    ["x --> <img src=x>", "Core", "a b", "", "café", "core\n"],
)
def test_an_id_is_held_to_the_configs_rule(tmp_path: Path, gate_id: str) -> None:
    with pytest.raises(InputError, match=r"not a signal-gate report: .*\$\.id"):
        read_report(written(tmp_path, a_report(id=gate_id)))


def test_an_interaction_id_is_held_to_the_configs_rule_too(tmp_path: Path) -> None:
    data = a_report()
    data["interactions"] = [{"id": "<b>x</b>"}]
    with pytest.raises(InputError, match=r"\$\.interactions\[0\]"):
        read_report(written(tmp_path, data))


def test_an_error_report_that_passed_is_refused(tmp_path: Path) -> None:
    data = json.loads(to_json(ErrorReport(SCHEMA, ReportError("m"), Provenance(""))))
    data["passed"] = True
    with pytest.raises(InputError, match="an error report cannot have passed"):
        read_report(written(tmp_path, data))


def test_texts_and_lists_are_bounded(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\$\.title: a text of 65,537 characters"):
        read_report(written(tmp_path, a_report(title="t" * (MAX_TEXT + 1))))
    with pytest.raises(InputError, match=r"\$\.unmapped: 100,001 entries"):
        read_report(written(tmp_path, a_report(unmapped=["a"] * (MAX_ITEMS + 1))))
    assert read_report(written(tmp_path, a_report(title="t" * MAX_TEXT))).title == "t" * MAX_TEXT


def test_the_config_refuses_an_id_with_a_final_newline_too() -> None:
    # Python's `$` matches before a final newline: the one Ident rule must not.
    from gate.config.load import config_from_data
    from gate.errors import ConfigError

    interaction = {"id": "a", "name": "A", "direction": "outbound", "modules": ["m"]}
    with pytest.raises(ConfigError, match=r"^x\.yml: id: expected `str` matching"):
        config_from_data({"version": 1, "id": "core\n", "interactions": [interaction]}, "x.yml")


def test_every_refusal_names_the_file(tmp_path: Path) -> None:
    path = written(tmp_path, a_report(schema="signal-gate/report@0"))
    with pytest.raises(InputError) as info:
        read_report(path)
    assert str(info.value) == f"{path}: schema 'signal-gate/report@0', expected {SCHEMA!r}"
    with pytest.raises(InputError, match=rf"^{re.escape(str(path))}: not a signal-gate report"):
        read_report(written(tmp_path, b"[1"))


def test_a_list_of_exactly_the_bound_is_read(tmp_path: Path) -> None:
    report = read_report(written(tmp_path, a_report(unmapped=["a"] * MAX_ITEMS)))
    assert isinstance(report, Report) and len(report.unmapped) == MAX_ITEMS


def test_a_report_of_exactly_the_byte_limit_is_read_whole(tmp_path: Path) -> None:
    # Leading blanks are valid JSON: the report's closing brace is the limit's last byte.
    body = json.dumps(a_report()).encode()
    path = written(tmp_path, b" " * (MAX_REPORT_BYTES - len(body)) + body)
    assert path.stat().st_size == MAX_REPORT_BYTES
    assert isinstance(read_report(path), Report)


def test_a_report_over_the_byte_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    with path.open("wb") as handle:  # sparse: the size is all that is looked at
        handle.truncate(MAX_REPORT_BYTES + 1)
    with pytest.raises(InputError) as info:
        read_report(path)
    too_large = f"{path}: {MAX_REPORT_BYTES + 1} bytes is too large for a signal-gate report"
    assert str(info.value) == too_large


def test_a_report_that_cannot_be_opened_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = unopenable(tmp_path)
    with pytest.raises(InputError) as info:
        read_report(path)
    assert str(info.value) == f"{path}: cannot read: Permission denied"


def test_the_json_form_is_indented_by_two_spaces_with_a_final_newline() -> None:
    # docs/report-json.md: "indented by two spaces".
    error = ErrorReport(SCHEMA, ReportError("broken"), Provenance(config_sha256=""))
    text = to_json(error).decode()
    assert text.startswith('{\n  "schema": ') and text.endswith("}\n")
    assert '\n    "message": "broken"' in text


def test_an_interaction_not_in_the_report_is_none(tmp_path: Path) -> None:
    report = read_report(written(tmp_path, a_report()))
    assert isinstance(report, Report) and report.interaction("absent") is None
