"""SIGTERM inside a command (gate/cli/guard.py): it unwinds like KeyboardInterrupt, and a
second one does not interrupt the cleanup. The end-to-end runs are in test_cli_outputs."""

from __future__ import annotations

import signal

import pytest

from gate.cli.guard import EXIT_SIGINT, EXIT_SIGTERM, Terminated, _terminate


def test_exit_codes_are_128_plus_the_signal() -> None:
    assert (EXIT_SIGINT, EXIT_SIGTERM) == (130, 143)


def test_the_first_sigterm_raises_and_the_next_ones_wait() -> None:
    previous = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(Terminated):
            _terminate(signal.SIGTERM, None)
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
        assert not issubclass(Terminated, Exception)  # no `except Exception` swallows it
    finally:
        signal.signal(signal.SIGTERM, previous)
