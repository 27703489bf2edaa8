"""Telegram: the Bot API's sendMessage."""

import urllib.parse
import urllib.request


def send(token: str, chat: str, text: str, opener=urllib.request.urlopen) -> bool:
    query = urllib.parse.urlencode({"chat_id": chat, "text": text})
    url = f"https://api.telegram.org/bot{token}/sendMessage?{query}"
    with opener(url) as reply:
        return reply.status == 200
