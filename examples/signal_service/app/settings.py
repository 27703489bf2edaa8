"""Runtime settings: peer URLs and secrets come from environment variables only.

Nothing secret lives in source: each field of ``Settings`` is read from the
environment variable of the same name in upper case
(``config_service_api_key`` <- ``CONFIG_SERVICE_API_KEY``), and a missing one
stops the service at startup instead of surfacing as a 401 hours later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

# Never True in a deployed build: the server would otherwise answer errors
# with tracebacks. There is deliberately no environment switch for it.
DEBUG = False

# Browser origins allowed to call the API (CORS). Listed one by one: a
# wildcard would let any site read signals with a user's credentials.
ALLOWED_ORIGINS: tuple[str, ...] = (
    "https://app.signal.example",
    "https://console.signal.example",
)


class SettingsError(Exception):
    """The environment does not hold everything the service needs."""


@dataclass(frozen=True)
class Settings:
    config_service_url: str
    config_service_api_key: str
    ticker_service_url: str
    instrument_service_url: str
    marketplace_url: str
    marketplace_api_key: str
    marketplace_webhook_secret: str
    alert_service_url: str
    comms_service_url: str
    comms_api_key: str
    metrics_sidecar_url: str
    gateway_url: str
    gateway_token: str
    automation_token: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every field from the environment; ``SettingsError`` names every bad one."""
        env = os.environ if environ is None else environ
        values = {field.name: env.get(field.name.upper(), "").strip() for field in fields(cls)}
        missing = sorted(name.upper() for name, value in values.items() if not value)
        if missing:
            raise SettingsError("missing environment variables: " + ", ".join(missing))
        not_urls = sorted(
            name.upper()
            for name, value in values.items()
            if name.endswith("_url") and not value.startswith(("http://", "https://"))
        )
        if not_urls:
            raise SettingsError("not http(s) URLs: " + ", ".join(not_urls))
        return cls(**values)


def is_allowed_origin(origin: str | None) -> bool:
    """True when a browser request from ``origin`` may read our responses."""
    return origin is not None and origin in ALLOWED_ORIGINS
