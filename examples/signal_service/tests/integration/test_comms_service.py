"""Evidence for comms-service: e-mail, SMS, and the e-mail -> SMS fallback.

Not yet proven: what happens when the SMS fallback fails too (the
``DeliveryFailed`` raised from the SMS branch of ``notify``), and a contact
with a phone but no e-mail address. Those gaps keep the interaction at
NEAR PRODUCTION READY in the demo.
"""

from __future__ import annotations

import pytest

from app.clients.comms_client import (
    SMS_LIMIT,
    Channel,
    CommsClient,
    Contact,
    Delivery,
    DeliveryFailed,
)
from app.http import HttpClient, InvalidResponse
from tests.support import Canned, StubService

ALICE = Contact(email="alice@example.com", phone="+15551234567")


@pytest.fixture
def client(stub: StubService) -> CommsClient:
    auth = {"Authorization": "Bearer comms-key"}
    return CommsClient(HttpClient(stub.url, headers=auth, max_retries=0))


def test_email_is_sent_with_the_api_key(stub: StubService, client: CommsClient) -> None:
    stub.reply("POST", "/email", Canned(202, {"id": "m-1"}))

    assert client.send_email("alice@example.com", "ACME", "buy signal") == "m-1"

    (sent,) = stub.requests
    assert sent.json() == {"to": "alice@example.com", "subject": "ACME", "body": "buy signal"}
    assert sent.headers["Authorization"] == "Bearer comms-key"


def test_invalid_email_address_costs_no_call(stub: StubService, client: CommsClient) -> None:
    with pytest.raises(ValueError, match="e-mail address"):
        client.send_email("alice", "s", "b")
    assert stub.requests == []


def test_long_sms_is_cut_to_one_segment(stub: StubService, client: CommsClient) -> None:
    stub.reply("POST", "/sms", Canned(202, {"id": "s-1"}))

    assert client.send_sms("+15551234567", "x" * 500) == "s-1"

    text = stub.requests[0].json()["text"]
    assert len(text) == SMS_LIMIT
    assert text.endswith("…")


def test_invalid_phone_number_costs_no_call(stub: StubService, client: CommsClient) -> None:
    with pytest.raises(ValueError, match=r"E\.164"):
        client.send_sms("555-1234", "hi")
    assert stub.requests == []


def test_answer_without_message_id_breaks_the_contract(
    stub: StubService, client: CommsClient
) -> None:
    stub.reply("POST", "/email", Canned(202, {"queued": True}))

    with pytest.raises(InvalidResponse, match="message 'id'"):
        client.send_email("alice@example.com", "s", "b")


def test_notify_prefers_email(stub: StubService, client: CommsClient) -> None:
    stub.reply("POST", "/email", Canned(202, {"id": "m-1"}))

    assert client.notify(ALICE, "ACME", "buy") == Delivery(Channel.EMAIL, "m-1")
    assert stub.calls("POST", "/sms") == []


def test_notify_falls_back_to_sms_when_email_fails(stub: StubService, client: CommsClient) -> None:
    stub.reply("POST", "/email", Canned(503))
    stub.reply("POST", "/sms", Canned(202, {"id": "s-1"}))

    assert client.notify(ALICE, "ACME", "buy") == Delivery(Channel.SMS, "s-1")
    assert stub.calls("POST", "/sms")[0].json()["text"] == "ACME: buy"


def test_notify_without_a_phone_to_fall_back_to(stub: StubService, client: CommsClient) -> None:
    stub.reply("POST", "/email", Canned(503))

    with pytest.raises(DeliveryFailed, match="no phone"):
        client.notify(Contact(email="alice@example.com"), "ACME", "buy")
