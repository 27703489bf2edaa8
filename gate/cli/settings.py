"""The run settings of one invocation, read from the environment in one place.

The gate config says what to check; these say when, where and how. They are
read once, when a command starts, from one clock reading and `os.environ`:

- SIGNAL_GATE_TODAY (YYYY-MM-DD) fixes the date waivers are judged by;
- SOURCE_DATE_EPOCH (seconds, the reproducible-builds convention) fixes the
  document's `Generated:` moment;
- SIGNAL_GATE_HEAD_SHA names the commit a report is about, else the pull
  request head from the Actions event (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH);
- SIGNAL_GATE_GITHUB_THROTTLE (seconds) overrides the pause between GitHub requests;
- SIGNAL_GATE_DEBUG shows tracebacks of internal errors; GITHUB_ACTIONS=true
  turns warnings into workflow commands.

A value that is set but malformed is a UsageError naming the variable: it
would otherwise be ignored, silently, on exactly the run that set it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Mapping

from gate.errors import UsageError
from gate.github.actions import ActionsEvent, read_event
from gate.records import Record

# The Actions variables `gate.github` reads (besides GITHUB_TOKEN and GITHUB_API_URL,
# which are publish's --token and --api-url). Copied by name: never a secret.
GITHUB_VARIABLES = (
    "GITHUB_ACTIONS",  # in Actions without an event name, nothing is trusted
    "GITHUB_EVENT_NAME",
    "GITHUB_EVENT_PATH",
    "GITHUB_REPOSITORY",
    "GITHUB_SERVER_URL",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_ATTEMPT",
)
MAX_THROTTLE = 60.0
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class RunSettings(Record, frozen=True):
    """Everything a command takes from its environment, read once."""

    now: dt.datetime  # the one clock reading of this invocation, timezone-aware
    today: dt.date  # waivers are judged on it: SIGNAL_GATE_TODAY, else now's local date
    generated: dt.datetime  # the document's Generated: moment: SOURCE_DATE_EPOCH, else now
    head_sha: str | None  # SIGNAL_GATE_HEAD_SHA, else the event's pull request head
    event: ActionsEvent
    github: Mapping[str, str]  # GITHUB_VARIABLES that are set, for publish
    in_actions: bool
    debug: bool
    throttle: float | None  # seconds between GitHub requests; None: the publisher's own


def read_settings() -> RunSettings:
    """The settings of this process: the only reader of os.environ and the clock."""
    return settings_from_env(os.environ, dt.datetime.now().astimezone())


def settings_from_env(env: Mapping[str, str], now: dt.datetime) -> RunSettings:
    """The settings that `env` describes at the moment `now` (timezone-aware)."""
    github = {name: env[name] for name in GITHUB_VARIABLES if name in env}
    event = read_event(github)
    return RunSettings(
        now=now,
        today=_today(env, now),
        generated=_generated(env, now),
        head_sha=_head_sha(env) or event.head_sha,
        event=event,
        github=github,
        in_actions=env.get("GITHUB_ACTIONS") == "true",
        debug=bool(env.get("SIGNAL_GATE_DEBUG")),
        throttle=_throttle(env),
    )


def _set(env: Mapping[str, str], name: str) -> str | None:
    """The variable's value; None when unset or blank."""
    return env.get(name, "").strip() or None


def _today(env: Mapping[str, str], now: dt.datetime) -> dt.date:
    fixed = _set(env, "SIGNAL_GATE_TODAY")
    if fixed is None:
        return now.date()
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError:
        raise UsageError(f"SIGNAL_GATE_TODAY={fixed!r} is not an ISO date (YYYY-MM-DD)") from None


def _generated(env: Mapping[str, str], now: dt.datetime) -> dt.datetime:
    """reproducible-builds.org: SOURCE_DATE_EPOCH is an integer number of seconds
    since the epoch, and a malformed value must fail the build, not be ignored."""
    epoch = _set(env, "SOURCE_DATE_EPOCH")
    if epoch is None:
        return now.astimezone(dt.UTC)
    try:
        if not epoch.isascii() or not epoch.isdigit():
            raise ValueError
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970-01-01 UTC"
        ) from None


def _head_sha(env: Mapping[str, str]) -> str | None:
    sha = _set(env, "SIGNAL_GATE_HEAD_SHA")
    if sha is not None and not _SHA.fullmatch(sha):
        raise UsageError(f"SIGNAL_GATE_HEAD_SHA={sha!r} is not a full commit SHA")
    return sha


def _throttle(env: Mapping[str, str]) -> float | None:
    raw = _set(env, "SIGNAL_GATE_GITHUB_THROTTLE")
    if raw is None:
        return None
    try:
        pause = float(raw)
    except ValueError:
        pause = math.nan
    if not 0 <= pause <= MAX_THROTTLE:  # NaN fails this too
        raise UsageError(
            f"SIGNAL_GATE_GITHUB_THROTTLE={raw!r} is not a number of seconds "
            f"from 0 to {MAX_THROTTLE:g}"
        )
    return pause
