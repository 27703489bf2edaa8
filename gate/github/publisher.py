"""Publish a gate's verdict on a pull request: a sticky comment, a commit status, a check run.

This is the only module of the gate that imports PyGithub. It never raises:
whatever GitHub refuses (a read-only token on a fork, a 404, a limit, an outage) becomes a
warning in the returned `PublishOutcome`, because publishing never changes the verdict
(docs/github.md).

Retries. PyGithub's default `GithubRetry` resends POST requests after a 5xx, and a 5xx can
come after GitHub did the work (a proxy timing out), so a blind retry can post a second
comment or check run (tests/data/github-api/LIMITS.md §5). The client is therefore built
with `retry=None`, and
every call goes through `_Session.call`, which decides by what the call does:

- a call that cannot duplicate anything (a read, an edit, a delete, a commit status, which
  GitHub keeps as a history where the newest per context wins) is resent after a 5xx,
  a connection error and a rate limit;
- the sticky comment is found again before every create, so its create is resent safely;
- a check run create is resent only after looking for the check run that a lost response
  may have created, found by its `external_id`;
- appending annotations is resent only after a rate limit, which GitHub answers before
  doing anything, never after a 5xx, which could append the same batch twice.

Waits follow GitHub's rate-limit guidance ("Best practices for using the REST API"):
`retry-after` when given, else `x-ratelimit-reset` when `x-ratelimit-remaining` is 0,
else at least a minute, growing exponentially. The `sleep` function is injected, so tests
never wait.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Sequence
from enum import Enum
from functools import partial
from typing import Any, TypeVar

from github import Auth, Github, GithubException, RateLimitExceededException
from github.CheckRun import CheckRun
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest
from github.Repository import Repository

from gate import __version__
from gate.github.publication import Annotation, CommentMode, Publication
from gate.github.run import GitHubRun
from gate.records import Record

# GitHub's limits (tests/data/github-api/LIMITS.md §1; the REST docs of each endpoint).
COMMENT_LIMIT = 65_536  # issue comment body: 422 "Body is too long (maximum is 65536 characters)"
STATUS_DESCRIPTION_LIMIT = 140  # 422 "description is too long (maximum is 140 characters)"
CHECK_OUTPUT_LIMIT = 65_535  # checks/create, checks/update: output.summary maxLength
ANNOTATIONS_PER_REQUEST = 50  # checks/create, checks/update: output.annotations maxItems
ANNOTATION_TITLE_LIMIT = 255  # characters
# An annotation message may hold 64 KB: 16,384 UTF-16 units are at most 48 KB of UTF-8.
ANNOTATION_MESSAGE_LIMIT = 64 * 1024 // 4
PER_PAGE = 100  # the largest page GitHub serves ("Using pagination in the REST API")

_log = logging.getLogger(__name__)
_T = TypeVar("_T")


class CommentAction(Enum):
    """What happened to the sticky comment."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # it already said exactly this: no write
    SKIPPED = "skipped"  # comment_mode said not to comment, or the PR has moved on
    FAILED = "failed"


class Replay(Enum):
    """When a call that failed may be sent again."""

    SAFE = "safe"  # sending it twice cannot duplicate anything
    IF_REJECTED = "if-rejected"  # only when GitHub refused it before acting (a rate limit)


class PublishSettings(Record, frozen=True):
    """How hard to try. The defaults suit a workflow; tests use zero throttling."""

    timeout: int = 15  # seconds per HTTP request
    # PyGithub's throttling; GitHub asks for a pause between writes (rate-limit best practices).
    seconds_between_requests: float = 0.25
    seconds_between_writes: float = 1.0
    attempts: int = 4  # per call, the first one included
    first_backoff: float = 2.0  # seconds before the first resend after a 5xx; doubles each time
    max_wait: float = 120.0  # a rate limit asking for a longer wait is a failure, not a sleep
    annotation_cap: int = 500  # annotations per check run, so one run stays a few requests


class PublishOutcome(Record, frozen=True):
    """What reached GitHub; `warnings` says what did not and why (never the token)."""

    comment: CommentAction
    comment_id: int | None
    comment_url: str | None
    status_posted: bool
    check_run_id: int | None
    check_run_url: str | None
    warnings: tuple[str, ...]


def comment_marker(gate_id: str) -> str:
    """Return the hidden first line that finds this gate's sticky comment again."""
    return f"<!-- signal-gate:{gate_id} -->"


def publish(
    run: GitHubRun,
    pub: Publication,
    *,
    sleep: Callable[[float], None] = time.sleep,
    settings: PublishSettings | None = None,
) -> PublishOutcome:
    """Post `pub` on the pull request of `run`; return what was posted. Never raises."""
    session = _Session(run, settings or PublishSettings(), sleep)
    client = session.step("connect to GitHub", lambda: _client(run, session.settings))
    if client is None:
        return _outcome(session, CommentAction.FAILED, None, status=False, check=None)
    try:
        repo = client.get_repo(run.repository)  # lazy: no request
        pr = session.step(f"read pull request #{run.pr_number}", lambda: _load_pull(session, repo))
        comment = session.step("post the comment", lambda: _comment_step(session, pr, pub))
        status = session.step("post the commit status", lambda: _post_status(session, repo, pub))
        check = session.step("create the check run", lambda: _check_run(session, repo, pr, pub))
    finally:
        client.close()
    action, posted = comment or (CommentAction.FAILED, None)
    return _outcome(session, action, posted, status=status is not None, check=check)


def _client(run: GitHubRun, settings: PublishSettings) -> Github:
    return Github(
        auth=Auth.Token(run.token),
        base_url=run.api_url,
        timeout=settings.timeout,
        user_agent=f"signal-gate/{__version__}",
        per_page=PER_PAGE,
        retry=None,  # every retry is _Session.call's decision: see the module docstring
        seconds_between_requests=settings.seconds_between_requests,
        seconds_between_writes=settings.seconds_between_writes,
        lazy=True,  # repo.get_commit(sha) must not GET the commit, only POST its status
    )


def _outcome(
    session: _Session,
    action: CommentAction,
    comment: IssueComment | None,
    *,
    status: bool,
    check: CheckRun | None,
) -> PublishOutcome:
    return PublishOutcome(
        comment=action,
        comment_id=comment.id if comment is not None else None,
        comment_url=comment.html_url if comment is not None else None,
        status_posted=status,
        check_run_id=check.id if check is not None else None,
        check_run_url=check.html_url if check is not None else None,
        warnings=tuple(session.warnings),
    )


# --- the session: retries and warnings ---------------------------------------------------


class _GaveUp(Exception):
    """A call failed for good; the message is safe to show (it never holds the token)."""


class _Session:
    """The state one publication shares: settings, the sleep function, the warnings so far."""

    def __init__(
        self, run: GitHubRun, settings: PublishSettings, sleep: Callable[[float], None]
    ) -> None:
        self.run = run
        self.settings = settings
        self.sleep = sleep
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        # One line, so it can become a `::warning::` workflow command. And defence in
        # depth: nothing GitHub sends back should hold the token, but a message built
        # from an exception must never be the place it leaks.
        self.warnings.append(" ".join(message.replace(self.run.token, "***").split()))

    def step(self, what: str, fn: Callable[[], _T]) -> _T | None:
        """Run one publishing step; a failure of any kind becomes a warning and None."""
        try:
            return fn()
        except _GaveUp as exc:
            self.warn(f"could not {what}: {exc}")
        except Exception as exc:  # publishing must never break the gate
            self.warn(f"could not {what}: {_describe(exc)}")
        return None

    def call(
        self,
        fn: Callable[[], _T],
        replay: Replay,
        *,
        recover: Callable[[], _T | None] | None = None,
    ) -> _T:
        """Return `fn()`, sending it again while GitHub's answer says that may help.

        `recover`, when given, runs before each resend and returns what a lost attempt
        created, if it did; `fn` is then not sent again. A failing `recover` counts as a
        failed attempt: without its answer, resending `fn` could duplicate.
        """
        for attempt in itertools.count(1):
            try:
                if attempt > 1 and recover is not None and (found := recover()) is not None:
                    return found
                return fn()
            except Exception as exc:
                delay = _retry_delay(exc, attempt, replay, self.settings)
                if delay is None or attempt >= self.settings.attempts:
                    raise _GaveUp(_describe(exc, attempts=attempt)) from None
                if delay > self.settings.max_wait:
                    raise _GaveUp(
                        f"{_describe(exc)}; GitHub asks to wait {delay:.0f} s, "
                        f"more than the {self.settings.max_wait:.0f} s publish waits"
                    ) from None
            _log.info("GitHub call failed (attempt %d); retrying in %.1f s", attempt, delay)
            self.sleep(delay)
        raise AssertionError("unreachable")  # itertools.count never ends


def _retry_delay(
    exc: Exception, attempt: int, replay: Replay, settings: PublishSettings
) -> float | None:
    """Return the seconds to wait before sending a failed call again, or None for never."""
    if isinstance(exc, GithubException):
        limited = _rate_limit_delay(exc, attempt)
        if limited is not None:
            return limited
        if exc.status >= 500 and replay is Replay.SAFE:
            return _doubling(settings.first_backoff, attempt)
        return None
    # requests' ConnectionError and Timeout are OSErrors; the request may have arrived.
    if isinstance(exc, OSError) and replay is Replay.SAFE:
        return _doubling(settings.first_backoff, attempt)
    return None


def _rate_limit_delay(exc: GithubException, attempt: int) -> float | None:
    """Return how long GitHub asks us to wait, or None when `exc` is no rate limit.

    GitHub docs, "Rate limits for the REST API": over a primary or secondary limit the
    answer is 403 or 429; wait `retry-after` seconds if given, else until
    `x-ratelimit-reset` if `x-ratelimit-remaining` is 0, else at least one minute,
    increasing exponentially. A 403 without these signs is a permission error.
    """
    if exc.status not in (403, 429):
        return None
    headers = {key.lower(): value for key, value in (exc.headers or {}).items()}
    retry_after = _number(headers.get("retry-after"))
    if retry_after is not None:
        return max(retry_after, 0.0)
    reset = _number(headers.get("x-ratelimit-reset"))
    if headers.get("x-ratelimit-remaining") == "0" and reset is not None:
        return max(reset - time.time(), 0.0) + 1.0
    if isinstance(exc, RateLimitExceededException) or exc.status == 429:
        return _doubling(60.0, attempt)
    return None


def _doubling(first: float, attempt: int) -> float:
    return first * 2.0 ** (attempt - 1)


def _number(value: object) -> float | None:
    try:
        return float(str(value)) if value is not None else None
    except ValueError:
        return None


def _describe(exc: BaseException, *, attempts: int = 1) -> str:
    """Return a one-line reason for a failed call, for a warning (no traceback, no token)."""
    tries = f" (after {attempts} attempts)" if attempts > 1 else ""
    if isinstance(exc, GithubException):
        message = _github_message(exc)
        if exc.status == 403 and "not accessible by integration" in message.lower():
            return (
                f"the token may not write here (403 {message}){tries}; a pull request from "
                "a fork gets a read-only GITHUB_TOKEN: publish from a workflow_run workflow, "
                "or grant `pull-requests: write`, `statuses: write` and `checks: write`"
            )
        if exc.status == 404:
            return (
                f"not found (404){tries}: check GITHUB_REPOSITORY and the pull request "
                "number, and that the token can read the repository"
            )
        if exc.status == 401:
            return f"GitHub rejected the token (401 {message}){tries}"
        return f"GitHub answered {exc.status} {message}{tries}".rstrip()
    if isinstance(exc, OSError):
        return f"GitHub could not be reached ({type(exc).__name__}){tries}"
    return f"{type(exc).__name__}: {_clip(str(exc), 300)}"


def _github_message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or exc.message or "").strip()
    details = [
        str(error.get("message"))
        for error in data.get("errors") or ()
        if isinstance(error, dict) and error.get("message")
    ]
    return _clip(": ".join([message, *details]) if details else message, 300)


# --- the pull request --------------------------------------------------------------------


def _load_pull(session: _Session, repo: Repository) -> PullRequest:
    pr = repo.get_pull(session.run.pr_number)  # lazy; reading .head sends GET pulls/{n}
    session.call(lambda: pr.head, Replay.SAFE)
    return pr


def _changed_files(session: _Session, pr: PullRequest) -> frozenset[str]:
    """Return the paths the PR adds or modifies (GitHub lists at most 3000 files)."""

    def read() -> frozenset[str]:
        return frozenset(f.filename for f in pr.get_files() if f.status != "removed")

    return session.call(read, Replay.SAFE)


# --- the sticky comment ------------------------------------------------------------------


def _comment_step(
    session: _Session, pr: PullRequest | None, pub: Publication
) -> tuple[CommentAction, IssueComment | None]:
    """Create or edit the sticky comment as `pub.comment_mode` says; return what was done.

    A run whose commit is no longer the PR head leaves the comment alone, so a slow old
    run cannot overwrite what the run of the newer commit said (and a `workflow_run`
    given the number of another PR cannot comment there).
    """
    if pub.comment_mode is CommentMode.NEVER:
        return CommentAction.SKIPPED, None
    if pr is None:
        return CommentAction.FAILED, None
    if pr.head.sha != session.run.head_sha:
        session.warn(
            f"did not update the comment: pull request #{pr.number} is now at "
            f"{pr.head.sha[:12]}, not at this run's {session.run.head_sha[:12]}; "
            "the run for the newer commit will comment"
        )
        return CommentAction.SKIPPED, None
    body, degraded = comment_body(pub, session.run.run_url)
    if degraded:
        session.warn(
            f"the comment ({len(pub.comment):,} characters) is longer than GitHub allows "
            f"({COMMENT_LIMIT:,}); posted its summary with a link to the job summary"
        )
    action, comment, duplicates = session.call(lambda: _upsert_comment(pr, pub, body), Replay.SAFE)
    for duplicate in duplicates:
        delete = partial(_delete_comment, duplicate)
        session.step(
            f"delete duplicate comment {duplicate.id}", partial(session.call, delete, Replay.SAFE)
        )
    return action, comment


def comment_body(pub: Publication, run_url: str) -> tuple[str, bool]:
    """Return the comment to post and whether it had to fall back to the summary.

    The body never exceeds GitHub's 65,536 characters: past that, the marker, the
    summary form and a link to the run, whose job summary holds the whole report.
    """
    marker = comment_marker(pub.gate_id)
    full = f"{marker}\n{pub.comment}"
    if _length(full) <= COMMENT_LIMIT:
        return full, False
    pointer = (
        f"\n\n---\nThe full report is {len(pub.comment):,} characters, more than a "
        f"pull-request comment holds: see the [job summary]({run_url})."
    )
    room = COMMENT_LIMIT - _length(marker) - 1 - _length(pointer)
    return f"{marker}\n{_clip(pub.comment_summary, room)}{pointer}", True


def _upsert_comment(
    pr: PullRequest, pub: Publication, body: str
) -> tuple[CommentAction, IssueComment | None, Sequence[IssueComment]]:
    """Edit the oldest marked comment or create one; return it and the marked duplicates.

    All pages are read (a busy PR has hundreds of comments). A comment counts as ours
    when its body starts with the marker, so a comment quoting it later is left alone.
    """
    marker = comment_marker(pub.gate_id)
    marked = sorted(
        (c for c in pr.get_issue_comments() if (c.body or "").startswith(marker)),
        key=lambda c: (c.created_at, c.id),
    )
    if marked:
        keep, duplicates = marked[0], marked[1:]
        if keep.body == body:
            return CommentAction.UNCHANGED, keep, duplicates
        keep.edit(body)
        return CommentAction.UPDATED, keep, duplicates
    if pub.comment_mode is CommentMode.ON_FAILURE and pub.passed:
        return CommentAction.SKIPPED, None, ()
    return CommentAction.CREATED, pr.create_issue_comment(body), ()


def _delete_comment(comment: IssueComment) -> None:
    try:
        comment.delete()
    except GithubException as exc:
        if exc.status != 404:  # already gone: what we wanted
            raise


# --- the commit status -------------------------------------------------------------------


def _post_status(session: _Session, repo: Repository, pub: Publication) -> bool:
    commit = repo.get_commit(session.run.head_sha)  # lazy: the SHA is read from the URL
    session.call(
        lambda: commit.create_status(
            state="success" if pub.passed else "failure",
            target_url=session.run.run_url,
            description=_clip(pub.status_description, STATUS_DESCRIPTION_LIMIT),
            context=pub.status_context,
        ),
        Replay.SAFE,
    )
    return True


# --- the check run -----------------------------------------------------------------------


class _AnnotationPlan(Record, frozen=True):
    batches: tuple[tuple[dict[str, str | int], ...], ...]  # at most 50 each
    note: str  # what was left out and why; empty when nothing was


def _plan_annotations(
    annotations: Sequence[Annotation], changed: frozenset[str] | None, cap: int
) -> _AnnotationPlan:
    """Keep the annotations on files the PR changed, at most `cap`, in batches of 50.

    GitHub shows annotations in the PR's "Files changed" tab only for changed files,
    so the others would only be noise in the check run. `changed` is None when the
    PR's files could not be read: then nothing is annotated.
    """
    on_changed = [a for a in annotations if changed is not None and a.path in changed]
    kept = on_changed[:cap]
    notes = []
    if changed is None and annotations:
        notes.append(
            f"{len(annotations)} annotations were left out: "
            "the pull request's changed files could not be read."
        )
    elif len(on_changed) < len(annotations):
        notes.append(
            f"{len(annotations) - len(on_changed)} annotations on files this pull "
            "request does not change were left out."
        )
    if len(kept) < len(on_changed):
        notes.append(f"Showing the first {len(kept)} of {len(on_changed)} annotations.")
    payloads = [_annotation_payload(a) for a in kept]
    batches = tuple(
        tuple(payloads[i : i + ANNOTATIONS_PER_REQUEST])
        for i in range(0, len(payloads), ANNOTATIONS_PER_REQUEST)
    )
    return _AnnotationPlan(batches=batches, note=" ".join(notes))


def _annotation_payload(annotation: Annotation) -> dict[str, str | int]:
    # checks/create output.annotations[]: path, start_line, end_line, annotation_level
    # and message are required; columns are omitted (they need start_line == end_line).
    return {
        "path": annotation.path,
        "start_line": annotation.start_line,
        "end_line": annotation.end_line,
        "annotation_level": "warning",
        "message": _clip(annotation.message, ANNOTATION_MESSAGE_LIMIT),
        "title": _clip(annotation.title, ANNOTATION_TITLE_LIMIT),
    }


def _check_run(
    session: _Session, repo: Repository, pr: PullRequest | None, pub: Publication
) -> CheckRun:
    """Create the completed check run on the head SHA, then append annotations 50 at a time."""
    changed = None
    if pr is not None and pub.annotations:
        changed = session.step("read the pull request's files", lambda: _changed_files(session, pr))
    plan = _plan_annotations(pub.annotations, changed, session.settings.annotation_cap)
    note = f"\n\n{plan.note}" if plan.note else ""  # kept even when the summary is cut
    output: dict[str, Any] = {
        "title": pub.check_title,
        "summary": _clip(pub.check_summary, CHECK_OUTPUT_LIMIT - _length(note)) + note,
    }
    external_id = f"signal-gate:{pub.gate_id}:{session.run.run_id}:{session.run.run_attempt}"
    first = {"annotations": list(plan.batches[0])} if plan.batches else {}
    check = session.call(
        lambda: repo.create_check_run(
            name=pub.status_context,
            head_sha=session.run.head_sha,
            details_url=session.run.run_url,
            external_id=external_id,
            status="completed",
            conclusion="success" if pub.passed else "failure",
            output={**output, **first},
        ),
        Replay.SAFE,
        recover=lambda: _find_check_run(
            repo, session.run.head_sha, pub.status_context, external_id
        ),
    )
    for number, batch in enumerate(plan.batches[1:], start=2):
        # checks/update appends these annotations to those the run already has.
        append = partial(check.edit, output={**output, "annotations": list(batch)})
        session.step(
            f"add annotation batch {number} of {len(plan.batches)} to the check run",
            partial(session.call, append, Replay.IF_REJECTED),
        )
    return check


def _find_check_run(repo: Repository, sha: str, name: str, external_id: str) -> CheckRun | None:
    """Return the check run a lost create response may have made, if it exists."""
    runs = repo.get_commit(sha).get_check_runs(check_name=name, filter="all")
    return next((r for r in runs if r.external_id == external_id), None)


def _length(text: str) -> int:
    """Return the length of `text` as GitHub's limits are checked here: in UTF-16 units.

    GitHub states its limits in "characters" without saying which. UTF-16 code units are
    never fewer than code points, so text that fits here fits whatever GitHub counts,
    even when a matrix is full of emoji (two units each).
    """
    return len(text.encode("utf-16-le")) // 2


def _clip(text: str, limit: int) -> str:
    """Return `text` cut to at most `limit` (UTF-16 units), ending in "…" when cut."""
    if _length(text) <= limit:
        return text
    kept = text.encode("utf-16-le")[: 2 * (limit - 1)]
    return kept.decode("utf-16-le", errors="ignore") + "…"  # drops a split surrogate pair
