"""News client: recent headlines for a symbol, shown next to its signals.

Added in a hurry for the dashboard and never declared in signal-gate.yml,
which is how the gate finds it: it is listed as unmapped. It also calls
``urlopen`` directly, without ``app.http`` and WITHOUT A TIMEOUT -- the
deliberate violation for the demo's "timeouts on every outbound call"
safety check (see README). A hung news feed would hang the request with it.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Headline:
    title: str
    url: str
    published: str


def fetch_headlines(base_url: str, symbol: str, limit: int = 10) -> list[Headline]:
    """The newest ``limit`` headlines about ``symbol``, newest first."""
    query = urllib.parse.urlencode({"symbol": symbol, "limit": limit})
    with urllib.request.urlopen(f"{base_url}/news?{query}") as response:
        items = json.load(response).get("items", [])
    headlines = [Headline(i["title"], i["url"], i["published"]) for i in items]
    return sorted(headlines, key=lambda h: h.published, reverse=True)[:limit]
