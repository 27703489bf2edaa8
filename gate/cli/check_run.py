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
    from gate.outputs.files import Outputs


def run_check_for(
    settings: RunSettings,
    inputs: CheckInputs,
    passing_listed: int | None = None,
    test_details: bool = False,
) -> CheckRun:
    """The check the shared options ask for, under this invocation's settings; its
    report lists `passing_listed` passing evidence tests per interaction (None: all),
    and its tests keep their durations, failure texts and output when `test_details`
    (what the evidence package shows).

    `command` safety checks never run for an untrusted event (gate.github.trust:
    a fork's pull request, pull_request_target, a comment on a pull request, ...),
    whatever --no-exec says; stderr says why.
    """
    from gate.check import CheckOptions, run_check

    event = settings.event
    if not event.trusted and not inputs.no_exec:
        click.echo(
            f"signal-gate: untrusted {event.trust.reason}; command safety checks will not run",
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
        passing_listed=passing_listed,
        test_details=test_details,
        generated=settings.generated.replace(microsecond=0),
        diff_base=inputs.diff_base,
        diff=inputs.diff,
        baseline=inputs.baseline,
    )
    return run_check(opts)


def stage_evidence(
    outputs: Outputs, directory: Path, run: CheckRun, root: Path, generated: str
) -> None:
    """Stage the evidence package of `--evidence-dir` with the run's other outputs."""
    from gate.check import evidence_sources
    from gate.outputs.evidence_package import package_files, stage_package

    stage_package(outputs, directory, package_files(evidence_sources(run, root, generated)))
