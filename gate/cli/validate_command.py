"""`signal-gate validate`: check a config file alone."""

from __future__ import annotations

from pathlib import Path

import click

from gate.cli.guard import handle_errors


@click.command()
@click.option("--config", "config", metavar="PATH", help="Config file (default: lookup).")
@click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path()
)
@handle_errors
def validate(config: str | None, root: Path) -> None:
    """Check a config file alone; exit 0 when it is valid, 2 when not."""
    from gate.config.load import load_config
    from gate.text import plural

    cfg = load_config(config, root)
    counts = (
        (len(cfg.interactions), "interaction"),
        (len(cfg.safety.checks), "safety check"),
        (len(cfg.waivers), "waiver"),
    )
    click.echo(f"{cfg.path}: valid ({', '.join(f'{n} {plural(noun, n)}' for n, noun in counts)})")
