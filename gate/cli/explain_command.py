"""`signal-gate explain ID`: one interaction in full."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from gate.cli.guard import EXIT_FAIL, EXIT_PASS, handle_errors, with_settings
from gate.cli.options import CheckInputs, check_options

if TYPE_CHECKING:
    from gate.cli.settings import RunSettings


@click.command()
@click.argument("interaction_id", metavar="ID")
@check_options
@handle_errors
@with_settings
def explain(
    settings: RunSettings,
    interaction_id: str,
    inputs: CheckInputs,
) -> None:
    """Show one interaction in full: files, missing lines and branches, tests.

    Exit codes: 0 it is PRODUCTION READY, 1 it is not, 2 an unknown ID, usage,
    config or input error. `command` safety checks never run.
    """
    from gate.cli.check_run import run_check_for
    from gate.config.load import load_config
    from gate.core.report import Status
    from gate.render.explain import render_explain

    # An unknown id is refused before any report is read or anything evaluated.
    load_config(inputs.config, inputs.root).interaction(interaction_id)
    # One interaction's figures do not depend on the safety checks: none is run.
    run = run_check_for(settings, inputs._replace(no_exec=True))
    result = run.report.interaction(interaction_id)
    assert result is not None
    click.echo(render_explain(result, inputs.root), nl=False)
    sys.exit(EXIT_PASS if result.status is Status.READY else EXIT_FAIL)
