"""Evidence for marketplace, both ways: entitlements and watermarking, failing
secure; and the revocations the marketplace posts to us."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from app.api.marketplace_events import PATH as PATH_EVENTS
from app.api.marketplace_events import (
    REVOKED,
    SIGNATURE_HEADER,
    MarketplaceEvents,
    Revocations,
)
from app.clients.marketplace_client import Entitlement, MarketplaceClient
from app.http import HttpClient, InvalidResponse, ResponseError
from tests.support import MARKETPLACE_WEBHOOK_SECRET as WEBHOOK_SECRET
from tests.support import Canned, RunningService, StubService

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


class TestRevocationEvents:
    """The marketplace's side of the conversation: it tells us when an entitlement ends."""

    def test_a_signed_revocation_denies_at_once(
        self, stub: StubService, sleeps: list[float]
    ) -> None:
        stub.reply("GET", PATH, Canned(200, ENTITLED))
        revocations = Revocations()
        events = MarketplaceEvents(WEBHOOK_SECRET, revocations)
        client = MarketplaceClient(HttpClient(stub.url, sleep=sleeps.append), revocations)
        assert client.is_entitled("u-1", "pro-signals")

        body = json.dumps({"type": REVOKED, "user_id": "u-1", "product": "pro-signals"}).encode()
        assert events.handle("POST", signed(body), body).status == 204

        assert not client.is_entitled("u-1", "pro-signals")
        assert client.watermark("u-1", "pro-signals", SIGNAL) is None
        assert len(stub.calls("GET", PATH)) == 1  # a revoked user is not asked about again
        revocations.restore("u-1", "pro-signals")
        assert client.is_entitled("u-1", "pro-signals")

    @pytest.mark.parametrize(
        "headers",
        [{}, {SIGNATURE_HEADER: "sha256=00"}, {SIGNATURE_HEADER: "deadbeef"}],
    )
    def test_an_unsigned_event_changes_nothing(self, headers: dict[str, str]) -> None:
        revocations = Revocations()
        body = json.dumps({"type": REVOKED, "user_id": "u-1", "product": "p"}).encode()
        reply = MarketplaceEvents(WEBHOOK_SECRET, revocations).handle("POST", headers, body)
        assert reply.status == 401
        assert ("u-1", "p") not in revocations

    @pytest.mark.parametrize(
        ("body", "status"),
        [
            (b"not json", 400),
            (b"[]", 400),
            (b'{"type": "entitlement.revoked", "user_id": "", "product": "p"}', 400),
            (b'{"type": "entitlement.renewed", "user_id": "u-1", "product": "p"}', 202),
        ],
    )
    def test_what_is_not_a_revocation(self, body: bytes, status: int) -> None:
        events = MarketplaceEvents(WEBHOOK_SECRET, Revocations())
        assert events.handle("POST", signed(body), body).status == status

    def test_only_post(self) -> None:
        events = MarketplaceEvents(WEBHOOK_SECRET, Revocations())
        assert events.handle("GET", {}, b"").status == 405

    def test_the_route_is_served(self, service: RunningService) -> None:
        body = json.dumps({"type": REVOKED, "user_id": "u-9", "product": "p"}).encode()
        result = service.request("POST", PATH_EVENTS, raw=body, headers=signed(body))
        assert result.status == 204
        assert service.app.marketplace is not None
        assert ("u-9", "p") in service.app.marketplace.revocations


def signed(body: bytes) -> dict[str, str]:
    digest = hmac.new(WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {SIGNATURE_HEADER: f"sha256={digest}"}
