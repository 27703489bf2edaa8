"""`signal-gate report`: the integration assessment document, or whether the
committed one is stale (`--check`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gate.cli.guard import EXIT_FAIL, EXIT_PASS, handle_errors, with_settings
from gate.cli.options import CheckInputs, check_options, evidence_dir_option
from gate.errors import UsageError

if TYPE_CHECKING:
    from gate.cli.settings import RunSettings


@click.command("report")
@check_options
@click.option(
    "--out", required=True, metavar="FILE",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Where the document goes ('-' for stdout); with --check, the committed document.",
)  # fmt: skip
@click.option(
    "--check", "check_only", is_flag=True,
    help="Write nothing; exit 1 (with a diff of the facts) when FILE's body differs from "
    "a fresh document's, 0 when it is up to date. The provenance footer is not compared.",
)  # fmt: skip
@evidence_dir_option
@handle_errors
@with_settings
def report_command(
    settings: RunSettings,
    inputs: CheckInputs,
    out: Path,
    check_only: bool,
    evidence_dir: Path | None,
) -> None:
    """Write the integration assessment document (Markdown).

    Exit codes: 0 the gate passed, 1 it failed (the document is written either
    way), 2 usage, config or input error. With --check: 0 the document is up to
    date, 1 it is stale or missing, 2 error; the gate's verdict does not count.
    """
    from gate.cli.check_run import run_check_for, stage_evidence
    from gate.outputs.files import Outputs
    from gate.render.document import generated_timestamp, render_document

    if check_only and (str(out) == "-" or evidence_dir is not None):
        raise UsageError("--check writes nothing: it needs --out FILE and no --evidence-dir")
    run = run_check_for(settings, inputs)
    generated = generated_timestamp(settings.generated)
    document = render_document(run.report, generated)
    if check_only:
        sys.exit(_check_document(out, document))
    with Outputs() as outputs:  # the document and the package: both or neither
        outputs.write(out, document)
        if evidence_dir is not None:
            stage_evidence(outputs, evidence_dir, run, inputs.root, generated)
        outputs.commit()
    if str(out) != "-":
        verdict = "passed" if run.report.passed else "failed"
        click.echo(f"signal-gate: wrote {out} (gate {verdict})", err=True)
    sys.exit(EXIT_PASS if run.report.passed else EXIT_FAIL)


def _check_document(path: Path, fresh: str) -> int:
    """Compare the committed document with a fresh one; print why when stale."""
    from gate.errors import InputError
    from gate.render.document_check import stale_diff

    regenerate = f"regenerate it with `signal-gate report ... --out {path}` and commit it"
    try:
        committed = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        click.echo(f"signal-gate: {path} does not exist; {regenerate}", err=True)
        return EXIT_FAIL
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    diff = stale_diff(committed, fresh, str(path))
    if not diff:
        click.echo(f"signal-gate: {path} is up to date", err=True)
        return EXIT_PASS
    click.echo("\n".join(diff))
    click.echo(f"signal-gate: {path} is stale; {regenerate}", err=True)
    return EXIT_FAIL
