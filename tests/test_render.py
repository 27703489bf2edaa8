"""Golden files for the text and Markdown renderings of a real run
(regenerate with SIGNAL_GATE_REGEN_GOLDEN=1 and review the diff)."""

from __future__ import annotations

import datetime as dt

from support.reports import run_check

from gate.check import CheckOptions
from gate.core.numbers import display_percent, format_ranges
from gate.render.markdown import render_markdown, render_summary
from gate.render.text import render_text


def fixture_report(fixture_run):
    return run_check(CheckOptions(root=fixture_run.root, today=dt.date(2026, 11, 29))).report


def test_text_golden(fixture_run, golden) -> None:
    golden("fixture_project.txt", render_text(fixture_report(fixture_run)))


def test_markdown_golden(fixture_run, golden) -> None:
    golden("fixture_project.md", render_markdown(fixture_report(fixture_run)))


def test_summary_golden(fixture_run, golden) -> None:
    report = fixture_report(fixture_run)
    golden("fixture_project.summary.md", render_summary(report, "https://example.invalid/run/1"))


def test_percent_display_never_rounds_to_0_or_100() -> None:
    assert display_percent(99.96) == "99.9%"
    assert display_percent(100.0) == "100.0%"
    assert display_percent(0.01) == "0.1%"
    assert display_percent(0.0) == "0.0%"
    assert display_percent(None) == "n/a"
    assert display_percent(94.96) == "95.0%"  # display only; the threshold uses counts


def test_ranges() -> None:
    assert format_ranges([97, 40, 41, 42, 43, 44]) == "40-44, 97"
    assert format_ranges([]) == ""
