"""Settings come from the environment only; CORS and debug are locked down."""

from __future__ import annotations

from dataclasses import fields

import pytest

from app import settings
from app.settings import Settings, SettingsError, is_allowed_origin

FULL_ENV = {
    field.name.upper(): f"https://{field.name}.internal"
    if field.name.endswith("_url")
    else f"value-of-{field.name}"
    for field in fields(Settings)
}


def test_every_field_comes_from_its_environment_variable() -> None:
    loaded = Settings.from_env(FULL_ENV)

    assert loaded.config_service_api_key == "value-of-config_service_api_key"
    assert loaded.gateway_url == "https://gateway_url.internal"


def test_all_missing_variables_are_named_at_once() -> None:
    env = dict(FULL_ENV, GATEWAY_TOKEN="  ")
    del env["CONFIG_SERVICE_URL"]

    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert str(raised.value) == "missing environment variables: CONFIG_SERVICE_URL, GATEWAY_TOKEN"


def test_urls_must_be_http_urls() -> None:
    env = dict(FULL_ENV, TICKER_SERVICE_URL="ticker:8080", GATEWAY_URL="ftp://gateway")

    with pytest.raises(
        SettingsError, match="not http\\(s\\) URLs: GATEWAY_URL, TICKER_SERVICE_URL"
    ):
        Settings.from_env(env)


def test_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in FULL_ENV.items():
        monkeypatch.setenv(name, value)

    assert Settings.from_env() == Settings.from_env(FULL_ENV)


def test_cors_allows_listed_origins_only() -> None:
    assert is_allowed_origin("https://app.signal.example")
    assert not is_allowed_origin("https://evil.example")
    assert not is_allowed_origin("*")
    assert not is_allowed_origin(None)
    assert "*" not in settings.ALLOWED_ORIGINS


def test_debug_is_off() -> None:
    assert settings.DEBUG is False
