"""`signal-gate check`: evaluate the gate, print the verdict, write what was asked."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gate.cli.guard import EXIT_FAIL, EXIT_PASS, handle_errors, with_settings
from gate.cli.options import CheckInputs, check_options, evidence_dir_option

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gate.cli.settings import RunSettings
    from gate.core.report import Report
    from gate.errors import GateError


@click.command()
@check_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
    show_default=True, help="What to print on stdout.",
)  # fmt: skip
@click.option("--json-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE")
@click.option("--markdown-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE")
@click.option(
    "--summary-out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Append the Markdown report to FILE (e.g. $GITHUB_STEP_SUMMARY), within 1 MiB.",
)
@click.option(
    "--github-output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Append verdict/passed/confidence/safety/report to FILE (e.g. $GITHUB_OUTPUT).",
)  # fmt: skip
@click.option(
    "--junit-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Write the verdict as JUnit XML (GitLab, Jenkins, Azure DevOps test tabs).",
)  # fmt: skip
@evidence_dir_option
@handle_errors
@with_settings
def check(
    settings: RunSettings,
    inputs: CheckInputs,
    fmt: str,
    json_out: Path | None,
    markdown_out: Path | None,
    summary_out: Path | None,
    github_output: Path | None,
    junit_out: Path | None,
    evidence_dir: Path | None,
) -> None:
    """Evaluate the gate: exit 0 if it passes, 1 if it fails, 2 on bad input.

    On exit 2, --json-out gets an error report (verdict "error", the message and the
    file), so `publish` can say why there is no verdict.
    """
    from gate.cli.check_run import run_check_for

    with _error_report_on_failure(settings, inputs, json_out):
        report = run_check_for(settings, inputs).report
        _write_outputs(report, json_out, markdown_out, junit_out)
        if summary_out is not None or github_output is not None:
            _runner_files(report, summary_out, github_output, json_out)
        if evidence_dir is not None:
            from gate.cli.check_run import write_evidence
            from gate.render.document import generated_timestamp

            write_evidence(evidence_dir, report, generated_timestamp(settings.generated))
    click.echo(_rendered(report, fmt), nl=False)
    sys.exit(EXIT_PASS if report.passed else EXIT_FAIL)


@contextlib.contextmanager
def _error_report_on_failure(
    settings: RunSettings, inputs: CheckInputs, json_out: Path | None
) -> Iterator[None]:
    """On a GateError (exit 2), write the error report to json_out, then let it go on."""
    from gate.errors import GateError

    try:
        yield
    except GateError as exc:
        if json_out is not None:
            _write_error_report(settings, inputs, json_out, exc)
        raise


def _write_error_report(
    settings: RunSettings, inputs: CheckInputs, json_out: Path, exc: GateError
) -> None:
    from gate.core.report import to_json
    from gate.errors import GateError
    from gate.outputs.error_report import error_report
    from gate.outputs.files import write_atomic

    report = error_report(
        exc,
        config=inputs.config,
        root=inputs.root,
        head_sha=settings.head_sha,
        pull_request=settings.event.pull_request,
    )
    # The error being reported may be that json_out cannot be written: then it is all
    # there is to say, and the guard says it.
    with contextlib.suppress(GateError):
        write_atomic(json_out, to_json(report))


def _write_outputs(
    report: Report,
    json_out: Path | None,
    markdown_out: Path | None,
    junit_out: Path | None,
) -> None:
    """The files asked for; renderers and writers are imported when asked for."""
    from gate.outputs.files import write_atomic

    if json_out is not None:
        from gate.core.report import to_json

        write_atomic(json_out, to_json(report))
    if markdown_out is not None:
        from gate.render.markdown import render_markdown

        write_atomic(markdown_out, render_markdown(report))
    if junit_out is not None:
        from gate.outputs.junit import render_junit

        write_atomic(junit_out, render_junit(report))


def _rendered(report: Report, fmt: str) -> str:
    if fmt == "json":
        from gate.core.report import to_json

        return to_json(report).decode()
    if fmt == "markdown":
        from gate.render.markdown import render_markdown

        return render_markdown(report)
    from gate.render.text import render_text

    return render_text(report)


def _runner_files(
    report: Report, summary: Path | None, output: Path | None, json_out: Path | None
) -> None:
    """The job summary and step outputs of a GitHub Actions step."""
    from gate.github.actions import append, fit_summary, output_lines
    from gate.render.markdown import render_markdown, render_summary

    if summary is not None:
        append(summary, fit_summary(render_markdown(report), render_summary(report)))
    if output is not None:
        s = report.safety
        outputs = {
            "verdict": "passed" if report.passed else "failed",
            "passed": "true" if report.passed else "false",
            "confidence": f"{report.overall_confidence:.2f}",
            "safety": f"{s.passed}/{s.total}",
            "report": str(json_out.resolve()) if json_out is not None else "",
        }
        append(output, output_lines(outputs))
