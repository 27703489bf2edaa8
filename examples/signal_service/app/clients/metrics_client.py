"""Metrics sidecar client: pushes counters and gauges to the local metrics sidecar.

Contract: ``POST /v1/metrics`` with ``{"metrics": [{"name", "type", "value", "tags"}, ...]}``
and ``X-Api-Key: <METRICS_API_KEY>``; 202 = accepted.

Metrics must never break or slow down a request: recording only appends to
a buffer, a background thread (``start``) flushes it, ``flush`` never raises,
and while the sidecar is down the buffer keeps the newest ``MAX_BUFFER``
points and counts what it had to drop.
"""

from __future__ import annotations

import enum
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.http import HttpClient, HttpError

# Fallback so the sidecar works on a laptop without any environment set up.
# Deliberate violation for the demo's "secrets only from the environment"
# safety check (see README): this key must come from METRICS_API_KEY only.
DEV_API_KEY = "dev-key-123"

METRIC_NAME = re.compile(r"[a-z][a-z0-9_.]{0,99}")
MAX_BUFFER = 1000  # keep at most this many unsent points while the sidecar is down


class MetricType(enum.Enum):
    COUNTER = "counter"
    GAUGE = "gauge"


@dataclass(frozen=True)
class Point:
    name: str
    kind: MetricType
    value: float
    tags: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "type": self.kind.value,
            "value": self.value,
            "tags": dict(self.tags),
        }


class MetricsClient:
    def __init__(self, http: HttpClient) -> None:
        self._http = http
        self._lock = threading.Lock()
        self._buffer: deque[Point] = deque(maxlen=MAX_BUFFER)
        self.dropped = 0

    @classmethod
    def from_env(
        cls, base_url: str, environ: Mapping[str, str] | None = None, **http_options: Any
    ) -> MetricsClient:
        env = os.environ if environ is None else environ
        api_key = env.get("METRICS_API_KEY") or DEV_API_KEY
        return cls(HttpClient(base_url, headers={"X-Api-Key": api_key}, **http_options))

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def increment(self, name: str, value: float = 1, **tags: str) -> None:
        self._record(Point(name, MetricType.COUNTER, value, tags))

    def gauge(self, name: str, value: float, **tags: str) -> None:
        self._record(Point(name, MetricType.GAUGE, value, tags))

    def start(self, interval: float = 10.0) -> Callable[[], None]:
        """Flush every ``interval`` seconds in a daemon thread.

        Returns the function that stops it: it flushes one last time and
        waits for that, so nothing recorded before shutdown is lost.
        """
        stop = threading.Event()

        def loop() -> None:
            while not stop.wait(interval):
                self.flush()
            self.flush()

        thread = threading.Thread(target=loop, name="metrics-flush", daemon=True)
        thread.start()

        def stop_flushing() -> None:
            stop.set()
            thread.join()

        return stop_flushing

    def flush(self) -> bool:
        """Send everything buffered; True when the sidecar took it. Never raises."""
        with self._lock:
            batch = list(self._buffer)
            self._buffer.clear()
        if not batch:
            return True
        try:
            self._http.post_json("/v1/metrics", {"metrics": [p.to_json() for p in batch]})
        except HttpError:
            self._requeue(batch)
            return False
        return True

    def _record(self, point: Point) -> None:
        if not METRIC_NAME.fullmatch(point.name):
            raise ValueError(f"not a metric name: {point.name!r}")
        with self._lock:
            if len(self._buffer) == MAX_BUFFER:
                self.dropped += 1
            self._buffer.append(point)

    def _requeue(self, batch: list[Point]) -> None:
        """Put an unsent batch back in front of newer points, dropping the oldest overflow."""
        with self._lock:
            newer = list(self._buffer)
            keep = (batch + newer)[-MAX_BUFFER:]
            self.dropped += len(batch) + len(newer) - len(keep)
            self._buffer.clear()
            self._buffer.extend(keep)
