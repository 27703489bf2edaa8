"""The exec fence through the real CLI: `signal-gate check` in a subprocess, with a
`command` safety check that would create a marker file. Under --no-exec and on every
untrusted event the marker never appears and the check FAILS with the reason; on a
trusted event the command runs. The payloads are tests/data/github-api/examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from safety_fixtures import environment_outside_actions, project_with_command
from support import event_payload
from support.portable import touch_argv

MARKER_RUN = touch_argv("marker")  # Python: Windows has no `touch`

DISABLED = "not run: command checks are disabled (--no-exec / untrusted event)"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    marker = f"{{id: marker, name: Leaves a marker, kind: command, run: {json.dumps(MARKER_RUN)}}}"
    return project_with_command(tmp_path / "project", marker)


def gate(
    root: Path, *args: str, event: tuple[str, Any] | None = None, in_actions: bool = False
) -> dict[str, Any]:
    """Run `signal-gate check --format json` as a step would, in an environment with no
    GitHub variables but those of `event` (its name and payload)."""
    env = environment_outside_actions()
    if in_actions:
        env["GITHUB_ACTIONS"] = "true"
    if event is not None:
        name, payload = event
        path = root.parent / "event.json"
        path.write_text(json.dumps(payload))
        env.update(GITHUB_ACTIONS="true", GITHUB_EVENT_NAME=name, GITHUB_EVENT_PATH=str(path))
    done = subprocess.run(
        [sys.executable, "-m", "gate", "check", "--format", "json", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    (marker,) = report["safety"]["checks"]
    return {"exit": done.returncode, "check": marker, "stderr": done.stderr}


def same_repo_review() -> dict[str, Any]:
    payload = event_payload("event-pull_request_review-fork")
    payload["pull_request"]["head"]["repo"] = payload["pull_request"]["base"]["repo"]
    return payload


UNTRUSTED = {
    "pull_request from a fork": ("pull_request", "event-pull_request-fork-opened"),
    "pull_request_target, same repository": ("pull_request_target", "event-pull_request"),
    "pull_request_target from a fork": ("pull_request_target", "event-pull_request-fork-opened"),
    "pull_request_review from a fork": ("pull_request_review", "event-pull_request_review-fork"),
    "pull_request_review_comment": ("pull_request_review_comment", "event-pull_request"),
    "issue_comment on a pull request": ("issue_comment", "event-issue_comment-pr"),
    "workflow_run of a fork": ("workflow_run", "event-workflow_run-fork"),
    "an unknown event with a pull request": ("pull_request_merged", "event-pull_request"),
}


def test_no_exec_never_runs_the_command(project: Path) -> None:
    result = gate(project, "--no-exec")
    assert not (project / "marker").exists()
    assert (result["exit"], result["check"]["passed"]) == (1, False)
    assert result["check"]["detail"] == DISABLED


@pytest.mark.parametrize("case", sorted(UNTRUSTED))
def test_an_untrusted_event_never_runs_the_command(project: Path, case: str) -> None:
    name, example = UNTRUSTED[case]
    result = gate(project, event=(name, event_payload(example)))
    assert not (project / "marker").exists()
    assert (result["exit"], result["check"]["passed"]) == (1, False)
    assert result["check"]["detail"] == DISABLED
    assert f"signal-gate: untrusted {name} event: " in result["stderr"]


def test_a_review_of_a_same_repository_pull_request_is_not_on_the_allow_list(
    project: Path,
) -> None:
    result = gate(project, event=("pull_request_review", same_repo_review()))
    assert not (project / "marker").exists()
    assert result["check"]["detail"] == DISABLED


@pytest.mark.parametrize(
    ("name", "example"),
    [
        ("pull_request", "event-pull_request"),
        ("push", "event-push"),
        ("merge_group", "event-merge_group"),
        (None, None),  # outside GitHub Actions
    ],
)
def test_a_trusted_event_runs_the_command(
    project: Path, name: str | None, example: str | None
) -> None:
    event = (name, event_payload(example)) if name and example else None
    result = gate(project, event=event)
    assert (project / "marker").exists()
    assert (result["exit"], result["check"]["passed"]) == (0, True), result["check"]
    assert result["check"]["detail"].endswith("marker` exited 0")
    assert "untrusted" not in result["stderr"]


def test_no_exec_wins_over_a_trusted_event(project: Path) -> None:
    result = gate(project, "--no-exec", event=("push", event_payload("event-push")))
    assert not (project / "marker").exists()
    assert result["check"]["detail"] == DISABLED


def test_actions_without_an_event_name_never_runs_the_command(project: Path) -> None:
    result = gate(project, in_actions=True)
    assert not (project / "marker").exists()
    assert result["check"]["detail"] == DISABLED
    assert (
        "untrusted event: GITHUB_ACTIONS=true but GITHUB_EVENT_NAME is not set"
        in (result["stderr"])
    )
