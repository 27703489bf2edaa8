"""Test doubles shared by the suites: a scripted peer service and a client for our own server.

Both talk real HTTP on 127.0.0.1; the fixtures in ``conftest.py`` start and stop them.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.api.automation import AUTH_HEADER
from app.api.monitoring import HealthCheck
from app.server import App

AUTOMATION_TOKEN = "test-automation-token"
MARKETPLACE_WEBHOOK_SECRET = "test-webhook-secret"


@dataclass(frozen=True)
class Recorded:
    """One request the stub received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message  # case-insensitive, like HTTP header names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Canned:
    """One scripted answer: a status with a JSON (or raw) body, optionally late."""

    status: int = 200
    json: Any = None
    raw: bytes | None = None
    delay: float = 0.0

    def body(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return b"" if self.json is None else json.dumps(self.json).encode()


Answer = Canned | Callable[[Recorded], Canned]


class StubService:
    """A scripted peer: each (method, path) answers from a queue of ``Answer``s.

    The last answer of a queue repeats: ``reply("GET", "/x", Canned(503))``
    means "always 503", ``reply("GET", "/x", Canned(503), Canned(200, {...}))``
    means "fail once, then succeed". A callable answer sees the request (to
    check a token, say). Unscripted routes answer 404.
    """

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._answers: dict[tuple[str, str], list[Answer]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _stub_handler(self))
        self._server.daemon_threads = True
        # Poll often: shutdown() waits for the next poll, and every test tears one down.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.01,), daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def reply(self, method: str, path: str, *answers: Answer) -> None:
        self._answers[(method, path)] = list(answers)

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if (r.method, r.path) == (method, path)]

    def answer(self, request: Recorded) -> Canned:
        with self._lock:
            self.requests.append(request)
            queue = self._answers.get((request.method, request.path))
            if not queue:
                return Canned(404, {"error": "not scripted"})
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return answer(request) if callable(answer) else answer

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _stub_handler(stub: StubService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def do_DELETE(self) -> None:
            self._answer()

        def _answer(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Recorded(
                self.command,
                url.path,
                parse_qs(url.query),
                self.headers,
                self.rfile.read(length),
            )
            canned = stub.answer(request)
            time.sleep(canned.delay)
            body = canned.body()
            try:
                self.send_response(canned.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (timeout tests)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@dataclass
class ApiResult:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class RunningService:
    """Our own server, running; ``request`` calls it like a client would.

    ``health_checks`` is the live dict the server's /health reads: tests add checks to it.
    """

    app: App
    host: str
    port: int
    health_checks: dict[str, HealthCheck]

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=5)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> ApiResult:
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        conn = self.connect()
        try:
            conn.request(method, path, body=data, headers=headers or {})
            response = conn.getresponse()
            return ApiResult(response.status, dict(response.getheaders()), response.read())
        finally:
            conn.close()

    def automation(
        self, method: str, path: str, body: Any = None, raw: bytes | None = None
    ) -> ApiResult:
        return self.request(
            method, path, body=body, raw=raw, headers={AUTH_HEADER: AUTOMATION_TOKEN}
        )
