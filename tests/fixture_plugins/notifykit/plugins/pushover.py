"""Pushover: one HTTPS POST per message."""

import http.client

from notifykit.plugins.base import body


def send(host: str, path: str, text: str, connect=http.client.HTTPSConnection) -> int:
    connection = connect(host, timeout=10)
    connection.request("POST", path, body=body(content=text))
    return connection.getresponse().status
