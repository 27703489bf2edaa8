"""Evidence for metrics-sidecar: batching, background flush, and never breaking a request."""

from __future__ import annotations

import time

import pytest

from app.clients import metrics_client
from app.clients.metrics_client import MetricsClient
from app.http import HttpClient
from tests.support import Canned, StubService


@pytest.fixture
def client(stub: StubService) -> MetricsClient:
    stub.reply("POST", "/v1/metrics", Canned(202))
    return MetricsClient.from_env(stub.url, {"METRICS_API_KEY": "sidecar-key"}, max_retries=0)


def test_flush_sends_one_batch_with_the_api_key(stub: StubService, client: MetricsClient) -> None:
    client.increment("signals.published", kind="buy")
    client.gauge("streams.open", 3)

    assert client.flush()

    (sent,) = stub.requests
    assert sent.headers["X-Api-Key"] == "sidecar-key"
    assert sent.json() == {
        "metrics": [
            {"name": "signals.published", "type": "counter", "value": 1, "tags": {"kind": "buy"}},
            {"name": "streams.open", "type": "gauge", "value": 3, "tags": {}},
        ]
    }
    assert client.buffered == 0


def test_nothing_buffered_costs_no_call(stub: StubService, client: MetricsClient) -> None:
    assert client.flush()
    assert stub.requests == []


def test_sidecar_down_keeps_the_points_and_never_raises(refused_url: str) -> None:
    client = MetricsClient(HttpClient(refused_url, max_retries=0))
    client.increment("signals.published")

    assert client.flush() is False
    assert client.buffered == 1
    assert client.dropped == 0


def test_buffer_is_bounded_while_the_sidecar_is_down(
    refused_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics_client, "MAX_BUFFER", 3)
    client = MetricsClient(HttpClient(refused_url, max_retries=0))
    for value in range(5):
        client.gauge("queue.depth", value)
    client.flush()

    assert client.buffered == 3
    assert client.dropped == 2


def test_invalid_metric_name_is_a_programming_error(client: MetricsClient) -> None:
    with pytest.raises(ValueError, match="not a metric name"):
        client.increment("Signals Published")


def test_background_flush_until_stopped(stub: StubService, client: MetricsClient) -> None:
    stop = client.start(interval=0.02)
    client.increment("signals.published")
    deadline = time.monotonic() + 5
    while not stub.requests and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stub.requests, "the background thread never flushed"

    client.increment("signals.published", 2)
    stop()  # flushes what is left

    sent = [point["value"] for request in stub.requests for point in request.json()["metrics"]]
    assert sent == [1, 2]
    assert client.buffered == 0
