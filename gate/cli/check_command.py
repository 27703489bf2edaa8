"""`signal-gate check`: evaluate the gate, print the verdict, write what was asked."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gate.cli.guard import EXIT_FAIL, EXIT_PASS, handle_errors, with_settings
from gate.cli.options import CheckInputs, change_options, check_options, evidence_dir_option

# Passing evidence tests listed per interaction in the report JSON unless --json-tests
# says otherwise: enough to see what ran, bounded however many tests the evidence selects.
PASSING_LISTED = 200

if TYPE_CHECKING:
    from collections.abc import Iterator

    from gate.cli.settings import RunSettings
    from gate.core.report import Report
    from gate.errors import GateError
    from gate.outputs.files import Outputs


@click.command()
@check_options
@change_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
    show_default=True, help="What to print on stdout.",
)  # fmt: skip
@click.option(
    "--json-out",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    metavar="FILE",
    help="Write the report JSON to FILE ('-' for stdout).",
)
@click.option(
    "--json-tests", default=str(PASSING_LISTED), show_default=True, metavar="N|all",
    callback=lambda _ctx, _param, value: _listed_tests(value),
    help="Passing evidence tests listed per interaction in the report JSON (every test "
    "that did not pass is listed, and how many were left out); 'all' lists every one.",
)  # fmt: skip
@click.option(
    "--markdown-out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    metavar="FILE", help="Write the Markdown report to FILE ('-' for stdout).",
)  # fmt: skip
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
@click.option(
    "--document-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Also write the assessment document (as `report --out FILE` would).",
)  # fmt: skip
@evidence_dir_option
@handle_errors
@with_settings
def check(
    settings: RunSettings,
    inputs: CheckInputs,
    fmt: str,
    json_out: Path | None,
    json_tests: int | None,
    markdown_out: Path | None,
    summary_out: Path | None,
    github_output: Path | None,
    document_out: Path | None,
    junit_out: Path | None,
    evidence_dir: Path | None,
) -> None:
    """Evaluate the gate: exit 0 if it passes, 1 if it fails, 2 on bad input.

    Every output asked for is staged first and written only once all of them could be
    (gate.outputs.files): a run that ends in an error writes none of them, except
    that --json-out then gets the error report (verdict "error", the message and the
    file), so `publish` can say why there is no verdict. The report JSON lists at
    most --json-tests passing evidence tests per interaction (the evidence package
    and the document list them all) and is written one interaction at a time.
    """
    from gate.cli.check_run import run_check_for, stage_evidence
    from gate.outputs.files import Outputs

    with _error_report_on_failure(settings, inputs, json_out), Outputs() as outputs:
        # The evidence package and the document list every test: then the whole lists
        # are kept, and cut only where the JSON is written. Otherwise they are never built.
        whole = evidence_dir is not None or document_out is not None
        run = run_check_for(
            settings, inputs, None if whole else json_tests, test_details=evidence_dir is not None
        )
        report = run.report
        # Renderers are imported when asked for: start-up time is CI time.
        if json_out is not None:
            from gate.core.report import capped, json_pieces

            outputs.write_pieces(json_out, json_pieces(capped(report, json_tests)))
        if markdown_out is not None:
            from gate.render.markdown import render_markdown

            outputs.write(markdown_out, render_markdown(report))
        if junit_out is not None:
            from gate.outputs.junit import render_junit

            outputs.write(junit_out, render_junit(report))
        _stage_runner_files(outputs, report, summary_out, github_output, json_out)
        if document_out is not None or evidence_dir is not None:
            from gate.render.document import generated_timestamp, render_document

            generated = generated_timestamp(settings.generated)
            if document_out is not None:
                outputs.write(document_out, render_document(report, generated))
            if evidence_dir is not None:
                stage_evidence(outputs, evidence_dir, run, inputs.root, generated)
        outputs.commit()
    _print(report, fmt, json_tests)
    sys.exit(EXIT_PASS if report.passed else EXIT_FAIL)


@contextlib.contextmanager
def _error_report_on_failure(
    settings: RunSettings, inputs: CheckInputs, json_out: Path | None
) -> Iterator[None]:
    """On a GateError (exit 2), write the error report to json_out, then let it go on:
    it is the one output an error writes."""
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
    from gate.outputs.files import write_file

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
        write_file(json_out, to_json(report))


def _listed_tests(value: str) -> int | None:
    """--json-tests: a count of passing tests, or None for 'all'."""
    if value == "all":
        return None
    if not value.isdigit():
        raise click.BadParameter(f"{value!r} is neither a number of tests nor 'all'")
    return int(value)


def _print(report: Report, fmt: str, json_tests: int | None) -> None:
    """The verdict on stdout in the format asked for (the JSON one interaction at a
    time, the text one interaction's gaps at a time)."""
    if fmt == "json":
        from gate.core.report import capped, json_pieces

        for piece in json_pieces(capped(report, json_tests)):
            click.echo(piece, nl=False)
        return
    if fmt == "markdown":
        from gate.render.markdown import render_markdown

        click.echo(render_markdown(report), nl=False)
        return
    from gate.render.text import text_pieces

    for text in text_pieces(report):
        click.echo(text, nl=False)


def _stage_runner_files(
    outputs: Outputs,
    report: Report,
    summary: Path | None,
    output: Path | None,
    json_out: Path | None,
) -> None:
    """The job summary and step outputs of a GitHub Actions step, to be appended."""
    if summary is None and output is None:
        return
    from gate.github.actions import fit_summary, output_lines
    from gate.render.markdown import render_markdown, render_summary

    if summary is not None:
        outputs.append(summary, fit_summary(render_markdown(report), render_summary(report)))
    if output is not None:
        s = report.safety
        report_file = json_out if json_out is not None and str(json_out) != "-" else None
        values = {
            "verdict": "passed" if report.passed else "failed",
            "passed": "true" if report.passed else "false",
            "confidence": f"{report.overall_confidence:.2f}",
            "safety": f"{s.passed}/{s.total}",
            "report": str(report_file.resolve()) if report_file is not None else "",
        }
        outputs.append(output, output_lines(values))
