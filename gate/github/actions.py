"""What `check` needs from a GitHub Actions step, and what it gives back.

In: whether the event runs code from someone without write access
(`gate.github.trust`), so `command` safety checks must not run; the pull
request and its head SHA for provenance (never `GITHUB_SHA`, a merge commit
on pull requests). Out: `$GITHUB_OUTPUT` lines and the job summary,
within GitHub's documented limits (workflow commands docs: 1 MiB per step
summary; multi-line outputs use a random heredoc delimiter).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gate.errors import UsageError
from gate.github.trust import NO_EVENT, OUTSIDE_ACTIONS, Trust, event_trust
from gate.records import Record

STEP_SUMMARY_LIMIT = 1024 * 1024 - 1024  # bytes; leave room below GitHub's 1 MiB


class ActionsEvent(Record, frozen=True):
    """The facts of the triggering event that `check` uses."""

    name: str | None
    pull_request: int | None
    head_sha: str | None
    trust: Trust  # whether `command` checks may run, and why (gate.github.trust)

    @property
    def trusted(self) -> bool:
        return self.trust.trusted


def read_event(env: Mapping[str, str]) -> ActionsEvent:
    """The event of this step: its trust, decided from its payload, and for events with a
    pull request, the number and head SHA. Outside Actions: trusted and empty.

    A payload that cannot be read makes the event untrusted; for the events that carry a
    pull request it is also a `UsageError` (the provenance needs it), as before.
    """
    name = env.get("GITHUB_EVENT_NAME", "").strip() or None
    if name is None:
        in_actions = env.get("GITHUB_ACTIONS") == "true"
        return ActionsEvent(None, None, None, NO_EVENT if in_actions else OUTSIDE_ACTIONS)
    from gate.github.run import pull_request_ref_from_env, read_event_payload

    try:
        payload: Mapping[str, Any] | None = read_event_payload(env)[1]
    except UsageError:
        payload = None
    trust = event_trust(name, payload)
    found = pull_request_ref_from_env(env)
    if found is None:
        return ActionsEvent(name, None, None, trust)
    ref = found[1]
    return ActionsEvent(name, ref.number, ref.head_sha, trust)


def output_lines(outputs: Mapping[str, str]) -> str:
    """`$GITHUB_OUTPUT` text: `name=value`, or a heredoc for multi-line values."""
    lines: list[str] = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            import secrets  # only for multi-line values; it costs 5 ms at start-up

            delimiter = f"ghadelimiter_{secrets.token_hex(8)}"
            lines.extend([f"{name}<<{delimiter}", value, delimiter])
        else:
            lines.append(f"{name}={value}")
    return "\n".join(lines) + "\n"


def fit_summary(full: str, short: str) -> str:
    """The job summary: the full Markdown if it fits GitHub's limit, else the short form."""
    return full if len(full.encode("utf-8")) <= STEP_SUMMARY_LIMIT else short
