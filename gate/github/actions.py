"""What `check` needs from a GitHub Actions step, and what it gives back.

In: whether the event runs code from someone without write access (fork pull
requests, `pull_request_target`), so `command` safety checks must not run; the
pull request and its head SHA for provenance (never `GITHUB_SHA`, a merge
commit on pull requests). Out: `$GITHUB_OUTPUT` lines and the job summary,
within GitHub's documented limits (workflow commands docs: 1 MiB per step
summary; multi-line outputs use a random heredoc delimiter).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from gate.errors import UsageError
from gate.records import Record

STEP_SUMMARY_LIMIT = 1024 * 1024 - 1024  # bytes; leave room below GitHub's 1 MiB


class ActionsEvent(Record, frozen=True):
    """The facts of the triggering event that `check` uses."""

    name: str | None
    pull_request: int | None
    head_sha: str | None
    untrusted: bool  # a fork's code, or pull_request_target (the base token on PR code)

    @property
    def trusted(self) -> bool:
        return not self.untrusted


def read_event(env: Mapping[str, str]) -> ActionsEvent:
    """The event of this step; an empty one outside Actions or for events without a PR."""
    name = env.get("GITHUB_EVENT_NAME") or None
    if name is None:  # not in Actions
        return ActionsEvent(None, None, None, untrusted=False)
    from gate.github.run import pull_request_ref_from_env, runs_untrusted_code

    found = pull_request_ref_from_env(env)
    if found is None:
        return ActionsEvent(name, None, None, untrusted=False)
    event_name, ref = found
    return ActionsEvent(
        name, ref.number, ref.head_sha, untrusted=runs_untrusted_code(event_name, ref)
    )


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
