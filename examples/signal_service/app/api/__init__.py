"""Inbound endpoints. Each handler is a plain function returning a ``Reply``, so
``app.server`` only parses HTTP and writes replies, and the handlers can be read
(and tested) without a socket in the way."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


class BadRequest(ValueError):
    """The caller sent something malformed; the message says what, and becomes a 400."""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes | Iterator[bytes] = b""  # an iterator is streamed chunk by chunk
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


def json_reply(status: int, payload: Any) -> Reply:
    return Reply(status, json.dumps(payload).encode())
