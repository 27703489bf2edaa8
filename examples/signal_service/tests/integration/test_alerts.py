"""Evidence for alert-service: delivery with idempotency keys and a bounded outbox.

``test_gives_up_after_three_delivery_attempts`` FAILS ON PURPOSE: the outbox
in app/clients/alert_client.py has an off-by-one (``>`` instead of ``>=``)
and tries a dead alert service four times. The bug is left in so the
signal-gate demo shows what a failing evidence test does to an interaction.
"""

from __future__ import annotations

import pytest

from app.clients.alert_client import (
    MAX_DELIVERY_ATTEMPTS,
    Alert,
    AlertClient,
    FlushResult,
    Severity,
)
from app.http import HttpClient
from tests.support import Canned, StubService

ALERT = Alert("r1", "ACME", Severity.WARNING, "ACME above 105")


@pytest.fixture
def client(stub: StubService) -> AlertClient:
    return AlertClient(HttpClient(stub.url, max_retries=0))


class TestAlertDelivery:
    def test_alert_is_posted_with_a_stable_idempotency_key(
        self, stub: StubService, client: AlertClient
    ) -> None:
        stub.reply("POST", "/alerts", Canned(201, {"id": "a-1"}))

        assert client.send(ALERT)

        (sent,) = stub.requests
        assert sent.json() == {
            "rule_id": "r1",
            "symbol": "ACME",
            "severity": "warning",
            "message": "ACME above 105",
        }
        assert sent.headers["Idempotency-Key"] == ALERT.key
        assert Alert("r1", "ACME", Severity.WARNING, "ACME above 105").key == ALERT.key
        assert client.pending == 0

    def test_conflict_means_an_earlier_attempt_got_through(
        self, stub: StubService, client: AlertClient
    ) -> None:
        stub.reply("POST", "/alerts", Canned(409))

        assert client.send(ALERT)
        assert client.pending == 0

    def test_rejected_alert_is_dropped_without_retry(
        self, stub: StubService, client: AlertClient
    ) -> None:
        stub.reply("POST", "/alerts", Canned(422, {"error": "unknown rule"}))

        assert not client.send(ALERT)
        assert client.dropped == [ALERT]
        assert client.flush() == FlushResult(delivered=0, pending=0, dropped=0)
        assert len(stub.requests) == 1

    def test_outage_keeps_the_alert_and_flush_delivers_it(
        self, stub: StubService, client: AlertClient
    ) -> None:
        stub.reply("POST", "/alerts", Canned(500), Canned(201, {"id": "a-1"}))

        assert not client.send(ALERT)
        assert client.pending == 1
        assert client.flush() == FlushResult(delivered=1, pending=0, dropped=0)
        keys = {request.headers["Idempotency-Key"] for request in stub.requests}
        assert keys == {ALERT.key}  # the retry cannot create a second alert

    def test_alert_rejected_on_retry_is_dropped(
        self, stub: StubService, client: AlertClient
    ) -> None:
        stub.reply("POST", "/alerts", Canned(503), Canned(400))

        client.send(ALERT)
        assert client.flush() == FlushResult(delivered=0, pending=0, dropped=1)
        assert client.dropped == [ALERT]

    def test_gives_up_after_three_delivery_attempts(
        self, stub: StubService, client: AlertClient
    ) -> None:
        stub.reply("POST", "/alerts", Canned(503))

        client.send(ALERT)
        while client.pending:
            client.flush()

        attempts = len(stub.requests)
        assert client.dropped == [ALERT]
        assert attempts == MAX_DELIVERY_ATTEMPTS

    def test_helper_retries_must_be_off(self, stub: StubService) -> None:
        with pytest.raises(ValueError, match="max_retries=0"):
            AlertClient(HttpClient(stub.url))
