"""`signal-gate schema config|report`: the JSON Schemas, for editors and validators."""

from __future__ import annotations

import click

from gate.cli.guard import handle_errors


@click.command()
@click.argument("which", type=click.Choice(["config", "report"]))
@handle_errors
def schema(which: str) -> None:
    """Print the JSON Schema of the config file or of the report JSON."""
    if which == "config":
        from gate.config.json_schema import config_schema_text

        click.echo(config_schema_text(), nl=False)
        return
    from importlib.resources import files

    shipped = files("gate").joinpath("schemas", "report-1.schema.json")
    click.echo(shipped.read_text(encoding="utf-8"), nl=False)
