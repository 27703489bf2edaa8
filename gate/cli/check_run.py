"""The check behind `check`, `explain` and `report`, and the evidence package
that `check` and `report` can also write."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from gate.check import CheckRun
    from gate.cli.options import CheckInputs
    from gate.cli.settings import RunSettings
    from gate.core.report import Report


def run_check_for(settings: RunSettings, inputs: CheckInputs) -> CheckRun:
    """The check the shared options ask for, under this invocation's settings.

    `command` safety checks never run for an untrusted event (a fork's pull
    request, pull_request_target), whatever --no-exec says.
    """
    from gate.check import CheckOptions, run_check

    event = settings.event
    if not event.trusted and not inputs.no_exec:
        click.echo(
            f"signal-gate: {event.name} event from an untrusted source: "
            "command safety checks will not run",
            err=True,
        )
    opts = CheckOptions(
        root=inputs.root,
        config=inputs.config,
        coverage=inputs.coverage,
        junit=inputs.junit,
        allow_exec=not inputs.no_exec and event.trusted,
        today=settings.today,
        head_sha=settings.head_sha,
        pull_request=event.pull_request,
        generated=settings.generated.replace(microsecond=0),
        diff_base=inputs.diff_base,
        diff=inputs.diff,
        baseline=inputs.baseline,
    )
    return run_check(opts)


def write_evidence(directory: Path, report: Report, generated: str) -> None:
    """The evidence package of `--evidence-dir`."""
    from gate.outputs.evidence_package import package_files, write_package

    write_package(directory, package_files(report, generated))
