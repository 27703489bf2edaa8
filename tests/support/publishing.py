"""Builders shared by the publisher's tests: a publication, a run, an injected sleep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gate.github.comments import comment_marker
from gate.github.publication import Annotation, Publication, Verdict
from gate.github.publisher import PublishOutcome, PublishSettings, publish
from gate.github.run import GitHubRun, github_run_from_env
from gate.records import replace

from . import actions_env, event_payload
from .fake_github import FakeGitHub

MARKER = comment_marker("default")
HEAD = f"{MARKER}\n<!-- signal-gate-content:k1 -->"  # what publish writes: marker, digest
FAST = PublishSettings(seconds_between_requests=0, seconds_between_writes=0, timeout=5)


def publication(**changes: Any) -> Publication:
    base = Publication(
        gate_id="default",
        verdict=Verdict.PASSED,
        comment="## Integration matrix\n\n| interaction | status |\n|---|---|\n| config | READY |",
        comment_summary="## Integration matrix\n\n10/10 interactions PRODUCTION READY",
        comment_key="k1",
        status_context="signal-gate/default",
        status_description="96.8% confidence · 22/22 safety",
        check_title="signal-gate: passed",
        check_summary="10/10 interactions ready; 22/22 safety checks.",
    )
    return replace(base, **changes)


def uncovered(path: str, count: int) -> tuple[Annotation, ...]:
    return tuple(
        Annotation(path, line, line, f"line {line} is not covered") for line in range(1, count + 1)
    )


def run_on(api_url: str, tmp_path: Path, example: str = "event-pull_request") -> GitHubRun:
    """A pull_request run against `api_url`, read from a real-looking Actions environment."""
    env = actions_env(tmp_path, "pull_request", event_payload(example), GITHUB_API_URL=api_url)
    return github_run_from_env(env)


class Sleeps(list[float]):
    """The injected sleep: records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def publish_now(
    run: GitHubRun,
    pub: Publication,
    sleeps: Sleeps | None = None,
    settings: PublishSettings = FAST,
    secrets: tuple[str, ...] = (),
) -> PublishOutcome:
    chosen = sleeps if sleeps is not None else Sleeps()
    return publish(run, pub, sleep=chosen, settings=settings, secrets=secrets)


@pytest.fixture
def run(fake_github: FakeGitHub, tmp_path: Path) -> GitHubRun:
    """A pull_request run against the fake GitHub (import it next to `fake_github`)."""
    return run_on(fake_github.base_url, tmp_path)
