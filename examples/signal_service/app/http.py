"""Shared outbound HTTP helper: every call to another service goes through here.

Timeouts, bounded retries and the circuit breaker are deployment safety rules.
Keeping them in one module means one place to review, one place to test, and
one place for the gate's safety checks to look at. Clients build an
``HttpClient`` and never call ``urllib`` themselves.
"""

from __future__ import annotations

import enum
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_TIMEOUT = 5.0  # seconds per attempt; no outbound call may block forever
MAX_RETRIES = 3  # retries after the first attempt, so at most 4 attempts per call
BACKOFF_SECONDS = 0.2  # delay before the first retry; doubles on each further retry
RETRY_STATUSES = frozenset({429, 502, 503, 504})  # transient: the same call may succeed later


class HttpError(Exception):
    """Base class of everything an outbound call can raise."""


class ServiceUnavailable(HttpError):
    """The peer could not be reached, or kept failing until the retries ran out."""


class CircuitOpen(ServiceUnavailable):
    """The breaker is open: the peer failed repeatedly, so no call was attempted."""


class InvalidResponse(HttpError):
    """The peer answered, but not with what its contract promises."""


class ResponseError(HttpError):
    """The peer answered with a non-retryable error status (4xx, 500)."""

    def __init__(self, status: int, body: bytes, url: str) -> None:
        super().__init__(f"HTTP {status} from {url}")
        self.status = status
        self.body = body


class BreakerState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CircuitBreaker:
    """Stops calling a peer that keeps failing, and tries again after a pause.

    After ``failure_threshold`` consecutive failed calls the breaker opens and
    calls fail at once with ``CircuitOpen`` (cheap for us, quiet for the peer).
    Once ``reset_timeout`` seconds have passed one trial call is let through
    (half-open): success closes the breaker, failure opens it again.
    """

    def __init__(
        self,
        failure_threshold: int = 5,
        reset_timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1 or reset_timeout <= 0:
            raise ValueError("failure_threshold must be >= 1 and reset_timeout > 0")
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None

    @property
    def state(self) -> BreakerState:
        with self._lock:
            if self._opened_at is None:
                return BreakerState.CLOSED
            if self._clock() - self._opened_at >= self.reset_timeout:
                return BreakerState.HALF_OPEN
            return BreakerState.OPEN

    def allow(self) -> bool:
        """True when a call may be attempted now."""
        return self.state is not BreakerState.OPEN

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= self.failure_threshold:
                self._opened_at = self._clock()


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        """The body as JSON, ``None`` for an empty body; ``InvalidResponse`` if it is not JSON."""
        if not self.body.strip():
            return None
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise InvalidResponse(f"response is not JSON: {exc}") from exc


class HttpClient:
    """JSON over HTTP to one peer, with a timeout, bounded retries and a circuit breaker."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = MAX_RETRIES,
        backoff: float = BACKOFF_SECONDS,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        if timeout <= 0:
            raise ValueError("timeout must be positive: a call without one can hang forever")
        if not 0 <= max_retries <= MAX_RETRIES:
            raise ValueError(f"max_retries must be between 0 and {MAX_RETRIES}")
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.breaker = breaker or CircuitBreaker()
        self._sleep = sleep

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        return self.request("GET", path, params=params).json()

    def post_json(self, path: str, body: Any, headers: Mapping[str, str] | None = None) -> Any:
        return self.request("POST", path, body=body, headers=headers).json()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Send one call, retrying transient failures; return a 2xx/3xx ``Response``.

        Raises ``CircuitOpen`` without calling when the breaker is open,
        ``ServiceUnavailable`` when every attempt failed, and ``ResponseError``
        for a non-retryable error status.
        """
        if not self.breaker.allow():
            raise CircuitOpen(f"circuit open for {self.base_url}")
        url = self.base_url + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None if body is None else json.dumps(body).encode()
        last_error = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                self._sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self._send(method, url, data, headers)
            except OSError as exc:  # refused, reset, DNS, timeout: all transient
                last_error = str(exc)
                continue
            if response.status in RETRY_STATUSES:
                last_error = f"HTTP {response.status}"
                continue
            if response.status >= 500:
                self.breaker.record_failure()
            else:
                self.breaker.record_success()
            if response.status >= 400:
                raise ResponseError(response.status, response.body, url)
            return response
        self.breaker.record_failure()
        raise ServiceUnavailable(
            f"{method} {url} failed after {self.max_retries + 1} attempts: {last_error}"
        )

    def _send(
        self, method: str, url: str, data: bytes | None, headers: Mapping[str, str] | None
    ) -> Response:
        request = urllib.request.Request(url, data=data, method=method)
        for name, value in {**self.headers, **(headers or {})}.items():
            request.add_header(name, value)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                return Response(reply.status, reply.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return Response(exc.code, exc.read())
