"""A repository for the fake GitHub: branches, file contents and pull requests.

`FakeRepository(fake).install()` serves what the assessment pull request uses:
repos/get (with the branch model's default branch) and eight more (git/get-ref,
git/create-ref, git/update-ref, repos/get-content,
repos/create-or-update-file-contents, pulls/list, pulls/create, pulls/update)
through `FakeGitHub.serve`, so every request and every answer is validated
against tests/data/github-api/openapi-subset-28ops.json like the fake's own.

The model is a small git: each commit is a full snapshot {path: bytes} with its
parent, each branch names a commit, and blob shas are git's
(`sha1("blob <size>\\0" + content)`), so a contents update must name the sha of
the file it replaces, as on GitHub (a stale sha is a 409). The GitHub behaviour
the description does not state follows the REST docs: creating a ref that exists
is a 422 "Reference already exists"; a second open pull request for the same
head and base is a 422 "A pull request already exists"; a pull request whose
head has no commit the base lacks is a 422 "No commits between".
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .fake_github import FakeGitHub, Op, Reply

DEFAULT_BRANCH = "master"  # the default_branch of GitHub's repos/get example


@dataclass
class Commit:
    sha: str
    parent: str | None
    files: dict[str, bytes]
    message: str


@dataclass
class Pull:
    number: int
    head: str
    base: str
    title: str
    body: str
    state: str = "open"


@dataclass
class FakeRepository:
    fake: FakeGitHub
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    pulls: dict[int, Pull] = field(default_factory=dict)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def install(self, files: Mapping[str, bytes] | None = None) -> FakeRepository:
        """Serve the eight operations; the default branch starts with `files`."""
        self.branches[DEFAULT_BRANCH] = self.commit(None, dict(files or {}), "initial").sha
        for op, handler in {
            Op.GET_REPO: self._get_repo,
            Op.GET_REF: self._get_ref,
            Op.CREATE_REF: self._create_ref,
            Op.UPDATE_REF: self._update_ref,
            Op.GET_CONTENT: self._get_content,
            Op.PUT_CONTENT: self._put_content,
            Op.LIST_PULLS: self._list_pulls,
            Op.CREATE_PULL: self._create_pull,
            Op.UPDATE_PULL: self._update_pull,
        }.items():
            self.fake.serve(op, lambda _fake, p, q, b, handler=handler: handler(p, q, b))
        return self

    # --- what tests look at and do -------------------------------------------------------

    def file(self, branch: str, path: str) -> bytes | None:
        return self.commits[self.branches[branch]].files.get(path)

    def history(self, branch: str) -> list[str]:
        """The commit messages of a branch, newest first."""
        messages, sha = [], self.branches.get(branch)
        while sha is not None:
            messages.append(self.commits[sha].message)
            sha = self.commits[sha].parent
        return messages

    def commit(self, parent: str | None, files: dict[str, bytes], message: str) -> Commit:
        seed = f"{parent}|{message}|{sorted((p, blob_sha(c)) for p, c in files.items())}"
        sha = hashlib.sha1(f"{seed}|{len(self.commits)}".encode()).hexdigest()
        self.commits[sha] = Commit(sha, parent, files, message)
        return self.commits[sha]

    def merge(self, number: int) -> None:
        """Merge a pull request (fast-forward its base) and close it, as a reviewer would."""
        pull = self.pulls[number]
        self.branches[pull.base] = self.branches[pull.head]
        pull.state = "closed"

    # --- the repository ------------------------------------------------------------------

    def _get_repo(self, _p: Any, _q: Any, _b: Any) -> Reply:
        data: dict[str, Any] = self.fake.rebased("GET-repos-owner-repo")
        owner, repo = self.fake.owner, self.fake.repo
        data.update(name=repo, full_name=f"{owner}/{repo}", default_branch=DEFAULT_BRANCH)
        # GitHub's example lacks `language` at the top and in `source`, which the
        # full-repository schema of openapi-subset-28ops.json requires.
        for holder in (data, data.get("source")):
            if isinstance(holder, dict):
                holder.setdefault("language", None)
        return Reply(200, data)

    # --- git refs ------------------------------------------------------------------------

    def _get_ref(self, params: Mapping[str, str], _q: Any, _b: Any) -> Reply:
        branch = _branch_of(params["ref"])
        if branch not in self.branches:
            return self.fake.not_found()
        return Reply(200, self._ref_json(branch))

    def _create_ref(self, _p: Any, _q: Any, body: Mapping[str, Any]) -> Reply:
        branch = _branch_of(body["ref"])
        if branch in self.branches:
            return Reply(422, {"message": "Reference already exists", "status": "422"})
        if body["sha"] not in self.commits:
            return Reply(422, {"message": "Object does not exist", "status": "422"})
        self.branches[branch] = body["sha"]
        return Reply(201, self._ref_json(branch))

    def _update_ref(self, params: Mapping[str, str], _q: Any, body: Mapping[str, Any]) -> Reply:
        branch = _branch_of(params["ref"])
        if branch not in self.branches:
            return Reply(422, {"message": "Reference does not exist", "status": "422"})
        if body["sha"] not in self.commits:
            return Reply(422, {"message": "Object does not exist", "status": "422"})
        if not body.get("force") and not self._descends(body["sha"], self.branches[branch]):
            return Reply(422, {"message": "Update is not a fast forward", "status": "422"})
        self.branches[branch] = body["sha"]
        return Reply(200, self._ref_json(branch))

    def _descends(self, sha: str, ancestor: str) -> bool:
        current: str | None = sha
        while current is not None:
            if current == ancestor:
                return True
            current = self.commits[current].parent
        return False

    def _ref_json(self, branch: str) -> dict[str, Any]:
        data: dict[str, Any] = self.fake.rebased("GET-git-ref-ref")
        sha = self.branches[branch]
        api = f"{self.fake.base_url}/repos/{self.fake.owner}/{self.fake.repo}"
        data.update(ref=f"refs/heads/{branch}", url=f"{api}/git/refs/heads/{branch}")
        data["object"].update(sha=sha, url=f"{api}/git/commits/{sha}")
        return data

    # --- contents ------------------------------------------------------------------------

    def _get_content(
        self, params: Mapping[str, str], query: Mapping[str, list[str]], _b: Any
    ) -> Reply:
        ref = query.get("ref", [DEFAULT_BRANCH])[0]
        sha = self.branches.get(ref, ref)
        content = self.commits[sha].files.get(params["path"]) if sha in self.commits else None
        if content is None:
            return self.fake.not_found()
        data: dict[str, Any] = self.fake.rebased("GET-contents-path.file")
        data.update(self._content_json(params["path"], content))
        data.update(
            encoding="base64",
            content=base64.encodebytes(content).decode("ascii"),  # GitHub wraps at 60
        )
        return Reply(200, data)

    def _put_content(self, params: Mapping[str, str], _q: Any, body: Mapping[str, Any]) -> Reply:
        path, branch = params["path"], body.get("branch", DEFAULT_BRANCH)
        if branch not in self.branches:
            return Reply(404, {"message": f"Branch {branch} not found", "status": "404"})
        head = self.commits[self.branches[branch]]
        existing = head.files.get(path)
        if existing is not None and body.get("sha") != blob_sha(existing):
            return Reply(409, {"message": f"{path} does not match {body.get('sha')}"})
        if existing is None and "sha" in body:
            return Reply(422, {"message": "sha does not exist", "status": "422"})
        content = base64.b64decode(body["content"], validate=True)
        commit = self.commit(head.sha, {**head.files, path: content}, body["message"])
        self.branches[branch] = commit.sha
        data: dict[str, Any] = self.fake.rebased(
            "PUT-contents-path.200" if existing is not None else "PUT-contents-path.201"
        )
        data["content"].update(self._content_json(path, content))
        data["commit"].update(sha=commit.sha, message=body["message"])
        return Reply(200 if existing is not None else 201, data)

    def _content_json(self, path: str, content: bytes) -> dict[str, Any]:
        api = f"{self.fake.base_url}/repos/{self.fake.owner}/{self.fake.repo}"
        sha = blob_sha(content)
        return {
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "sha": sha,
            "size": len(content),
            "url": f"{api}/contents/{path}",
            "git_url": f"{api}/git/blobs/{sha}",
            "_links": {
                "self": f"{api}/contents/{path}",
                "git": f"{api}/git/blobs/{sha}",
                "html": f"https://github.com/{self.fake.owner}/{self.fake.repo}/blob/{path}",
            },
        }

    # --- pull requests -------------------------------------------------------------------

    def _list_pulls(self, _p: Any, query: Mapping[str, list[str]], _b: Any) -> Reply:
        state = query.get("state", ["open"])[0]
        head = query.get("head", [None])[0]
        base = query.get("base", [None])[0]
        owner = self.fake.owner
        found = [
            self._pull_json(p)
            for p in sorted(self.pulls.values(), key=lambda p: -p.number)
            if state in ("all", p.state)
            and head in (None, f"{owner}:{p.head}")
            and base in (None, p.base)
        ]
        return self.fake.page(f"/repos/{owner}/{self.fake.repo}/pulls", found, query)

    def _create_pull(self, _p: Any, _q: Any, body: Mapping[str, Any]) -> Reply:
        head, base = body["head"].split(":")[-1], body["base"]
        if head not in self.branches or base not in self.branches:
            return Reply(422, {"message": "Validation Failed", "status": "422"})
        if any(p.state == "open" and (p.head, p.base) == (head, base) for p in self.pulls.values()):
            return Reply(422, {"message": f"A pull request already exists for {head}."})
        if self._descends(self.branches[base], self.branches[head]):
            return Reply(422, {"message": f"No commits between {base} and {head}"})
        pull = Pull(next(self._numbers), head, base, body.get("title", ""), body.get("body") or "")
        self.pulls[pull.number] = pull
        return Reply(201, self._pull_json(pull))

    def _update_pull(self, params: Mapping[str, str], _q: Any, body: Mapping[str, Any]) -> Reply:
        pull = self.pulls.get(int(params["pull_number"]))
        if pull is None:
            return self.fake.not_found()
        pull.title = body.get("title", pull.title)
        pull.body = body.get("body", pull.body)
        pull.state = body.get("state", pull.state)
        return Reply(200, self._pull_json(pull))

    def _pull_json(self, pull: Pull) -> dict[str, Any]:
        data: dict[str, Any] = self.fake.rebased("POST-pulls.201")
        owner, repo = self.fake.owner, self.fake.repo
        api = f"{self.fake.base_url}/repos/{owner}/{repo}"
        data.update(
            number=pull.number,
            state=pull.state,
            title=pull.title,
            body=pull.body,
            url=f"{api}/pulls/{pull.number}",
            html_url=f"https://github.com/{owner}/{repo}/pull/{pull.number}",
        )
        for side, branch in (("head", pull.head), ("base", pull.base)):
            data[side].update(
                ref=branch, label=f"{owner}:{branch}", sha=self.branches.get(branch, "0" * 40)
            )
        # GitHub's example lacks what the pulls/list item schema requires of a team
        # (`type` as in the fake's pulls/get; `parent` too). Nobody is asked to review.
        data["requested_teams"] = []
        return data


def blob_sha(content: bytes) -> str:
    """git's object id of a blob: what GitHub's contents API calls a file's sha."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def _branch_of(ref: str) -> str:
    """'refs/heads/x' or 'heads/x' -> 'x'."""
    return ref.removeprefix("refs/").removeprefix("heads/")
