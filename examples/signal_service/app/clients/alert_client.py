"""Alert service client: delivers price alerts raised by automation rules.

Contract: ``POST /alerts`` with ``{"rule_id", "symbol", "severity", "message"}``
and an ``Idempotency-Key`` header; 201 = accepted, 409 = already accepted
(a retry of a delivery that did get through), other 4xx = rejected for good.

Alerts are not idempotent on their own, so the HTTP helper's retries are
switched off here (``max_retries=0``). Instead an undelivered alert waits in
an outbox and ``flush`` tries it again, at most ``MAX_DELIVERY_ATTEMPTS``
times in all, always with the same idempotency key.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from typing import Any

from app.http import HttpClient, ResponseError, ServiceUnavailable

MAX_DELIVERY_ATTEMPTS = 3


class Severity(enum.Enum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Alert:
    rule_id: str
    symbol: str
    severity: Severity
    message: str

    @property
    def key(self) -> str:
        """Idempotency key: the same alert always gets the same key."""
        text = f"{self.rule_id}|{self.symbol}|{self.severity.value}|{self.message}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def payload(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "symbol": self.symbol,
            "severity": self.severity.value,
            "message": self.message,
        }


@dataclass
class _Pending:
    alert: Alert
    attempts: int


@dataclass(frozen=True)
class FlushResult:
    delivered: int
    pending: int
    dropped: int


class AlertClient:
    def __init__(self, http: HttpClient) -> None:
        if http.max_retries != 0:
            raise ValueError("AlertClient retries via its outbox: use HttpClient(max_retries=0)")
        self._http = http
        self._outbox: list[_Pending] = []
        self.dropped: list[Alert] = []

    @property
    def pending(self) -> int:
        return len(self._outbox)

    def send(self, alert: Alert) -> bool:
        """Deliver ``alert`` now; on a transient failure keep it in the outbox and return False."""
        outcome = self._deliver(alert)
        if outcome is None:
            self._outbox.append(_Pending(alert, attempts=1))
        elif outcome is False:
            self.dropped.append(alert)
        return outcome is True

    def flush(self) -> FlushResult:
        """Try every pending alert once more; drop those that used up their attempts."""
        delivered = dropped = 0
        still_pending: list[_Pending] = []
        for item in self._outbox:
            outcome = self._deliver(item.alert)
            if outcome is True:
                delivered += 1
                continue
            item.attempts += 1
            # BUG (left in on purpose for the signal-gate demo, see README): should be
            # ">=", so a dead alert service gets one attempt more than the contract allows.
            if outcome is False or item.attempts > MAX_DELIVERY_ATTEMPTS:
                self.dropped.append(item.alert)
                dropped += 1
            else:
                still_pending.append(item)
        self._outbox = still_pending
        return FlushResult(delivered, len(still_pending), dropped)

    def _deliver(self, alert: Alert) -> bool | None:
        """True = accepted, False = rejected for good, None = try again later."""
        try:
            # The answer's body is not needed: the status says it all.
            self._http.request(
                "POST", "/alerts", body=alert.payload(), headers={"Idempotency-Key": alert.key}
            )
        except ResponseError as exc:
            if exc.status == 409:  # an earlier attempt got through
                return True
            return None if exc.status >= 500 else False
        except ServiceUnavailable:
            return None
        return True
