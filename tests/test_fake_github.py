"""The fake GitHub itself (tests/support/fake_github.py): it must refuse what GitHub
refuses, flag what the API description does not allow, page like GitHub, and let other
test modules serve operations of their own."""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from support import GITHUB_API
from support import fake_github as fakes
from support.fake_github import FakeGitHub, Op, Reply

fake_github = fakes.fake_github  # the fixture: a running fake that fails invalid requests


def test_op_names_exactly_the_operations_of_the_28_operation_description() -> None:
    spec = json.loads((GITHUB_API / "openapi-subset-28ops.json").read_text(encoding="utf-8"))
    ids = {
        operation["operationId"]
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }

    assert {op.value for op in Op} == ids
    assert len(ids) == 28


def test_the_fake_refuses_what_github_refuses(fake_github: FakeGitHub) -> None:
    # Without the degradation above, GitHub would answer these with a 422.
    api = f"{fake_github.base_url}/repos/octocat/Hello-World"
    annotation = {"path": "a", "start_line": 1, "end_line": 1, "annotation_level": "warning"}
    too_many = {"annotations": [{**annotation, "message": "m"}] * 51, "title": "t", "summary": "s"}

    long_comment = _call(fake_github, "POST", f"{api}/issues/1347/comments", {"body": "x" * 65_537})
    long_status = _call(
        fake_github,
        "POST",
        f"{api}/statuses/{'a' * 40}",
        {"state": "success", "description": "d" * 141},
    )
    check_run = {"name": "n", "head_sha": "a" * 40, "conclusion": "success", "output": too_many}
    many_annotations = _call(fake_github, "POST", f"{api}/check-runs", check_run)

    assert long_comment.status == 422
    assert long_comment.body["errors"][0]["message"] == (
        "Body is too long (maximum is 65536 characters)"
    )
    assert long_status.status == 422
    assert long_status.body["errors"][0]["field"] == "description"
    assert many_annotations.status == 422
    (problem,) = fake_github.take_problems()  # the only one the API description states
    assert problem.startswith("POST /repos/octocat/Hello-World/check-runs: ")
    assert "output/annotations: breaks maxItems: 50" in problem


def test_the_fake_flags_requests_outside_the_api_description(fake_github: FakeGitHub) -> None:
    api = f"{fake_github.base_url}/repos/octocat/Hello-World"

    answers = [
        _call(fake_github, "GET", f"{api}/issues/1347/comments?sort=created"),
        _call(fake_github, "GET", f"{api}/commits/{'a' * 40}"),
        _call(fake_github, "PUT", f"{api}/issues/comments/1", {"body": "x"}),
        _call(fake_github, "POST", f"{api}/statuses/{'a' * 40}", {"state": "green"}),
    ]

    assert [a.status for a in answers] == [422, 404, 404, 422]
    assert [p.split(": ", 1)[1] for p in fake_github.take_problems()] == [
        "query parameters not in the operation: sort",
        "not an operation of openapi-subset-28ops.json",
        "not an operation of openapi-subset-28ops.json",
        "InvalidRequestBody: state: 'green' is not one of ['error', 'failure', 'pending', "
        "'success']",
    ]


def test_the_fake_paginates_and_links_like_github(fake_github: FakeGitHub) -> None:
    for number in range(35):
        fake_github.seed_comment(f"comment {number}")
    comments = f"{fake_github.base_url}/repos/octocat/Hello-World/issues/1347/comments"

    first = _call(fake_github, "GET", comments)
    second = _call(fake_github, "GET", f"{comments}?per_page=30&page=2")

    assert len(first.body) == 30 and len(second.body) == 5
    assert first.headers["Link"] == (
        f'<{comments}?per_page=30&page=2>; rel="next", <{comments}?per_page=30&page=2>; rel="last"'
    )
    assert second.headers["Link"] == (
        f'<{comments}?per_page=30&page=1>; rel="first", <{comments}?per_page=30&page=1>; rel="prev"'
    )
    assert first.body[0]["url"].startswith(f"{fake_github.base_url}/repos/octocat/Hello-World/")
    assert first.body[0]["user"]["url"].startswith(fake_github.base_url)
    assert first.headers["Content-Type"] == "application/json; charset=utf-8"
    assert int(first.headers["x-ratelimit-remaining"]) > 0
    assert _call(fake_github, "GET", f"{fake_github.base_url}/user").status == 403


@dataclasses.dataclass(frozen=True)
class _Answer:
    status: int
    headers: dict[str, str]
    body: Any


def _call(fake: FakeGitHub, method: str, url: str, body: object = None) -> _Answer:
    """Send one raw request to the fake, as a client other than PyGithub would."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"token {fake.token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return _Answer(response.status, dict(response.headers), json.loads(response.read()))
    except urllib.error.HTTPError as error:
        return _Answer(error.code, dict(error.headers), json.loads(error.read()))


def test_a_registered_handler_serves_a_new_operation_with_its_own_state(
    fake_github: FakeGitHub,
) -> None:
    api = f"{fake_github.base_url}/repos/octocat/Hello-World"
    seen: list[str] = []

    def get_artifact(
        fake: FakeGitHub, params: Mapping[str, str], query: Mapping[str, list[str]], body: Any
    ) -> Reply:
        seen.append(params["artifact_id"])
        artifact = fake.rebased("GET-actions-artifacts-artifact_id")
        return Reply(200, {**artifact, "id": int(params["artifact_id"])})

    fake_github.serve(Op.GET_ARTIFACT, get_artifact)
    answer = _call(fake_github, "GET", f"{api}/actions/artifacts/77")
    other_repo = _call(fake_github, "GET", f"{fake_github.base_url}/repos/x/y/actions/artifacts/7")

    assert answer.status == 200 and answer.body["id"] == 77
    assert answer.body["url"].startswith(fake_github.base_url)
    assert other_repo.status == 404  # the owner/repo check comes before the handler
    assert seen == ["77"]
    assert [r.op for r in fake_github.requests] == [Op.GET_ARTIFACT, Op.GET_ARTIFACT]


def test_a_registered_handler_is_validated_like_the_built_in_ones(
    fake_github: FakeGitHub,
) -> None:
    api = f"{fake_github.base_url}/repos/octocat/Hello-World"
    fake_github.serve(Op.GET_RUN, lambda fake, params, query, body: Reply(200, {"id": "x"}))

    bad_query = _call(fake_github, "GET", f"{api}/actions/runs/5?colour=red")
    bad_answer = _call(fake_github, "GET", f"{api}/actions/runs/5")

    assert bad_query.status == 422
    assert bad_answer.status == 200
    problems = fake_github.take_problems()
    assert problems[0].endswith("query parameters not in the operation: colour")
    assert "the FAKE's response is invalid" in problems[1]


def test_a_registered_handler_replaces_a_built_in_operation(fake_github: FakeGitHub) -> None:
    api = f"{fake_github.base_url}/repos/octocat/Hello-World"
    fake_github.serve(Op.DELETE_COMMENT, lambda fake, params, query, body: fake.not_found())
    mine = fake_github.seed_comment("kept")

    answer = _call(fake_github, "DELETE", f"{api}/issues/comments/{mine}")

    assert answer.status == 404
    assert fake_github.comment_bodies() == ["kept"]


def test_a_ref_or_a_file_path_may_hold_slashes_as_on_github(fake_github: FakeGitHub) -> None:
    api = f"{fake_github.base_url}/repos/octocat/Hello-World"
    refs: list[str] = []

    def get_ref(
        fake: FakeGitHub, params: Mapping[str, str], query: Mapping[str, list[str]], body: Any
    ) -> Reply:
        refs.append(params["ref"])
        return Reply(200, fake.rebased("GET-git-ref-ref"))

    fake_github.serve(Op.GET_REF, get_ref)
    answer = _call(fake_github, "GET", f"{api}/git/ref/heads/feature/a")

    assert answer.status == 200  # and no problem: the fixture fails the test otherwise
    assert refs == ["heads/feature/a"]


def test_an_operation_nobody_serves_is_a_501_and_a_problem(fake_github: FakeGitHub) -> None:
    api = f"{fake_github.base_url}/repos/octocat/Hello-World"

    answer = _call(fake_github, "GET", f"{api}/git/ref/heads/main")

    assert answer.status == 501
    assert fake_github.take_problems() == [
        "git/get-ref: no handler; register one with fake.serve()"
    ]
