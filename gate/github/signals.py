"""The commit status (what branch protection requires) and the check run (the details).

The status goes on the head SHA under the gate's own context (`signal-gate/<id>`); the
check run, under another name, carries the full summary and the annotations. Both take
their state from the `Publication`, which holds the one rule for advisory mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from github.CheckRun import CheckRun
from github.PullRequest import PullRequest
from github.Repository import Repository

from gate.github.limits import (
    ANNOTATION_MESSAGE_LIMIT,
    ANNOTATION_TITLE_LIMIT,
    ANNOTATIONS_PER_REQUEST,
    CHECK_OUTPUT_LIMIT,
    CHECK_TITLE_LIMIT,
    STATUS_DESCRIPTION_LIMIT,
    clip,
    length,
)
from gate.github.publication import Annotation, Publication
from gate.github.session import Replay, Session, WriteNotDone
from gate.records import Record


def post_status(session: Session, repo: Repository, pub: Publication) -> bool:
    """Post the commit status on the run's head SHA; return True once GitHub has it."""
    commit = repo.get_commit(session.run.head_sha)  # lazy: the SHA is read from the URL

    def create() -> None:
        status = commit.create_status(
            state=pub.state.value,
            target_url=session.run.run_url,
            description=clip(pub.status_description, STATUS_DESCRIPTION_LIMIT),
            context=pub.status_context,
        )
        if not isinstance(status.id, int):  # a 2xx without the status
            raise WriteNotDone("POST", 200)

    session.call(create, Replay.SAFE)
    return True


class _AnnotationPlan(Record, frozen=True):
    batches: tuple[tuple[dict[str, str | int], ...], ...]  # at most 50 each
    note: str  # what was left out and why; empty when nothing was


def plan_annotations(
    annotations: Sequence[Annotation], changed: frozenset[str] | None, cap: int
) -> _AnnotationPlan:
    """Keep the annotations on files the PR changed, at most `cap`, in batches of 50.

    GitHub shows annotations in the PR's "Files changed" tab only for changed files,
    so the others would only be noise in the check run. `changed` is None when the
    PR's files are unknown (they could not be read, or there is no pull request, as
    in a merge queue): then nothing is annotated.
    """
    on_changed = [a for a in annotations if changed is not None and a.path in changed]
    kept = on_changed[:cap]
    notes = []
    if changed is None and annotations:
        notes.append(
            f"{len(annotations)} annotations were left out: "
            "the pull request's changed files are not known."
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
        "message": clip(annotation.message, ANNOTATION_MESSAGE_LIMIT),
        "title": clip(annotation.title, ANNOTATION_TITLE_LIMIT),
    }


def _changed_files(session: Session, pr: PullRequest) -> frozenset[str]:
    """Return the paths the PR adds or modifies (GitHub lists at most 3000 files)."""

    def read() -> frozenset[str]:
        files = session.capped(pr.get_files(), "files of the pull request")
        return frozenset(f.filename for f in files if f.status != "removed")

    return session.call(read, Replay.SAFE)


def create_check_run(
    session: Session, repo: Repository, pr: PullRequest | None, pub: Publication
) -> CheckRun:
    """Create the completed check run on the head SHA, then append annotations 50 at a time."""
    changed = None
    if pr is not None and pub.annotations:
        changed = session.step("read the pull request's files", lambda: _changed_files(session, pr))
    plan = plan_annotations(pub.annotations, changed, session.settings.annotation_cap)
    note = f"\n\n{plan.note}" if plan.note else ""  # kept even when the summary is cut
    output: dict[str, Any] = {
        "title": clip(pub.check_title, CHECK_TITLE_LIMIT),
        "summary": clip(pub.check_summary, CHECK_OUTPUT_LIMIT - length(note)) + note,
    }
    run = session.run
    external_id = f"signal-gate:{pub.gate_id}:{run.run_id}:{run.run_attempt}"
    first = {"annotations": list(plan.batches[0])} if plan.batches else {}

    def create() -> CheckRun:
        check = repo.create_check_run(
            name=pub.check_name,
            head_sha=run.head_sha,
            details_url=run.run_url,
            external_id=external_id,
            status="completed",
            conclusion=pub.conclusion.value,
            output={**output, **first},
        )
        if not isinstance(check.id, int):  # a 2xx without the check run
            raise WriteNotDone("POST", 200)
        return check

    check = session.call(
        create,
        Replay.SAFE,
        recover=lambda: _find_check_run(session, repo, pub.check_name, external_id),
    )
    for number, batch in enumerate(plan.batches[1:], start=2):
        # checks/update appends these annotations to those the run already has.
        append = partial(check.edit, output={**output, "annotations": list(batch)})
        session.step(
            f"add annotation batch {number} of {len(plan.batches)} to the check run",
            partial(session.call, append, Replay.IF_REJECTED),
        )
    return check


def _find_check_run(
    session: Session, repo: Repository, name: str, external_id: str
) -> CheckRun | None:
    """Return the check run a lost create response may have made, if it exists."""
    runs = repo.get_commit(session.run.head_sha).get_check_runs(check_name=name, filter="all")
    return next(
        (r for r in session.capped(runs, "check runs") if r.external_id == external_id), None
    )
