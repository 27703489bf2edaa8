"""A fake GitHub REST API over real HTTP on 127.0.0.1, for testing the PyGithub adapter.

It knows the 28 operations of `tests/data/github-api/openapi-subset-28ops.json` (`Op`) and
serves the 13 that signal-gate's publisher calls in the shapes of GitHub's own examples
(`examples/*.json`), with every `url`/`*_url` field and every `Link` header rebuilt on its
own base URL (PyGithub refuses to follow URLs of another host, LIMITS.md §5). It keeps
state (comments, statuses, check runs and their accumulated annotations) and records every
request.

Every request is validated against the OpenAPI description with openapi-core (path,
method, query, JSON body; unknown query parameters too) and every 2xx response against
its response schema. Anything invalid is answered as GitHub would (422) *and* recorded in
`problems`; the `fake_github` fixture fails the test when `problems` is not empty, so a
request GitHub would reject can never pass unnoticed.

GitHub's limits that the description does not state are enforced with the bodies of
`examples/errors.observed.json`: a comment over 65,536 characters and a status description
over 140 get a 422; more than 50 annotations per request break the description itself.

Serving more operations: a test module registers a handler for any `Op` without editing
this class, and keeps its own state (in a closure or its own object):

    def get_artifact(fake, params, query, body) -> Reply:
        return Reply(200, fake.rebased("GET-actions-artifacts-artifact_id"))

    fake_github.serve(Op.GET_ARTIFACT, get_artifact)

`params` are the path parameters (strings), `query` the parsed query string, `body` the
parsed JSON body. The handler runs after authentication, validation, the owner/repo check,
`trouble` and `read_only`, under the fake's lock; its 2xx answers are validated like the
built-in ones. It may also replace a built-in operation. Helpers for handlers: `rebased`
(an example with URLs on this server), `page` (a list with GitHub's Link header), `error`
(a body of errors.observed.json), `not_found`, `next_id`. An operation nobody serves
answers 501 and is recorded in `problems`, so a test calling it fails.

Switches: `read_only` (a fork's GITHUB_TOKEN: 403 "Resource not accessible by integration"
on every write), `trouble(op, kind, times)` (a 5xx before or after doing the work, a
secondary or primary rate limit), `seed_comment(...)` (existing comments, any author),
`pr_files` (what `pulls/list-files` returns), `pr_head_sha` (a PR that moved on), `fork`
(the PR's head repository is contributor/<repo>), `pr_number` (any other number is a 404).
`GET /user` is always the 403 an installation token (GITHUB_TOKEN) gets.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from . import GITHUB_API, TOKEN

SPEC_HOST = "https://api.github.com"  # the server of openapi-subset.json
JSON_TYPE = "application/json; charset=utf-8"
BOT_LOGIN = "github-actions[bot]"
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


class Op(Enum):
    """The 28 operations of openapi-subset-28ops.json, by operationId."""

    RATE_LIMIT = "rate-limit/get"
    GET_REPO = "repos/get"
    GET_ARTIFACT = "actions/get-artifact"
    DOWNLOAD_ARTIFACT = "actions/download-artifact"
    LIST_REPO_RUNS = "actions/list-workflow-runs-for-repo"
    GET_RUN = "actions/get-workflow-run"
    LIST_RUN_ARTIFACTS = "actions/list-workflow-run-artifacts"
    LIST_WORKFLOW_RUNS = "actions/list-workflow-runs"
    CREATE_CHECK_RUN = "checks/create"
    UPDATE_CHECK_RUN = "checks/update"
    LIST_CHECK_RUNS = "checks/list-for-ref"
    COMPARE_COMMITS = "repos/compare-commits"
    GET_CONTENT = "repos/get-content"
    PUT_CONTENT = "repos/create-or-update-file-contents"
    GET_REF = "git/get-ref"
    CREATE_REF = "git/create-ref"
    UPDATE_REF = "git/update-ref"
    UPDATE_COMMENT = "issues/update-comment"
    DELETE_COMMENT = "issues/delete-comment"
    LIST_COMMENTS = "issues/list-comments"
    CREATE_COMMENT = "issues/create-comment"
    LIST_PULLS = "pulls/list"
    CREATE_PULL = "pulls/create"
    GET_PULL = "pulls/get"
    UPDATE_PULL = "pulls/update"
    LIST_FILES = "pulls/list-files"
    CREATE_STATUS = "repos/create-commit-status"
    GET_USER = "users/get-authenticated"


class Trouble(Enum):
    """Ways a call can go wrong on purpose."""

    SERVER_ERROR = "502 before doing anything"
    SERVER_ERROR_AFTER_WRITE = "502 after doing the work (a proxy timing out)"
    SECONDARY_RATE_LIMIT = "403 secondary rate limit with retry-after"
    PRIMARY_RATE_LIMIT = "403 primary rate limit, x-ratelimit-remaining 0"


@dataclass
class _Planned:
    op: Op
    kind: Trouble
    times: int
    retry_after: int


@dataclass(frozen=True)
class Recorded:
    """One request the fake received, and the status it answered."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    body: Any
    op: Op | None
    status: int


@dataclass(frozen=True)
class Reply:
    """What the fake answers: a status, a JSON body (None: no body) and extra headers."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    trickle: float = 0.0  # seconds between the bytes of the body: a server that stalls


# handler(fake, path parameters, query, parsed JSON body) -> reply; see `FakeGitHub.serve`.
Handler = Callable[["FakeGitHub", Mapping[str, str], Mapping[str, list[str]], Any], Reply]


# handler(fake, path parameters, query, parsed JSON body) -> reply; see `FakeGitHub.serve`.
Handler = Callable[["FakeGitHub", Mapping[str, str], Mapping[str, list[str]], Any], Reply]


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    op: Op
    query_names: frozenset[str]


@dataclass(frozen=True)
class _Spec:
    openapi: OpenAPI
    routes: tuple[_Route, ...]
    examples: Mapping[str, Any]  # file stem -> parsed JSON
    errors: Mapping[str, Any]  # errors.observed.json


@cache
def load_spec(api_dir: Path) -> _Spec:
    """Parse the OpenAPI subset and the examples once per test session."""
    raw = json.loads((api_dir / "openapi-subset-28ops.json").read_text(encoding="utf-8"))
    routes = tuple(_routes(raw))
    # SOURCE.md: checks/create's `discriminator` has no mapping, so openapi-core looks
    # up #/components/schemas/completed and rejects every body. Without it, the oneOf
    # on `status` is still checked.
    spec = copy.deepcopy(raw)
    body = spec["paths"]["/repos/{owner}/{repo}/check-runs"]["post"]["requestBody"]
    del body["content"]["application/json"]["schema"]["discriminator"]
    examples = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((api_dir / "examples").glob("*.json"))
    }
    return _Spec(
        openapi=OpenAPI.from_dict(spec),
        routes=routes,
        examples=examples,
        errors=examples["errors.observed"],
    )


def _routes(spec: Mapping[str, Any]) -> Iterator[_Route]:
    parameters = spec["components"]["parameters"]
    for template, item in spec["paths"].items():
        # A git ref or a file path may hold slashes (`heads/main`, `docs/a.md`), as on GitHub.
        regex = re.sub(r"\{(ref|path)\}", r"(?P<\1>.+)", template)
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", regex)
        for method, operation in item.items():
            declared = [
                parameters[p["$ref"].rsplit("/", 1)[1]] if "$ref" in p else p
                for p in operation.get("parameters", [])
            ]
            yield _Route(
                method=method.upper(),
                pattern=re.compile(f"^{regex}$"),
                op=Op(operation["operationId"]),
                query_names=frozenset(p["name"] for p in declared if p["in"] == "query"),
            )


class FakeGitHub:
    """The fake API and its state; use as a context manager, or through `fake_github`."""

    def __init__(
        self,
        api_dir: Path,
        *,
        token: str = TOKEN,
        owner: str = "octocat",
        repo: str = "Hello-World",
        pr_number: int = 1347,
    ) -> None:
        self.spec = load_spec(api_dir)
        event = self.spec.examples["event-pull_request"]["pull_request"]
        self.token = token
        self.owner, self.repo = owner, repo
        self.pr_number = pr_number
        self.pr_head_sha: str = event["head"]["sha"]
        self.pr_base_sha: str = event["base"]["sha"]
        self.pr_files: list[str] = ["README.md"]
        self.fork = False  # the PR's head is in contributor/<repo>
        self.read_only = False  # a fork's read-only GITHUB_TOKEN: every write is a 403
        self.comments: dict[int, dict[str, Any]] = {}
        self.statuses: list[dict[str, Any]] = []
        self.check_runs: dict[int, dict[str, Any]] = {}
        self.requests: list[Recorded] = []
        self.problems: list[str] = []
        self._planned: list[_Planned] = []
        self._served: dict[Op, Handler] = {}
        self._ids = itertools.count(1001)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""

    # --- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> FakeGitHub:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- switches and seeds ------------------------------------------------------------

    def trouble(self, op: Op, kind: Trouble, *, times: int = 1, retry_after: int = 1) -> None:
        """Make the next `times` calls of `op` go wrong as `kind` says."""
        self._planned.append(_Planned(op, kind, times, retry_after))

    def serve(self, op: Op, handler: Handler) -> None:
        """Answer `op` with `handler` from now on (a new operation, or instead of ours)."""
        self._served[op] = handler

    def seed_comment(self, body: str, *, author: str = BOT_LOGIN) -> int:
        """Add an existing comment to the PR; return its id."""
        comment_id = next(self._ids)
        self.comments[comment_id] = self._comment(comment_id, body, author)
        return comment_id

    # --- what happened -----------------------------------------------------------------

    def calls(self, op: Op) -> list[Recorded]:
        return [r for r in self.requests if r.op is op]

    def comment_bodies(self) -> list[str]:
        return [c["body"] for c in sorted(self.comments.values(), key=lambda c: c["id"])]

    def take_problems(self) -> list[str]:
        """Return and forget the problems so far (for tests of the fake itself)."""
        problems, self.problems = self.problems, []
        return problems

    # --- HTTP --------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], raw: bytes) -> Reply:
        split = urlsplit(target)
        query = parse_qs(split.query, keep_blank_values=True)
        with self._lock:
            op, reply, body = self._answer(method, split.path, query, headers, raw)
            self.requests.append(Recorded(method, split.path, query, body, op, reply.status))
        return reply

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: Mapping[str, str],
        raw: bytes,
    ) -> tuple[Op | None, Reply, Any]:
        route, params = self._route(method, path)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            self._problem(method, path, "the body is not JSON")
            return None, Reply(400, {"message": "Problems parsing JSON"}), raw
        if route is None:
            self._problem(method, path, "not an operation of openapi-subset-28ops.json")
            return None, self.not_found(), body
        if headers.get("authorization") not in (f"token {self.token}", f"Bearer {self.token}"):
            return route.op, Reply(401, {"message": "Bad credentials", "status": "401"}), body
        checked = _one_segment(route, path)
        invalid = self._validate(route, method, checked, query, headers, raw)
        if invalid:
            self._problem(method, path, invalid)
            return route.op, Reply(422, {"message": f"Invalid request.\n\n{invalid}"}), body
        reply = self._dispatch(route.op, method, params, query, body)
        if 200 <= reply.status < 300:
            response_problem = self._validate_response(method, checked, query, raw, headers, reply)
            if response_problem:
                self._problem(method, path, f"the FAKE's response is invalid: {response_problem}")
        return route.op, reply, body

    def _route(self, method: str, path: str) -> tuple[_Route | None, dict[str, str]]:
        for route in self.spec.routes:
            match = route.pattern.match(path)
            if match and route.method == method:
                return route, match.groupdict()
        return None, {}

    def _validate(
        self,
        route: _Route,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        raw: bytes,
    ) -> str:
        unknown = sorted(set(query) - route.query_names)
        if unknown:
            return f"query parameters not in the operation: {', '.join(unknown)}"
        repeated = sorted(name for name, values in query.items() if len(values) > 1)
        if repeated:
            return f"query parameters given twice: {', '.join(repeated)}"
        request = self._mock_request(method, path, query, headers, raw)
        try:
            self.spec.openapi.validate_request(request)
        except Exception as exc:  # openapi-core raises one class per kind of problem
            return _explain(exc)
        return ""

    def _validate_response(
        self,
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        raw: bytes,
        headers: Mapping[str, str],
        reply: Reply,
    ) -> str:
        data = b"" if reply.body is None else json.dumps(reply.body).encode()
        response = MockResponse(data, status_code=reply.status, content_type="application/json")
        request = self._mock_request(method, path, query, headers, raw)
        try:
            self.spec.openapi.validate_response(request, response)
        except Exception as exc:
            return _explain(exc)
        return ""

    @staticmethod
    def _mock_request(
        method: str,
        path: str,
        query: Mapping[str, list[str]],
        headers: Mapping[str, str],
        raw: bytes,
    ) -> MockRequest:
        content_type = headers.get("content-type", "application/json").split(";")[0]
        return MockRequest(
            SPEC_HOST,
            method.lower(),
            path,
            args={name: values[0] for name, values in query.items()},
            data=raw or None,
            content_type=content_type,
        )

    def _problem(self, method: str, path: str, message: str) -> None:
        self.problems.append(f"{method} {path}: {message}")

    # --- operations --------------------------------------------------------------------

    def _dispatch(
        self,
        op: Op,
        method: str,
        params: Mapping[str, str],
        query: Mapping[str, list[str]],
        body: Any,
    ) -> Reply:
        if op is Op.GET_USER:  # GITHUB_TOKEN is an installation token (LIMITS.md §2)
            return self.error("GET /user with GITHUB_TOKEN (installation token)")
        if op is Op.RATE_LIMIT:
            return Reply(200, self.spec.examples["GET-rate_limit"])
        if (params.get("owner"), params.get("repo")) != (self.owner, self.repo):
            return self.not_found()
        planned = self._next_trouble(op)
        if planned is not None and planned.kind is not Trouble.SERVER_ERROR_AFTER_WRITE:
            return self._trouble_reply(planned)
        if self.read_only and method != "GET":
            return self.error(
                "write call without the needed GITHUB_TOKEN permission (e.g. fork PR)"
            )
        reply = self._operation(op, params, query, body)
        if planned is not None:  # the work is done, but the answer is lost
            return Reply(502, {"message": "Server Error"})
        return reply

    def _operation(
        self, op: Op, params: Mapping[str, str], query: Mapping[str, list[str]], body: Any
    ) -> Reply:
        served = self._served.get(op)
        if served is not None:
            return served(self, params, query, body)
        handlers = {
            Op.GET_REPO: lambda: Reply(200, self._repository()),
            Op.GET_PULL: lambda: self._get_pull(int(params["pull_number"])),
            Op.LIST_FILES: lambda: self._list_files(int(params["pull_number"]), query),
            Op.LIST_COMMENTS: lambda: self._list_comments(int(params["issue_number"]), query),
            Op.CREATE_COMMENT: lambda: self._create_comment(int(params["issue_number"]), body),
            Op.UPDATE_COMMENT: lambda: self._update_comment(int(params["comment_id"]), body),
            Op.DELETE_COMMENT: lambda: self._delete_comment(int(params["comment_id"])),
            Op.CREATE_STATUS: lambda: self._create_status(params["sha"], body),
            Op.CREATE_CHECK_RUN: lambda: self._create_check_run(body),
            Op.UPDATE_CHECK_RUN: lambda: self._update_check_run(int(params["check_run_id"]), body),
            Op.LIST_CHECK_RUNS: lambda: self._list_check_runs(params["ref"], query),
        }
        builtin = handlers.get(op)
        if builtin is None:
            self.problems.append(f"{op.value}: no handler; register one with fake.serve()")
            return Reply(501, {"message": f"the fake does not serve {op.value}"})
        return builtin()

    def _get_pull(self, number: int) -> Reply:
        if number != self.pr_number:
            return self.not_found()
        pr = self.rebased("GET-pulls-pull_number")
        pr["number"] = number
        api = f"{self.base_url}/repos/{self.owner}/{self.repo}"
        pr.update(
            url=f"{api}/pulls/{number}",
            issue_url=f"{api}/issues/{number}",
            comments_url=f"{api}/issues/{number}/comments",
            commits_url=f"{api}/pulls/{number}/commits",
            review_comments_url=f"{api}/pulls/{number}/comments",
            statuses_url=f"{api}/statuses/{self.pr_head_sha}",
        )
        pr["head"]["sha"], pr["base"]["sha"] = self.pr_head_sha, self.pr_base_sha
        if self.fork:
            head_repo = pr["head"]["repo"]
            head_repo["full_name"] = f"contributor/{self.repo}"
            head_repo["fork"] = True
        # GitHub's own example lacks `type` in requested_teams[0] (SOURCE.md, caveats).
        for team in pr.get("requested_teams") or []:
            team.setdefault("type", "organization")
        return Reply(200, pr)

    def _list_files(self, number: int, query: Mapping[str, list[str]]) -> Reply:
        if number != self.pr_number:
            return self.not_found()
        template = self.rebased("GET-pulls-pull_number-files")[0]
        files = [{**template, "filename": name, "status": "modified"} for name in self.pr_files]
        return self.page(f"/repos/{self.owner}/{self.repo}/pulls/{number}/files", files, query)

    def _list_comments(self, number: int, query: Mapping[str, list[str]]) -> Reply:
        if number != self.pr_number:
            return self.not_found()
        comments = [self.comments[key] for key in sorted(self.comments)]
        path = f"/repos/{self.owner}/{self.repo}/issues/{number}/comments"
        return self.page(path, comments, query)

    def _create_comment(self, number: int, body: Mapping[str, Any]) -> Reply:
        if number != self.pr_number:
            return self.not_found()
        if len(body["body"]) > 65_536:
            return self.error("POST issue comment, body > 65536 chars")
        comment_id = next(self._ids)
        self.comments[comment_id] = self._comment(comment_id, body["body"], BOT_LOGIN)
        return Reply(201, self.comments[comment_id])

    def _update_comment(self, comment_id: int, body: Mapping[str, Any]) -> Reply:
        if comment_id not in self.comments:
            return self.not_found()
        if len(body["body"]) > 65_536:
            return self.error("POST issue comment, body > 65536 chars")
        comment = self.comments[comment_id]
        comment["body"] = body["body"]
        comment["updated_at"] = _timestamp(next(self._ids))
        return Reply(200, comment)

    def _delete_comment(self, comment_id: int) -> Reply:
        if self.comments.pop(comment_id, None) is None:
            return self.not_found()
        return Reply(204)

    def _create_status(self, sha: str, body: Mapping[str, Any]) -> Reply:
        if len(body.get("description") or "") > 140:
            return self.error("POST commit status, description > 140 chars")
        status = self.rebased("POST-statuses-sha.201")
        status_id = next(self._ids)
        status.update(
            id=status_id,
            url=f"{self.base_url}/repos/{self.owner}/{self.repo}/statuses/{sha}",
            state=body["state"],
            description=body.get("description"),
            target_url=body.get("target_url"),
            context=body.get("context", "default"),
            created_at=_timestamp(status_id),
            updated_at=_timestamp(status_id),
        )
        self.statuses.append({**status, "sha": sha})
        return Reply(201, status)

    def _create_check_run(self, body: Mapping[str, Any]) -> Reply:
        check_id = next(self._ids)
        completed = body.get("status") == "completed" or "conclusion" in body
        output = body.get("output") or {}
        self.check_runs[check_id] = {
            "id": check_id,
            "name": body["name"],
            "head_sha": body["head_sha"],
            "external_id": body.get("external_id", ""),
            "details_url": body.get("details_url"),
            "status": "completed" if completed else body.get("status", "queued"),
            "conclusion": body.get("conclusion"),
            "title": output.get("title"),
            "summary": output.get("summary"),
            "text": output.get("text"),
            "annotations": list(output.get("annotations") or []),
        }
        return Reply(201, self._check_run_json(check_id))

    def _update_check_run(self, check_id: int, body: Mapping[str, Any]) -> Reply:
        run = self.check_runs.get(check_id)
        if run is None:
            return self.not_found()
        for key in ("name", "details_url", "external_id", "status", "conclusion"):
            if key in body:
                run[key] = body[key]
        if "conclusion" in body:  # "Providing conclusion will automatically set status"
            run["status"] = "completed"
        output = body.get("output") or {}
        for key in ("title", "summary", "text"):
            if key in output:
                run[key] = output[key]
        # "Each time you update the check run, annotations are appended" (checks/update).
        run["annotations"].extend(output.get("annotations") or [])
        return Reply(200, self._check_run_json(check_id))

    def _list_check_runs(self, ref: str, query: Mapping[str, list[str]]) -> Reply:
        name = query.get("check_name", [None])[0]
        status = query.get("status", [None])[0]
        runs = [
            r
            for r in sorted(self.check_runs.values(), key=lambda r: -r["id"])
            if r["head_sha"] == ref and name in (None, r["name"]) and status in (None, r["status"])
        ]
        if query.get("filter", ["latest"])[0] == "latest":
            newest: dict[str, dict[str, Any]] = {}
            for r in runs:
                newest.setdefault(r["name"], r)
            runs = list(newest.values())
        items = [self._check_run_json(r["id"]) for r in runs]
        path = f"/repos/{self.owner}/{self.repo}/commits/{ref}/check-runs"
        reply = self.page(path, items, query)
        return Reply(200, {"total_count": len(items), "check_runs": reply.body}, reply.headers)

    # --- resources ---------------------------------------------------------------------

    def _repository(self) -> dict[str, Any]:
        repo: dict[str, Any] = self.rebased("GET-repos-owner-repo")
        repo.update(name=self.repo, full_name=f"{self.owner}/{self.repo}")
        # GitHub's own example lacks `source.language` (SOURCE.md, caveats).
        if isinstance(repo.get("source"), dict):
            repo["source"].setdefault("language", None)
        return repo

    def _comment(self, comment_id: int, body: str, author: str) -> dict[str, Any]:
        comment: dict[str, Any] = self.rebased("POST-issues-issue_number-comments.201")
        api = f"{self.base_url}/repos/{self.owner}/{self.repo}"
        comment.update(
            id=comment_id,
            node_id=f"IC_{comment_id}",
            url=f"{api}/issues/comments/{comment_id}",
            html_url=f"https://github.com/{self.owner}/{self.repo}/pull/{self.pr_number}"
            f"#issuecomment-{comment_id}",
            issue_url=f"{api}/issues/{self.pr_number}",
            body=body,
            created_at=_timestamp(comment_id),
            updated_at=_timestamp(comment_id),
        )
        comment["user"].update(login=author, type="Bot" if author.endswith("[bot]") else "User")
        return comment

    def _check_run_json(self, check_id: int) -> dict[str, Any]:
        run = self.check_runs[check_id]
        example = "completed" if run["status"] == "completed" else "in_progress"
        data: dict[str, Any] = self.rebased(f"POST-check-runs.201.{example}")
        api = f"{self.base_url}/repos/{self.owner}/{self.repo}"
        data.update(
            id=check_id,
            node_id=f"CR_{check_id}",
            url=f"{api}/check-runs/{check_id}",
            html_url=f"https://github.com/{self.owner}/{self.repo}/runs/{check_id}",
            name=run["name"],
            head_sha=run["head_sha"],
            external_id=run["external_id"],
            details_url=run["details_url"],
            status=run["status"],
            conclusion=run["conclusion"],
            pull_requests=[],
        )
        data["output"] = {
            "title": run["title"],
            "summary": run["summary"],
            "text": run["text"],
            "annotations_count": len(run["annotations"]),
            "annotations_url": f"{api}/check-runs/{check_id}/annotations",
        }
        return data

    def rebased(self, example: str) -> Any:
        """Return a copy of a GitHub example with its URLs on this server's base."""
        return _rebase(copy.deepcopy(self.spec.examples[example]), self.base_url)

    def page(self, path: str, items: list[Any], query: Mapping[str, list[str]]) -> Reply:
        """Return one page of `items` with GitHub's Link header (docs: "Using pagination")."""
        per_page = min(int(query.get("per_page", ["30"])[0]), 100)
        page = max(int(query.get("page", ["1"])[0]), 1)
        last = max((len(items) + per_page - 1) // per_page, 1)
        others = {k: v[0] for k, v in query.items() if k not in ("page", "per_page")}

        def link(number: int, rel: str) -> str:
            params = urlencode({**others, "per_page": per_page, "page": number})
            return f'<{self.base_url}{path}?{params}>; rel="{rel}"'

        links = []
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first"), link(page - 1, "prev")]
        headers = {"Link": ", ".join(links)} if links else {}
        return Reply(200, items[(page - 1) * per_page : page * per_page], headers)

    # --- errors ------------------------------------------------------------------------

    def _next_trouble(self, op: Op) -> _Planned | None:
        for planned in self._planned:
            if planned.op is op and planned.times > 0:
                planned.times -= 1
                return planned
        return None

    def _trouble_reply(self, planned: _Planned) -> Reply:
        if planned.kind is Trouble.SERVER_ERROR:
            return Reply(502, {"message": "Server Error"})
        if planned.kind is Trouble.SECONDARY_RATE_LIMIT:
            reply = self.error("secondary rate limit")
            return Reply(403, reply.body, {"retry-after": str(planned.retry_after)})
        reply = self.error("primary rate limit")
        reset = str(int(time.time()) + planned.retry_after)
        return Reply(403, reply.body, {**reply.headers, "x-ratelimit-reset": reset})

    def error(self, name: str) -> Reply:
        """Answer with one of the error bodies of examples/errors.observed.json."""
        error = self.spec.errors[name]
        return Reply(error["status"], error["body"], error.get("headers", {}))

    def not_found(self) -> Reply:
        """Answer GitHub's 404 (unknown repository, PR, comment, ...)."""
        return self.error("unknown repo / PR / comment")

    def next_id(self) -> int:
        """Return a fresh id, increasing across every kind of object the fake makes."""
        return next(self._ids)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # PyGithub keeps connections alive; do not wait for them
    fake: FakeGitHub


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as GitHub; so Nagle must not delay replies
    disable_nagle_algorithm = True
    server: _Server

    def _serve(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {key.lower(): value for key, value in self.headers.items()}
        reply = self.server.fake.handle(self.command, self.path, headers, raw)
        data = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        if reply.body is not None:
            self.send_header("Content-Type", JSON_TYPE)
        self.send_header("Content-Length", str(len(data)))
        rate = {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": str(max(5000 - len(self.server.fake.requests), 0)),
            "x-ratelimit-used": str(len(self.server.fake.requests)),
            "x-ratelimit-reset": str(int(time.time()) + 3600),
            "x-ratelimit-resource": "core",
        }
        for key, value in {**rate, **reply.headers}.items():
            self.send_header(key, value)
        self.end_headers()
        if not reply.trickle:
            self.wfile.write(data)
            return
        for byte in data:  # bounded by the body's size; the client may give up first
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                return
            time.sleep(reply.trickle)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


def _one_segment(route: _Route, path: str) -> str:
    """Return `path` with the slashes inside `{ref}` or `{path}` encoded as %2F.

    GitHub takes `git/ref/heads/main` and `contents/docs/a.md` literally; openapi-core
    matches a path parameter within one segment, so it sees the encoded form.
    """
    match = route.pattern.match(path)
    for name in ("ref", "path"):
        if match is not None and match.groupdict().get(name) is not None:
            start, end = match.span(name)
            return path[:start] + path[start:end].replace("/", "%2F") + path[end:]
    return path


def _rebase(value: Any, base_url: str) -> Any:
    if isinstance(value, str):
        return base_url + value[len(SPEC_HOST) :] if value.startswith(SPEC_HOST) else value
    if isinstance(value, list):
        return [_rebase(v, base_url) for v in value]
    if isinstance(value, dict):
        return {k: _rebase(v, base_url) for k, v in value.items()}
    return value


def _timestamp(sequence: int) -> str:
    """Return a deterministic ISO time that grows with `sequence` (ids are increasing)."""
    return (EPOCH + timedelta(seconds=sequence)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _explain(exc: Exception) -> str:
    """Return openapi-core's complaint in one readable line."""
    cause = exc.__cause__
    errors = getattr(cause, "schema_errors", None) or getattr(exc, "schema_errors", None)
    if errors:
        return f"{type(exc).__name__}: " + "; ".join(_schema_error(e) for e in errors)
    return f"{type(exc).__name__}: {_short(str(exc))}" + (f" ({cause!r})" if cause else "")


def _schema_error(error: Any) -> str:
    """Say where in the body a jsonschema error is and which rule it breaks."""
    where = "/".join(str(part) for part in getattr(error, "absolute_path", ())) or "body"
    message = str(getattr(error, "message", error))
    if len(message) > 200:  # jsonschema repeats the whole value: name the rule instead
        message = f"breaks {error.validator}: {error.validator_value!r}"
    return f"{where}: {message}"


def _short(text: str) -> str:
    return text if len(text) <= 300 else text[:297] + "..."


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A running fake GitHub; the test fails if any request to it was invalid."""
    with FakeGitHub(GITHUB_API) as fake:
        yield fake
    if fake.problems:
        pytest.fail("invalid requests to the fake GitHub:\n" + "\n".join(fake.problems))
