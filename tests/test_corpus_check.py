"""`signal-gate check` on any corpus coverage report with a JUnit file: a matrix,
or a clear error naming the file. Never a traceback."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from support import CORPUS
from support.reports import run_check

from gate.check import CheckOptions
from gate.errors import GateError
from gate.render.text import render_text

COVERAGE = sorted(p for p in CORPUS.glob("coverage/*/*") if p.is_file())
JUNIT = CORPUS / "junit" / "pytest" / "conflowgen-xunit1-windows.xml"
CONFIG = """\
version: 1
interactions:
  - {id: everything, name: Everything, direction: outbound, modules: ["**"], evidence: ["**"]}
"""

# Not coverage reports, kept in the corpus on purpose: refused, naming the file.
REFUSED = {
    "gcov_demo-coverage.xml": "SonarQube generic coverage",
    "jacoco-empty-report.xml": "an empty report",
}


@pytest.mark.parametrize("report", COVERAGE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_check_prints_a_matrix_or_names_the_file(report: Path, tmp_path: Path) -> None:
    (tmp_path / "signal-gate.yml").write_text(CONFIG)
    shutil.copy(report, tmp_path / report.name)
    shutil.copy(JUNIT, tmp_path / "junit.xml")
    options = CheckOptions(
        root=tmp_path, coverage=(report.name,), junit=("junit.xml",),
        allow_exec=False, today=dt.date(2026, 11, 29),
    )  # fmt: skip
    if report.name in REFUSED:
        with pytest.raises(GateError) as info:
            run_check(options)
        assert report.name in str(info.value) and REFUSED[report.name] in str(info.value)
        return
    report_ = run_check(options).report
    text = render_text(report_)
    assert text.splitlines()[0].endswith(("PASSED", "FAILED"))
    assert any(line.startswith("everything ") for line in text.splitlines())
    assert report_.interactions[0].statements > 0
