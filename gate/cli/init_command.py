"""`signal-gate init`: propose a first config from the repository."""

from __future__ import annotations

from pathlib import Path

import click

from gate.cli.guard import handle_errors
from gate.errors import UsageError


@click.command()
@click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path(), show_default=True, help="The repository to look at.",
)  # fmt: skip
@click.option(
    "--write/--print", "write", default=True, show_default=True,
    help="Write ROOT/signal-gate.yml (never over an existing config), or print it.",
)  # fmt: skip
@handle_errors
def init(root: Path, write: bool) -> None:
    """Scaffold a commented signal-gate.yml from the client modules and tests found."""
    from gate.scaffold.init_config import existing_config, scaffold, write_new

    existing = existing_config(root)
    if write and existing is not None:
        raise UsageError(
            f"{existing}: a signal-gate config already exists; init never overwrites one",
            hint="edit it, or run `signal-gate init --print` to see a fresh proposal",
        )
    proposal = scaffold(root)
    if not write:
        if existing is not None:
            click.echo(f"signal-gate: note: {existing} already configures this gate", err=True)
        click.echo(proposal.text, nl=False)
        return
    target = root / "signal-gate.yml"
    write_new(target, proposal.text)
    click.echo(f"signal-gate: wrote {target}: {proposal.summary}", err=True)
