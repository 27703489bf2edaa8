"""`signal-gate demo`: the bundled example, run for real."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gate.cli.guard import handle_errors, with_settings

if TYPE_CHECKING:
    from gate.cli.settings import RunSettings


@click.command()
@click.option(
    "--workdir", type=click.Path(file_okay=False, path_type=Path),
    default=Path("signal-gate-demo"), show_default=True,
    help="Where the example is copied and run.",
)  # fmt: skip
@handle_errors
@with_settings
def demo(settings: RunSettings, workdir: Path) -> None:
    """Run the bundled example service's tests for real, then the gate on them."""
    from gate.demo import run_demo
    from gate.render.document import generated_timestamp

    generated = generated_timestamp(settings.generated)
    sys.exit(run_demo(workdir, echo=click.echo, today=settings.today, generated=generated))
