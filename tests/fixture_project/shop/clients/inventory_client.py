"""Inventory service client."""


def reserve(transport, sku: str, quantity: int) -> bool:
    if quantity < 1:
        return False
    response = transport("POST", f"/reserve/{sku}", {"quantity": quantity})
    if response["status"] == 409:
        return False
    return response["status"] == 200


def release(transport, sku: str) -> None:
    transport("DELETE", f"/reserve/{sku}", {})


def stock(transport, sku: str) -> int:
    response = transport("GET", f"/stock/{sku}", {})
    if response["status"] != 200:
        raise LookupError(sku)
    return int(response["body"]["count"])
