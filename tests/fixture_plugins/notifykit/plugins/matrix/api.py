"""One PUT per message."""

import urllib.request

from notifykit.plugins.base import body
from notifykit.plugins.matrix.rooms import send_url


def send(server: str, room: str, text: str, txn: int = 1, opener=urllib.request.urlopen) -> bool:
    request = urllib.request.Request(
        send_url(server, room, txn), data=body(msgtype="m.text", body=text), method="PUT"
    )
    with opener(request) as reply:
        return reply.status == 200
