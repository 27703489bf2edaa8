import pytest
from shop.payments import gateway
from shop.payments.retry import with_retries


class TestCharge:
    def test_created(self, transport):
        t = transport({"status": 201, "id": "ch_1"})
        assert gateway.charge(t, 500) == "ch_1"
        assert t.calls == [("POST", "/charges", {"amount": 500, "currency": "EUR"})]

    def test_declined(self, transport):
        with pytest.raises(gateway.GatewayError, match="declined"):
            gateway.charge(transport({"status": 402}), 500)

    def test_rejects_non_positive(self, transport):
        with pytest.raises(ValueError):
            gateway.charge(transport(), 0)

    @pytest.mark.parametrize("status", [500, 503])
    def test_unexpected(self, transport, status):
        with pytest.raises(gateway.GatewayError, match=str(status)):
            gateway.charge(transport({"status": status}), 1)


def test_refund(transport):
    assert gateway.refund(transport({"status": 200}), "ch_1") is True


def test_retry_gives_up_after_three(transport):
    calls = []

    def flaky():
        calls.append(1)
        raise ConnectionError("down")

    with pytest.raises(ConnectionError):
        with_retries(flaky)
    assert len(calls) == 3
