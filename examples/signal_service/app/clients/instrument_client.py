"""Instrument service client: reference data for the symbols we emit signals on.

Contract: ``GET /instruments/{symbol}`` answers one instrument object,
``GET /instruments?q=...&limit=N`` answers ``{"results": [instrument, ...]}``;
an instrument is ``{"symbol", "name", "exchange", "currency", "tick_size", "tradable"}``.
An unknown symbol is a 404 and means "no such instrument", not an outage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.http import HttpClient, InvalidResponse, ResponseError

SYMBOL = re.compile(r"[A-Z0-9.]{1,12}")
MAX_RESULTS = 100  # the instrument service rejects larger pages


@dataclass(frozen=True)
class Instrument:
    symbol: str
    name: str
    exchange: str
    currency: str
    tick_size: float
    tradable: bool


class InstrumentClient:
    def __init__(self, http: HttpClient) -> None:
        self._http = http

    def get(self, symbol: str) -> Instrument | None:
        """The instrument for ``symbol``, or ``None`` when the service does not know it."""
        if not SYMBOL.fullmatch(symbol):
            raise ValueError(f"not a symbol: {symbol!r}")
        try:
            return parse_instrument(self._http.get_json(f"/instruments/{symbol}"))
        except ResponseError as exc:
            if exc.status == 404:
                return None
            raise

    def search(self, query: str, limit: int = 20) -> list[Instrument]:
        """Instruments matching ``query``; a blank query matches nothing and costs no call."""
        if not query.strip():
            return []
        params = {"q": query.strip(), "limit": str(max(1, min(limit, MAX_RESULTS)))}
        payload = self._http.get_json("/instruments", params)
        if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
            raise InvalidResponse("instrument search: expected an object with 'results'")
        return [parse_instrument(raw) for raw in payload["results"]]


def parse_instrument(raw: Any) -> Instrument:
    """An ``Instrument`` from its JSON form; ``InvalidResponse`` when a field is missing."""
    try:
        return Instrument(
            symbol=str(raw["symbol"]),
            name=str(raw["name"]),
            exchange=str(raw["exchange"]),
            currency=str(raw["currency"]),
            tick_size=float(raw["tick_size"]),
            tradable=raw["tradable"] is True,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidResponse(f"bad instrument {raw!r}: {exc}") from exc
