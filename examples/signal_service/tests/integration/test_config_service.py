"""Evidence for config-service: values and secrets from the config service, fail-fast bootstrap."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from app.clients.config_client import BootstrapError, ConfigClient, ConfigValue
from app.http import InvalidResponse, ResponseError
from app.server import REQUIRED_CONFIG, main
from app.settings import Settings
from tests.support import Canned, StubService

SETTINGS = Settings(**{field.name: f"unused-{field.name}" for field in fields(Settings)})


def client_for(url: str, sleeps: list[float]) -> ConfigClient:
    settings = replace(SETTINGS, config_service_url=url, config_service_api_key="cfg-key")
    return ConfigClient.from_settings(settings, sleep=sleeps.append)


class TestConfigLookup:
    def test_value_and_metadata_with_bearer_token(
        self, stub: StubService, sleeps: list[float]
    ) -> None:
        stub.reply(
            "GET",
            "/config/signal-service/signal.universe",
            Canned(200, {"value": ["ACME", "BOLT"], "metadata": {"version": 7}}),
        )

        value = client_for(stub.url, sleeps).get("signal-service", "signal.universe")

        assert value == ConfigValue(["ACME", "BOLT"], {"version": 7})
        assert stub.requests[0].headers["Authorization"] == "Bearer cfg-key"

    def test_missing_metadata_is_empty(self, stub: StubService, sleeps: list[float]) -> None:
        stub.reply("GET", "/config/svc/k", Canned(200, {"value": 0.5, "metadata": None}))

        assert client_for(stub.url, sleeps).get("svc", "k") == ConfigValue(0.5, {})

    def test_unknown_key_is_none(self, stub: StubService, sleeps: list[float]) -> None:
        assert client_for(stub.url, sleeps).get("svc", "nope") is None  # stub answers 404

    def test_other_errors_are_not_mistaken_for_a_missing_key(
        self, stub: StubService, sleeps: list[float]
    ) -> None:
        stub.reply("GET", "/config/svc/k", Canned(403, {"error": "forbidden"}))

        with pytest.raises(ResponseError) as raised:
            client_for(stub.url, sleeps).get("svc", "k")
        assert raised.value.status == 403

    def test_answer_without_value_breaks_the_contract(
        self, stub: StubService, sleeps: list[float]
    ) -> None:
        stub.reply("GET", "/config/svc/k", Canned(200, {"metadata": {}}))

        with pytest.raises(InvalidResponse, match="'value'"):
            client_for(stub.url, sleeps).get("svc", "k")

    def test_transient_outage_is_retried(self, stub: StubService, sleeps: list[float]) -> None:
        stub.reply("GET", "/config/svc/k", Canned(503), Canned(200, {"value": 1}))

        assert client_for(stub.url, sleeps).get("svc", "k") == ConfigValue(1, {})
        assert len(stub.requests) == 2

    def test_key_names_are_escaped_in_the_path(
        self, stub: StubService, sleeps: list[float]
    ) -> None:
        stub.reply("GET", "/config/svc/a%20b", Canned(200, {"value": "x"}))

        assert client_for(stub.url, sleeps).get("svc", "a b") == ConfigValue("x", {})


class TestSecrets:
    def test_secret_value(self, stub: StubService, sleeps: list[float]) -> None:
        stub.reply("GET", "/secrets/signing-key", Canned(200, {"value": "s3cr3t"}))

        assert client_for(stub.url, sleeps).get_secret("signing-key") == "s3cr3t"

    @pytest.mark.parametrize("payload", [{"value": ""}, {"value": 42}, ["s3cr3t"], None])
    def test_empty_or_malformed_secret_is_an_error(
        self, stub: StubService, sleeps: list[float], payload: object
    ) -> None:
        stub.reply("GET", "/secrets/signing-key", Canned(200, payload))

        with pytest.raises(InvalidResponse, match="missing or empty"):
            client_for(stub.url, sleeps).get_secret("signing-key")


class TestFailFast:
    def test_bootstrap_fetches_values_and_secrets(
        self, stub: StubService, sleeps: list[float]
    ) -> None:
        stub.reply("GET", "/config/svc/a", Canned(200, {"value": 1}))
        stub.reply("GET", "/config/svc/b", Canned(200, {"value": 2}))
        stub.reply("GET", "/secrets/key", Canned(200, {"value": "s"}))

        boot = client_for(stub.url, sleeps).bootstrap("svc", ["a", "b"], ["key"])

        assert boot.values == {"a": 1, "b": 2}
        assert boot.secrets == {"key": "s"}

    def test_missing_keys_abort_startup_and_are_all_named(
        self, stub: StubService, sleeps: list[float]
    ) -> None:
        stub.reply("GET", "/config/svc/b", Canned(200, {"value": 2}))

        with pytest.raises(BootstrapError, match="missing keys a, c"):
            client_for(stub.url, sleeps).bootstrap("svc", ["a", "b", "c"])

    def test_unreachable_config_service_aborts_startup(
        self, refused_url: str, sleeps: list[float]
    ) -> None:
        with pytest.raises(BootstrapError, match="cannot bootstrap svc"):
            client_for(refused_url, sleeps).bootstrap("svc", ["a"])
        assert len(sleeps) == 3  # it did retry before giving up

    def test_empty_secret_aborts_startup(self, stub: StubService, sleeps: list[float]) -> None:
        stub.reply("GET", "/secrets/key", Canned(200, {"value": ""}))

        with pytest.raises(BootstrapError, match="secret 'key'"):
            client_for(stub.url, sleeps).bootstrap("svc", [], ["key"])

    def test_process_exits_1_instead_of_serving_half_configured(self, stub: StubService) -> None:
        environ = {field.name.upper(): "x" for field in fields(Settings)}
        environ.update({name: stub.url for name in environ if name.endswith("_URL")})
        stub.reply("GET", f"/config/signal-service/{REQUIRED_CONFIG[0]}", Canned(200, {"value": 1}))

        assert main(environ) == 1  # the second required key is missing (404)
        assert len(stub.requests) == len(REQUIRED_CONFIG)

    def test_process_exits_1_when_the_environment_is_incomplete(self) -> None:
        assert main({}) == 1
