"""Where and how `signal-gate publish` talks to GitHub, read once from the Actions environment.

A workflow step sees its run through environment variables and the webhook payload at
`$GITHUB_EVENT_PATH` (GitHub docs, "Variables" › default environment variables, and
"Events that trigger workflows"). This module turns them into one typed, validated
`GitHubRun`; nothing here touches the network, and the only file it reads is the payload.

The pull request and the SHA to publish on always come from the payload, never from
`GITHUB_SHA`: on `pull_request` events that variable is the merge commit of
`refs/pull/N/merge`, which no reviewer ever sees.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from gate.errors import InputError, UsageError
from gate.github.trust import event_trust
from gate.records import Record
from gate.regular_file import require_regular

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"

_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
# A commit id: SHA-1 today, SHA-256 in repositories that use the new object format.
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_T = TypeVar("_T")
# GitHub caps webhook payloads at 25 MB ("Webhook events and payloads"); the file the
# runner writes is that payload.
MAX_PAYLOAD_BYTES = 25 * 2**20


class EventName(Enum):
    """The workflow events with a commit to publish on: a pull request's head, or the
    merge queue's group (GitHub docs, "Events that trigger workflows")."""

    PULL_REQUEST = "pull_request"
    PULL_REQUEST_TARGET = "pull_request_target"
    WORKFLOW_RUN = "workflow_run"
    MERGE_GROUP = "merge_group"  # no pull request: a status and a check run, no comment


# A dataclass, not a gate.records.Record, so that the token can stay out of its repr.
@dataclass(frozen=True, slots=True)
class GitHubRun:
    """The run settings of one publication: which API, which repository, PR and commit.

    `trusted` is `gate.github.trust.event_trust` of the event: False when the code under
    test may come from someone without write access; the `command` safety checks are
    disabled then.
    """

    token: str = field(repr=False)  # a secret: never in a repr, a message or a log
    api_url: str
    server_url: str
    repository: str  # "owner/name"
    event_name: EventName
    pr_number: int | None  # None in a merge queue: nothing to comment on
    head_sha: str  # the PR head (or merge group) commit: statuses and check runs go here
    is_fork: bool
    trusted: bool
    run_id: int
    run_attempt: int
    run_url: str  # {server}/{repository}/actions/runs/{run_id}

    @property
    def owner(self) -> str:
        return self.repository.split("/", 1)[0]

    @property
    def name(self) -> str:
        return self.repository.split("/", 1)[1]


class PullRequestRef(Record, frozen=True):
    """What an event payload says about its pull request."""

    number: int | None
    head_sha: str
    is_fork: bool
    run_url: str | None = None  # for workflow_run: the run that made the report


def github_run_from_env(
    env: Mapping[str, str],
    *,
    token: str | None = None,
    api_url: str | None = None,
    pr_number: int | None = None,
) -> GitHubRun:
    """Return the validated run settings that `env` (a step's environment) describes.

    `token` and `api_url` are the `--token` / `--api-url` overrides. `pr_number` names
    the pull request when the payload cannot: GitHub leaves `workflow_run.pull_requests`
    empty for pull requests from forks (actions/runner#3444, github/docs#22501), so a
    `workflow_run` publisher must get the number from the artifact of the run it follows.
    Raises `UsageError`, naming the variable or payload key, for anything missing or invalid.
    """
    event_name = _event_name(env)
    event_path, payload = read_event_payload(env)
    ref = _pull_request_ref(event_name, payload, event_path)
    number = pr_number if pr_number is not None else ref.number
    if number is None and event_name is not EventName.MERGE_GROUP:
        raise UsageError(
            f"{event_path}: workflow_run.pull_requests is empty, so the pull request is unknown",
            hint="GitHub leaves it empty for pull requests from forks; pass the PR number "
            "saved by the workflow that ran the check",
        )
    if number is not None and number < 1:
        raise UsageError(f"pull request number must be positive, not {number}")
    server_url = _url(env, "GITHUB_SERVER_URL", None, DEFAULT_SERVER_URL)
    repository = _repository(env)
    run_id = _positive_int(env, "GITHUB_RUN_ID", default=None)
    return GitHubRun(
        token=_token(env, token),
        api_url=_url(env, "GITHUB_API_URL", api_url, DEFAULT_API_URL),
        server_url=server_url,
        repository=repository,
        event_name=event_name,
        pr_number=number,
        head_sha=ref.head_sha,
        is_fork=ref.is_fork,
        trusted=event_trust(event_name.value, payload).trusted,
        run_id=run_id,
        run_attempt=_positive_int(env, "GITHUB_RUN_ATTEMPT", default=1),
        run_url=_run_url(ref.run_url, server_url, repository, run_id),
    )


def pull_request_ref_from_env(env: Mapping[str, str]) -> tuple[EventName, PullRequestRef] | None:
    """The pull request of this step's event, or None when the event has none (a push, a
    run outside Actions). Unlike `github_run_from_env` it needs no token: `check` uses it
    for provenance and to tell untrusted events."""
    try:
        event_name = EventName(env.get("GITHUB_EVENT_NAME", "").strip())
    except ValueError:
        return None
    path, payload = read_event_payload(env)
    return event_name, _pull_request_ref(event_name, payload, path)


def _run_url(checking_run: str | None, server_url: str, repository: str, run_id: int) -> str:
    """The run whose job summary holds the full report: for workflow_run events the run
    that made the report (when it is a run of this repository), else this one."""
    own = f"{server_url}/{repository}/actions/runs/"
    if checking_run is not None and checking_run.startswith(own):
        return checking_run
    return f"{own}{run_id}"


def _event_name(env: Mapping[str, str]) -> EventName:
    raw = env.get("GITHUB_EVENT_NAME", "").strip()
    if not raw:
        raise UsageError("GITHUB_EVENT_NAME is not set: publish runs inside a GitHub workflow")
    try:
        return EventName(raw)
    except ValueError:
        supported = ", ".join(e.value for e in EventName)
        raise UsageError(
            f"GITHUB_EVENT_NAME={raw} carries no pull request to publish on",
            hint=f"run publish on one of: {supported}",
        ) from None


def read_event_payload(env: Mapping[str, str]) -> tuple[Path, Mapping[str, Any]]:
    """Return the path and the parsed payload at `$GITHUB_EVENT_PATH`, read as hostile
    input: at most `MAX_PAYLOAD_BYTES`, JSON no deeper than Python's parser allows.
    Raises `UsageError` naming the file and the problem."""
    raw = env.get("GITHUB_EVENT_PATH", "").strip()
    if not raw:
        raise UsageError("GITHUB_EVENT_PATH is not set: it names the event payload file")
    path = Path(raw)
    try:
        # A FIFO or a device would block the read or never end: only a regular file.
        require_regular(path)
    except InputError as exc:
        raise UsageError(f"GITHUB_EVENT_PATH={exc}") from None
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PAYLOAD_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"GITHUB_EVENT_PATH={path}: cannot read it ({exc.strerror})") from None
    if len(data) > MAX_PAYLOAD_BYTES:
        raise UsageError(
            f"GITHUB_EVENT_PATH={path}: larger than {MAX_PAYLOAD_BYTES // 2**20} MiB, "
            "more than GitHub sends"
        )
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
        problem = "nested too deep" if isinstance(exc, RecursionError) else str(exc)
        raise UsageError(
            f"GITHUB_EVENT_PATH={path}: not a JSON event payload ({problem})"
        ) from None
    if not isinstance(payload, dict):
        raise UsageError(f"GITHUB_EVENT_PATH={path}: the payload is not a JSON object")
    return path, payload


def _pull_request_ref(
    event_name: EventName, payload: Mapping[str, Any], path: Path
) -> PullRequestRef:
    if event_name is EventName.WORKFLOW_RUN:
        return _workflow_run_ref(payload, path)
    if event_name is EventName.MERGE_GROUP:
        return _merge_group_ref(payload, path)
    # pull_request and pull_request_target share the webhook schema
    # (webhook-pull-request-* in webhooks-pull_request-subset.json).
    pr = _get(payload, "pull_request", dict, path)
    head = _get(pr, "pull_request.head", dict, path)
    base = _get(pr, "pull_request.base", dict, path)
    return PullRequestRef(
        number=_get(pr, "pull_request.number", int, path),
        head_sha=_sha_at(head, "pull_request.head.sha", path),
        is_fork=_differs(head.get("repo"), base.get("repo")),
    )


def _workflow_run_ref(payload: Mapping[str, Any], path: Path) -> PullRequestRef:
    run = _get(payload, "workflow_run", dict, path)
    pulls = _get(run, "workflow_run.pull_requests", list, path)
    number = None
    if pulls:
        first = pulls[0] if isinstance(pulls[0], dict) else {}
        number = _get(first, "workflow_run.pull_requests[0].number", int, path)
    html_url = run.get("html_url")
    return PullRequestRef(
        number=number,
        head_sha=_sha_at(run, "workflow_run.head_sha", path),
        is_fork=_differs(run.get("head_repository"), run.get("repository")),
        # The checking run holds the job summary; link there, not to the publisher.
        run_url=html_url if isinstance(html_url, str) and html_url.startswith("http") else None,
    )


def _merge_group_ref(payload: Mapping[str, Any], path: Path) -> PullRequestRef:
    # webhook-merge-group-checks-requested: merge_group.head_sha is "the commit SHA
    # that should be validated and have status reported on" (GitHub changelog,
    # 2022-08-18). The queue's branch lives in the base repository.
    group = _get(payload, "merge_group", dict, path)
    return PullRequestRef(
        number=None, head_sha=_sha_at(group, "merge_group.head_sha", path), is_fork=False
    )


def _differs(head_repo: object, base_repo: object) -> bool:
    """Return whether the head repository is another one than the base (a fork PR).

    A deleted fork leaves `head.repo` null: that is a fork too. `head.repo.fork` alone
    is not used: it is also true for a same-repository PR inside a repository that is
    itself a fork, whose code is as trusted as any other push to that repository.
    """
    if not isinstance(head_repo, dict) or not isinstance(base_repo, dict):
        return True
    head_name = head_repo.get("full_name")
    base_name = base_repo.get("full_name")
    if not isinstance(head_name, str) or not isinstance(base_name, str):
        return True
    # Repository names are case-insensitive on GitHub.
    return head_name.casefold() != base_name.casefold()


def _get(mapping: Mapping[str, Any], key: str, kind: type[_T], path: Path) -> _T:
    """Return `mapping[last part of key]`, checked to be a `kind`; `key` is for the message."""
    value = mapping.get(key.rsplit(".", 1)[-1])
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = {dict: "an object", list: "a list", int: "an integer", str: "a string"}
        raise UsageError(
            f"{path}: {key} is missing or not {expected.get(kind, kind.__name__)}",
            hint="is GITHUB_EVENT_NAME the event that wrote this payload?",
        )
    return value


def _sha_at(mapping: Mapping[str, Any], key: str, path: Path) -> str:
    value = _get(mapping, key, str, path)
    if not _SHA.fullmatch(value):
        raise UsageError(f"{path}: {key} is not a commit SHA: {value!r}")
    return value


def _token(env: Mapping[str, str], override: str | None) -> str:
    value = (override if override is not None else env.get("GITHUB_TOKEN", "")).strip()
    if not value:
        source = "--token is empty" if override is not None else "GITHUB_TOKEN is not set"
        raise UsageError(
            f"no GitHub token: {source}",
            hint="pass --token, or give the step `env: GITHUB_TOKEN: ${{ github.token }}` "
            "(Actions does not export the token by itself)",
        )
    return value


def _url(env: Mapping[str, str], variable: str, override: str | None, default: str) -> str:
    value = (override if override is not None else env.get(variable, "")).strip() or default
    if not value.startswith(("https://", "http://")):
        source = "--api-url" if override is not None else variable
        raise UsageError(f"{source}={value} is not an http(s) URL")
    return value.rstrip("/")


def _repository(env: Mapping[str, str]) -> str:
    value = env.get("GITHUB_REPOSITORY", "").strip()
    if not _REPOSITORY.fullmatch(value):
        shown = f"={value}" if value else " is not set"
        raise UsageError(f"GITHUB_REPOSITORY{shown}: expected owner/name")
    return value


def _positive_int(env: Mapping[str, str], variable: str, *, default: int | None) -> int:
    value = env.get(variable, "").strip()
    if not value and default is not None:
        return default
    if not value.isdigit() or int(value) < 1:
        shown = f"={value}" if value else " is not set"
        raise UsageError(f"{variable}{shown}: expected a positive integer")
    return int(value)
