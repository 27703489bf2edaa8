"""The one place errors become exit codes, and where a command gets its settings.

Exit codes (docs/cli.md): 0 the gate passed, 1 it failed, 2 usage, config or input
error; 130 and 143 when SIGINT or SIGTERM stopped it (128 + the signal's number, as
shells report it), never 1, which would say the gate failed. Kept light (click and
gate.errors only): every command module imports it, and `signal-gate --help` imports
every command module.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import io
import signal
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import click

from gate.errors import GateError
from gate.text import terminal_text

if TYPE_CHECKING:
    from gate.cli.settings import RunSettings

F = TypeVar("F", bound=Callable[..., Any])

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
EXIT_SIGINT, EXIT_SIGTERM = 128 + signal.SIGINT, 128 + signal.SIGTERM


class Terminated(BaseException):
    """SIGTERM arrived. Raised from the handler so that it unwinds the stack like
    KeyboardInterrupt does: every `finally` runs (a running command's processes are
    killed, temporary outputs removed) and no `except Exception` swallows it."""


def _terminate(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one is enough: let the cleanup run
    raise Terminated


def handle_errors(func: F) -> F:
    """Read the run settings, then run the command: a GateError becomes a
    one-paragraph message on stderr and exit code 2, and so does any other
    exception (with its traceback when SIGNAL_GATE_DEBUG is set); SIGINT and
    SIGTERM unwind the command (temporaries removed) and exit 130 and 143."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = False
        utf8_output()
        with _sigterm_raises():
            try:
                debug = run_settings().debug
                return func(*args, **kwargs)
            except GateError as exc:
                click.echo(f"signal-gate: error: {terminal_text(str(exc))}", err=True)
                sys.exit(EXIT_ERROR)
            except (KeyboardInterrupt, Terminated) as stop:
                name = "SIGINT" if isinstance(stop, KeyboardInterrupt) else "SIGTERM"
                click.echo(f"signal-gate: stopped by {name}; outputs are written whole or not "
                           "at all", err=True)  # fmt: skip
                sys.exit(EXIT_SIGINT if name == "SIGINT" else EXIT_SIGTERM)
            except (click.exceptions.Exit, click.ClickException, SystemExit):
                raise
            except Exception as exc:
                if debug:
                    raise
                problem = terminal_text(str(exc))
                click.echo(
                    f"signal-gate: internal error: {type(exc).__name__}: {problem}\n"
                    "hint: set SIGNAL_GATE_DEBUG=1 for the traceback and report it as a bug",
                    err=True,
                )
                sys.exit(EXIT_ERROR)

    return wrapper  # type: ignore[return-value]


def utf8_output() -> None:
    """Standard output and error encode UTF-8, whatever the locale says. A report holds
    any character (the Markdown's ❌, names in any script) and a Windows code page such
    as cp1252 cannot encode them: printing one would end the run. CI logs are read as
    UTF-8, and Python 3.15 makes it the default everywhere (PEP 686)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and codecs.lookup(stream.encoding).name != "utf-8":
            stream.reconfigure(encoding="utf-8")


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM raises Terminated inside the block (main thread only: elsewhere Python
    allows no handler), and is handled as before after it."""
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def with_settings(func: Callable[..., Any]) -> Callable[..., Any]:
    """Pass the invocation's RunSettings as the command's first argument (like
    click's pass_obj, without importing the settings before the command runs)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(run_settings(), *args, **kwargs)

    return wrapper


def run_settings() -> RunSettings:
    """This invocation's settings, read on first use and kept on the root context."""
    from gate.cli.settings import RunSettings, read_settings

    root = click.get_current_context().find_root()
    if not isinstance(root.obj, RunSettings):
        root.obj = read_settings()
    return root.obj
