"""What the gate says on GitHub, built from a finished report. Pure."""

from __future__ import annotations

from gate.core.numbers import display_percent, line_runs
from gate.core.report import Report
from gate.github.publication import Annotation, CommentMode, Publication
from gate.render.markdown import render_markdown, render_summary


def status_description(report: Report) -> str:
    """'passed: 96.8% confidence · 11/12 ready · 22/22 safety' (the publisher
    keeps it within GitHub's 140 characters)."""
    parts = [
        f"{display_percent(report.overall_confidence)} confidence",
        f"{report.ready_count}/{len(report.interactions)} ready",
    ]
    if report.safety.total:
        parts.append(f"{report.safety.passed}/{report.safety.total} safety")
    text = ("passed: " if report.passed else "failed: ") + " · ".join(parts)
    return text


def uncovered_annotations(report: Report) -> tuple[Annotation, ...]:
    """One annotation per uncovered line range of every interaction's files; when
    the change is known (a diff), of the lines it changed only."""
    if report.patch is not None:
        return changed_line_annotations(report)
    found: dict[tuple[str, int, int], Annotation] = {}
    for r in report.interactions:
        for f in r.file_details:
            _annotate(found, f.path, f.missing_lines, f"{r.id}: {r.status.value}")
    return tuple(found.values())


def changed_line_annotations(report: Report) -> tuple[Annotation, ...]:
    """One annotation per range of changed lines the tests do not cover: in each
    interaction's files, then in changed files no interaction claims."""
    found: dict[tuple[str, int, int], Annotation] = {}
    for r in report.interactions:
        for f in r.patch.files if r.patch is not None else []:
            _annotate(found, f.path, f.missing_lines, f"{r.id}: {r.status.value}", changed=True)
    for f in report.patch.unclaimed if report.patch is not None else []:
        _annotate(found, f.path, f.missing_lines, "claimed by no interaction", changed=True)
    return tuple(found.values())


def _annotate(
    found: dict[tuple[str, int, int], Annotation],
    path: str,
    missing: list[int],
    whose: str,
    *,
    changed: bool = False,
) -> None:
    """Add one annotation per run of `missing` lines, the first word for each range."""
    word = "Changed line" if changed else "Line"
    for start, end in line_runs(missing):
        lines = f"{word} {start}" if start == end else f"{word}s {start}-{end}"
        found.setdefault(
            (path, start, end),
            Annotation(
                path=path,
                start_line=start,
                end_line=end,
                message=f"{lines} not covered by the tests ({whose}).",
                title="Changed, not covered" if changed else "Not covered",
            ),
        )


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
    description = status_description(report)
    return Publication(
        gate_id=report.id,
        passed=report.passed,
        comment=comment if comment is not None else render_markdown(report, run_url),
        comment_summary=summary,
        status_context=status_context,
        status_description=description,
        check_title=description,
        check_summary=summary,
        annotations=uncovered_annotations(report),
        comment_mode=comment_mode,
    )
