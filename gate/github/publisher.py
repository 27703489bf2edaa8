"""Publish a gate's verdict: a sticky comment, a commit status, a check run.

This package is the only code of the gate that imports PyGithub, and `publish` never
raises: whatever GitHub refuses (a read-only token on a fork, a 404, a limit, an
outage, a server that stalls) becomes a warning in the returned `PublishOutcome`,
because publishing never changes the verdict (docs/github.md). The steps are in
`comments` (the sticky comment), `signals` (status and check run) and `session`
(retries, the deadline, what may be resent).

The deadline holds whatever the server does: a reply that trickles a byte every few
seconds never trips a per-request timeout, so the steps run in a worker thread that
`publish` stops waiting for when the deadline passes; what was posted by then is
reported, and the rest is one warning.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from github import Auth, Github
from github.CheckRun import CheckRun
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest
from github.Repository import Repository

from gate import __version__
from gate.github.comments import CommentAction, post_comment
from gate.github.limits import PER_PAGE
from gate.github.publication import Publication
from gate.github.run import GitHubRun
from gate.github.session import AnswerCheck, PublishSettings, Replay, Session
from gate.github.signals import create_check_run, post_status
from gate.records import Record

__all__ = ["PublishOutcome", "PublishSettings", "publish"]


class PublishOutcome(Record, frozen=True):
    """What reached GitHub; `warnings` says what did not and why (never a secret)."""

    comment: CommentAction
    comment_id: int | None
    comment_url: str | None
    status_posted: bool
    check_run_id: int | None
    check_run_url: str | None
    warnings: tuple[str, ...]


class _Progress:
    """What the steps have posted so far; read by `publish` even after the deadline."""

    def __init__(self) -> None:
        self.comment: tuple[CommentAction, IssueComment | None] = (CommentAction.FAILED, None)
        self.status = False
        self.check: CheckRun | None = None


def publish(
    run: GitHubRun,
    pub: Publication,
    *,
    sleep: Callable[[float], None] = time.sleep,
    settings: PublishSettings | None = None,
    secrets: Iterable[str] = (),
) -> PublishOutcome:
    """Post `pub` for `run`; return what was posted. Never raises, never outlasts
    `settings.deadline` by more than a moment. `secrets` are masked in every warning."""
    session = Session(run, settings or PublishSettings(), sleep, secrets)
    progress = _Progress()
    worker = threading.Thread(target=_steps, args=(session, pub, progress), daemon=True)
    worker.start()
    worker.join(max(session.remaining(), 0.0))
    if worker.is_alive():
        session.warn(
            f"gave up after the {session.settings.deadline:.0f} s deadline of publish: "
            "GitHub did not answer in time"
        )
    action, comment = progress.comment
    check = progress.check
    return PublishOutcome(
        comment=action,
        comment_id=comment.id if comment is not None else None,
        comment_url=comment.html_url if comment is not None else None,
        status_posted=progress.status,
        check_run_id=check.id if check is not None else None,
        check_run_url=check.html_url if check is not None else None,
        warnings=tuple(session.warnings),
    )


def _steps(session: Session, pub: Publication, progress: _Progress) -> None:
    """Read the pull request, then post the comment, the status and the check run."""
    run = session.run
    client = session.step("connect to GitHub", lambda: _client(run, session.settings))
    if client is None:
        return
    try:
        repo = client.get_repo(run.repository)  # lazy: no request
        pr = None
        if run.pr_number is not None:  # a merge queue run has no pull request
            pr = session.step(
                f"read pull request #{run.pr_number}", lambda: _load_pull(session, repo)
            )
        posted = session.step("post the comment", lambda: post_comment(session, pr, pub))
        if posted is not None:
            progress.comment = posted
        status = session.step("post the commit status", lambda: post_status(session, repo, pub))
        progress.status = status is not None
        progress.check = session.step(
            "create the check run", lambda: create_check_run(session, repo, pr, pub)
        )
    finally:
        client.close()


def _client(run: GitHubRun, settings: PublishSettings) -> Github:
    return Github(
        auth=Auth.Token(run.token),
        base_url=run.api_url,
        timeout=settings.timeout,
        user_agent=f"signal-gate/{__version__}",
        per_page=PER_PAGE,
        retry=AnswerCheck(),  # no retries here: every one is Session.call's decision
        seconds_between_requests=settings.seconds_between_requests,
        seconds_between_writes=settings.seconds_between_writes,
        lazy=True,  # repo.get_commit(sha) must not GET the commit, only POST its status
    )


def _load_pull(session: Session, repo: Repository) -> PullRequest:
    assert session.run.pr_number is not None
    pr = repo.get_pull(session.run.pr_number)  # lazy: reading .head sends GET pulls/{n}
    session.call(lambda: pr.head, Replay.SAFE)
    return pr
