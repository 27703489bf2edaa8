"""`signal-gate assessment-pr`: keep the committed assessment current through one
pull request (gate.github.assessment_pr)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from gate.cli.guard import handle_errors, with_settings
from gate.errors import UsageError

if TYPE_CHECKING:
    from gate.cli.settings import RunSettings


@click.command("assessment-pr")
@click.argument(
    "document", metavar="DOCUMENT", type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option(
    "--path", "repo_path", metavar="PATH",
    help="The document's path in the repository (default: DOCUMENT, relative to the "
    "current folder).",
)  # fmt: skip
@click.option("--base", metavar="BRANCH", help="Base branch (default: the default branch).")
@click.option(
    "--branch", default="signal-gate/assessment", show_default=True,
    help="The branch the pull request comes from.",
)  # fmt: skip
@click.option("--token", envvar="GITHUB_TOKEN", show_envvar=True, help="GitHub token.")
@click.option("--api-url", envvar="GITHUB_API_URL", show_envvar=True, help="GitHub API URL.")
@handle_errors
@with_settings
def assessment_pr(
    settings: RunSettings,
    document: Path,
    repo_path: str | None,
    base: str | None,
    branch: str,
    token: str | None,
    api_url: str | None,
) -> None:
    """Open or update the pull request that commits DOCUMENT, when its facts changed.

    DOCUMENT is an assessment written by `report --out` or `check --document-out`.
    Exit codes: 0 done (opened, updated, or nothing to do), 2 error.
    """
    from gate.github.assessment_pr import AssessmentTarget, propose
    from gate.render.document_check import stale_diff

    repository = settings.github.get("GITHUB_REPOSITORY")
    if not token or not repository:
        raise UsageError(
            "assessment-pr needs GITHUB_REPOSITORY and a token (--token or GITHUB_TOKEN)",
            hint="run it in a GitHub Actions job, or set both variables",
        )
    text = _read(document)
    target = AssessmentTarget(
        token=token,
        api_url=api_url or "https://api.github.com",
        repository=repository,
        path=repo_path or _repository_path(document),
        base=base,
        branch=branch,
    )
    outcome = propose(target, text, stale_diff, _summary(text), pause=settings.throttle)
    where = f" #{outcome.number} ({outcome.url})" if outcome.number is not None else ""
    click.echo(f"signal-gate: assessment pull request {outcome.action.value}{where}")


def _read(document: Path) -> str:
    from gate.errors import InputError

    try:
        return document.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{document}: cannot read: {exc}") from None


def _repository_path(document: Path) -> str:
    """DOCUMENT's path relative to the current folder (the checkout), as git names it."""
    try:
        return document.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        raise UsageError(
            f"{document} is outside the current folder; say where it goes with --path"
        ) from None


def _summary(document: str) -> str:
    """The pull request's first line: the document's verdict line, as it says it."""
    verdict = next((line for line in document.splitlines() if line.startswith("- **Verdict")), "")
    return f"The assessment's facts changed. {verdict.removeprefix('- ').strip()}".strip()
