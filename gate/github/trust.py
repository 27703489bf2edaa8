"""Whether a workflow event may run the repository's `command` safety checks.

The one rule, decided from the webhook payload at `$GITHUB_EVENT_PATH`, never from the
event name alone (GitHub docs, "Events that trigger workflows" and "Webhook events and
payloads"). Code is trusted only when it provably comes from someone with write access:

1. Outside GitHub Actions (no event name, no `GITHUB_ACTIONS=true`): a person's own
   run, trusted. In Actions without an event name: untrusted.
2. `pull_request_target`: never. It gives the base repository's token and secrets to a
   job about a pull request's code (GitHub Security Lab, "Preventing pwn requests").
3. Only the events in `TRUSTED_EVENTS` may run commands; every other event (the review
   and comment events of pull requests, `issue_comment`, anything new) is untrusted.
4. Any pull request the payload carries (a `pull_request` object at any depth, an item
   of a `pull_requests` list) must have a head repository that is provably the base
   repository; a deleted fork, a missing repository, or a link without head and base
   (`issue.pull_request`) is not proof.
5. `pull_request` must carry its pull request; `workflow_run` must have a head
   repository that is its own repository (a fork's run names the fork there).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from gate.records import Record

# The events whose code was pushed, merged or started by someone with write access:
# push, a schedule or a manual dispatch run the repository's own branches; a merge
# group holds pull requests that a writer queued to merge; a pull request from a
# branch of the same repository and a workflow run of such a branch were pushed by a
# writer (rule 4 and 5 check that they are).
TRUSTED_EVENTS = frozenset(
    {"push", "schedule", "workflow_dispatch", "merge_group", "pull_request", "workflow_run"}
)
NEVER_TRUSTED = "pull_request_target"

# Bounds on the walk through a payload written by GitHub but read as hostile input:
# GitHub's own payloads nest about 6 levels; anything beyond these is not proof.
MAX_DEPTH = 32
MAX_NODES = 200_000

# The keys that name a repository, in the order they are compared: the numeric id
# survives renames; the names are case-insensitive on GitHub.
_IDENTITY_KEYS = ("id", "node_id", "full_name", "url")


class Trust(Record, frozen=True):
    """Whether `command` checks may run, and why: the reason is shown to the user."""

    trusted: bool
    reason: str


OUTSIDE_ACTIONS = Trust(True, "not running in GitHub Actions")
# In Actions the runner always sets the event name; without it nothing proves anything.
NO_EVENT = Trust(False, "event: GITHUB_ACTIONS=true but GITHUB_EVENT_NAME is not set")


def event_trust(event_name: str | None, payload: Mapping[str, Any] | None) -> Trust:
    """Return whether the code of this event may be run, from the event's payload.

    `payload` is None when it could not be read: then nothing proves anything and the
    event is untrusted (fail closed). The rules are in the module docstring.
    """
    if event_name is None:
        return OUTSIDE_ACTIONS
    why = _distrust(event_name, payload)
    if why is not None:
        return Trust(False, f"{event_name} event: {why}")
    return Trust(True, f"{event_name} event of this repository's own code")


def _distrust(event_name: str, payload: Mapping[str, Any] | None) -> str | None:
    """Why the event is untrusted, or None when it is trusted."""
    if event_name == NEVER_TRUSTED:
        return "it runs with the base repository's token and secrets on a pull request"
    if event_name not in TRUSTED_EVENTS:
        return f"not one of the events that may run commands ({', '.join(sorted(TRUSTED_EVENTS))})"
    if payload is None:
        return "its payload could not be read"
    pulls = _pull_requests(payload)
    if pulls is None:
        return f"its payload nests deeper than {MAX_DEPTH} or has over {MAX_NODES} values"
    if any(not _same_repository(head, base) for head, base in pulls):
        return "it carries a pull request whose head repository is not provably the base"
    if event_name == "pull_request" and not pulls:
        return "its payload carries no pull request"
    if event_name == "workflow_run":
        run = payload.get("workflow_run")
        run = run if isinstance(run, Mapping) else {}
        if not _same_repository(run.get("head_repository"), run.get("repository")):
            return "the run's head repository is not provably this repository"
    return None


def _pull_requests(payload: Mapping[str, Any]) -> list[tuple[object, object]] | None:
    """Return (head repository, base repository) of every pull request in the payload,
    or None when the payload is too deep or too large to walk within the bounds.

    A pull request is a JSON object under a `pull_request` key or in a `pull_requests`
    list, at any depth. Scalars there (a `workflow_dispatch` input, a null) are not.
    """
    found: list[tuple[object, object]] = []
    for node in _objects(payload):
        if node is None:
            return None
        single = node.get("pull_request")
        listed = node.get("pull_requests")
        candidates = [single] if isinstance(single, Mapping | list) else []
        if isinstance(listed, list):
            candidates.extend(listed)
        elif isinstance(listed, Mapping):
            candidates.append(listed)
        found.extend(_head_and_base(pr) for pr in candidates)
    return found


def _objects(payload: Mapping[str, Any]) -> Iterator[Mapping[str, Any] | None]:
    """Every JSON object in the payload; None (then stop) past the depth or size bound."""
    stack: list[tuple[object, int]] = [(payload, 0)]
    seen = 0
    while stack:
        value, depth = stack.pop()
        seen += 1
        if depth > MAX_DEPTH or seen > MAX_NODES:
            yield None
            return
        if isinstance(value, Mapping):
            yield value
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)


def _head_and_base(pr: object) -> tuple[object, object]:
    """The head and base repositories a pull request object names (None where absent)."""
    if not isinstance(pr, Mapping):
        return None, None
    head, base = pr.get("head"), pr.get("base")
    return (
        head.get("repo") if isinstance(head, Mapping) else None,
        base.get("repo") if isinstance(base, Mapping) else None,
    )


def _same_repository(head: object, base: object) -> bool:
    """Return whether two repository objects provably name the same repository.

    Every identity both carry must agree, and they must share at least one. A deleted
    fork leaves `head.repo` null: not proof. `repo.fork` is not used: it is also true for
    a branch of a repository that is itself a fork, whose code is as trusted as any push
    to that repository.
    """
    if not isinstance(head, Mapping) or not isinstance(base, Mapping):
        return False
    shared = 0
    for key in _IDENTITY_KEYS:
        left, right = _identity(head.get(key)), _identity(base.get(key))
        if left is None or right is None:
            continue
        if left != right:
            return False
        shared += 1
    return shared > 0


def _identity(value: object) -> str | None:
    """A comparable form of one identity value, None when absent or of the wrong type."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip().casefold()
    return None
