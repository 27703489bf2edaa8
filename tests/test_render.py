"""Golden files for the text and Markdown renderings of a real run
(regenerate with SIGNAL_GATE_REGEN_GOLDEN=1 and review the diff)."""

from __future__ import annotations

import datetime as dt

from support.reports import run_check

from gate.check import CheckOptions
from gate.core.numbers import display_percent, format_ranges
from gate.records import replace
from gate.render.markdown import render_markdown, render_summary
from gate.render.text import render_text, text_pieces


def fixture_report(fixture_run):
    return run_check(CheckOptions(root=fixture_run.root, today=dt.date(2026, 11, 29))).report


def test_text_golden(fixture_run, golden) -> None:
    golden("fixture_project.txt", render_text(fixture_report(fixture_run)))


def test_the_text_is_written_one_interactions_gaps_at_a_time(fixture_run) -> None:
    """The terminal gets the text in pieces (a report listing 10,000 failing tests is
    never one string): the head, one piece per interaction with gaps or notes, the
    verdict. Together they are the text, and each piece is whole lines."""
    report = fixture_report(fixture_run)
    pieces = list(text_pieces(report))
    with_lines = [r for r in report.interactions if r.gaps or r.notes]
    assert len(with_lines) >= 2 and len(pieces) == 2 + len(with_lines)
    assert "".join(pieces) == render_text(report)
    assert all(p.endswith("\n") for p in pieces)
    for piece, r in zip(pieces[1:-1], with_lines, strict=True):
        assert piece.startswith(f"\n{r.id} (")


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


def test_the_unmapped_list_is_capped_the_same_in_the_terminal_and_the_comment(
    fixture_run,
) -> None:
    many = [f"app/plugins/p{i:03}.py" for i in range(168)]
    report = replace(fixture_report(fixture_run), unmapped=many)
    text = render_text(report)
    assert sum(line.startswith("  app/plugins/") for line in text.splitlines()) == 20
    assert "  app/plugins/p019.py\n  ... and 148 more (the JSON report lists all)\n" in text
    markdown = render_markdown(report)
    assert (
        markdown.count("`app/plugins/") == 20 and "`app/plugins/p019.py` and 148 more" in markdown
    )
    exactly = replace(report, unmapped=many[:20])
    assert "more" not in render_text(exactly).split("Unmapped")[1].split("\n\n")[0]


def test_a_ready_interaction_shows_its_notes_in_the_terminal(fixture_run) -> None:
    report = fixture_report(fixture_run)
    payments = report.interaction("payments")
    assert payments is not None and payments.ready and not payments.gaps
    note = "test tests/x.py::test_old skipped: needs Python < 3.12 (skip allowed)"
    noted = replace(report, interactions=[replace(payments, notes=[note])])
    assert f"\npayments (PRODUCTION READY)\n  note: {note}\n" in render_text(noted)


def test_failing_safety_checks_are_listed_under_their_count(fixture_run) -> None:
    """In the terminal, each failing check sits under the "Deployment safety" line,
    not under the unmapped files that may follow it."""
    from gate.core.report import SafetyCheckResult, SafetyResult

    checks = [
        SafetyCheckResult("ok", "Fine", "file_exists", True, "all there"),
        SafetyCheckResult("no-secrets", "No secrets", "forbid_pattern", False, "a.py:3"),
    ]
    report = replace(
        fixture_report(fixture_run),
        safety=SafetyResult(passed=1, total=2, required=2, checks=checks),
        unmapped=["app/x.py"],
    )
    lines = render_text(report).splitlines()
    at = lines.index("Deployment safety: 1/2")
    assert lines[at + 1] == "  no-secrets failed: a.py:3"
    assert lines[at + 2].startswith("Unmapped source files")
    assert not any("ok failed" in line for line in lines)
