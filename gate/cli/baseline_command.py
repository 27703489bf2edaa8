"""`signal-gate baseline`: the base branch's report, for `check --baseline`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from gate.cli.guard import handle_errors, with_settings
from gate.errors import InputError, UsageError

if TYPE_CHECKING:
    from gate.cli.settings import RunSettings


@click.command("baseline")
@click.option(
    "--out", required=True, metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
    help="Where the report goes; nothing is written when none is found.",
)  # fmt: skip
@click.option("--branch", envvar="GITHUB_BASE_REF", show_envvar=True, help="The base branch.")
@click.option(
    "--workflow", metavar="FILE",
    help="The workflow file (ci.yml); default: this run's, from GITHUB_WORKFLOW_REF.",
)  # fmt: skip
@click.option("--artifact", default="signal-gate-report", show_default=True, metavar="NAME")
@click.option("--repository", envvar="GITHUB_REPOSITORY", show_envvar=True, metavar="OWNER/NAME")
@click.option("--workflow-ref", envvar="GITHUB_WORKFLOW_REF", hidden=True)
@click.option("--token", envvar="GITHUB_TOKEN", show_envvar=True, help="GitHub token.")
@click.option(
    "--api-url", envvar="GITHUB_API_URL", show_envvar=True, default="https://api.github.com",
    help="GitHub API URL.",
)  # fmt: skip
@handle_errors
@with_settings
def baseline(
    settings: RunSettings,
    out: Path,
    branch: str | None,
    workflow: str | None,
    artifact: str,
    repository: str | None,
    workflow_ref: str | None,
    token: str | None,
    api_url: str,
) -> None:
    """Download the base branch's report for check --baseline.

    The newest successful run of the workflow on the base branch that uploaded
    ARTIFACT (its report.json) is used. None found, or an unusable one: nothing
    is written, the reason is printed, and `check` runs without a baseline.
    """
    from gate.github.artifact import BaselineQuery, fetch_baseline
    from gate.outputs.files import write_file
    from gate.readers.report_file import read_baseline

    workflow = workflow or _workflow_file(workflow_ref)
    missing = [name for name, value in (("--branch", branch), ("--repository", repository),
               ("--workflow", workflow), ("--token", token)) if not value]  # fmt: skip
    if missing:
        raise UsageError(f"baseline needs {', '.join(missing)} (or their variables)")
    assert branch and repository and workflow and token
    found = fetch_baseline(
        BaselineQuery(api_url, repository, workflow, branch, token, artifact=artifact)
    )
    notice = "::notice::" if settings.in_actions else ""
    if found.report is None:
        click.echo(f"{notice}signal-gate: no baseline: {found.detail}")
        return
    write_file(out, found.report)
    try:
        read_baseline(out)  # validated now, so a bad artifact means "no baseline", not exit 2
    except InputError as exc:
        out.unlink(missing_ok=True)
        click.echo(f"{notice}signal-gate: no baseline: {found.detail} is unusable: {exc}")
        return
    click.echo(f"signal-gate: baseline: {found.detail}, written to {out}")


def _workflow_file(workflow_ref: str | None) -> str | None:
    """`owner/repo/.github/workflows/ci.yml@refs/heads/main` -> `ci.yml`."""
    if not workflow_ref:
        return None
    path = workflow_ref.split("@", 1)[0]
    return path.rsplit("/", 1)[-1] or None
