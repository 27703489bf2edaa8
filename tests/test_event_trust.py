"""Which events may run `command` checks (gate/github/trust.py), decided from the payload.

The payloads are tests/data/github-api/examples/event-*.json (each validates against its
webhook schema, see tests/data/github-api/SOURCE.md), changed here only where a test says
so. The last test generates payloads whose pull requests are same-repository, forks or of
unknown origin by construction, and checks the rule against those labels.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import event_payload

from gate.errors import UsageError
from gate.github.actions import read_event
from gate.github.run import MAX_PAYLOAD_BYTES, read_event_payload
from gate.github.trust import MAX_DEPTH, event_trust

ALLOWED = ("push", "schedule", "workflow_dispatch", "merge_group", "pull_request", "workflow_run")
OTHERS = (
    "pull_request_target", "pull_request_review", "pull_request_review_comment",
    "pull_request_review_thread", "issue_comment", "issues", "check_suite", "check_run",
    "release", "repository_dispatch", "deployment", "discussion_comment",
)  # fmt: skip


def trusted(event_name: str | None, payload: dict[str, Any] | None) -> bool:
    return event_trust(event_name, payload).trusted


def same_repo_workflow_run() -> dict[str, Any]:
    """The fork workflow_run example turned into a run of a branch of octocat/Hello-World."""
    payload = event_payload("event-workflow_run-fork")
    run = payload["workflow_run"]
    run["head_repository"] = dict(run["repository"])
    ref = {"id": run["repository"]["id"], "url": run["repository"]["url"], "name": "Hello-World"}
    run["pull_requests"] = [
        {
            "id": 1,
            "number": 1347,
            "url": f"{ref['url']}/pulls/1347",
            "head": {"ref": "topic", "sha": run["head_sha"], "repo": dict(ref)},
            "base": {"ref": "main", "sha": run["head_sha"], "repo": dict(ref)},
        }
    ]
    return payload


# --- the examples, event by event ------------------------------------------------------


@pytest.mark.parametrize(
    ("event_name", "example", "expected"),
    [
        ("pull_request", "event-pull_request", True),
        ("pull_request", "event-pull_request-fork-opened", False),
        ("pull_request_target", "event-pull_request", False),
        ("pull_request_target", "event-pull_request-fork-opened", False),
        ("pull_request_review", "event-pull_request_review-fork", False),
        # the same events about a same-repository pull request: not on the allow-list
        ("pull_request_review", "event-pull_request", False),
        ("pull_request_review_comment", "event-pull_request", False),
        ("issue_comment", "event-issue_comment-pr", False),
        ("workflow_run", "event-workflow_run-fork", False),
        ("merge_group", "event-merge_group", True),
        ("push", "event-push", True),
        # an event GitHub may add tomorrow, carrying a same-repository pull request
        ("pull_request_merged", "event-pull_request", False),
    ],
)
def test_each_example_event(event_name: str, example: str, expected: bool) -> None:
    assert trusted(event_name, event_payload(example)) is expected


def test_the_reason_says_why() -> None:
    review = event_trust("pull_request_review", event_payload("event-pull_request_review-fork"))
    assert review.reason.startswith("pull_request_review event: not one of the events that may")
    fork = event_trust("pull_request", event_payload("event-pull_request-fork-opened"))
    assert fork.reason == (
        "pull_request event: it carries a pull request whose head repository is not provably "
        "the base"
    )
    target = event_trust("pull_request_target", event_payload("event-pull_request"))
    assert "base repository's token and secrets" in target.reason


@pytest.mark.parametrize("event_name", ["schedule", "workflow_dispatch"])
def test_events_of_the_repository_itself_are_trusted(event_name: str) -> None:
    payload = {"repository": {"full_name": "octocat/Hello-World"}, "inputs": {"pull_request": "7"}}
    # A workflow_dispatch input named pull_request is a string, not a pull request.
    assert trusted(event_name, payload)


def test_outside_actions_is_trusted_and_an_unreadable_payload_never_is() -> None:
    assert trusted(None, None)
    for event_name in ALLOWED:
        assert not trusted(event_name, None)


def test_a_same_repository_workflow_run_is_trusted_and_one_fork_pr_in_it_is_not() -> None:
    payload = same_repo_workflow_run()
    assert trusted("workflow_run", payload)
    payload["workflow_run"]["pull_requests"][0]["head"]["repo"]["id"] += 1
    assert not trusted("workflow_run", payload)


def test_a_workflow_run_without_its_repositories_is_not_trusted() -> None:
    payload = same_repo_workflow_run()
    del payload["workflow_run"]["head_repository"]
    assert not trusted("workflow_run", payload)


def test_a_pull_request_event_without_its_pull_request_is_not_trusted() -> None:
    payload = event_payload("event-pull_request")
    payload["pull_request"] = None
    assert not trusted("pull_request", payload)
    del payload["pull_request"]
    assert not trusted("pull_request", payload)


def test_a_fork_pull_request_anywhere_in_an_allowed_payload_is_not_trusted() -> None:
    fork = event_payload("event-pull_request-fork-opened")["pull_request"]
    for where in ({"pull_request": fork}, {"a": {"b": [{"pull_requests": [fork]}]}}):
        assert not trusted("push", {**event_payload("event-push"), "extra": where})


# --- what counts as the same repository ------------------------------------------------


def with_repos(head: object, base: object) -> dict[str, Any]:
    payload = event_payload("event-pull_request")
    payload["pull_request"]["head"]["repo"] = head
    payload["pull_request"]["base"]["repo"] = base
    return payload


@pytest.mark.parametrize(
    ("head", "base", "expected"),
    [
        ({"id": 1, "full_name": "o/r"}, {"id": 1, "full_name": "o/r"}, True),
        ({"full_name": "Octo/Repo"}, {"full_name": "octo/repo"}, True),  # case-insensitive
        ({"id": 1}, {"id": 1, "full_name": "o/r"}, True),  # one shared identity suffices
        ({"id": 2, "full_name": "o/r"}, {"id": 1, "full_name": "o/r"}, False),  # ids differ
        ({"id": 1, "full_name": "x/r"}, {"id": 1, "full_name": "o/r"}, False),
        (None, {"id": 1, "full_name": "o/r"}, False),  # a deleted fork
        ({"name": "r"}, {"name": "r"}, False),  # no identity to compare
        ({"id": True}, {"id": True}, False),  # a boolean is not an id
        ({"id": 1}, {"full_name": "o/r"}, False),  # nothing shared
        ("o/r", "o/r", False),
        ({"full_name": " "}, {"full_name": " "}, False),
    ],
)
def test_same_repository_needs_proof(head: object, base: object, expected: bool) -> None:
    assert trusted("pull_request", with_repos(head, base)) is expected


def test_a_repository_that_is_itself_a_fork_is_trusted_for_its_own_branches() -> None:
    payload = event_payload("event-pull_request")
    payload["pull_request"]["head"]["repo"]["fork"] = True
    payload["pull_request"]["base"]["repo"]["fork"] = True
    assert trusted("pull_request", payload)


def test_a_payload_too_deep_to_walk_is_not_trusted() -> None:
    nested: dict[str, Any] = {}
    for _ in range(MAX_DEPTH + 2):
        nested = {"n": nested}
    payload = {**event_payload("event-push"), "deep": nested}
    trust = event_trust("push", payload)
    assert not trust.trusted
    assert "nests deeper than" in trust.reason


# --- reading the payload of a step -------------------------------------------------------


def test_read_event_decides_from_the_payload_for_any_event(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event_payload("event-pull_request_review-fork")))
    event = read_event({"GITHUB_EVENT_NAME": "pull_request_review", "GITHUB_EVENT_PATH": str(path)})
    assert not event.trusted


def test_an_unreadable_payload_is_untrusted_not_an_error_for_a_push(tmp_path: Path) -> None:
    missing = {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(tmp_path / "none.json")}
    event = read_event(missing)
    assert not event.trusted and event.trust.reason == "push event: its payload could not be read"


def test_actions_without_an_event_name_is_untrusted() -> None:
    assert not read_event({"GITHUB_ACTIONS": "true"}).trusted
    assert read_event({}).trusted


def test_a_payload_larger_than_github_sends_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_PAYLOAD_BYTES + 1)  # sparse: no disk used
    with pytest.raises(UsageError, match=r"huge\.json: larger than 25 MiB"):
        read_event_payload({"GITHUB_EVENT_PATH": str(path)})


def test_a_payload_nested_past_the_parser_is_refused_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(UsageError, match=r"deep\.json: not a JSON event payload \(nested too deep"):
        read_event_payload({"GITHUB_EVENT_PATH": str(path)})


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_payload_that_is_a_named_pipe_is_refused_unread(tmp_path: Path) -> None:
    # Opening a FIFO for reading blocks until a writer comes: the refusal must come
    # from its type, before any open (a thread keeps a regression from hanging pytest).
    path = tmp_path / "event.json"
    os.mkfifo(path)
    outcome: list[BaseException | None] = []

    def read() -> None:
        try:
            read_event_payload({"GITHUB_EVENT_PATH": str(path)})
            outcome.append(None)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():  # unblock the reader so the thread ends
        with path.open("wb"):
            pass
        pytest.fail("reading a FIFO payload blocked")
    assert isinstance(outcome[0], UsageError)
    assert "event.json: is a named pipe (FIFO), not a regular file" in str(outcome[0])
    # An untrusted event, not a hang, for `check`:
    assert not read_event({"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(path)}).trusted


# --- fuzz: generated payloads, labelled by construction ---------------------------------

OWNERS = st.sampled_from(["octocat", "Octo-Cat", "contributor", "a.b", "x_y", "Z9"])
NAMES = st.sampled_from(["Hello-World", "hello-world", "repo", "R.e_p-o"])
IDENTITY = {
    "id": st.integers(1, 10**9),
    "node_id": st.sampled_from(["R_kgDOAbc", "MDEwOlJlcG9zaXRvcnkx", "R_kgDOXyz"]),
    "full_name": st.builds(lambda o, r: f"{o}/{r}", OWNERS, NAMES),
    "url": st.builds(lambda o, r: f"https://api.github.com/repos/{o}/{r}", OWNERS, NAMES),
}


def swap_case(value: object) -> object:
    return value.swapcase() if isinstance(value, str) else value


def another(value: object) -> object:
    """An identity that names another repository, whatever the case."""
    return value + 1 if isinstance(value, int) else f"{value}-fork"


@st.composite
def repo_pair(draw: st.DrawFn) -> tuple[object, object, str]:
    """(head repository, base repository, "same" | "fork" | "unknown") by construction."""
    label = draw(st.sampled_from(["same", "fork", "unknown"]))
    keys = draw(st.sets(st.sampled_from(sorted(IDENTITY)), min_size=1))
    base = {key: draw(IDENTITY[key]) for key in keys}
    if label == "unknown":
        # identities the base does not carry: nothing to compare
        unshared = {key: draw(IDENTITY[key]) for key in sorted(IDENTITY) if key not in base}
        choices = [None, "a/b", {}, {"name": "Hello-World"}, unshared]
        return draw(st.sampled_from(choices)), base, label
    shared = draw(st.sets(st.sampled_from(sorted(keys)), min_size=1))
    head = {key: swap_case(base[key]) for key in shared}  # names are case-insensitive
    if label == "fork":
        changed = draw(st.sampled_from(sorted(shared)))
        head[changed] = another(base[changed])
    return head, base, label


@st.composite
def pull_request(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    head, base, label = draw(repo_pair())
    pr = {"number": draw(st.integers(1, 10**6)), "head": {"repo": head}, "base": {"repo": base}}
    return pr, label


def place(payload: dict[str, Any], pr: dict[str, Any], where: int) -> None:
    """Put the pull request where payloads carry them, or deeper."""
    if where == 0 and "pull_request" not in payload:
        payload["pull_request"] = pr
    elif where in (1, 2):
        key = "workflow_run" if where == 1 else "check_suite"
        payload.setdefault(key, {}).setdefault("pull_requests", []).append(pr)
    else:
        payload.setdefault("x", []).append({"y": {"pull_request": pr}})


@st.composite
def event(draw: st.DrawFn) -> tuple[str, dict[str, Any], list[str], bool]:
    """(event name, payload, labels of its pull requests, workflow_run head proven)."""
    name = draw(st.sampled_from((*ALLOWED, *OTHERS, "", "Push", "push ", "workflow-run")))
    payload: dict[str, Any] = {"repository": {"full_name": "octocat/Hello-World"}}
    labels = []
    for pr, label in draw(st.lists(pull_request(), max_size=3)):
        place(payload, pr, draw(st.integers(0, 3)))
        labels.append(label)
    if draw(st.booleans()):  # an issue comment's link to a pull request: no head, no base
        payload["issue"] = {"number": 1, "pull_request": {"url": "https://x/pulls/1"}}
        labels.append("unknown")
    run_proven = False
    if draw(st.booleans()):
        head, base, label = draw(repo_pair())
        payload.setdefault("workflow_run", {}).update(head_repository=head, repository=base)
        run_proven = label == "same"
    return name, payload, labels, run_proven


@settings(max_examples=1000, derandomize=True, deadline=None, database=None)
@given(event())
def test_generated_payloads_are_never_trusted_without_proof(
    case: tuple[str, dict[str, Any], list[str], bool],
) -> None:
    """1,000 generated payloads (hypothesis, derandomize=True): never trusted with a fork's
    or an unknown pull request in it, nor for an event off the allow-list; trusted when an
    allowed event carries only provably same-repository pull requests."""
    name, payload, labels, run_proven = case
    trust = event_trust(name, payload)
    if any(label != "same" for label in labels) or name not in ALLOWED:
        assert not trust.trusted, (name, payload)
        return
    expected = (name != "pull_request" or bool(labels)) and (name != "workflow_run" or run_proven)
    assert trust.trusted is expected, (name, payload, trust.reason)
