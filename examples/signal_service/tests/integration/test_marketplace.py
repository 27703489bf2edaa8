"""Evidence for marketplace: entitlements and watermarking, failing secure."""

from __future__ import annotations

import pytest

from app.clients.marketplace_client import Entitlement, MarketplaceClient
from app.http import HttpClient, InvalidResponse, ResponseError
from tests.support import Canned, StubService

PATH = "/entitlements/u-1/pro-signals"
ENTITLED = {"entitled": True, "tier": "pro", "watermark": "wm-u1-7f3a"}
SIGNAL = {"symbol": "ACME", "kind": "buy"}


def marketplace(url: str, sleeps: list[float]) -> MarketplaceClient:
    auth = {"Authorization": "Bearer mkt-key"}
    return MarketplaceClient(HttpClient(url, headers=auth, sleep=sleeps.append))


class TestEntitlements:
    def test_confirmed_entitlement(self, stub: StubService, sleeps: list[float]) -> None:
        stub.reply("GET", PATH, Canned(200, ENTITLED))
        client = marketplace(stub.url, sleeps)

        assert client.entitlement("u-1", "pro-signals") == Entitlement(True, "pro", "wm-u1-7f3a")
        assert client.is_entitled("u-1", "pro-signals")
        assert stub.requests[0].headers["Authorization"] == "Bearer mkt-key"

    def test_never_bought_is_not_entitled(self, stub: StubService, sleeps: list[float]) -> None:
        assert not marketplace(stub.url, sleeps).is_entitled("u-1", "pro-signals")  # 404

    @pytest.mark.parametrize("flag", ["true", 1, None])
    def test_only_a_literal_true_entitles(
        self, stub: StubService, sleeps: list[float], flag: object
    ) -> None:
        stub.reply("GET", PATH, Canned(200, {"entitled": flag, "tier": "", "watermark": 5}))

        assert marketplace(stub.url, sleeps).entitlement("u-1", "pro-signals") == Entitlement(
            False, None, None
        )

    def test_malformed_answer_is_an_error(self, stub: StubService, sleeps: list[float]) -> None:
        stub.reply("GET", PATH, Canned(200, [ENTITLED]))

        with pytest.raises(InvalidResponse):
            marketplace(stub.url, sleeps).entitlement("u-1", "pro-signals")

    def test_refusal_is_an_error_not_a_no(self, stub: StubService, sleeps: list[float]) -> None:
        stub.reply("GET", PATH, Canned(401))

        with pytest.raises(ResponseError):
            marketplace(stub.url, sleeps).entitlement("u-1", "pro-signals")


class TestWatermarkFailSecure:
    def test_entitled_user_gets_the_payload_with_their_watermark(
        self, stub: StubService, sleeps: list[float]
    ) -> None:
        stub.reply("GET", PATH, Canned(200, ENTITLED))

        stamped = marketplace(stub.url, sleeps).watermark("u-1", "pro-signals", SIGNAL)

        assert stamped == {**SIGNAL, "watermark": "wm-u1-7f3a"}

    def test_unreachable_marketplace_withholds_the_payload(
        self, refused_url: str, sleeps: list[float]
    ) -> None:
        client = marketplace(refused_url, sleeps)

        assert client.watermark("u-1", "pro-signals", SIGNAL) is None
        assert not client.is_entitled("u-1", "pro-signals")

    def test_failing_marketplace_withholds_the_payload(
        self, stub: StubService, sleeps: list[float]
    ) -> None:
        stub.reply("GET", PATH, Canned(503))

        assert marketplace(stub.url, sleeps).watermark("u-1", "pro-signals", SIGNAL) is None

    def test_not_entitled_user_gets_nothing(self, stub: StubService, sleeps: list[float]) -> None:
        stub.reply("GET", PATH, Canned(200, {**ENTITLED, "entitled": False}))

        assert marketplace(stub.url, sleeps).watermark("u-1", "pro-signals", SIGNAL) is None

    def test_no_watermark_means_no_payload(self, stub: StubService, sleeps: list[float]) -> None:
        stub.reply("GET", PATH, Canned(200, {"entitled": True, "tier": "pro"}))

        assert marketplace(stub.url, sleeps).watermark("u-1", "pro-signals", SIGNAL) is None
