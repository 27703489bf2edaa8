"""The command line: parse options, call the core, print, choose the exit code.

Exit codes (DESIGN.md): 0 the gate passed, 1 it failed, 2 usage, config or
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
from gate.errors import GateError

if TYPE_CHECKING:
    from gate.check import CheckRun

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
) -> None:
    """Evaluate the gate: exit 0 if it passes, 1 if it fails, 2 on bad input."""
    from gate.files import write_atomic
    from gate.render_markdown import render_markdown
    from gate.render_text import render_text
    from gate.report import to_json

    run = _run(config, coverage, junit, root, no_exec)
    report = run.report
    rendered = {
        "text": lambda: render_text(report),
        "markdown": lambda: render_markdown(report),
        "json": lambda: to_json(report).decode(),
    }
    if json_out is not None:
        write_atomic(json_out, to_json(report))
    if markdown_out is not None:
        write_atomic(markdown_out, render_markdown(report))
    click.echo(rendered[fmt](), nl=False)
    sys.exit(EXIT_PASS if report.passed else EXIT_FAIL)


@main.command()
@click.option("--config", "config", metavar="PATH", help="Config file (default: lookup).")
@click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path()
)
@handle_errors
def validate(config: str | None, root: Path) -> None:
    """Check a config file alone; exit 0 when it is valid, 2 when not."""
    from gate.config import load_config

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
    from gate.render_explain import render_explain

    run = _run(config, coverage, junit, root, no_exec)
    run.config.interaction(interaction_id)  # a clear error for an unknown id
    result = run.report.interaction(interaction_id)
    assert result is not None
    click.echo(render_explain(result, root), nl=False)
    sys.exit(EXIT_PASS if result.status.value == "PRODUCTION READY" else EXIT_FAIL)


@main.command()
@click.option(
    "--workdir", type=click.Path(file_okay=False, path_type=Path),
    default=Path("signal-gate-demo"), show_default=True,
    help="Where the example is copied and run.",
)  # fmt: skip
@handle_errors
def demo(workdir: Path) -> None:
    """Run the bundled example service's tests for real, then the gate on them."""
    from gate.demo import run_demo

    sys.exit(run_demo(workdir, echo=click.echo))


def _run(
    config: str | None, coverage: tuple[str, ...], junit: tuple[str, ...], root: Path, no_exec: bool
) -> CheckRun:
    from gate.check import CheckOptions, run_check
    from gate.clock import today

    opts = CheckOptions(
        root=root,
        config=config,
        coverage=coverage,
        junit=junit,
        allow_exec=not no_exec,
        today=today(),
        head_sha=os.environ.get("SIGNAL_GATE_HEAD_SHA") or None,
    )
    return run_check(opts)
