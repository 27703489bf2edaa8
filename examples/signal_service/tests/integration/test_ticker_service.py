"""Evidence for ticker-service: price history and moneyness.

Only the happy paths are proven so far: the put side, the at-the-money band
and the invalid-price edge cases of ``classify_moneyness`` have no test yet,
which is why the gate reports this interaction as REQUIRES ATTENTION.
"""

from __future__ import annotations

from datetime import date

from app.clients.ticker_client import Moneyness, OptionType, PricePoint, TickerClient
from app.http import HttpClient
from tests.support import Canned, StubService

HISTORY = {
    "symbol": "ACME",
    "prices": [
        {"date": "2024-05-03", "close": 104.0},
        {"date": "2024-05-02", "close": 101.5},
    ],
}


def test_history_is_sorted_oldest_first(stub: StubService) -> None:
    stub.reply("GET", "/tickers/ACME/history", Canned(200, HISTORY))
    client = TickerClient(HttpClient(stub.url))

    points = client.history("ACME", date(2024, 5, 1), date(2024, 5, 3))

    assert points == [PricePoint(date(2024, 5, 2), 101.5), PricePoint(date(2024, 5, 3), 104.0)]
    assert stub.requests[0].query == {"from": ["2024-05-01"], "to": ["2024-05-03"]}


def test_call_above_the_strike_is_in_the_money(stub: StubService) -> None:
    stub.reply("GET", "/tickers/ACME/history", Canned(200, HISTORY))
    client = TickerClient(HttpClient(stub.url))

    assert client.moneyness("ACME", OptionType.CALL, 100.0, date(2024, 5, 3)) is (
        Moneyness.IN_THE_MONEY
    )
    assert stub.requests[0].query == {"from": ["2024-04-26"], "to": ["2024-05-03"]}
