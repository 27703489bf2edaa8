"""Fixtures shared by all tests: real HTTP servers on 127.0.0.1, never anything else.

``stub`` is a scripted peer service (config, ticker, marketplace, ...) for
the outbound clients; ``service`` is our own server for the inbound
endpoints. Both bind 127.0.0.1 on port 0 (the OS picks a free port), run in
a daemon thread and are shut down in the fixture's teardown, so tests never
touch the network and never fight over ports.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from app.api.automation import AutomationApi
from app.api.marketplace_events import MarketplaceEvents, Revocations
from app.api.monitoring import HealthCheck, MetricsRegistry
from app.api.sdk_streams import SignalHub
from app.server import App, create_server
from tests.support import (
    AUTOMATION_TOKEN,
    MARKETPLACE_WEBHOOK_SECRET,
    RunningService,
    StubService,
)


@pytest.fixture
def stub() -> Iterator[StubService]:
    service = StubService()
    service.start()
    yield service
    service.stop()


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A 127.0.0.1 URL where nothing listens: connecting fails at once (connection refused).

    The socket stays bound, not listening, for the whole test so no other
    process can take the port in between.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def sleeps() -> list[float]:
    """Pass ``sleep=sleeps.append`` to an HttpClient: backoffs are recorded, not waited."""
    return []


@pytest.fixture
def service() -> Iterator[RunningService]:
    """The signal service itself on 127.0.0.1:<free port>, with a fast stream heartbeat."""
    checks: dict[str, HealthCheck] = {}
    app = App(
        hub=SignalHub(),
        registry=MetricsRegistry(),
        automation=AutomationApi(AUTOMATION_TOKEN),
        health_checks=checks,
        heartbeat=0.05,
        marketplace=MarketplaceEvents(MARKETPLACE_WEBHOOK_SECRET, Revocations()),
    )
    server = create_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield RunningService(app, str(host), int(port), checks)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
