"""The sticky comment: one per gate and pull request, found again by its hidden marker.

A comment is ours only when it starts with the gate's marker *and* was written by the
identity that publishes (`PublishSettings.comment_author`: `github-actions[bot]` for
GITHUB_TOKEN). A person can paste the marker into a comment of their own; that comment
is never edited nor deleted, and cannot take the sticky comment over.

The second line of the body is a hidden digest of what the comment says without the
run link (`Publication.comment_key`): comment mode `on-change` edits only when it
differs, so a re-run that concludes the same leaves the comment, and its readers, alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from functools import partial

from github import GithubException
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest

from gate.github.limits import COMMENT_LIMIT, clip, length
from gate.github.publication import CommentMode, Publication
from gate.github.session import Replay, Session, WriteNotDone


class CommentAction(Enum):
    """What happened to the sticky comment."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # it already said this: no write
    SKIPPED = "skipped"  # the mode said not to comment, no pull request, or the PR moved on
    FAILED = "failed"


Posted = tuple[CommentAction, IssueComment | None]
_KEY_PREFIX, _KEY_SUFFIX = "<!-- signal-gate-content:", " -->"


def comment_marker(gate_id: str) -> str:
    """Return the hidden first line that finds this gate's sticky comment again."""
    return f"<!-- signal-gate:{gate_id} -->"


def _key_line(key: str) -> str:
    return f"{_KEY_PREFIX}{key}{_KEY_SUFFIX}"


def comment_body(pub: Publication, run_url: str) -> tuple[str, bool]:
    """Return the comment to post and whether it had to fall back to the summary.

    The body never exceeds GitHub's 65,536 characters: past that, the marker, the
    summary form and a link to the run, whose job summary holds the whole report.
    """
    head = f"{comment_marker(pub.gate_id)}\n{_key_line(pub.comment_key)}"
    full = f"{head}\n{pub.comment}"
    if length(full) <= COMMENT_LIMIT:
        return full, False
    pointer = (
        f"\n\n---\nThe full report is {len(pub.comment):,} characters, more than a "
        f"pull-request comment holds: see the [job summary]({run_url})."
    )
    room = COMMENT_LIMIT - length(head) - 1 - length(pointer)
    return f"{head}\n{clip(pub.comment_summary, room)}{pointer}", True


def post_comment(session: Session, pr: PullRequest | None, pub: Publication) -> Posted:
    """Create or edit the sticky comment as `pub.comment_mode` says; return what was done.

    A run whose commit is no longer the PR head leaves the comment alone, so a slow old
    run cannot overwrite what the run of the newer commit said (and a `workflow_run`
    given the number of another PR cannot comment there).
    """
    if pub.comment_mode is CommentMode.NEVER or session.run.pr_number is None:
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
    action, comment, duplicates = session.call(
        partial(_upsert, session, pr, pub, body), Replay.SAFE
    )
    for duplicate in duplicates:
        delete = partial(_delete, duplicate)
        session.step(
            f"delete duplicate comment {duplicate.id}", partial(session.call, delete, Replay.SAFE)
        )
    return action, comment


def _ours(session: Session, pr: PullRequest, marker: str) -> list[IssueComment]:
    """Return the gate's own marked comments, oldest first, from every page (capped)."""
    author = session.settings.comment_author.casefold()
    comments = session.capped(pr.get_issue_comments(), "comments of the pull request")
    return sorted(
        (
            c
            for c in comments
            if (c.body or "").startswith(marker)
            and c.user is not None
            and (c.user.login or "").casefold() == author
        ),
        key=lambda c: (c.created_at, c.id),
    )


def _upsert(
    session: Session, pr: PullRequest, pub: Publication, body: str
) -> tuple[CommentAction, IssueComment | None, Sequence[IssueComment]]:
    """Edit the oldest comment of ours or create one; return it and our duplicates."""
    marked = _ours(session, pr, comment_marker(pub.gate_id))
    if not marked:
        if not pub.wants_new_comment:
            return CommentAction.SKIPPED, None, ()
        created = pr.create_issue_comment(body)
        if not isinstance(created.id, int):  # a 2xx without the comment: nothing to show
            raise WriteNotDone("POST", 200)
        return CommentAction.CREATED, created, ()
    keep, duplicates = marked[0], marked[1:]
    old = keep.body or ""
    same_content = pub.comment_mode is not CommentMode.ALWAYS and _said(old) == pub.comment_key
    if old == body or same_content:
        return CommentAction.UNCHANGED, keep, duplicates
    keep.edit(body)
    if keep.body != body:  # PyGithub takes the body from the answer: none came back
        raise WriteNotDone("PATCH", 200)
    return CommentAction.UPDATED, keep, duplicates


def _said(body: str) -> str | None:
    """Return the content digest an existing comment carries on its second line."""
    lines = body.split("\n", 2)
    if len(lines) < 2:
        return None
    line = lines[1]
    if not (line.startswith(_KEY_PREFIX) and line.endswith(_KEY_SUFFIX)):
        return None
    return line[len(_KEY_PREFIX) : -len(_KEY_SUFFIX)]


def _delete(comment: IssueComment) -> None:
    try:
        comment.delete()
    except GithubException as exc:
        if exc.status != 404:  # already gone: what we wanted
            raise
