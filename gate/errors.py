"""One error hierarchy. The core raises these; only the CLI turns them into exit codes.

Each error may carry a hint: what to do about it, printed on its own line.
"""

from __future__ import annotations


class GateError(Exception):
    """Anything that stops the gate from reaching a verdict: exit code 2."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message}\nhint: {self.hint}"


class ConfigError(GateError):
    """The config file is missing, unreadable or does not match the schema."""


class InputError(GateError):
    """A coverage or test report is missing, unreadable, hostile or of no known format."""


class UsageError(GateError):
    """The command line asks for something impossible."""
