"""The options `check`, `explain` and `report` share."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class CheckInputs(NamedTuple):
    """What the shared options ask to check: the command gets them as `inputs`."""

    config: str | None
    coverage: tuple[str, ...]  # replace the config's reports.coverage when given
    junit: tuple[str, ...]
    root: Path
    no_exec: bool
    # The change against the base (check only; docs/patch-coverage.md).
    diff_base: str | None = None
    diff: str | None = None
    baseline: str | None = None


def check_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options shared by check, explain and report, passed as one `inputs`."""

    @functools.wraps(func)
    def gathered(
        *args: Any,
        config: str | None,
        coverage: tuple[str, ...],
        junit: tuple[str, ...],
        root: Path,
        no_exec: bool,
        **kwargs: Any,
    ) -> Any:
        inputs = CheckInputs(config, coverage, junit, root, no_exec)
        return func(*args, inputs=inputs, **kwargs)

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
    command: Callable[..., Any] = gathered
    for option in reversed(options):
        command = option(command)
    return command


def change_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--diff-base, --diff and --baseline, folded into the command's `inputs`
    (put it below `check_options`, which makes `inputs`)."""

    @functools.wraps(func)
    def gathered(
        *args: Any,
        inputs: CheckInputs,
        diff_base: str | None,
        diff: str | None,
        baseline: str | None,
        **kwargs: Any,
    ) -> Any:
        change = inputs._replace(diff_base=diff_base, diff=diff, baseline=baseline)
        return func(*args, inputs=change, **kwargs)

    options = [
        click.option(
            "--diff-base", metavar="REF",
            help="Patch coverage of the changes since the merge base of REF and HEAD "
            "(git diff REF...HEAD in --root).",
        ),
        click.option(
            "--diff", metavar="FILE",
            help="Patch coverage of the changes in a unified diff FILE instead (no git needed).",
        ),
        click.option(
            "--baseline", metavar="FILE",
            help="The report JSON of the base commit: deltas, and the ratchet.",
        ),
    ]  # fmt: skip
    command: Callable[..., Any] = gathered
    for option in reversed(options):
        command = option(command)
    return command


def evidence_dir_option(func: F) -> F:
    """`--evidence-dir DIR`, shared by check and report."""
    option = click.option(
        "--evidence-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
        help="Also write the evidence package here: the report, the document, copies of the "
        "inputs and contract documents, per interaction its coverage, an HTML page and its "
        "tests; MANIFEST.json and SHA256SUMS list every file.",
    )  # fmt: skip
    return option(func)
