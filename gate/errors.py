"""One error hierarchy. The core raises these; only the CLI turns them into exit codes.

Each error carries a short slug (as coverage.py does) so a message can point at
the part of the documentation that explains it.
"""

from __future__ import annotations


class GateError(Exception):
    """Anything that stops the gate from reaching a verdict: exit code 2."""

    slug = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message}\nhint: {self.hint}"


class ConfigError(GateError):
    """The config file is missing, unreadable or does not match the schema."""

    slug = "config"


class InputError(GateError):
    """A coverage or test report is missing, unreadable, hostile or of no known format."""

    slug = "input"


class UsageError(GateError):
    """The command line asks for something impossible."""

    slug = "usage"
