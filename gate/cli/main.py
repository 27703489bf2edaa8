"""The command line: `signal-gate COMMAND`, each command loaded when it is run.

The group maps each command name to "module:function" and imports only the
command asked for (click's documented LazyGroup pattern, "Advanced patterns ›
Lazily loading subcommands"). `signal-gate --help` needs every command's
short help, so it imports every command module: each is small and imports
only click and `gate.cli.guard`/`gate.cli.options` at the top, deferring its
real work (config, readers, renderers, GitHub) into the command's body. The
commands map errors to exit codes through `gate.cli.guard`; gate.cli is the
only package that imports click or chooses an exit code.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from gate import __version__

COMMANDS = {
    "assessment-pr": "gate.cli.assessment_pr_command:assessment_pr",
    "baseline": "gate.cli.baseline_command:baseline",
    "check": "gate.cli.check_command:check",
    "demo": "gate.cli.demo_command:demo",
    "explain": "gate.cli.explain_command:explain",
    "init": "gate.cli.init_command:init",
    "publish": "gate.cli.publish_command:publish",
    "report": "gate.cli.report_command:report_command",
    "schema": "gate.cli.schema_command:schema",
    "validate": "gate.cli.validate_command:validate",
}


class LazyGroup(click.Group):
    """A group whose commands are imported by name, when asked for."""

    def __init__(self, *args: Any, lazy_commands: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_commands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy_commands.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, name = target.split(":")
        command = getattr(importlib.import_module(module), name)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")  # a packaging bug
        return command


@click.group(
    cls=LazyGroup, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="signal-gate")
def main() -> None:
    """signal-gate: is every integration of this service really tested?"""
