"""The HTTP front door itself: routing, CORS, body limits, no tracebacks.

Not evidence of any one interaction; the inbound interactions are proven by
their own tests in tests/integration.
"""

from __future__ import annotations

from dataclasses import fields

import pytest

from app.api.automation import AutomationApi
from app.api.marketplace_events import Revocations
from app.clients.config_client import Bootstrap
from app.server import MAX_BODY, REQUIRED_CONFIG, build_app, build_clients
from app.settings import Settings
from tests.support import AUTOMATION_TOKEN, Canned, RunningService, StubService

ALLOWED = "https://app.signal.example"


class ExplodingAutomation(AutomationApi):
    def handle(self, *args: object) -> object:  # type: ignore[override]
        raise RuntimeError("secret internals: /srv/app/db.py line 42")


def test_unknown_path_is_404(service: RunningService) -> None:
    assert service.request("GET", "/nope").status == 404


def test_only_get_outside_automation(service: RunningService) -> None:
    assert service.request("POST", "/health", body={}).status == 405


def test_cors_echoes_an_allowed_origin_only(service: RunningService) -> None:
    allowed = service.request("GET", "/health", headers={"Origin": ALLOWED})
    other = service.request("GET", "/health", headers={"Origin": "https://evil.example"})

    assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert allowed.headers["Vary"] == "Origin"
    assert "Access-Control-Allow-Origin" not in other.headers


@pytest.mark.parametrize(("origin", "status"), [(ALLOWED, 204), ("https://evil.example", 403)])
def test_preflight(service: RunningService, origin: str, status: int) -> None:
    result = service.request("OPTIONS", "/v1/automation/rules", headers={"Origin": origin})

    assert result.status == status


def test_oversized_body_is_refused_unread(service: RunningService) -> None:
    conn = service.connect()
    try:
        conn.putrequest("POST", "/v1/automation/rules")
        conn.putheader("Content-Length", str(MAX_BODY + 1))
        conn.endheaders()
        assert conn.getresponse().status == 413
    finally:
        conn.close()


@pytest.mark.parametrize("length", ["-5", "ten"])
def test_malformed_content_length_is_a_400(service: RunningService, length: str) -> None:
    conn = service.connect()
    try:
        conn.putrequest("POST", "/v1/automation/rules")
        conn.putheader("Content-Length", length)
        conn.endheaders()
        assert conn.getresponse().status == 400
    finally:
        conn.close()


def test_header_names_are_case_insensitive(service: RunningService) -> None:
    headers = {"x-automation-token": AUTOMATION_TOKEN}

    assert service.request("GET", "/v1/automation/rules", headers=headers).status == 200


def test_unexpected_error_is_a_bare_500(service: RunningService) -> None:
    service.app.automation = ExplodingAutomation("t")

    result = service.request("GET", "/v1/automation/rules")

    assert result.status == 500
    assert result.json() == {"error": "internal error"}
    assert b"secret internals" not in result.body


def settings_for(url: str) -> Settings:
    """Settings whose every peer is ``url`` (one stub plays all of them)."""
    return Settings(
        **{
            field.name: url if field.name.endswith("_url") else f"{field.name}-value"
            for field in fields(Settings)
        }
    )


def test_build_app_reports_config_health(stub: StubService) -> None:
    settings = settings_for(stub.url)
    revocations = Revocations()
    clients = build_clients(settings, revocations)
    bootstrap = Bootstrap(dict.fromkeys(REQUIRED_CONFIG, 1), {})
    complete = build_app(settings, bootstrap, clients, revocations)
    partial = build_app(settings, Bootstrap({}, {}), clients, revocations)

    assert complete.health_checks["config"]()
    assert not partial.health_checks["config"]()


def test_clients_carry_the_secrets_from_settings(stub: StubService) -> None:
    clients = build_clients(settings_for(stub.url), Revocations())
    stub.reply("GET", "/entitlements/u-1/pro", Canned(200, {"entitled": True}))
    stub.reply("GET", "/users/u-1/acl", Canned(200, {"user_id": "u-1"}))

    assert clients.marketplace.is_entitled("u-1", "pro")
    clients.users.acl("u-1")

    marketplace_call, users_call = stub.requests
    assert marketplace_call.headers["Authorization"] == "Bearer marketplace_api_key-value"
    assert users_call.headers["X-Gateway-Token"] == "gateway_token-value"


def test_a_fired_rule_sends_an_alert(stub: StubService) -> None:
    stub.reply("POST", "/alerts", Canned(201))
    settings = settings_for(stub.url)
    revocations = Revocations()
    app = build_app(settings, Bootstrap({}, {}), build_clients(settings, revocations), revocations)
    auth = {"x-automation-token": settings.automation_token}
    app.automation.handle(
        "POST",
        "/v1/automation/rules",
        auth,
        b'{"symbol": "ACME", "condition": "above", "threshold": 100}',
    )

    app.automation.handle("POST", "/v1/automation/rules/r1/trigger", auth, b'{"price": 101}')

    (alert,) = stub.calls("POST", "/alerts")
    assert alert.json() == {
        "rule_id": "r1",
        "symbol": "ACME",
        "severity": "warning",
        "message": "ACME above 100.0: 101.0",
    }
