"""Config service client: configuration values and secrets, fetched at bootstrap.

Contract: ``GET /config/{service}/{key}`` answers ``{"value": ..., "metadata": {...}}``
and ``GET /secrets/{name}`` answers ``{"value": "..."}``; both want
``Authorization: Bearer <CONFIG_SERVICE_API_KEY>``.

The service must not start half-configured, so ``bootstrap`` fails fast: any
missing key, empty secret or unreachable config service raises
``BootstrapError`` and the process exits (see ``app.server.main``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from app.http import HttpClient, HttpError, InvalidResponse, ResponseError
from app.settings import Settings


class BootstrapError(RuntimeError):
    """Startup configuration is incomplete; the process must exit rather than run."""


@dataclass(frozen=True)
class ConfigValue:
    value: Any
    metadata: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Bootstrap:
    """Everything fetched at startup: config values by key, secrets by name."""

    values: Mapping[str, Any]
    secrets: Mapping[str, str]


class ConfigClient:
    def __init__(self, http: HttpClient) -> None:
        self._http = http

    @classmethod
    def from_settings(cls, settings: Settings, **http_options: Any) -> ConfigClient:
        auth = {"Authorization": f"Bearer {settings.config_service_api_key}"}
        return cls(HttpClient(settings.config_service_url, headers=auth, **http_options))

    def get(self, service: str, key: str) -> ConfigValue | None:
        """The value of ``key`` for ``service``, or ``None`` when the key does not exist."""
        try:
            payload = self._http.get_json(f"/config/{quote(service)}/{quote(key)}")
        except ResponseError as exc:
            if exc.status == 404:
                return None
            raise
        if not isinstance(payload, dict) or "value" not in payload:
            raise InvalidResponse(f"config {service}/{key}: expected an object with 'value'")
        return ConfigValue(payload["value"], payload.get("metadata") or {})

    def get_secret(self, name: str) -> str:
        """The secret called ``name``; an empty or missing secret is an error, never ``""``."""
        payload = self._http.get_json(f"/secrets/{quote(name)}")
        secret = payload.get("value") if isinstance(payload, dict) else None
        if not isinstance(secret, str) or not secret:
            raise InvalidResponse(f"secret {name!r} is missing or empty")
        return secret

    def bootstrap(
        self, service: str, keys: Iterable[str], secret_names: Iterable[str] = ()
    ) -> Bootstrap:
        """Fetch all ``keys`` and secrets for startup, or raise ``BootstrapError``."""
        values: dict[str, Any] = {}
        missing: list[str] = []
        try:
            for key in keys:
                item = self.get(service, key)
                if item is None:
                    missing.append(key)
                else:
                    values[key] = item.value
            secrets = {name: self.get_secret(name) for name in secret_names}
        except HttpError as exc:
            raise BootstrapError(f"cannot bootstrap {service}: {exc}") from exc
        if missing:
            raise BootstrapError(f"cannot bootstrap {service}: missing keys {', '.join(missing)}")
        return Bootstrap(values, secrets)
