"""Monitoring endpoints: ``GET /health`` for the orchestrator, ``GET /metrics`` for Prometheus.

``/health`` runs every readiness check and answers 200 ``{"status": "ok"}``
or 503 ``{"status": "degraded"}`` with each check's result, so a pod whose
dependency broke is taken out of the load balancer. A check that raises counts
as failing: a health endpoint must never answer 500.

``/metrics`` renders in-process counters in the Prometheus text format 0.0.4
(https://prometheus.io/docs/instrumenting/exposition_formats/).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

from app.api import Reply, json_reply

log = logging.getLogger(__name__)

HealthCheck = Callable[[], bool]
PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"

Labels = tuple[tuple[str, str], ...]


class MetricsRegistry:
    """Thread-safe counters, rendered for Prometheus."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, dict[Labels, float]] = {}
        self._help: dict[str, str] = {}

    def describe(self, name: str, help_text: str) -> None:
        with self._lock:
            self._help[name] = help_text
            self._counters.setdefault(name, {})

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        if amount < 0:
            raise ValueError("a counter only goes up")
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._counters.setdefault(name, {})
            series[key] = series.get(key, 0.0) + amount

    def value(self, name: str, **labels: str) -> float:
        with self._lock:
            return self._counters.get(name, {}).get(tuple(sorted(labels.items())), 0.0)

    def render(self) -> str:
        lines: list[str] = []
        with self._lock:
            for name in sorted(self._counters):
                if name in self._help:
                    lines.append(f"# HELP {name} {self._help[name]}")
                lines.append(f"# TYPE {name} counter")
                for labels, value in sorted(self._counters[name].items()):
                    lines.append(f"{name}{_format_labels(labels)} {value!r}")
        return "\n".join(lines) + "\n"


def health(checks: Mapping[str, HealthCheck]) -> Reply:
    """Handler of ``GET /health``."""
    results = {name: _passes(name, check) for name, check in checks.items()}
    healthy = all(results.values())
    return json_reply(
        200 if healthy else 503,
        {
            "status": "ok" if healthy else "degraded",
            "checks": {name: "ok" if ok else "failing" for name, ok in results.items()},
        },
    )


def metrics(registry: MetricsRegistry) -> Reply:
    """Handler of ``GET /metrics``."""
    return Reply(200, registry.render().encode(), PROMETHEUS_TEXT)


def _passes(name: str, check: HealthCheck) -> bool:
    try:
        return bool(check())
    except Exception:
        log.exception("health check %s raised", name)
        return False


def _format_labels(labels: Labels) -> str:
    if not labels:
        return ""
    pairs = ",".join(f'{key}="{_escape(value)}"' for key, value in labels)
    return "{" + pairs + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
