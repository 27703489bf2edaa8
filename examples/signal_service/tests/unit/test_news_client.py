"""The news client works -- it is only undeclared (and lacks a timeout; see README)."""

from __future__ import annotations

from app.clients.news_client import Headline, fetch_headlines
from tests.support import Canned, StubService


def test_newest_headlines_first(stub: StubService) -> None:
    stub.reply(
        "GET",
        "/news",
        Canned(
            200,
            {
                "items": [
                    {
                        "title": "old",
                        "url": "https://n.example/1",
                        "published": "2024-05-01T09:00:00Z",
                    },
                    {
                        "title": "new",
                        "url": "https://n.example/2",
                        "published": "2024-05-02T09:00:00Z",
                    },
                ]
            },
        ),
    )

    headlines = fetch_headlines(stub.url, "ACME", limit=1)

    assert headlines == [Headline("new", "https://n.example/2", "2024-05-02T09:00:00Z")]
    assert stub.requests[0].query == {"symbol": ["ACME"], "limit": ["1"]}
