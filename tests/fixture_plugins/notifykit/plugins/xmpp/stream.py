"""Opens the stream and sends one stanza."""

import socket

from notifykit.plugins.xmpp.stanza import message


def send(host: str, to: str, text: str, connect=socket.create_connection) -> int:
    with connect((host, 5222), timeout=10) as sock:
        return sock.send(message(to, text))
