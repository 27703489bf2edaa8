"""User service client: access-control lists (ACLs), reached only through the API gateway.

Contract: ``GET {GATEWAY_URL}/users/{user_id}/acl`` with ``X-Gateway-Token``
answers ``{"user_id", "roles": [...], "permissions": [...]}``. The user
service accepts no direct calls: the gateway authenticates us by that token
and answers 401/403 otherwise.

Every failure denies access (fail closed): an ACL we could not read grants nothing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from app.http import HttpClient, HttpError, InvalidResponse, ResponseError

log = logging.getLogger(__name__)

GATEWAY_HEADER = "X-Gateway-Token"
USER_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
ADMIN_ROLE = "admin"


class AccessDenied(Exception):
    """The gateway refused our call: wrong or missing gateway token."""


@dataclass(frozen=True)
class Acl:
    user_id: str
    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()

    def allows(self, action: str) -> bool:
        return ADMIN_ROLE in self.roles or action in self.permissions


class UserClient:
    def __init__(self, gateway_url: str, gateway_token: str, **http_options: Any) -> None:
        if not gateway_token:
            raise ValueError("the user service is reachable only via the gateway: token required")
        headers = {GATEWAY_HEADER: gateway_token}
        self._http = HttpClient(gateway_url, headers=headers, **http_options)

    def acl(self, user_id: str) -> Acl:
        """The ACL of ``user_id``; an unknown user has an empty ACL."""
        if not USER_ID.fullmatch(user_id):
            raise ValueError(f"not a user id: {user_id!r}")
        try:
            payload = self._http.get_json(f"/users/{user_id}/acl")
        except ResponseError as exc:
            if exc.status in (401, 403):
                raise AccessDenied(f"gateway refused the ACL lookup (HTTP {exc.status})") from exc
            if exc.status == 404:
                return Acl(user_id)
            raise
        if not isinstance(payload, dict) or payload.get("user_id") != user_id:
            raise InvalidResponse(f"ACL of {user_id}: answer is for another user or malformed")
        return Acl(user_id, _names(payload.get("roles")), _names(payload.get("permissions")))

    def is_allowed(self, user_id: str, action: str) -> bool:
        """True only when the user's ACL, read through the gateway, allows ``action``."""
        try:
            return self.acl(user_id).allows(action)
        except (AccessDenied, HttpError) as exc:
            log.warning("denying %s to %s: %s", action, user_id, exc)
            return False


def _names(value: Any) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset()
    return frozenset(item for item in value if isinstance(item, str))
