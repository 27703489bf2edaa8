"""Evidence for instrument-service: instrument lookup and search."""

from __future__ import annotations

import pytest

from app.clients.instrument_client import Instrument, InstrumentClient
from app.http import HttpClient, InvalidResponse, ResponseError
from tests.support import Canned, StubService

ACME = {
    "symbol": "ACME",
    "name": "Acme Corp",
    "exchange": "XNAS",
    "currency": "USD",
    "tick_size": 0.01,
    "tradable": True,
}
ACME_INSTRUMENT = Instrument("ACME", "Acme Corp", "XNAS", "USD", 0.01, True)


@pytest.fixture
def client(stub: StubService) -> InstrumentClient:
    return InstrumentClient(HttpClient(stub.url, max_retries=0))


def test_lookup(stub: StubService, client: InstrumentClient) -> None:
    stub.reply("GET", "/instruments/ACME", Canned(200, ACME))

    assert client.get("ACME") == ACME_INSTRUMENT


def test_unknown_symbol_is_none(client: InstrumentClient) -> None:
    assert client.get("NOPE") is None  # the stub answers 404


def test_an_outage_is_not_an_unknown_symbol(stub: StubService, client: InstrumentClient) -> None:
    stub.reply("GET", "/instruments/ACME", Canned(500))

    with pytest.raises(ResponseError):
        client.get("ACME")


def test_invalid_symbol_is_rejected_before_any_call(
    stub: StubService, client: InstrumentClient
) -> None:
    with pytest.raises(ValueError, match="not a symbol"):
        client.get("../admin")
    assert stub.requests == []


def test_only_a_literal_true_is_tradable(stub: StubService, client: InstrumentClient) -> None:
    stub.reply("GET", "/instruments/ACME", Canned(200, {**ACME, "tradable": "yes"}))

    instrument = client.get("ACME")

    assert instrument is not None
    assert instrument.tradable is False


def test_instrument_missing_a_field_breaks_the_contract(
    stub: StubService, client: InstrumentClient
) -> None:
    stub.reply("GET", "/instruments/ACME", Canned(200, {"symbol": "ACME"}))

    with pytest.raises(InvalidResponse, match="bad instrument"):
        client.get("ACME")


def test_search(stub: StubService, client: InstrumentClient) -> None:
    stub.reply("GET", "/instruments", Canned(200, {"results": [ACME]}))

    assert client.search("  acme ") == [ACME_INSTRUMENT]
    assert stub.requests[0].query == {"q": ["acme"], "limit": ["20"]}


@pytest.mark.parametrize(("asked", "sent"), [(0, "1"), (5000, "100")])
def test_search_page_size_is_clamped(
    stub: StubService, client: InstrumentClient, asked: int, sent: str
) -> None:
    stub.reply("GET", "/instruments", Canned(200, {"results": []}))

    assert client.search("acme", limit=asked) == []
    assert stub.requests[0].query["limit"] == [sent]


def test_blank_search_costs_no_call(stub: StubService, client: InstrumentClient) -> None:
    assert client.search("   ") == []
    assert stub.requests == []


def test_search_answer_without_results_breaks_the_contract(
    stub: StubService, client: InstrumentClient
) -> None:
    stub.reply("GET", "/instruments", Canned(200, {"items": []}))

    with pytest.raises(InvalidResponse, match="'results'"):
        client.search("acme")
