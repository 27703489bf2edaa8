"""`signal-gate publish`: post a report on its pull request."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from gate.cli.guard import handle_errors, with_settings
from gate.errors import UsageError

if TYPE_CHECKING:
    from gate.cli.settings import RunSettings
    from gate.github.publisher import PublishSettings


@click.command()
@click.option(
    "--report",
    "report_path",
    required=True,
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report JSON written by `check`.",
)
@click.option(
    "--markdown",
    "markdown_path",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Comment Markdown written by `check` (default: rendered from the report).",
)
@click.option("--token", envvar="GITHUB_TOKEN", show_envvar=True, help="GitHub token.")
@click.option("--api-url", envvar="GITHUB_API_URL", show_envvar=True, help="GitHub API URL.")
@click.option("--pr", "pr_number", type=int, help="Pull request number (workflow_run from forks).")
@click.option(
    "--comment",
    "comment_mode",
    type=click.Choice(["always", "on-failure", "never"]),
    default="always",
    show_default=True,
    help="When to post the sticky comment.",
)
@click.option("--status-context", default="signal-gate", show_default=True)
@handle_errors
@with_settings
def publish(
    settings: RunSettings,
    report_path: Path,
    markdown_path: Path | None,
    token: str | None,
    api_url: str | None,
    pr_number: int | None,
    comment_mode: str,
    status_context: str,
) -> None:
    """Post a report on its pull request: sticky comment, commit status, check run.

    A failure to publish is a warning; it never changes the exit code (0).
    """
    from gate.github.content import build_publication
    from gate.github.publication import CommentMode
    from gate.github.publisher import publish as post
    from gate.github.run import github_run_from_env
    from gate.readers.report_file import read_report

    report = read_report(report_path)
    if pr_number is None:
        pr_number = report.provenance.pull_request
    run = github_run_from_env(settings.github, token=token, api_url=api_url, pr_number=pr_number)
    expected = report.provenance.head_sha
    if expected is not None and expected != run.head_sha:
        raise UsageError(
            f"{report_path}: the report was made for commit {expected}, but this run's pull "
            f"request head is {run.head_sha}; refusing to publish a report of another commit"
        )
    comment = markdown_path.read_text(encoding="utf-8") if markdown_path else None
    pub = build_publication(
        report,
        run_url=run.run_url,
        comment_mode=CommentMode(comment_mode),
        status_context=status_context,
        comment=comment,
    )
    outcome = post(run, pub, settings=_publish_settings(settings.throttle))
    click.echo(
        f"signal-gate: comment {outcome.comment.value}"
        + (f" ({outcome.comment_url})" if outcome.comment_url else "")
        + f"; status {'posted' if outcome.status_posted else 'not posted'}"
        + f"; check run {'posted' if outcome.check_run_id else 'not posted'}"
    )
    prefix = "::warning::" if settings.in_actions else "warning: "
    for warning in outcome.warnings:
        click.echo(f"{prefix}{warning}", err=True)


def _publish_settings(pause: float | None) -> PublishSettings:
    """GitHub asks integrations to pause between writes; SIGNAL_GATE_GITHUB_THROTTLE
    (seconds) overrides the pause, e.g. 0 against a local test server."""
    from gate.github.publisher import PublishSettings

    if pause is None:
        return PublishSettings()
    return PublishSettings(seconds_between_requests=pause, seconds_between_writes=pause)
