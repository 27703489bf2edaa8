"""ntfy: publish to a topic."""

from urllib.request import Request, urlopen


def send(server: str, topic: str, text: str, opener=urlopen) -> bool:
    with opener(Request(f"{server}/{topic}", data=text.encode(), method="POST")) as reply:
        return reply.status == 200
