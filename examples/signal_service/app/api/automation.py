"""Automation endpoints: ops tooling manages price rules and fires them.

All routes need ``X-Automation-Token: <AUTOMATION_TOKEN>`` (401 otherwise):

- ``GET    /v1/automation/rules``               -> 200 ``{"rules": [...]}``
- ``POST   /v1/automation/rules``               ``{"symbol", "condition", "threshold"}`` -> 201 rule
- ``POST   /v1/automation/rules/{id}/trigger``  ``{"price": 123.4}`` -> 200 ``{"fired": bool}``
- ``DELETE /v1/automation/rules/{id}``          -> 204; the rule is disabled, kept for audit

``condition`` is ``"above"`` or ``"below"``. Malformed input is a 400 that
says which field is wrong; triggering a disabled rule is a 409.
"""

from __future__ import annotations

import enum
import hmac
import itertools
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from app.api import BadRequest, Reply, json_reply

PREFIX = "/v1/automation/rules"
AUTH_HEADER = "X-Automation-Token"


class Condition(enum.Enum):
    ABOVE = "above"
    BELOW = "below"


@dataclass(frozen=True)
class Rule:
    id: str
    symbol: str
    condition: Condition
    threshold: float
    enabled: bool = True

    def fires(self, price: float) -> bool:
        if self.condition is Condition.ABOVE:
            return price > self.threshold
        return price < self.threshold

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "symbol": self.symbol,
            "condition": self.condition.value,
            "threshold": self.threshold,
            "enabled": self.enabled,
        }


class RuleStore:
    """Rules in memory; a real deployment would back this with the config service."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: dict[str, Rule] = {}
        self._ids = itertools.count(1)

    def add(self, symbol: str, condition: Condition, threshold: float) -> Rule:
        with self._lock:
            rule = Rule(f"r{next(self._ids)}", symbol, condition, threshold)
            self._rules[rule.id] = rule
            return rule

    def get(self, rule_id: str) -> Rule | None:
        with self._lock:
            return self._rules.get(rule_id)

    def all(self) -> list[Rule]:
        with self._lock:
            return list(self._rules.values())

    def disable(self, rule_id: str) -> None:
        with self._lock:
            self._rules[rule_id] = replace(self._rules[rule_id], enabled=False)


OnFire = Callable[[Rule, float], object]


def _nobody(rule: Rule, price: float) -> None:
    """Default ``on_fire``: a fired rule is only reported to the caller."""


class AutomationApi:
    def __init__(
        self, token: str, store: RuleStore | None = None, on_fire: OnFire = _nobody
    ) -> None:
        """``on_fire`` is told about every rule that fires (the server sends an alert)."""
        if not token:
            raise ValueError("automation endpoints need a token")
        self._token = token.encode()
        self.store = store or RuleStore()
        self._on_fire = on_fire

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        """Route one request under ``PREFIX`` (``headers`` with lower-cased names)."""
        supplied = (headers.get(AUTH_HEADER.lower()) or "").encode()
        if not hmac.compare_digest(supplied, self._token):
            return json_reply(401, {"error": f"missing or wrong {AUTH_HEADER}"})
        parts = [part for part in path.removeprefix(PREFIX).split("/") if part]
        match method, parts:
            case "GET", []:
                return json_reply(200, {"rules": [rule.to_json() for rule in self.store.all()]})
            case "POST", []:
                return self._create(body)
            case "POST", [rule_id, "trigger"]:
                return self._trigger(rule_id, body)
            case "DELETE", [rule_id]:
                return self._disable(rule_id)
        return json_reply(404, {"error": f"no route {method} {path}"})

    def _create(self, body: bytes) -> Reply:
        try:
            payload = _object(body)
            symbol = payload.get("symbol")
            if not isinstance(symbol, str) or not symbol.strip():
                raise BadRequest("symbol is required")
            condition = Condition(payload.get("condition"))
            threshold = _number(payload, "threshold")
        except ValueError as exc:
            return json_reply(400, {"error": str(exc)})
        rule = self.store.add(symbol.strip().upper(), condition, threshold)
        return json_reply(201, rule.to_json())

    def _trigger(self, rule_id: str, body: bytes) -> Reply:
        rule = self.store.get(rule_id)
        if rule is None:
            return json_reply(404, {"error": f"no rule {rule_id}"})
        if not rule.enabled:
            return json_reply(409, {"error": f"rule {rule_id} is disabled"})
        try:
            price = _number(_object(body), "price")
        except ValueError as exc:
            return json_reply(400, {"error": str(exc)})
        fired = rule.fires(price)
        if fired:
            self._on_fire(rule, price)
        return json_reply(200, {"rule_id": rule.id, "fired": fired})

    def _disable(self, rule_id: str) -> Reply:
        if self.store.get(rule_id) is None:
            return json_reply(404, {"error": f"no rule {rule_id}"})
        self.store.disable(rule_id)
        return Reply(204)


def _object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body or b"null")
    except ValueError as exc:
        raise BadRequest(f"body is not JSON: {exc}") from exc
    if not isinstance(payload, dict):
        raise BadRequest("body must be a JSON object")
    return payload


def _number(payload: Mapping[str, Any], name: str) -> float:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRequest(f"{name} must be a number")
    return float(value)
