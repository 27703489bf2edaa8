"""Screener backend: the screener asks us to run a screen and takes the results back.

Contract: the screener backend calls ``POST /v1/screens`` with
``{"screen_id", "symbols": [...], "callback_url"}``; we answer 202 and later
``POST`` the matching signals to ``callback_url`` as ``{"screen_id", "signals": [...]}``.

Declared in signal-gate.yml as ``screener-backend`` but without evidence
tests yet, so the gate reports it as UNKNOWN: nothing proves it works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app.http import HttpClient

MAX_SYMBOLS = 500


class InvalidScreenRequest(ValueError):
    """The screener backend sent a request we cannot run; the message says why."""


@dataclass(frozen=True)
class ScreenRequest:
    screen_id: str
    symbols: tuple[str, ...]
    callback_url: str


def parse_screen_request(payload: Any) -> ScreenRequest:
    """Validate a screen request from the screener backend; ``InvalidScreenRequest`` says why."""
    if not isinstance(payload, dict):
        raise InvalidScreenRequest("screen request must be a JSON object")
    screen_id = payload.get("screen_id")
    symbols = payload.get("symbols")
    callback = payload.get("callback_url")
    if not isinstance(screen_id, str) or not screen_id:
        raise InvalidScreenRequest("screen_id is required")
    if not isinstance(symbols, list) or not 0 < len(symbols) <= MAX_SYMBOLS:
        raise InvalidScreenRequest(f"symbols must be a list of 1 to {MAX_SYMBOLS} symbols")
    if not isinstance(callback, str) or urlsplit(callback).scheme != "https":
        raise InvalidScreenRequest("callback_url must be an https URL")
    return ScreenRequest(screen_id, tuple(str(s).upper() for s in symbols), callback)


class ScreenerClient:
    """Posts screen results back to the screener backend."""

    def __init__(self, **http_options: Any) -> None:
        self._http_options = http_options

    def deliver(self, request: ScreenRequest, signals: Sequence[dict[str, Any]]) -> None:
        """POST the signals of a finished screen to the callback the screener gave us."""
        http = HttpClient(request.callback_url, **self._http_options)
        http.post_json("", {"screen_id": request.screen_id, "signals": list(signals)})
