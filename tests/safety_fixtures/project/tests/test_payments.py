import pytest
from svc.payments import gateway


def answer(status, **body):
    return lambda method, path, payload: {"status": status, **body}


class TestCharge:
    def test_created(self):
        assert gateway.charge(answer(201, id="ch_1"), 10) == "ch_1"

    def test_declined(self):
        assert gateway.charge(answer(402), 10) is None


def test_rejects_non_positive():
    with pytest.raises(ValueError):
        gateway.charge(answer(201, id="x"), 0)
