"""Marketplace client: entitlements and watermarks for paid signal products.

Contract: ``GET /entitlements/{user_id}/{product}`` with
``Authorization: Bearer <MARKETPLACE_API_KEY>`` answers
``{"entitled": true, "tier": "pro", "watermark": "wm-..."}``.

Fail secure: when the marketplace cannot confirm an entitlement (unreachable,
error status, malformed answer) the user is treated as NOT entitled, and no
payload leaves without the user's watermark. Losing a sale for a few minutes
is cheaper than leaking paid signals. The other direction: the marketplace
posts revocations to ``app.api.marketplace_events``, and a revoked entitlement
is denied here without asking again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from app.api.marketplace_events import Revocations
from app.http import HttpClient, HttpError, InvalidResponse, ResponseError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entitlement:
    entitled: bool
    tier: str | None = None
    watermark: str | None = None


NOT_ENTITLED = Entitlement(entitled=False)


class MarketplaceClient:
    def __init__(self, http: HttpClient, revocations: Revocations | None = None) -> None:
        self._http = http
        self._revocations = revocations if revocations is not None else Revocations()

    def entitlement(self, user_id: str, product: str) -> Entitlement:
        """What the marketplace says about ``user_id`` and ``product``; raises on any failure."""
        if (user_id, product) in self._revocations:
            return NOT_ENTITLED  # revoked by a marketplace event: no need to ask
        try:
            payload = self._http.get_json(f"/entitlements/{quote(user_id)}/{quote(product)}")
        except ResponseError as exc:
            if exc.status == 404:  # never bought it
                return NOT_ENTITLED
            raise
        if not isinstance(payload, dict):
            raise InvalidResponse("entitlement: expected an object")
        return Entitlement(
            entitled=payload.get("entitled") is True,  # "true", 1, ... are not a yes
            tier=_text(payload.get("tier")),
            watermark=_text(payload.get("watermark")),
        )

    def is_entitled(self, user_id: str, product: str) -> bool:
        """True only when the marketplace positively confirms the entitlement."""
        try:
            return self.entitlement(user_id, product).entitled
        except HttpError as exc:
            log.warning("denying %s/%s: marketplace unavailable (%s)", user_id, product, exc)
            return False

    def watermark(
        self, user_id: str, product: str, payload: dict[str, Any]
    ) -> dict[str, Any] | None:
        """``payload`` stamped with the user's watermark, or ``None`` (deny) when unconfirmed."""
        try:
            entitlement = self.entitlement(user_id, product)
        except HttpError as exc:
            log.warning(
                "withholding %s from %s: marketplace unavailable (%s)", product, user_id, exc
            )
            return None
        if not entitlement.entitled or entitlement.watermark is None:
            return None
        return {**payload, "watermark": entitlement.watermark}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
