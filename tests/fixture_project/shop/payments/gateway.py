"""Talks to the payment gateway (an in-process fake in tests)."""


class GatewayError(Exception):
    pass


def charge(transport, amount_cents: int, currency: str = "EUR") -> str:
    if amount_cents <= 0:
        raise ValueError("amount must be positive")
    response = transport("POST", "/charges", {"amount": amount_cents, "currency": currency})
    if response["status"] == 201:
        return response["id"]
    if response["status"] == 402:
        raise GatewayError("card declined")
    raise GatewayError(f"unexpected status {response['status']}")


def refund(transport, charge_id: str) -> bool:
    response = transport("POST", f"/charges/{charge_id}/refund", {})
    return response["status"] == 200
