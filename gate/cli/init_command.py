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
@click.option(
    "--modules", "modules", multiple=True, metavar="GLOB",
    help="Where the clients live: one interaction per matching module or package "
    "(e.g. 'pkg/plugins/*'); repeatable; replaces the search by imports.",
)  # fmt: skip
@click.option(
    "--tests", "tests", metavar="TEMPLATE",
    help="How test files are named, {name} standing for the interaction "
    "(e.g. 'tests/test_plugin_{name}.py').",
)  # fmt: skip
@handle_errors
def init(root: Path, write: bool, modules: tuple[str, ...], tests: str | None) -> None:
    """Propose a signal-gate.yml from the code and its tests.

    Interactions come from what the code imports and calls, evidence from per-test
    coverage or test names; stderr says how each was found and what to run next.
    """
    from gate.scaffold.init_config import Hints, existing_config, scaffold, write_new

    if tests is not None and "{name}" not in tests:
        raise UsageError(
            f"--tests {tests!r} has no {{name}}",
            hint="it is a template per interaction, e.g. 'tests/test_plugin_{name}.py'",
        )
    existing = existing_config(root)
    if write and existing is not None:
        raise UsageError(
            f"{existing}: a signal-gate config already exists; init never overwrites one",
            hint="edit it, or run `signal-gate init --print` to see a fresh proposal",
        )
    proposal = scaffold(root, Hints(modules=modules, tests=tests))
    if write:
        target = root / "signal-gate.yml"
        write_new(target, proposal.text)
        head = f"signal-gate: wrote {target}:"
    else:
        if existing is not None:
            click.echo(f"signal-gate: note: {existing} already configures this gate", err=True)
        click.echo(proposal.text, nl=False)
        head = "signal-gate: proposed (save it as signal-gate.yml):"
    first, *rest = proposal.summary
    click.echo("\n".join([f"{head} {first}", *rest]), err=True)
