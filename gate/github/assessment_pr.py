"""Keep the committed assessment document current through one pull request.

`signal-gate assessment-pr` regenerates the document on the default branch (on
pushes and on a schedule) and hands it here. When its facts differ from the
copy on the base branch, this opens a pull request from one branch
(`signal-gate/assessment` by default) or, when that pull request is open
already, commits the new document to its branch and updates its description.
When the facts are the same (only the provenance footer differs: a timestamp,
a commit), nothing is written at all. Only the REST API is used (git refs,
repository contents, pulls), so the job needs no clone with push rights:
`contents: write` and `pull-requests: write` are all the token needs.

Errors raise PublishError (exit 2): the pull request is this command's only
job, so a refusal must fail the step. Nothing is retried blindly (a create
resent after a 5xx could open a second pull request): a rerun of the workflow
starts from what GitHub holds, which the steps above read first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from github import Auth, Github, GithubException, UnknownObjectException
from github.ContentFile import ContentFile
from github.Repository import Repository

from gate import __version__
from gate.errors import GateError
from gate.records import Record

DEFAULT_BRANCH = "signal-gate/assessment"
TIMEOUT = 30  # seconds per request
# GitHub refuses a pull request body over 65,536 characters; two diffs must fit.
DIFF_CHARS = 30_000


class PublishError(GateError):
    """GitHub refused or failed a call the command cannot do without."""


class Action(Enum):
    """What a run did."""

    OPENED = "opened"  # a new pull request
    UPDATED = "updated"  # the open pull request got the new document
    UNCHANGED = "unchanged"  # the open pull request carries these facts already
    CURRENT = "current"  # the base branch carries these facts: nothing to propose


# A dataclass, not a Record, so that the token stays out of its repr.
@dataclass(frozen=True, slots=True)
class AssessmentTarget:
    """Where the document lives and who may write it."""

    token: str = field(repr=False)
    api_url: str
    repository: str  # "owner/name"
    path: str  # the document's path in the repository
    base: str | None = None  # None: the repository's default branch
    branch: str = DEFAULT_BRANCH


class AssessmentOutcome(Record, frozen=True):
    action: Action
    number: int | None = None
    url: str | None = None


# diff(committed, fresh, name) -> what changed in the facts, as diff lines; [] when nothing.
FactDiff = Callable[[str, str, str], list[str]]
TITLE = "Update the integration assessment"
MESSAGE = "signal-gate: update the integration assessment"


def propose(
    target: AssessmentTarget,
    document: str,
    diff: FactDiff,
    summary: str,
    pause: float | None = None,
) -> AssessmentOutcome:
    """Open or update the assessment pull request when `document`'s facts are new.

    `diff` compares two documents' facts (gate.render.document_check.stale_diff
    compares their bodies); what it finds goes into the pull request's
    description under `summary` (one line: the verdict). `pause` overrides the
    seconds between requests (PyGithub's defaults follow GitHub's guidance: a
    quarter second, a second between writes).
    """
    client = Github(
        auth=Auth.Token(target.token),
        base_url=target.api_url,
        timeout=TIMEOUT,
        user_agent=f"signal-gate/{__version__}",
        retry=None,
        seconds_between_requests=0.25 if pause is None else pause,
        seconds_between_writes=1.0 if pause is None else pause,
    )
    try:
        return _propose(client, target, document, diff, summary)
    except GithubException as exc:
        raise PublishError(_describe(exc)) from None
    finally:
        client.close()


def _propose(
    client: Github, target: AssessmentTarget, document: str, diff: FactDiff, summary: str
) -> AssessmentOutcome:
    repo = client.get_repo(target.repository)  # GET /repos/{owner}/{repo}
    base = target.base or repo.default_branch
    on_base = _file(repo, target.path, base)
    against_base = diff(_text(on_base), document, target.path) if on_base else None
    if against_base == []:
        return AssessmentOutcome(Action.CURRENT)
    owner = target.repository.split("/", 1)[0]
    open_prs = repo.get_pulls(state="open", head=f"{owner}:{target.branch}", base=base)
    pr = next(iter(open_prs), None)
    if pr is not None:
        on_branch = _file(repo, target.path, target.branch)
        since = diff(_text(on_branch), document, target.path) if on_branch else None
        if since == []:
            return AssessmentOutcome(Action.UNCHANGED, pr.number, pr.html_url)
        _write(repo, target, document, on_branch)
        body = pull_body(summary, target.path, base, against_base, since)
        pr.edit(title=TITLE, body=body)
        return AssessmentOutcome(Action.UPDATED, pr.number, pr.html_url)
    _branch_from(repo, target.branch, base)
    _write(repo, target, document, on_base)
    body = pull_body(summary, target.path, base, against_base)
    created = repo.create_pull(base=base, head=target.branch, title=TITLE, body=body)
    return AssessmentOutcome(Action.OPENED, created.number, created.html_url)


def pull_body(
    summary: str,
    path: str,
    base: str,
    against_base: list[str] | None,
    since_last: list[str] | None = None,
) -> str:
    """The pull request's description: the verdict, what changed in the facts
    since this pull request's previous version (when it is updated), and against
    the base branch's copy; each diff in a fence no line inside can close."""
    lines = [summary, ""]
    if since_last is not None:
        lines.extend(["What changed in the facts since this pull request's last update:", ""])
        lines.extend([*_fenced_diff(since_last), ""])
    if against_base is None:
        lines.append(f"`{path}` does not exist on `{base}` yet: this adds it.")
    else:
        lines.extend([f"What changed in the facts against `{base}`:", ""])
        lines.extend(_fenced_diff(against_base))
    lines.extend(
        [
            "",
            "Opened by `signal-gate assessment-pr`, which regenerates the document on "
            f"`{base}` and updates this pull request whenever its facts change. Merge it "
            "to keep the committed assessment current.",
        ]
    )
    return "\n".join(lines) + "\n"


def _fenced_diff(changes: list[str]) -> list[str]:
    """The diff lines in a ```diff fence, within a share of GitHub's body limit."""
    kept: list[str] = []
    size = 0
    for line in changes:
        size += len(line) + 1
        if size > DIFF_CHARS:
            kept.append(f"... (the rest is cut: {len(changes) - len(kept)} more lines)")
            break
        kept.append(line)
    changes = kept
    longest = max((len(run) for line in changes for run in re.findall("`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "diff", *changes, fence]


def _file(repo: Repository, path: str, ref: str) -> ContentFile | None:
    """The file at `path` on `ref`, or None when it is not there."""
    try:
        found = repo.get_contents(path, ref=ref)  # GET .../contents/{path}?ref=
    except UnknownObjectException:
        return None
    if isinstance(found, list):
        raise PublishError(f"{path} is a folder on {ref}, not the assessment document")
    return found


def _text(content: ContentFile) -> str:
    return content.decoded_content.decode("utf-8", errors="replace")


def _branch_from(repo: Repository, branch: str, base: str) -> None:
    """Point `branch` at the base's head: create it, or move an old one (a merged
    or closed proposal's) there, so the new pull request holds one commit."""
    base_sha = repo.get_git_ref(f"heads/{base}").object.sha  # GET .../git/ref/heads/{base}
    try:
        ref = repo.get_git_ref(f"heads/{branch}")
        ref.edit(base_sha, force=True)  # PATCH .../git/refs/heads/{branch}
    except UnknownObjectException:
        repo.create_git_ref(f"refs/heads/{branch}", base_sha)  # POST .../git/refs


def _write(
    repo: Repository, target: AssessmentTarget, document: str, existing: ContentFile | None
) -> None:
    """Commit the document to the proposal branch (PUT .../contents/{path})."""
    if existing is None:
        repo.create_file(target.path, MESSAGE, document, branch=target.branch)
    else:
        repo.update_file(target.path, MESSAGE, document, existing.sha, branch=target.branch)


def _describe(exc: GithubException) -> str:
    """GitHub's refusal in one line, with the permission to check when it is one."""
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or exc)
    hint = ""
    if exc.status in (401, 403, 404):
        hint = (
            " (the token needs `contents: write` and `pull-requests: write`, and the "
            "repository must allow GitHub Actions to create pull requests)"
        )
    return f"GitHub answered {exc.status}: {message}{hint}"
