"""Today's date, from one place: SIGNAL_GATE_TODAY (ISO date) overrides the clock,
so tests and reproductions of an old run can fix the date waivers are judged by."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping

from gate.errors import UsageError


def today(env: Mapping[str, str] = os.environ) -> dt.date:
    fixed = env.get("SIGNAL_GATE_TODAY", "").strip()
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError:
        raise UsageError(f"SIGNAL_GATE_TODAY={fixed!r} is not an ISO date (YYYY-MM-DD)") from None
