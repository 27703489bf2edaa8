"""A client no interaction declares: it must show up as unmapped."""


def send(transport, to: str, subject: str) -> bool:
    if "@" not in to:
        return False
    return transport("POST", "/mail", {"to": to, "subject": subject})["status"] == 202
