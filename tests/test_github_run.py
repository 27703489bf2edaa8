"""How `signal-gate publish` reads its run from the Actions environment (gate/github_run.py).

The payloads are the examples in tests/data/github-api (`event-pull_request.json`, a
same-repository PR, and `event-pull_request-fork-opened.json`, a PR from
contributor/Hello-World); the workflow_run and push payloads are built here from the
fields GitHub documents for those events.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import MERGE_SHA, TOKEN, actions_env, event_payload

from gate.errors import UsageError
from gate.github.run import EventName, GitHubRun, github_run_from_env

HEAD_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e"  # pull_request.head.sha in both examples
RUN_HEAD_SHA = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"


def read(tmp_path: Path, event_name: str, payload: object, **env: str) -> GitHubRun:
    return github_run_from_env(actions_env(tmp_path, event_name, payload, **env))


def workflow_run_event(
    *, pull_numbers: tuple[int, ...] = (1347,), head_repo: str = "octocat/Hello-World"
) -> dict[str, Any]:
    """A `workflow_run` payload: the run that finished, its head SHA and its pull requests."""
    base = {"id": 1296269, "url": "https://api.github.com/repos/octocat/Hello-World"}
    return {
        "action": "completed",
        "workflow_run": {
            "id": 30433642,
            "event": "pull_request",
            "head_sha": RUN_HEAD_SHA,
            "head_branch": "new-topic",
            "pull_requests": [
                {
                    "number": number,
                    "head": {"ref": "new-topic", "sha": RUN_HEAD_SHA, "repo": base},
                    "base": {"ref": "main", "sha": MERGE_SHA, "repo": base},
                }
                for number in pull_numbers
            ],
            "head_repository": {"full_name": head_repo},
            "repository": {"full_name": "octocat/Hello-World"},
        },
        "repository": {"full_name": "octocat/Hello-World"},
    }


# --- the events that carry a pull request ------------------------------------------------


def test_pull_request_reads_the_pr_and_its_head_sha_never_github_sha(tmp_path: Path) -> None:
    run = read(tmp_path, "pull_request", event_payload("event-pull_request"))

    assert run.event_name is EventName.PULL_REQUEST
    assert run.pr_number == 1347
    assert run.head_sha == HEAD_SHA
    assert run.head_sha != MERGE_SHA  # GITHUB_SHA is the merge commit
    assert (run.repository, run.owner, run.name) == (
        "octocat/Hello-World",
        "octocat",
        "Hello-World",
    )
    assert (run.is_fork, run.trusted) == (False, True)
    assert run.api_url == "https://api.github.com"
    assert run.run_url == "https://github.com/octocat/Hello-World/actions/runs/4242"
    assert run.token == TOKEN


def test_a_pr_from_a_fork_is_a_fork_and_not_trusted(tmp_path: Path) -> None:
    run = read(tmp_path, "pull_request", event_payload("event-pull_request-fork-opened"))

    assert (run.pr_number, run.head_sha) == (1347, HEAD_SHA)
    assert (run.is_fork, run.trusted) == (True, False)


@pytest.mark.parametrize(
    ("example", "is_fork"),
    [("event-pull_request", False), ("event-pull_request-fork-opened", True)],
)
def test_pull_request_target_is_never_trusted(tmp_path: Path, example: str, is_fork: bool) -> None:
    # pull_request_target runs the base branch's workflow with a write token on PR input:
    # the `command` safety checks must not run there (docs/github.md, "Which events run
    # command checks").
    run = read(tmp_path, "pull_request_target", event_payload(example))

    assert run.event_name is EventName.PULL_REQUEST_TARGET
    assert (run.is_fork, run.trusted) == (is_fork, False)
    assert run.head_sha == HEAD_SHA


def test_a_same_repository_pr_in_a_repository_that_is_itself_a_fork_is_trusted(
    tmp_path: Path,
) -> None:
    # head.repo.fork says the repository is a fork of another one, not that the PR
    # comes from elsewhere: head and base are the same repository here.
    payload = event_payload("event-pull_request")
    payload["pull_request"]["head"]["repo"]["fork"] = True
    payload["pull_request"]["base"]["repo"]["fork"] = True

    run = read(tmp_path, "pull_request", payload)

    assert (run.is_fork, run.trusted) == (False, True)


def test_a_pr_whose_fork_was_deleted_is_a_fork(tmp_path: Path) -> None:
    payload = event_payload("event-pull_request-fork-opened")
    payload["pull_request"]["head"]["repo"] = None

    assert read(tmp_path, "pull_request", payload).is_fork


def test_workflow_run_reads_its_first_pull_request_and_the_run_head_sha(tmp_path: Path) -> None:
    run = read(tmp_path, "workflow_run", workflow_run_event(pull_numbers=(7, 8)))

    assert run.event_name is EventName.WORKFLOW_RUN
    assert (run.pr_number, run.head_sha) == (7, RUN_HEAD_SHA)
    assert (run.is_fork, run.trusted) == (False, True)


def test_workflow_run_links_to_the_run_that_made_the_report(tmp_path: Path) -> None:
    event = workflow_run_event(pull_numbers=(7,))
    checking = "https://github.com/octocat/Hello-World/actions/runs/999"
    event["workflow_run"]["html_url"] = checking
    assert read(tmp_path, "workflow_run", event).run_url == checking
    # A link elsewhere is never used: the status would point away from the repository.
    event["workflow_run"]["html_url"] = "https://evil.example/actions/runs/1"
    assert read(tmp_path, "workflow_run", event).run_url.startswith(
        "https://github.com/octocat/Hello-World/actions/runs/"
    )


def test_workflow_run_of_a_fork_pr_needs_the_pr_number_from_elsewhere(tmp_path: Path) -> None:
    # GitHub leaves workflow_run.pull_requests empty for fork PRs (actions/runner#3444).
    env = actions_env(
        tmp_path, "workflow_run", workflow_run_event(pull_numbers=(), head_repo="contributor/x")
    )

    with pytest.raises(UsageError, match=r"workflow_run\.pull_requests is empty") as error:
        github_run_from_env(env)
    assert "fork" in str(error.value)

    run = github_run_from_env(env, pr_number=1347)
    assert (run.pr_number, run.head_sha) == (1347, RUN_HEAD_SHA)
    assert (run.is_fork, run.trusted) == (True, False)


def test_push_has_no_pull_request(tmp_path: Path) -> None:
    payload = {"ref": "refs/heads/main", "after": HEAD_SHA, "repository": {}}

    with pytest.raises(UsageError, match="GITHUB_EVENT_NAME=push carries no pull request") as e:
        read(tmp_path, "push", payload)
    assert e.value.hint is not None and "pull_request" in e.value.hint


# --- overrides ---------------------------------------------------------------------------


def test_token_and_api_url_overrides_win_over_the_environment(tmp_path: Path) -> None:
    env = actions_env(tmp_path, "pull_request", event_payload("event-pull_request"))

    run = github_run_from_env(env, token="ghp_other", api_url="https://ghe.example.com/api/v3/")

    assert run.token == "ghp_other"
    assert run.api_url == "https://ghe.example.com/api/v3"


def test_enterprise_server_urls_are_used_for_the_run_link(tmp_path: Path) -> None:
    run = read(
        tmp_path,
        "pull_request",
        event_payload("event-pull_request"),
        GITHUB_SERVER_URL="https://ghe.example.com/",
        GITHUB_API_URL="https://ghe.example.com/api/v3",
    )

    assert run.run_url == "https://ghe.example.com/octocat/Hello-World/actions/runs/4242"


# --- what is missing or wrong is named ---------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("GITHUB_TOKEN", "", "GITHUB_TOKEN is not set"),
        ("GITHUB_EVENT_NAME", "", "GITHUB_EVENT_NAME is not set"),
        ("GITHUB_EVENT_PATH", "", "GITHUB_EVENT_PATH is not set"),
        ("GITHUB_EVENT_PATH", "/nonexistent/event.json", "GITHUB_EVENT_PATH=/nonexistent"),
        ("GITHUB_REPOSITORY", "", "GITHUB_REPOSITORY is not set"),
        ("GITHUB_REPOSITORY", "no-slash", "GITHUB_REPOSITORY=no-slash: expected owner/name"),
        ("GITHUB_RUN_ID", "", "GITHUB_RUN_ID is not set"),
        ("GITHUB_RUN_ID", "abc", "GITHUB_RUN_ID=abc"),
        ("GITHUB_API_URL", "ftp://example.com", "GITHUB_API_URL=ftp://example.com"),
    ],
)
def test_a_missing_or_invalid_variable_is_named(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    env = actions_env(tmp_path, "pull_request", event_payload("event-pull_request"))
    env[variable] = value

    with pytest.raises(UsageError, match=message):
        github_run_from_env(env)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("pull_request", "an object"),
        ("pull_request.head", "an object"),
        ("pull_request.head.sha", "a string"),
        ("pull_request.number", "an integer"),
    ],
)
def test_a_missing_payload_key_is_named(tmp_path: Path, key: str, expected: str) -> None:
    payload = event_payload("event-pull_request")
    *parents, last = key.split(".")
    node = payload
    for part in parents:
        node = node[part]
    del node[last]

    with pytest.raises(UsageError, match=rf"{key} is missing or not {expected}"):
        read(tmp_path, "pull_request", payload)


def test_a_head_sha_that_is_not_a_sha_is_refused(tmp_path: Path) -> None:
    payload = event_payload("event-pull_request")
    payload["pull_request"]["head"]["sha"] = "main"

    with pytest.raises(UsageError, match=r"pull_request\.head\.sha is not a commit SHA"):
        read(tmp_path, "pull_request", payload)


def test_a_payload_that_is_not_json_is_refused(tmp_path: Path) -> None:
    env = actions_env(tmp_path, "pull_request", {})
    Path(env["GITHUB_EVENT_PATH"]).write_text("<html>", encoding="utf-8")

    with pytest.raises(UsageError, match="not a JSON event payload"):
        github_run_from_env(env)


# --- the token stays secret --------------------------------------------------------------


def test_the_token_is_in_no_repr_and_no_error_message(tmp_path: Path) -> None:
    run = read(tmp_path, "pull_request", event_payload("event-pull_request"))
    assert TOKEN not in repr(run)
    assert TOKEN not in str(run)

    env = actions_env(tmp_path, "push", {})
    with pytest.raises(UsageError) as error:
        github_run_from_env(env)
    assert TOKEN not in str(error.value)
