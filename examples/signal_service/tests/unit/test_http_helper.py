"""The shared HTTP helper on its own: timeouts, bounded retries, circuit breaker.

Not evidence of any one interaction (signal-gate.yml lists none of these
tests): they prove the helper, which several clients share.
"""

from __future__ import annotations

import pytest

from app.http import (
    MAX_RETRIES,
    BreakerState,
    CircuitBreaker,
    CircuitOpen,
    HttpClient,
    InvalidResponse,
    Response,
    ResponseError,
    ServiceUnavailable,
)
from tests.support import Canned, StubService


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TestRetries:
    def test_transient_status_is_retried_with_exponential_backoff_then_gives_up(
        self, stub: StubService, sleeps: list[float]
    ) -> None:
        stub.reply("GET", "/flaky", Canned(503))
        client = HttpClient(stub.url, sleep=sleeps.append)

        with pytest.raises(ServiceUnavailable, match="4 attempts: HTTP 503"):
            client.get_json("/flaky")

        assert len(stub.calls("GET", "/flaky")) == MAX_RETRIES + 1
        assert sleeps == [0.2, 0.4, 0.8]

    def test_success_after_a_transient_failure(
        self, stub: StubService, sleeps: list[float]
    ) -> None:
        stub.reply("GET", "/flaky", Canned(429), Canned(200, {"ok": True}))
        client = HttpClient(stub.url, sleep=sleeps.append)

        assert client.get_json("/flaky") == {"ok": True}
        assert sleeps == [0.2]

    def test_client_errors_are_not_retried(self, stub: StubService, sleeps: list[float]) -> None:
        stub.reply("GET", "/bad", Canned(400, {"error": "bad"}))
        client = HttpClient(stub.url, sleep=sleeps.append)

        with pytest.raises(ResponseError) as raised:
            client.get_json("/bad")

        assert raised.value.status == 400
        assert raised.value.body == b'{"error": "bad"}'
        assert len(stub.requests) == 1
        assert sleeps == []

    def test_refused_connection_is_retried_and_reported(
        self, refused_url: str, sleeps: list[float]
    ) -> None:
        client = HttpClient(refused_url, max_retries=2, sleep=sleeps.append)

        with pytest.raises(ServiceUnavailable, match="3 attempts"):
            client.get_json("/anything")
        assert sleeps == [0.2, 0.4]

    def test_retries_are_bounded(self) -> None:
        with pytest.raises(ValueError, match="max_retries"):
            HttpClient("http://127.0.0.1:1", max_retries=MAX_RETRIES + 1)


class TestTimeouts:
    def test_slow_peer_times_out(self, stub: StubService) -> None:
        stub.reply("GET", "/slow", Canned(200, {"late": True}, delay=1.0))
        client = HttpClient(stub.url, timeout=0.1, max_retries=0)

        with pytest.raises(ServiceUnavailable, match="timed out"):
            client.get_json("/slow")

    @pytest.mark.parametrize("timeout", [0, -1.0])
    def test_a_timeout_is_mandatory(self, timeout: float) -> None:
        with pytest.raises(ValueError, match="timeout must be positive"):
            HttpClient("http://127.0.0.1:1", timeout=timeout)


class TestCircuitBreaker:
    def test_opens_after_threshold_and_stops_calling(self, stub: StubService) -> None:
        stub.reply("GET", "/down", Canned(503))
        breaker = CircuitBreaker(failure_threshold=2, reset_timeout=30.0)
        client = HttpClient(stub.url, max_retries=0, breaker=breaker)

        for _ in range(2):
            with pytest.raises(ServiceUnavailable):
                client.get_json("/down")
        with pytest.raises(CircuitOpen):
            client.get_json("/down")

        assert breaker.state is BreakerState.OPEN
        assert len(stub.requests) == 2

    def test_server_errors_count_as_failures(self, stub: StubService) -> None:
        stub.reply("GET", "/broken", Canned(500))
        breaker = CircuitBreaker(failure_threshold=1)
        client = HttpClient(stub.url, breaker=breaker)

        with pytest.raises(ResponseError):
            client.get_json("/broken")
        assert breaker.state is BreakerState.OPEN

    def test_half_open_trial_success_closes_it(self) -> None:
        clock = FakeClock()
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10.0, clock=clock)
        breaker.record_failure()
        assert not breaker.allow()

        clock.now += 10.0
        trial_state = breaker.state
        assert breaker.allow()
        breaker.record_success()

        assert (trial_state, breaker.state) == (BreakerState.HALF_OPEN, BreakerState.CLOSED)

    def test_half_open_trial_failure_opens_it_again(self) -> None:
        clock = FakeClock()
        breaker = CircuitBreaker(failure_threshold=1, reset_timeout=10.0, clock=clock)
        breaker.record_failure()
        clock.now += 10.0
        breaker.record_failure()

        assert breaker.state is BreakerState.OPEN

    def test_success_resets_the_failure_count(self) -> None:
        breaker = CircuitBreaker(failure_threshold=2)
        breaker.record_failure()
        breaker.record_success()
        breaker.record_failure()

        assert breaker.state is BreakerState.CLOSED

    @pytest.mark.parametrize(("threshold", "reset"), [(0, 30.0), (5, 0.0)])
    def test_rejects_a_breaker_that_cannot_work(self, threshold: int, reset: float) -> None:
        with pytest.raises(ValueError, match="failure_threshold"):
            CircuitBreaker(failure_threshold=threshold, reset_timeout=reset)


class TestRequests:
    def test_post_sends_json_with_default_and_call_headers(self, stub: StubService) -> None:
        stub.reply("POST", "/items", Canned(201, {"id": "i-1"}))
        client = HttpClient(stub.url + "/", headers={"Authorization": "Bearer t"})

        assert client.post_json("/items", {"n": 1}, headers={"X-Trace": "abc"}) == {"id": "i-1"}

        (sent,) = stub.requests
        assert sent.json() == {"n": 1}
        assert sent.headers["Content-Type"] == "application/json"
        assert sent.headers["Authorization"] == "Bearer t"
        assert sent.headers["X-Trace"] == "abc"

    def test_params_are_url_encoded(self, stub: StubService) -> None:
        stub.reply("GET", "/search", Canned(200, []))
        HttpClient(stub.url).get_json("/search", {"q": "a b&c"})

        assert stub.requests[0].query == {"q": ["a b&c"]}

    def test_only_http_urls(self) -> None:
        with pytest.raises(ValueError, match="http"):
            HttpClient("file:///etc/passwd")

    def test_empty_body_is_none_and_garbage_is_invalid(self) -> None:
        assert Response(204, b"").json() is None
        with pytest.raises(InvalidResponse, match="not JSON"):
            Response(200, b"<html>").json()
