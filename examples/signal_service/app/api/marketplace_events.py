"""Marketplace events: the marketplace tells us when an entitlement ends.

``POST /v1/marketplace/events`` with
``X-Marketplace-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with
MARKETPLACE_WEBHOOK_SECRET>`` and a JSON body
``{"type": "entitlement.revoked", "user_id": "...", "product": "..."}`` -> 204.

An unsigned or wrongly signed request is a 401, compared in constant time; a
malformed body is a 400; an event type we do not act on is a 202 (accepted,
ignored), so the marketplace can add types without breaking us. A revocation
takes effect at once: ``MarketplaceClient`` denies a revoked user without
asking again (fail secure), until the marketplace confirms a new entitlement.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Mapping

from app.api import Reply, json_reply

PATH = "/v1/marketplace/events"
SIGNATURE_HEADER = "x-marketplace-signature"
REVOKED = "entitlement.revoked"


class Revocations:
    """The (user, product) pairs whose entitlement the marketplace revoked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revoked: set[tuple[str, str]] = set()

    def revoke(self, user_id: str, product: str) -> None:
        with self._lock:
            self._revoked.add((user_id, product))

    def restore(self, user_id: str, product: str) -> None:
        with self._lock:
            self._revoked.discard((user_id, product))

    def __contains__(self, key: tuple[str, str]) -> bool:
        with self._lock:
            return key in self._revoked


class MarketplaceEvents:
    def __init__(self, secret: str, revocations: Revocations) -> None:
        self._secret = secret.encode()
        self.revocations = revocations

    def handle(self, method: str, headers: Mapping[str, str], body: bytes) -> Reply:
        if method != "POST":
            return json_reply(405, {"error": f"{method} not allowed on {PATH}"})
        expected = "sha256=" + hmac.new(self._secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(headers.get(SIGNATURE_HEADER, ""), expected):
            return json_reply(401, {"error": "bad or missing signature"})
        try:
            event = json.loads(body)
        except ValueError:
            return json_reply(400, {"error": "body is not JSON"})
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return json_reply(400, {"error": "expected an object with a string 'type'"})
        if event["type"] != REVOKED:
            return json_reply(202, {"ignored": event["type"]})
        user, product = event.get("user_id"), event.get("product")
        if not isinstance(user, str) or not user or not isinstance(product, str) or not product:
            return json_reply(400, {"error": "'user_id' and 'product' must be non-empty strings"})
        self.revocations.revoke(user, product)
        return Reply(204)
