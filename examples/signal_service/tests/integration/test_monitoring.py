"""Evidence for monitoring: /health for the orchestrator and /metrics for Prometheus."""

from __future__ import annotations

import pytest

from app.api.monitoring import PROMETHEUS_TEXT, MetricsRegistry
from tests.support import RunningService


def broken_check() -> bool:
    raise ConnectionError("config service gone")


class TestHealth:
    def test_healthy_when_every_check_passes(self, service: RunningService) -> None:
        service.health_checks["config"] = lambda: True

        result = service.request("GET", "/health")

        assert result.status == 200
        assert result.json() == {"status": "ok", "checks": {"config": "ok"}}

    def test_degraded_is_503_naming_the_failing_check(self, service: RunningService) -> None:
        service.health_checks.update(config=lambda: True, hub=lambda: False)

        result = service.request("GET", "/health")

        assert result.status == 503
        assert result.json() == {"status": "degraded", "checks": {"config": "ok", "hub": "failing"}}

    def test_a_check_that_raises_is_failing_not_a_500(self, service: RunningService) -> None:
        service.health_checks["config"] = broken_check

        result = service.request("GET", "/health")

        assert result.status == 503
        assert result.json()["checks"] == {"config": "failing"}


class TestMetrics:
    def test_requests_are_counted_in_prometheus_format(self, service: RunningService) -> None:
        service.app.registry.describe("http_requests_total", "HTTP requests served")
        service.request("GET", "/health")

        result = service.request("GET", "/metrics")

        assert result.status == 200
        assert result.headers["Content-Type"] == PROMETHEUS_TEXT
        assert result.body.decode().splitlines() == [
            "# HELP http_requests_total HTTP requests served",
            "# TYPE http_requests_total counter",
            'http_requests_total{method="GET",status="200"} 1.0',
        ]

    def test_label_values_are_escaped(self) -> None:
        registry = MetricsRegistry()
        registry.inc("errors_total", reason='bad "quote"\\\n')
        registry.inc("ticks_total", 2.5)

        assert registry.render().splitlines() == [
            "# TYPE errors_total counter",
            'errors_total{reason="bad \\"quote\\"\\\\\\n"} 1.0',
            "# TYPE ticks_total counter",
            "ticks_total 2.5",
        ]
        assert registry.value("ticks_total") == 2.5

    def test_counters_only_go_up(self) -> None:
        with pytest.raises(ValueError, match="only goes up"):
            MetricsRegistry().inc("ticks_total", -1)
