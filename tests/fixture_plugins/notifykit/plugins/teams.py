"""Teams: post a message to an incoming webhook."""

import urllib.request

from notifykit.plugins.base import body


def send(url: str, text: str, opener=urllib.request.urlopen) -> bool:
    request = urllib.request.Request(url, data=body(text=text), method="POST")
    with opener(request) as reply:
        return reply.status == 200
