"""Evidence for sdk-signal-streams: Server-Sent Events to SDK clients, over real HTTP."""

from __future__ import annotations

import json

import pytest

from app.api.sdk_streams import SignalHub, SignalKind
from tests.support import RunningService


def read_stream(
    service: RunningService, path: str, headers: dict[str, str] | None = None
) -> tuple[int, str, list[str]]:
    """Status, content type and SSE blocks of a stream that ends by itself (``limit``)."""
    conn = service.connect()
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        text = response.read().decode()
        return response.status, response.getheader("Content-Type", ""), text.split("\n\n")[:-1]
    finally:
        conn.close()


def signal_ids(blocks: list[str]) -> list[int]:
    return [json.loads(block.split("data: ", 1)[1])["id"] for block in blocks if "data: " in block]


def test_signals_arrive_as_sse_events(service: RunningService) -> None:
    service.app.hub.publish("acme", SignalKind.BUY, 0.8)

    status, content_type, blocks = read_stream(service, "/v1/signals/stream?limit=1")

    assert (status, content_type) == (200, "text/event-stream")
    assert blocks == [
        "retry: 3000",
        'id: 1\nevent: signal\ndata: {"id":1,"symbol":"ACME","kind":"buy","strength":0.8}',
    ]


def test_reconnecting_sdk_gets_what_it_missed(service: RunningService) -> None:
    for strength in (0.1, 0.2, 0.3):
        service.app.hub.publish("ACME", SignalKind.SELL, strength)

    _, _, blocks = read_stream(service, "/v1/signals/stream?limit=2", {"Last-Event-ID": "1"})

    assert signal_ids(blocks) == [2, 3]


def test_only_the_symbols_asked_for(service: RunningService) -> None:
    for symbol in ("ACME", "BOLT", "CRUX", "ACME"):
        service.app.hub.publish(symbol, SignalKind.BUY, 0.5)

    _, _, blocks = read_stream(service, "/v1/signals/stream?symbols=acme,%20crux&limit=3")

    assert signal_ids(blocks) == [1, 3, 4]


def test_idle_stream_sends_heartbeats_until_a_live_signal(service: RunningService) -> None:
    conn = service.connect()
    try:
        conn.request("GET", "/v1/signals/stream?limit=1")
        response = conn.getresponse()
        assert response.readline() == b"retry: 3000\n"
        assert response.readline() == b"\n"
        # Nothing published yet: the service heartbeats every 0.05 s in tests.
        assert response.readline() == b": heartbeat\n"

        service.app.hub.publish("ACME", SignalKind.BUY, 0.9)
        rest = response.read().decode().split("\n\n")[:-1]
    finally:
        conn.close()

    assert signal_ids(rest) == [1]


@pytest.mark.parametrize(
    ("path", "headers", "error"),
    [
        ("/v1/signals/stream", {"Last-Event-ID": "abc"}, "Last-Event-ID"),
        ("/v1/signals/stream?limit=0", {}, "limit"),
    ],
)
def test_bad_parameters_are_a_400(
    service: RunningService, path: str, headers: dict[str, str], error: str
) -> None:
    result = service.request("GET", path, headers=headers)

    assert result.status == 400
    assert error in result.json()["error"]


def test_signal_strength_is_bounded() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        SignalHub().publish("ACME", SignalKind.BUY, 1.5)


def test_replay_buffer_is_bounded() -> None:
    hub = SignalHub(replay=2)
    for _ in range(3):
        hub.publish("ACME", SignalKind.BUY, 0.5)

    assert [signal.id for signal in hub.after(0, timeout=0)] == [2, 3]
