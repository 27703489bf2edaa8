"""What the gate says on GitHub, built from a finished report or an error report. Pure."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from gate.core.numbers import display_percent, line_runs
from gate.core.report import ErrorReport, Report
from gate.github.publication import (
    ADVISORY_PREFIX,
    Annotation,
    CommentMode,
    Publication,
    Verdict,
    status_context_for,
)
from gate.records import replace
from gate.render.escape import code, md
from gate.render.markdown import render_markdown, render_summary


def status_description(report: Report, *, advisory: bool = False) -> str:
    """'passed: 96.8% confidence · 11/12 ready · 22/22 safety' (the publisher
    keeps it within GitHub's 140 characters); advisory: 'advisory: would fail: ...'."""
    parts = [
        f"{display_percent(report.overall_confidence)} confidence",
        f"{report.ready_count}/{len(report.interactions)} ready",
    ]
    if report.safety.total:
        parts.append(f"{report.safety.passed}/{report.safety.total} safety")
    failed = "would fail: " if advisory else "failed: "
    verdict = "passed: " if report.passed else failed
    return (ADVISORY_PREFIX if advisory else "") + verdict + " · ".join(parts)


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


def repository_relative(annotations: tuple[Annotation, ...], root: str) -> tuple[Annotation, ...]:
    """Return the annotations with paths from the repository's top, not the gate's root.

    A gate checked with `--root services/x` reports `src/a.py`; GitHub lists the pull
    request's files (and places annotations) as `services/x/src/a.py`. A root that
    climbs out of the repository is ignored: it cannot name a file of the pull request.
    """
    prefix = PurePosixPath(root.replace("\\", "/"))
    if not root or prefix.is_absolute() or ".." in prefix.parts or str(prefix) == ".":
        return annotations
    return tuple(replace(a, path=f"{prefix}/{a.path}") for a in annotations)


def comment_key(text: str) -> str:
    """Return the digest that tells whether two comments say the same thing."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


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
    comment_mode: CommentMode = CommentMode.ON_CHANGE,
    status_context: str | None = None,
    comment: str | None = None,
    advisory: bool = False,
) -> Publication:
    """The comment, status and check run for one report.

    The comment key is taken from the comment without the run link, which changes on
    every run while the verdict may not.
    """
    summary = render_summary(report, run_url)
    description = status_description(report, advisory=advisory)
    key_text = comment if comment is not None else render_markdown(report, None)
    annotations = uncovered_annotations(report)
    return Publication(
        gate_id=report.id,
        verdict=Verdict.PASSED if report.passed else Verdict.FAILED,
        comment=_advisory_note(advisory)
        + (comment if comment is not None else render_markdown(report, run_url)),
        comment_summary=_advisory_note(advisory) + summary,
        comment_key=comment_key(_advisory_note(advisory) + key_text),
        status_context=status_context or status_context_for(report.id),
        status_description=description,
        check_title=description,
        check_summary=summary,
        annotations=repository_relative(annotations, report.provenance.root),
        comment_mode=comment_mode,
        advisory=advisory,
    )


def _advisory_note(advisory: bool) -> str:
    if not advisory:
        return ""
    return "> [!NOTE]\n> Advisory: this gate reports, it does not block merging.\n\n"


def error_description(error: ErrorReport) -> str:
    """'error: <why>' for the commit status (the publisher cuts it to 140 characters)."""
    return f"error: {' '.join(error.error.message.split())}"


def build_error_publication(
    error: ErrorReport,
    *,
    head_sha: str,
    run_url: str | None,
    comment_mode: CommentMode = CommentMode.ON_CHANGE,
    status_context: str | None = None,
    advisory: bool = False,
) -> Publication:
    """The comment, `error` status and check run for a gate that could not be evaluated.

    An error is published whatever the mode (advisory too): without it the last
    verdict would stay on the pull request, or a required check would wait forever.
    """
    comment = render_error(error, head_sha, run_url)
    description = error_description(error)
    return Publication(
        gate_id=error.id,
        verdict=Verdict.ERROR,
        comment=comment,
        comment_summary=comment,
        comment_key=comment_key(render_error(error, head_sha, None)),
        status_context=status_context or status_context_for(error.id),
        status_description=description,
        check_title=description,
        check_summary=comment,
        comment_mode=comment_mode,
        advisory=advisory,
    )


def render_error(error: ErrorReport, head_sha: str, run_url: str | None) -> str:
    """The comment of a gate that could not be evaluated: which commit, and why."""
    lines = [
        f"## ⚠️ {md(error.title)}: could not evaluate",
        "",
        f"signal-gate could not evaluate commit {code(head_sha)}, so there is no verdict for it:",
        "",
        f"> {md(error.error.message, 2000)}",
        "",
    ]
    if error.error.file:
        lines.extend([f"File: {code(error.error.file)}", ""])
    lines.append("Fix the problem and push again; the gate runs on the next commit.")
    if run_url:
        lines.extend(["", f"[Full run]({run_url})"])
    return "\n".join(lines) + "\n"
