"""What the gate says on GitHub, built from a finished report. Pure."""

from __future__ import annotations

from gate.numbers import display_percent
from gate.publication import Annotation, CommentMode, Publication
from gate.render_markdown import render_markdown, render_summary
from gate.report import Report, Status
from gate.text import clip

STATUS_LIMIT = 140  # GitHub rejects longer commit status descriptions (422)


def status_description(report: Report) -> str:
    """'96.8% confidence · 11/12 ready · 22/22 safety', at most 140 characters."""
    ready = sum(1 for r in report.interactions if r.status is Status.READY)
    parts = [
        f"{display_percent(report.overall_confidence)} confidence",
        f"{ready}/{len(report.interactions)} ready",
    ]
    if report.safety.total:
        parts.append(f"{report.safety.passed}/{report.safety.total} safety")
    text = ("passed: " if report.passed else "failed: ") + " · ".join(parts)
    return clip(text, STATUS_LIMIT)


def uncovered_annotations(report: Report) -> tuple[Annotation, ...]:
    """One annotation per uncovered line range of every interaction's files."""
    found: dict[tuple[str, int, int], Annotation] = {}
    for r in report.interactions:
        for f in r.file_details:
            for start, end in _runs(f.missing_lines):
                lines = f"Line {start}" if start == end else f"Lines {start}-{end}"
                found.setdefault(
                    (f.path, start, end),
                    Annotation(
                        path=f.path,
                        start_line=start,
                        end_line=end,
                        message=f"{lines} not covered by the tests ({r.id}: {r.status.value}).",
                    ),
                )
    return tuple(found.values())


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def build_publication(
    report: Report,
    *,
    run_url: str | None,
    comment_mode: CommentMode = CommentMode.ALWAYS,
    status_context: str = "signal-gate",
    comment: str | None = None,
) -> Publication:
    """The comment, status and check run for one report."""
    summary = render_summary(report, run_url)
    return Publication(
        gate_id=report.id,
        passed=report.passed,
        comment=comment if comment is not None else render_markdown(report, run_url),
        comment_summary=summary,
        status_context=status_context,
        status_description=status_description(report),
        check_title=status_description(report),
        check_summary=summary,
        annotations=uncovered_annotations(report),
        comment_mode=comment_mode,
    )
