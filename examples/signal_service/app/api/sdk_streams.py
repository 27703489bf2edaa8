"""SDK signal streams: SDK clients subscribe to trading signals as Server-Sent Events.

``GET /v1/signals/stream?symbols=ACME,BOLT&limit=N`` with an optional
``Last-Event-ID`` header answers ``text/event-stream``: one event per signal,
``id: <n>`` / ``event: signal`` / ``data: {"id", "symbol", "kind", "strength"}``.
A reconnecting SDK sends the last id it saw and gets what it missed from a
bounded replay buffer; an idle stream sends a comment every
``HEARTBEAT_SECONDS`` so proxies do not cut it.
"""

from __future__ import annotations

import enum
import json
import threading
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from app.api import BadRequest, Reply, json_reply

REPLAY = 1000  # signals kept for reconnecting SDKs
HEARTBEAT_SECONDS = 15.0
RECONNECT_MS = 3000  # told to the SDK in the stream's "retry:" field


class SignalKind(enum.Enum):
    BUY = "buy"
    SELL = "sell"


@dataclass(frozen=True)
class Signal:
    id: int
    symbol: str
    kind: SignalKind
    strength: float

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "symbol": self.symbol,
            "kind": self.kind.value,
            "strength": self.strength,
        }


class SignalHub:
    """Fan-out of published signals to any number of waiting streams."""

    def __init__(self, replay: int = REPLAY) -> None:
        self._changed = threading.Condition()
        self._signals: deque[Signal] = deque(maxlen=replay)
        self._last_id = 0

    def publish(self, symbol: str, kind: SignalKind, strength: float) -> Signal:
        if not 0.0 <= strength <= 1.0:
            raise ValueError("strength must be between 0 and 1")
        with self._changed:
            self._last_id += 1
            signal = Signal(self._last_id, symbol.upper(), kind, strength)
            self._signals.append(signal)
            self._changed.notify_all()
        return signal

    def after(self, last_id: int, timeout: float) -> list[Signal]:
        """Signals newer than ``last_id``, waiting up to ``timeout`` s for the first one."""
        with self._changed:
            self._changed.wait_for(lambda: self._last_id > last_id, timeout)
            return [signal for signal in self._signals if signal.id > last_id]


@dataclass(frozen=True)
class StreamRequest:
    symbols: frozenset[str]  # empty = every symbol
    last_event_id: int
    limit: int | None  # stop after this many events; None = stream until the SDK hangs up


def parse_stream_request(
    query: Mapping[str, Sequence[str]], last_event_id: str | None
) -> StreamRequest:
    """The stream an SDK asked for; ``BadRequest`` names the bad parameter."""
    symbols = frozenset(
        part.strip().upper() for raw in query.get("symbols", ()) for part in raw.split(",")
    ) - {""}
    return StreamRequest(
        symbols,
        _whole_number("Last-Event-ID", last_event_id or "0", minimum=0),
        _whole_number("limit", query["limit"][-1], minimum=1) if "limit" in query else None,
    )


def open_stream(
    hub: SignalHub,
    query: Mapping[str, Sequence[str]],
    headers: Mapping[str, str],
    heartbeat: float = HEARTBEAT_SECONDS,
) -> Reply:
    """Handler of ``GET /v1/signals/stream`` (``headers`` with lower-cased names)."""
    try:
        request = parse_stream_request(query, headers.get("last-event-id"))
    except BadRequest as exc:
        return json_reply(400, {"error": str(exc)})
    return Reply(
        200, events(hub, request, heartbeat), "text/event-stream", {"Cache-Control": "no-cache"}
    )


def events(hub: SignalHub, request: StreamRequest, heartbeat: float) -> Iterator[bytes]:
    """The SSE byte stream for ``request``: replayed signals first, then live ones."""
    yield f"retry: {RECONNECT_MS}\n\n".encode()
    last_id, sent = request.last_event_id, 0
    while True:
        batch = hub.after(last_id, heartbeat)
        if not batch:
            yield b": heartbeat\n\n"
        for signal in batch:
            last_id = signal.id
            if request.symbols and signal.symbol not in request.symbols:
                continue
            yield format_event(signal)
            sent += 1
            if sent == request.limit:
                return


def format_event(signal: Signal) -> bytes:
    data = json.dumps(signal.to_json(), separators=(",", ":"))
    return f"id: {signal.id}\nevent: signal\ndata: {data}\n\n".encode()


def _whole_number(name: str, text: str, minimum: int) -> int:
    if not text.isdigit() or int(text) < minimum:
        raise BadRequest(f"{name} must be a whole number >= {minimum}, got {text!r}")
    return int(text)
