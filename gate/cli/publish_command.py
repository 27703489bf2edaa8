"""`signal-gate publish`: post a report (or an error report) for its commit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from gate.cli.guard import handle_errors, with_settings
from gate.errors import UsageError

if TYPE_CHECKING:
    from gate.cli.settings import RunSettings
    from gate.core.report import ErrorReport, Report
    from gate.github.publication import Publication
    from gate.github.publisher import PublishOutcome, PublishSettings
    from gate.github.run import GitHubRun

COMMENT_MODES = ["always", "on-change", "on-failure", "never"]


@click.command()
@click.option(
    "--report", "report_path", required=True, metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Report JSON written by `check` (a verdict, or the error report of exit 2).",
)  # fmt: skip
@click.option(
    "--markdown", "markdown_path", metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Comment Markdown written by `check` (default: rendered from the report).",
)  # fmt: skip
@click.option("--token", envvar="GITHUB_TOKEN", show_envvar=True, help="GitHub token.")
@click.option("--api-url", envvar="GITHUB_API_URL", show_envvar=True, help="GitHub API URL.")
@click.option("--pr", "pr_number", type=int, help="Pull request number (workflow_run from forks).")
@click.option(
    "--comment", "comment_mode", type=click.Choice(COMMENT_MODES), default="on-change",
    show_default=True, help="When to write the sticky comment.",
)  # fmt: skip
@click.option(
    "--status-context", default="", metavar="NAME",
    help="Commit status context [default: signal-gate/<the report's id>].",
)  # fmt: skip
@click.option(
    "--advisory", is_flag=True,
    help="Report, never block: a failed gate posts a success status starting 'advisory:' "
    "and a neutral check run.",
)  # fmt: skip
@click.option(
    "--comment-author", default="github-actions[bot]", show_default=True, metavar="LOGIN",
    help="Whose comments are ours: the login the token writes as (an app: <slug>[bot]).",
)  # fmt: skip
@click.option(
    "--deadline", type=click.FloatRange(1, 3600), default=120, show_default=True,
    metavar="SECONDS", help="Give up publishing after this long, whatever GitHub does.",
)  # fmt: skip
@click.option(
    "--github-output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Append comment-url, check-run-url and status-context to FILE ($GITHUB_OUTPUT).",
)  # fmt: skip
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
    advisory: bool,
    comment_author: str,
    deadline: float,
    github_output: Path | None,
) -> None:
    """Post a report on its pull request: sticky comment, commit status, check run.

    A failure to publish is a warning; it never changes the exit code (0).
    """
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
            f"{report_path}: the report was made for commit {expected}, but this run's "
            f"commit is {run.head_sha}; refusing to publish a report of another commit"
        )
    comment = markdown_path.read_text(encoding="utf-8") if markdown_path else None
    pub = _publication(report, run, comment, comment_mode, status_context, advisory)
    options = _publish_settings(settings.throttle, comment_author, deadline)
    secrets = _secrets(run.token)
    outcome = post(run, pub, settings=options, secrets=secrets)
    _say(_summary(outcome), secrets)
    prefix = "::warning::" if settings.in_actions else "warning: "
    for warning in outcome.warnings:
        _say(f"{prefix}{warning}", secrets, err=True)
    if github_output is not None:
        _outputs(github_output, outcome, pub.status_context, secrets)


def _publication(
    report: Report | ErrorReport,
    run: GitHubRun,
    comment: str | None,
    comment_mode: str,
    status_context: str,
    advisory: bool,
) -> Publication:
    from gate.core.report import ErrorReport
    from gate.github.content import build_error_publication, build_publication
    from gate.github.publication import CommentMode

    mode = CommentMode(comment_mode)
    if isinstance(report, ErrorReport):
        return build_error_publication(
            report,
            head_sha=run.head_sha,
            run_url=run.run_url,
            comment_mode=mode,
            status_context=status_context or None,
            advisory=advisory,
        )
    return build_publication(
        report,
        run_url=run.run_url,
        comment_mode=mode,
        status_context=status_context or None,
        comment=comment,
        advisory=advisory,
    )


def _summary(outcome: PublishOutcome) -> str:
    return (
        f"signal-gate: comment {outcome.comment.value}"
        + (f" ({outcome.comment_url})" if outcome.comment_url else "")
        + f"; status {'posted' if outcome.status_posted else 'not posted'}"
        + f"; check run {'posted' if outcome.check_run_id else 'not posted'}"
    )


def _secrets(token: str) -> tuple[str, ...]:
    """The token and every secret-looking value of the environment, to mask in output."""
    import os

    from gate.safety.masking import secret_values

    return (token, *secret_values(os.environ))


def _say(line: str, secrets: tuple[str, ...], *, err: bool = False) -> None:
    """Print one line of publish's output: every line goes through the masker, since
    some of it (a URL, a message) comes from the server."""
    from gate.github.session import masked

    click.echo(masked(line, secrets), err=err)


def _outputs(path: Path, outcome: PublishOutcome, context: str, secrets: tuple[str, ...]) -> None:
    from gate.github.actions import output_lines
    from gate.github.session import masked
    from gate.outputs.files import Outputs

    values = {
        "comment-url": outcome.comment_url or "",
        "check-run-url": outcome.check_run_url or "",
        "status-context": context,
    }
    with Outputs() as outputs:
        outputs.append(path, output_lines({k: masked(v, secrets) for k, v in values.items()}))
        outputs.commit()


def _publish_settings(pause: float | None, author: str, deadline: float) -> PublishSettings:
    """GitHub asks integrations to pause between writes; SIGNAL_GATE_GITHUB_THROTTLE
    (seconds) overrides the pause, e.g. 0 against a local test server."""
    from gate.github.publisher import PublishSettings

    chosen = PublishSettings(comment_author=author, deadline=deadline)
    if pause is None:
        return chosen
    from gate.records import replace

    return replace(chosen, seconds_between_requests=pause, seconds_between_writes=pause)
