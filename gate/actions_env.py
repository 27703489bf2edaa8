"""What `check` needs from a GitHub Actions step, and what it gives back.

In: whether the event runs code from someone without write access (fork pull
requests, `pull_request_target`), so `command` safety checks must not run; the
pull request and its head SHA for provenance (never `GITHUB_SHA`, a merge
commit on pull requests). Out: `$GITHUB_OUTPUT` lines and the job summary,
within GitHub's documented limits (workflow commands docs: 1 MiB per step
summary; multi-line outputs use a random heredoc delimiter).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.errors import UsageError

STEP_SUMMARY_LIMIT = 1024 * 1024 - 1024  # bytes; leave room below GitHub's 1 MiB
UNTRUSTED_EVENTS = frozenset({"pull_request_target"})


@dataclass(frozen=True)
class ActionsEvent:
    """The facts of the triggering event that `check` uses."""

    name: str | None
    pull_request: int | None
    head_sha: str | None
    from_fork: bool

    @property
    def trusted(self) -> bool:
        return self.name not in UNTRUSTED_EVENTS and not self.from_fork


def read_event(env: Mapping[str, str]) -> ActionsEvent:
    """The event of this step; an empty one outside Actions."""
    name = env.get("GITHUB_EVENT_NAME") or None
    payload = _payload(env.get("GITHUB_EVENT_PATH"))
    pr = payload.get("pull_request") if isinstance(payload.get("pull_request"), dict) else None
    if pr is None:
        return ActionsEvent(name, None, None, from_fork=False)
    head, base = pr.get("head") or {}, pr.get("base") or {}
    head_repo = head.get("repo") if isinstance(head, dict) else None
    base_repo = base.get("repo") if isinstance(base, dict) else None
    head_name = head_repo.get("full_name") if isinstance(head_repo, dict) else None
    base_name = base_repo.get("full_name") if isinstance(base_repo, dict) else None
    fork = bool(isinstance(head_repo, dict) and head_repo.get("fork")) or (
        head_name is not None and base_name is not None and head_name != base_name
    )
    # A deleted fork leaves head.repo null: treat it as a fork, never as trusted.
    fork = fork or head_repo is None
    number = pr.get("number")
    sha = head.get("sha") if isinstance(head, dict) else None
    return ActionsEvent(
        name,
        number if isinstance(number, int) else None,
        sha if isinstance(sha, str) else None,
        from_fork=fork,
    )


def _payload(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"{path}: cannot read the event payload (GITHUB_EVENT_PATH): {exc}"
        ) from None
    return data if isinstance(data, dict) else {}


def output_lines(outputs: Mapping[str, str]) -> str:
    """`$GITHUB_OUTPUT` text: `name=value`, or a heredoc for multi-line values."""
    lines: list[str] = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{secrets.token_hex(8)}"
            lines.extend([f"{name}<<{delimiter}", value, delimiter])
        else:
            lines.append(f"{name}={value}")
    return "\n".join(lines) + "\n"


def append(path: Path, text: str) -> None:
    """Append to a runner file ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY)."""
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot append: {exc.strerror or exc}") from None


def fit_summary(full: str, short: str) -> str:
    """The job summary: the full Markdown if it fits GitHub's limit, else the short form."""
    return full if len(full.encode("utf-8")) <= STEP_SUMMARY_LIMIT else short
