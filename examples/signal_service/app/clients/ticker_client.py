"""Ticker service client: historical closing prices and option moneyness.

Contract: ``GET /tickers/{symbol}/history?from=YYYY-MM-DD&to=YYYY-MM-DD``
answers ``{"symbol": "ACME", "prices": [{"date": "2024-05-02", "close": 101.5}, ...]}``.
Moneyness is computed here from the latest close, so signals and the SDK
agree on what "in the money" means.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from app.http import HttpClient, InvalidResponse

ATM_BAND = 0.01  # within 1% of the strike counts as at the money
LOOKBACK = timedelta(days=7)  # enough to reach the last close across weekends and holidays


class OptionType(enum.Enum):
    CALL = "call"
    PUT = "put"


class Moneyness(enum.Enum):
    IN_THE_MONEY = "ITM"
    AT_THE_MONEY = "ATM"
    OUT_OF_THE_MONEY = "OTM"


@dataclass(frozen=True)
class PricePoint:
    day: date
    close: float


def classify_moneyness(
    option: OptionType, strike: float, spot: float, band: float = ATM_BAND
) -> Moneyness:
    """Where ``spot`` stands against ``strike`` for a call or a put."""
    if strike <= 0 or spot <= 0:
        raise ValueError("strike and spot must be positive prices")
    distance = (spot - strike) / strike
    if abs(distance) <= band:
        return Moneyness.AT_THE_MONEY
    if option is OptionType.CALL:
        return Moneyness.IN_THE_MONEY if distance > 0 else Moneyness.OUT_OF_THE_MONEY
    return Moneyness.IN_THE_MONEY if distance < 0 else Moneyness.OUT_OF_THE_MONEY


class TickerClient:
    def __init__(self, http: HttpClient) -> None:
        self._http = http

    def history(self, symbol: str, start: date, end: date) -> list[PricePoint]:
        """Daily closes from ``start`` to ``end`` inclusive, oldest first."""
        if end < start:
            raise ValueError("end must not be before start")
        params = {"from": start.isoformat(), "to": end.isoformat()}
        payload = self._http.get_json(f"/tickers/{quote(symbol)}/history", params)
        if not isinstance(payload, dict) or not isinstance(payload.get("prices"), list):
            raise InvalidResponse(f"history of {symbol}: expected an object with 'prices'")
        return sorted((_price_point(row) for row in payload["prices"]), key=lambda p: p.day)

    def moneyness(self, symbol: str, option: OptionType, strike: float, as_of: date) -> Moneyness:
        """Moneyness of an option on ``symbol`` at the last close up to ``as_of``."""
        points = self.history(symbol, as_of - LOOKBACK, as_of)
        if not points:
            raise InvalidResponse(f"no closing price for {symbol} up to {as_of}")
        return classify_moneyness(option, strike, points[-1].close)


def _price_point(row: Any) -> PricePoint:
    try:
        return PricePoint(date.fromisoformat(row["date"]), float(row["close"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidResponse(f"bad price row {row!r}") from exc
