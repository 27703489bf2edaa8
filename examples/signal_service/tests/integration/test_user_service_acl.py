"""Evidence for user-service-acl: ACLs read through the gateway only, failing closed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.clients.user_client import GATEWAY_HEADER, AccessDenied, Acl, UserClient
from app.http import InvalidResponse, ResponseError
from tests.support import Canned, Recorded, StubService

GATEWAY_TOKEN = "gw-test-token"
PATH = "/users/u-1/acl"
ACL = {"user_id": "u-1", "roles": ["trader"], "permissions": ["signals:read"]}


def gateway(answer: Canned) -> Callable[[Recorded], Canned]:
    """A gateway: forwards to the user service only when the gateway token is right."""

    def handle(request: Recorded) -> Canned:
        if request.headers.get(GATEWAY_HEADER) != GATEWAY_TOKEN:
            return Canned(403, {"error": "direct access to the user service is not allowed"})
        return answer

    return handle


def client_for(url: str, token: str = GATEWAY_TOKEN) -> UserClient:
    return UserClient(url, token, max_retries=0)


class TestGatewayOnlyAccess:
    def test_every_call_presents_the_gateway_token(self, stub: StubService) -> None:
        stub.reply("GET", PATH, gateway(Canned(200, ACL)))

        assert client_for(stub.url).is_allowed("u-1", "signals:read")
        assert stub.requests[0].headers[GATEWAY_HEADER] == GATEWAY_TOKEN

    @pytest.mark.parametrize("status", [401, 403])
    def test_gateway_refusal_is_access_denied(self, stub: StubService, status: int) -> None:
        stub.reply("GET", PATH, Canned(status))

        with pytest.raises(AccessDenied, match=f"HTTP {status}"):
            client_for(stub.url).acl("u-1")

    def test_wrong_token_is_denied_not_allowed(self, stub: StubService) -> None:
        stub.reply("GET", PATH, gateway(Canned(200, ACL)))

        assert not client_for(stub.url, "stolen-token").is_allowed("u-1", "signals:read")

    def test_no_client_without_a_gateway_token(self) -> None:
        with pytest.raises(ValueError, match="only via the gateway"):
            UserClient("http://127.0.0.1:1", "")

    def test_unreachable_gateway_denies(self, refused_url: str) -> None:
        assert not client_for(refused_url).is_allowed("u-1", "signals:read")


class TestAclLookup:
    def test_permissions_and_roles(self, stub: StubService) -> None:
        stub.reply("GET", PATH, gateway(Canned(200, ACL)))
        client = client_for(stub.url)

        assert client.acl("u-1") == Acl("u-1", frozenset({"trader"}), frozenset({"signals:read"}))
        assert not client.is_allowed("u-1", "rules:write")

    def test_admin_may_do_anything(self, stub: StubService) -> None:
        stub.reply("GET", PATH, Canned(200, {"user_id": "u-1", "roles": ["admin"]}))

        assert client_for(stub.url).is_allowed("u-1", "rules:write")

    def test_unknown_user_has_no_rights(self, stub: StubService) -> None:
        assert client_for(stub.url).acl("u-1") == Acl("u-1")  # the stub answers 404

    def test_malformed_lists_grant_nothing(self, stub: StubService) -> None:
        stub.reply(
            "GET",
            PATH,
            Canned(200, {"user_id": "u-1", "roles": "admin", "permissions": [7, "signals:read"]}),
        )

        assert client_for(stub.url).acl("u-1") == Acl(
            "u-1", frozenset(), frozenset({"signals:read"})
        )

    def test_answer_about_another_user_is_rejected(self, stub: StubService) -> None:
        stub.reply("GET", PATH, Canned(200, {**ACL, "user_id": "u-2"}))

        with pytest.raises(InvalidResponse, match="another user"):
            client_for(stub.url).acl("u-1")

    def test_server_error_propagates(self, stub: StubService) -> None:
        stub.reply("GET", PATH, Canned(500))

        with pytest.raises(ResponseError):
            client_for(stub.url).acl("u-1")

    def test_invalid_user_id_costs_no_call(self, stub: StubService) -> None:
        with pytest.raises(ValueError, match="not a user id"):
            client_for(stub.url).acl("../admin")
        assert stub.requests == []
