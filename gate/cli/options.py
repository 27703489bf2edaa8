"""The options `check`, `explain` and `report` share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


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
