"""The command line: parse options, call the core, print, choose the exit code.

Exit codes (docs/cli.md): 0 the gate passed, 1 it failed, 2 usage, config or
input error. This is the only module that imports click or calls sys.exit.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from gate import __version__
from gate.errors import GateError, UsageError

if TYPE_CHECKING:
    from gate.check import CheckRun
    from gate.core.report import Report
    from gate.github.publisher import PublishSettings

F = TypeVar("F", bound=Callable[..., Any])

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


def handle_errors(func: F) -> F:
    """Turn GateError into a one-paragraph message on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GateError as exc:
            click.echo(f"signal-gate: error: {exc}", err=True)
            sys.exit(EXIT_ERROR)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("SIGNAL_GATE_DEBUG"):
                raise
            click.echo(
                f"signal-gate: internal error: {type(exc).__name__}: {exc}\n"
                "hint: set SIGNAL_GATE_DEBUG=1 for the traceback and report it as a bug",
                err=True,
            )
            sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def check_options(func: F) -> F:
    """The options shared by check, explain and report."""
    options = [
        click.option("--config", "config", metavar="PATH", help="Config file (default: lookup)."),
        click.option(
            "--coverage", "coverage", multiple=True, metavar="PATH",
            help="Coverage report file or glob; repeatable; replaces reports.coverage.",
        ),
        click.option(
            "--junit", "junit", multiple=True, metavar="PATH",
            help="JUnit report file or glob; repeatable; replaces reports.junit.",
        ),
        click.option(
            "--root", type=click.Path(file_okay=False, exists=True, path_type=Path),
            default=Path(), show_default=True, help="Repository root.",
        ),
        click.option("--no-exec", is_flag=True, help="Never run `command` safety checks."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def evidence_dir_option(func: F) -> F:
    """`--evidence-dir DIR`, shared by check and report."""
    option = click.option(
        "--evidence-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
        help="Also write the evidence package here: report.json, assessment.md, comment.md, "
        "interactions/<id>/coverage.json and tests.json.",
    )  # fmt: skip
    return option(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="signal-gate")
def main() -> None:
    """signal-gate: is every integration of this service really tested?"""


@main.command()
@check_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text",
    show_default=True, help="What to print on stdout.",
)  # fmt: skip
@click.option("--json-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE")
@click.option("--markdown-out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE")
@click.option(
    "--summary-out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Append the Markdown report to FILE (e.g. $GITHUB_STEP_SUMMARY), within 1 MiB.",
)
@click.option(
    "--github-output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
    help="Append passed/confidence/safety/report to FILE (e.g. $GITHUB_OUTPUT).",
)  # fmt: skip
@evidence_dir_option
@handle_errors
def check(
    config: str | None,
    coverage: tuple[str, ...],
    junit: tuple[str, ...],
    root: Path,
    no_exec: bool,
    fmt: str,
    json_out: Path | None,
    markdown_out: Path | None,
    summary_out: Path | None,
    github_output: Path | None,
    evidence_dir: Path | None,
) -> None:
    """Evaluate the gate: exit 0 if it passes, 1 if it fails, 2 on bad input."""
    run = _run(config, coverage, junit, root, no_exec)
    report = run.report
    # Renderers and writers are imported when asked for: start-up time is CI time.
    if json_out is not None:
        from gate.core.report import to_json
        from gate.outputs.files import write_atomic

        write_atomic(json_out, to_json(report))
    if markdown_out is not None:
        from gate.outputs.files import write_atomic
        from gate.render.markdown import render_markdown

        write_atomic(markdown_out, render_markdown(report))
    if summary_out is not None or github_output is not None:
        _runner_files(report, summary_out, github_output, json_out)
    if evidence_dir is not None:
        from gate.render.document import generated_timestamp

        _write_evidence(evidence_dir, run, root, generated_timestamp())
    click.echo(_rendered(report, fmt), nl=False)
    sys.exit(EXIT_PASS if report.passed else EXIT_FAIL)


def _rendered(report: Report, fmt: str) -> str:
    if fmt == "json":
        from gate.core.report import to_json

        return to_json(report).decode()
    if fmt == "markdown":
        from gate.render.markdown import render_markdown

        return render_markdown(report)
    from gate.render.text import render_text

    return render_text(report)


@main.command()
@click.option("--config", "config", metavar="PATH", help="Config file (default: lookup).")
@click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path()
)
@handle_errors
def validate(config: str | None, root: Path) -> None:
    """Check a config file alone; exit 0 when it is valid, 2 when not."""
    from gate.config.load import load_config

    cfg = load_config(config, root)
    checks = len(cfg.safety.checks)
    click.echo(
        f"{cfg.path}: valid ({len(cfg.interactions)} interactions, {checks} safety checks, "
        f"{len(cfg.waivers)} waivers)"
    )


@main.command()
@click.argument("interaction_id", metavar="ID")
@check_options
@handle_errors
def explain(
    interaction_id: str,
    config: str | None,
    coverage: tuple[str, ...],
    junit: tuple[str, ...],
    root: Path,
    no_exec: bool,
) -> None:
    """Show one interaction in full: files, missing lines and branches, tests."""
    from gate.core.report import Status
    from gate.render.explain import render_explain

    run = _run(config, coverage, junit, root, no_exec)
    run.config.interaction(interaction_id)  # a clear error for an unknown id
    result = run.report.interaction(interaction_id)
    assert result is not None
    click.echo(render_explain(result, root), nl=False)
    sys.exit(EXIT_PASS if result.status is Status.READY else EXIT_FAIL)


@main.command("report")
@check_options
@click.option(
    "--out", required=True, metavar="FILE",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Where the document goes ('-' for stdout); with --check, the committed document.",
)  # fmt: skip
@click.option(
    "--check", "check_only", is_flag=True,
    help="Write nothing; exit 1 (with a diff) when FILE differs from a fresh document "
    "other than in its Generated: line, 0 when it is up to date.",
)  # fmt: skip
@evidence_dir_option
@handle_errors
def report_command(
    config: str | None,
    coverage: tuple[str, ...],
    junit: tuple[str, ...],
    root: Path,
    no_exec: bool,
    out: Path,
    check_only: bool,
    evidence_dir: Path | None,
) -> None:
    """Write the integration assessment document (Markdown).

    Exit codes: 0 the gate passed, 1 it failed (the document is written either
    way), 2 usage, config or input error. With --check: 0 the document is up to
    date, 1 it is stale or missing, 2 error; the gate's verdict does not count.
    """
    from gate.outputs.files import write_atomic
    from gate.render.document import generated_timestamp, render_document

    if check_only and (str(out) == "-" or evidence_dir is not None):
        raise UsageError("--check writes nothing: it needs --out FILE and no --evidence-dir")
    run = _run(config, coverage, junit, root, no_exec)
    generated = generated_timestamp()  # one moment for the document and its package
    document = render_document(run.report, generated)
    if check_only:
        sys.exit(_check_document(out, document))
    if str(out) == "-":
        click.echo(document, nl=False)
    else:
        write_atomic(out, document)
        verdict = "passed" if run.report.passed else "failed"
        click.echo(f"signal-gate: wrote {out} (gate {verdict})", err=True)
    if evidence_dir is not None:
        _write_evidence(evidence_dir, run, root, generated)
    sys.exit(EXIT_PASS if run.report.passed else EXIT_FAIL)


def _check_document(path: Path, fresh: str) -> int:
    """Compare the committed document with a fresh one; print why when stale."""
    from gate.errors import InputError
    from gate.render.document_check import stale_diff

    regenerate = f"regenerate it with `signal-gate report ... --out {path}` and commit it"
    try:
        committed = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        click.echo(f"signal-gate: {path} does not exist; {regenerate}", err=True)
        return EXIT_FAIL
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    diff = stale_diff(committed, fresh, str(path))
    if not diff:
        click.echo(f"signal-gate: {path} is up to date", err=True)
        return EXIT_PASS
    click.echo("\n".join(diff))
    click.echo(f"signal-gate: {path} is stale; {regenerate}", err=True)
    return EXIT_FAIL


def _write_evidence(directory: Path, run: CheckRun, root: Path, generated: str) -> None:
    from gate.check import evidence_sources
    from gate.outputs.evidence_package import package_files, write_package

    write_package(directory, package_files(evidence_sources(run, root, generated)))


@main.command()
@click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path(), show_default=True, help="The repository to look at.",
)  # fmt: skip
@click.option(
    "--write/--print", "write", default=True, show_default=True,
    help="Write ROOT/signal-gate.yml (never over an existing config), or print it.",
)  # fmt: skip
@handle_errors
def init(root: Path, write: bool) -> None:
    """Scaffold a commented signal-gate.yml from the client modules and tests found."""
    from gate.scaffold.init_config import existing_config, scaffold, write_new

    existing = existing_config(root)
    if write and existing is not None:
        raise UsageError(
            f"{existing}: a signal-gate config already exists; init never overwrites one",
            hint="edit it, or run `signal-gate init --print` to see a fresh proposal",
        )
    proposal = scaffold(root)
    if not write:
        if existing is not None:
            click.echo(f"signal-gate: note: {existing} already configures this gate", err=True)
        click.echo(proposal.text, nl=False)
        return
    target = root / "signal-gate.yml"
    write_new(target, proposal.text)
    click.echo(f"signal-gate: wrote {target}: {proposal.summary}", err=True)


@main.command()
@click.option(
    "--workdir", type=click.Path(file_okay=False, path_type=Path),
    default=Path("signal-gate-demo"), show_default=True,
    help="Where the example is copied and run.",
)  # fmt: skip
@handle_errors
def demo(workdir: Path) -> None:
    """Run the bundled example service's tests for real, then the gate on them."""
    from gate.cli.clock import today
    from gate.demo import run_demo

    sys.exit(run_demo(workdir, echo=click.echo, today=today()))


@main.command()
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
def publish(
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
    run = github_run_from_env(os.environ, token=token, api_url=api_url, pr_number=pr_number)
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
    outcome = post(run, pub, settings=_publish_settings())
    click.echo(
        f"signal-gate: comment {outcome.comment.value}"
        + (f" ({outcome.comment_url})" if outcome.comment_url else "")
        + f"; status {'posted' if outcome.status_posted else 'not posted'}"
        + f"; check run {'posted' if outcome.check_run_id else 'not posted'}"
    )
    prefix = "::warning::" if os.environ.get("GITHUB_ACTIONS") == "true" else "warning: "
    for warning in outcome.warnings:
        click.echo(f"{prefix}{warning}", err=True)


def _publish_settings() -> PublishSettings:
    """GitHub asks integrations to pause between writes; SIGNAL_GATE_GITHUB_THROTTLE
    (seconds) overrides the pause, e.g. 0 against a local test server."""
    from gate.github.publisher import PublishSettings

    raw = os.environ.get("SIGNAL_GATE_GITHUB_THROTTLE")
    if raw is None:
        return PublishSettings()
    try:
        pause = float(raw)
    except ValueError:
        raise UsageError(
            f"SIGNAL_GATE_GITHUB_THROTTLE={raw!r} is not a number of seconds"
        ) from None
    return PublishSettings(seconds_between_requests=pause, seconds_between_writes=pause)


def _runner_files(
    report: Report, summary: Path | None, output: Path | None, json_out: Path | None
) -> None:
    """The job summary and step outputs of a GitHub Actions step."""
    from gate.github.actions import append, fit_summary, output_lines
    from gate.render.markdown import render_markdown, render_summary

    if summary is not None:
        append(summary, fit_summary(render_markdown(report), render_summary(report)))
    if output is not None:
        s = report.safety
        outputs = {
            "passed": "true" if report.passed else "false",
            "confidence": f"{report.overall_confidence:.2f}",
            "safety": f"{s.passed}/{s.total}",
            "report": str(json_out.resolve()) if json_out is not None else "",
        }
        append(output, output_lines(outputs))


def _run(
    config: str | None, coverage: tuple[str, ...], junit: tuple[str, ...], root: Path, no_exec: bool
) -> CheckRun:
    from gate.check import CheckOptions, run_check
    from gate.cli.clock import today
    from gate.github.actions import read_event

    event = read_event(os.environ)
    if not event.trusted and not no_exec:
        click.echo(
            f"signal-gate: {event.name} event from an untrusted source: "
            "command safety checks will not run",
            err=True,
        )
    opts = CheckOptions(
        root=root,
        config=config,
        coverage=coverage,
        junit=junit,
        allow_exec=not no_exec and event.trusted,
        today=today(),
        head_sha=os.environ.get("SIGNAL_GATE_HEAD_SHA") or event.head_sha,
        pull_request=event.pull_request,
    )
    return run_check(opts)
