"""The HTTP front door: routes requests to the ``app.api`` handlers.

Kept thin on purpose: it parses HTTP, applies CORS (allow-list from
``app.settings``, never a wildcard), caps request bodies, and turns any
unexpected exception into a bare 500 -- no traceback leaves the process,
whatever ``DEBUG`` says. Start it with ``python -m app.server``.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from app.api import Reply, automation, json_reply, marketplace_events, monitoring, sdk_streams
from app.api.automation import Rule
from app.api.marketplace_events import MarketplaceEvents, Revocations
from app.api.monitoring import HealthCheck, MetricsRegistry
from app.api.sdk_streams import SignalHub
from app.clients.alert_client import Alert, AlertClient, Severity
from app.clients.comms_client import CommsClient
from app.clients.config_client import Bootstrap, BootstrapError, ConfigClient
from app.clients.instrument_client import InstrumentClient
from app.clients.marketplace_client import MarketplaceClient
from app.clients.metrics_client import MetricsClient
from app.clients.ticker_client import TickerClient
from app.clients.user_client import UserClient
from app.http import HttpClient
from app.settings import Settings, SettingsError, is_allowed_origin

log = logging.getLogger(__name__)

SERVICE_NAME = "signal-service"
REQUIRED_CONFIG = ("signal.universe", "signal.min_strength")
MAX_BODY = 1 << 20  # 1 MiB; nothing we accept is anywhere near that
CORS_METHODS = "GET, POST, DELETE, OPTIONS"
CORS_HEADERS = f"Content-Type, Last-Event-ID, {automation.AUTH_HEADER}"


@dataclass
class App:
    """Everything the handlers need, built once at startup."""

    hub: SignalHub
    registry: MetricsRegistry
    automation: automation.AutomationApi
    health_checks: Mapping[str, HealthCheck]
    heartbeat: float = sdk_streams.HEARTBEAT_SECONDS
    marketplace: MarketplaceEvents | None = None  # revocations pushed by the marketplace

    def route(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Reply:
        if path.startswith(automation.PREFIX):
            return self.automation.handle(method, path, headers, body)
        if path == marketplace_events.PATH and self.marketplace is not None:
            return self.marketplace.handle(method, headers, body)
        if method != "GET":
            return json_reply(405, {"error": f"{method} not allowed on {path}"})
        if path == "/health":
            return monitoring.health(self.health_checks)
        if path == "/metrics":
            return monitoring.metrics(self.registry)
        if path == "/v1/signals/stream":
            return sdk_streams.open_stream(self.hub, query, headers, self.heartbeat)
        return json_reply(404, {"error": f"no route {path}"})


class AppServer(ThreadingHTTPServer):
    daemon_threads = True  # a stream left open by an SDK must not block shutdown

    def __init__(self, address: tuple[str, int], app: App) -> None:
        super().__init__(address, Handler)
        self.app = app

    @property
    def url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}"


class Handler(BaseHTTPRequestHandler):
    server: AppServer
    server_version = "signal-service"
    sys_version = ""  # do not advertise the Python version

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_OPTIONS(self) -> None:
        self._handle("OPTIONS")

    def _handle(self, method: str) -> None:
        reply = self._reply(method)
        self.server.app.registry.inc("http_requests_total", method=method, status=str(reply.status))
        self._send(reply)

    def _reply(self, method: str) -> Reply:
        url = urlsplit(self.path)
        if method == "OPTIONS":  # CORS preflight
            allowed = is_allowed_origin(self.headers.get("Origin"))
            return Reply(204) if allowed else json_reply(403, {"error": "origin not allowed"})
        length = _content_length(self.headers.get("Content-Length"))
        if length is None:
            return json_reply(400, {"error": "bad Content-Length"})
        if length > MAX_BODY:
            return json_reply(413, {"error": "request body too large"})
        body = self.rfile.read(length)
        # Header names are case-insensitive; handlers see them lower-cased.
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            return self.server.app.route(method, url.path, parse_qs(url.query), headers, body)
        except Exception:
            log.exception("unhandled error on %s %s", method, url.path)
            return json_reply(500, {"error": "internal error"})

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        for name, value in {**reply.headers, **self._cors_headers()}.items():
            self.send_header(name, value)
        if isinstance(reply.body, bytes):
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
            return
        self.end_headers()
        try:
            for chunk in reply.body:
                self.wfile.write(chunk)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            log.info("stream client went away")

    def _cors_headers(self) -> dict[str, str]:
        origin = self.headers.get("Origin")
        if not is_allowed_origin(origin):
            return {}
        return {
            "Access-Control-Allow-Origin": str(origin),
            "Access-Control-Allow-Methods": CORS_METHODS,
            "Access-Control-Allow-Headers": CORS_HEADERS,
            "Vary": "Origin",
        }

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s " + format, self.address_string(), *args)


def _content_length(text: str | None) -> int | None:
    """The body length a request announces; ``None`` when it is not a whole number."""
    text = (text or "0").strip()
    return int(text) if text.isdigit() else None


@dataclass(frozen=True)
class Clients:
    """Every outbound client, each built once from ``Settings``."""

    config: ConfigClient
    ticker: TickerClient
    instruments: InstrumentClient
    marketplace: MarketplaceClient
    alerts: AlertClient
    comms: CommsClient
    metrics: MetricsClient
    users: UserClient


def build_clients(settings: Settings, revocations: Revocations) -> Clients:
    """The composition root: the only place that turns settings into clients."""
    return Clients(
        config=ConfigClient.from_settings(settings),
        ticker=TickerClient(HttpClient(settings.ticker_service_url)),
        instruments=InstrumentClient(HttpClient(settings.instrument_service_url)),
        marketplace=MarketplaceClient(
            HttpClient(settings.marketplace_url, headers=_bearer(settings.marketplace_api_key)),
            revocations,
        ),
        alerts=AlertClient(HttpClient(settings.alert_service_url, max_retries=0)),
        comms=CommsClient(
            HttpClient(settings.comms_service_url, headers=_bearer(settings.comms_api_key))
        ),
        metrics=MetricsClient.from_env(settings.metrics_sidecar_url),
        users=UserClient(settings.gateway_url, settings.gateway_token),
    )


def build_app(
    settings: Settings, bootstrap: Bootstrap, clients: Clients, revocations: Revocations
) -> App:
    registry = MetricsRegistry()
    registry.describe("http_requests_total", "HTTP requests served, by method and status")

    def alert(rule: Rule, price: float) -> None:
        clients.alerts.flush()  # alerts still in the outbox go first
        message = f"{rule.symbol} {rule.condition.value} {rule.threshold}: {price}"
        clients.alerts.send(Alert(rule.id, rule.symbol, Severity.WARNING, message))

    return App(
        hub=SignalHub(),
        registry=registry,
        automation=automation.AutomationApi(settings.automation_token, on_fire=alert),
        health_checks={"config": lambda: all(k in bootstrap.values for k in REQUIRED_CONFIG)},
        marketplace=MarketplaceEvents(settings.marketplace_webhook_secret, revocations),
    )


def create_server(app: App, host: str = "127.0.0.1", port: int = 0) -> AppServer:
    """A server bound to ``host:port`` (port 0 = any free port); call ``serve_forever``."""
    return AppServer((host, port), app)


def main(environ: Mapping[str, str] | None = None) -> int:
    """Start the service; exit code 1 at once when configuration is incomplete (fail fast)."""
    env = os.environ if environ is None else environ
    try:
        settings = Settings.from_env(env)
        revocations = Revocations()
        clients = build_clients(settings, revocations)
        bootstrap = clients.config.bootstrap(SERVICE_NAME, REQUIRED_CONFIG)
    except (SettingsError, BootstrapError) as exc:
        log.critical("startup aborted: %s", exc)
        return 1
    app = build_app(settings, bootstrap, clients, revocations)
    server = create_server(app, port=int(env.get("PORT", "8080")))
    stop_metrics = clients.metrics.start()
    log.info("serving on %s", server.url)
    try:
        server.serve_forever()
    finally:
        stop_metrics()
    return 0


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    sys.exit(main())
