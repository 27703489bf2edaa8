"""The PR comment in a real browser, as wide as GitHub's PR column.

GitHub's renderer (cmark-gfm) and GitHub's Markdown CSS, in headless Chromium
(tests/support/browser.py). For the demo's comment and for a service with 50
interactions: no table is wider than the column (GitHub would cut it off and
make it scroll), the verdict line is within the first 120 px, and the comment
with its folded parts closed stays short.

Chromium is Debian's package; `.ci/run` installs it and sets
SIGNAL_GATE_REQUIRE_BROWSER=1, under which a missing browser fails these tests.
Elsewhere (a laptop, GitHub's Windows and macOS runners) they skip without one.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from support.browser import chromium, measure
from support.many import COUNT, write_project
from support.reports import run_check

from gate.check import CheckOptions
from gate.core.report import to_json
from gate.render.escape import code
from gate.render.markdown import render_markdown

if chromium() is None:
    if os.environ.get("SIGNAL_GATE_REQUIRE_BROWSER"):
        pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.slow
VERDICT_PX = 120
SHORT_PX = 2000  # the 50-interaction comment, folded parts closed (the old design: ~6,100)


def assert_fits(measured: list[dict]) -> None:
    for state in measured:
        assert state["columnWidth"] == 880
        assert state["verdictBottom"] is not None and state["verdictBottom"] <= VERDICT_PX, state
        for table in state["tables"]:
            assert table["scrollWidth"] <= table["clientWidth"], (state["label"], table)


def test_the_measurement_sees_a_table_cut_off() -> None:
    """The check can fail: a table of long unbreakable words is wider than the column."""
    wide = "| " + " | ".join(["a" * 40] * 8) + " |\n|" + "---|" * 8 + "\n"
    (closed, _) = measure("## ❌ title: failed\n\n" + wide + wide.splitlines()[0] + "\n")
    (table,) = closed["tables"]
    assert table["scrollWidth"] > table["clientWidth"]


def test_the_demo_comment_fits_the_column(tmp_path: Path, cli) -> None:
    workdir = tmp_path / "demo"
    done = cli("demo", "--workdir", str(workdir), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    comment = (workdir / "comment.md").read_text(encoding="utf-8")
    assert "### This change" in comment
    measured = measure(comment)
    assert_fits(measured)
    assert len(measured[1]["tables"]) >= 3  # this change, the matrix, the safety checks


def test_fifty_interactions_fit_and_stay_short(tmp_path: Path) -> None:
    root = write_project(tmp_path / "many")
    today = dt.date(2026, 11, 29)
    base = run_check(
        CheckOptions(root=root, coverage=("base-coverage.xml",), today=today, allow_exec=False)
    ).report
    (root / "base.json").write_bytes(to_json(base))
    report = run_check(
        CheckOptions(root=root, today=today, allow_exec=False, diff="change.diff",
                     baseline="base.json", head_sha="a" * 40)
    ).report  # fmt: skip
    assert len(report.interactions) == COUNT
    comment = render_markdown(report, "https://example.invalid/run/1")
    closed, opened = measure(comment)
    assert_fits([closed, opened])
    assert closed["height"] <= SHORT_PX, closed["height"]
    assert opened["height"] > 2 * SHORT_PX  # everything is there, folded


def test_a_pipe_in_code_in_a_table_reads_as_a_pipe() -> None:
    test_id = "tests/test_api.py::test_route[GET|POST]"
    regex = "^(read|write)$"
    row = f"| {code(test_id)} | {code(regex)} |"
    (closed, _) = measure(f"## ✅ t: passed\n\n| test | pattern |\n|---|---|\n{row}\n")
    assert closed["cellCode"] == [test_id, regex]
    assert [len(t["header"]) for t in closed["tables"]] == [2]
