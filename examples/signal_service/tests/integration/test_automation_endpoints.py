"""Evidence for automation-endpoints: rule management for ops tooling, token-protected."""

from __future__ import annotations

import pytest

from app.api.automation import AUTH_HEADER, AutomationApi
from tests.support import ApiResult, RunningService

RULES = "/v1/automation/rules"
ACME_ABOVE = {"symbol": " acme ", "condition": "above", "threshold": 105}


def create(service: RunningService, rule: dict[str, object]) -> ApiResult:
    return service.automation("POST", RULES, rule)


class TestAuthentication:
    @pytest.mark.parametrize("headers", [{}, {AUTH_HEADER: "guess"}])
    def test_missing_or_wrong_token_is_401(
        self, service: RunningService, headers: dict[str, str]
    ) -> None:
        result = service.request("GET", RULES, headers=headers)

        assert result.status == 401
        assert service.app.automation.store.all() == []

    def test_endpoints_cannot_run_without_a_configured_token(self) -> None:
        with pytest.raises(ValueError, match="need a token"):
            AutomationApi("")


class TestRules:
    def test_create_and_list(self, service: RunningService) -> None:
        created = create(service, ACME_ABOVE)

        assert created.status == 201
        rule = {
            "id": "r1",
            "symbol": "ACME",
            "condition": "above",
            "threshold": 105.0,
            "enabled": True,
        }
        assert created.json() == rule
        assert service.automation("GET", RULES).json() == {"rules": [rule]}

    @pytest.mark.parametrize(
        ("raw", "error"),
        [
            (b"{not json", "not JSON"),
            (b"[1, 2]", "JSON object"),
            (b'{"condition": "above", "threshold": 1}', "symbol is required"),
            (b'{"symbol": "ACME", "condition": "sideways", "threshold": 1}', "Condition"),
            (b'{"symbol": "ACME", "condition": "below", "threshold": true}', "threshold"),
        ],
    )
    def test_malformed_rule_is_a_400_saying_why(
        self, service: RunningService, raw: bytes, error: str
    ) -> None:
        result = service.automation("POST", RULES, raw=raw)

        assert result.status == 400
        assert error in result.json()["error"]

    @pytest.mark.parametrize(
        ("condition", "price", "fired"),
        [
            ("above", 106, True),
            ("above", 105, False),
            ("below", 104.5, True),
            ("below", 105, False),
        ],
    )
    def test_trigger_evaluates_the_condition(
        self, service: RunningService, condition: str, price: float, fired: bool
    ) -> None:
        create(service, {"symbol": "ACME", "condition": condition, "threshold": 105})

        result = service.automation("POST", f"{RULES}/r1/trigger", {"price": price})

        assert result.status == 200
        assert result.json() == {"rule_id": "r1", "fired": fired}

    def test_trigger_needs_a_price(self, service: RunningService) -> None:
        create(service, ACME_ABOVE)

        result = service.automation("POST", f"{RULES}/r1/trigger", {"price": "high"})

        assert result.status == 400
        assert result.json() == {"error": "price must be a number"}

    def test_only_a_fired_rule_is_passed_on(self) -> None:
        fired: list[tuple[str, float]] = []
        api = AutomationApi("t", on_fire=lambda rule, price: fired.append((rule.id, price)))
        auth = {AUTH_HEADER.lower(): "t"}
        api.handle("POST", RULES, auth, b'{"symbol": "ACME", "condition": "below", "threshold": 5}')

        for price in (6, 4.5):
            api.handle("POST", f"{RULES}/r1/trigger", auth, f'{{"price": {price}}}'.encode())

        assert fired == [("r1", 4.5)]

    def test_disabled_rule_cannot_fire_but_is_kept(self, service: RunningService) -> None:
        create(service, ACME_ABOVE)

        assert service.automation("DELETE", f"{RULES}/r1").status == 204
        assert service.automation("POST", f"{RULES}/r1/trigger", {"price": 200}).status == 409
        assert service.automation("GET", RULES).json()["rules"][0]["enabled"] is False

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("POST", f"{RULES}/r9/trigger"),
            ("DELETE", f"{RULES}/r9"),
            ("GET", f"{RULES}/r9"),
            ("POST", f"{RULES}/r9/pause"),
        ],
    )
    def test_unknown_rule_or_route_is_a_404(
        self, service: RunningService, method: str, path: str
    ) -> None:
        assert service.automation(method, path, {"price": 1}).status == 404
