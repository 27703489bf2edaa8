"""Publishing to GitHub through PyGithub, against a fake GitHub over real HTTP.

The only fake is the HTTP server (tests/support/fake_github.py): the run settings come
from an Actions environment through `github_run_from_env`, and the publisher talks to the
server with the real PyGithub client. The fixture fails a test that sent any request the
OpenAPI description (or a GitHub limit) would refuse.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from support import MERGE_SHA, publishing
from support import fake_github as fakes
from support.fake_github import FakeGitHub, Op
from support.publishing import (
    HEAD,
    MARKER,
    Sleeps,
    publication,
    publish_now,
    run_on,
    uncovered,
)

from gate.github.comments import CommentAction, comment_marker
from gate.github.limits import COMMENT_LIMIT
from gate.github.publication import CommentMode, Verdict
from gate.github.run import GitHubRun

fake_github = fakes.fake_github  # the fixture: a running fake that fails invalid requests
run = publishing.run  # the fixture: a pull_request run against it


# --- the sticky comment, the status and the check run ------------------------------------


def test_first_run_creates_second_run_edits_the_same_comment(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    first = publish_now(run, publication())
    failing = publication(verdict=Verdict.FAILED, comment="now failing", comment_key="k2")
    second = publish_now(run, failing)

    assert first.comment is CommentAction.CREATED
    assert second.comment is CommentAction.UPDATED
    assert first.comment_id == second.comment_id
    assert fake_github.comment_bodies() == [
        f"{MARKER}\n<!-- signal-gate-content:k2 -->\nnow failing"
    ]
    assert len(fake_github.calls(Op.CREATE_COMMENT)) == 1
    assert len(fake_github.calls(Op.UPDATE_COMMENT)) == 1
    # One status per run, on the PR head, the newest saying what the gate says now.
    assert [(s["sha"], s["state"]) for s in fake_github.statuses] == [
        (run.head_sha, "success"),
        (run.head_sha, "failure"),
    ]
    assert [s["context"] for s in fake_github.statuses] == ["signal-gate/default"] * 2
    assert fake_github.statuses[0]["target_url"] == run.run_url
    runs = list(fake_github.check_runs.values())
    assert [(r["name"], r["head_sha"], r["conclusion"]) for r in runs] == [
        ("signal-gate/default details", run.head_sha, "success"),
        ("signal-gate/default details", run.head_sha, "failure"),
    ]
    assert runs[0]["title"] == "signal-gate: passed"
    assert second.status_posted and second.check_run_id == max(fake_github.check_runs)
    assert first.warnings == second.warnings == ()


def test_an_unchanged_comment_is_not_written_again(fake_github: FakeGitHub, run: GitHubRun) -> None:
    publish_now(run, publication())
    outcome = publish_now(run, publication())

    assert outcome.comment is CommentAction.UNCHANGED
    assert fake_github.calls(Op.UPDATE_COMMENT) == []


def test_status_goes_on_the_pr_head_sha_not_github_sha(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    publish_now(run, publication())

    (status,) = fake_github.calls(Op.CREATE_STATUS)
    assert status.path.endswith(f"/statuses/{run.head_sha}")
    assert MERGE_SHA not in json.dumps([r.path for r in fake_github.requests])
    (check,) = fake_github.calls(Op.CREATE_CHECK_RUN)
    assert check.body["head_sha"] == run.head_sha


def test_the_marked_comment_is_found_on_page_two(fake_github: FakeGitHub, run: GitHubRun) -> None:
    for number in range(150):
        if number == 130:
            mine = fake_github.seed_comment(f"{MARKER}\nold matrix")
        else:
            fake_github.seed_comment(f"comment {number}", author="octocat")

    outcome = publish_now(run, publication())

    assert (outcome.comment, outcome.comment_id) == (CommentAction.UPDATED, mine)
    pages = [r.query for r in fake_github.calls(Op.LIST_COMMENTS)]
    assert pages == [{"per_page": ["100"]}, {"per_page": ["100"], "page": ["2"]}]
    assert fake_github.calls(Op.CREATE_COMMENT) == []
    assert len(fake_github.comments) == 150


def test_duplicate_marked_comments_leave_one_the_oldest(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    fake_github.seed_comment("a human comment", author="octocat")
    oldest = fake_github.seed_comment(f"{MARKER}\nfirst")
    fake_github.seed_comment(f"{MARKER}\nsecond (a race)")
    fake_github.seed_comment(f"{MARKER}\nthird")
    fake_github.seed_comment(f"> {MARKER} quoted by a human", author="octocat")
    fake_github.seed_comment(f"{comment_marker('other-gate')}\nanother gate's comment")

    outcome = publish_now(run, publication(comment="fresh"))

    assert (outcome.comment, outcome.comment_id) == (CommentAction.UPDATED, oldest)
    assert fake_github.comment_bodies() == [
        "a human comment",
        f"{HEAD}\nfresh",
        f"> {MARKER} quoted by a human",
        f"{comment_marker('other-gate')}\nanother gate's comment",
    ]
    assert len(fake_github.calls(Op.DELETE_COMMENT)) == 2
    assert outcome.warnings == ()


@pytest.mark.parametrize(
    ("mode", "verdict", "existing", "expected", "bodies"),
    [
        (CommentMode.ON_FAILURE, Verdict.PASSED, False, CommentAction.SKIPPED, []),
        (CommentMode.ON_FAILURE, Verdict.FAILED, False, CommentAction.CREATED, ["new"]),
        (CommentMode.ON_FAILURE, Verdict.ERROR, False, CommentAction.CREATED, ["new"]),
        # An existing comment is corrected even when passing, or it would lie.
        (CommentMode.ON_FAILURE, Verdict.PASSED, True, CommentAction.UPDATED, ["new"]),
        (CommentMode.NEVER, Verdict.FAILED, True, CommentAction.SKIPPED, ["old"]),
    ],
)
def test_comment_mode(
    fake_github: FakeGitHub,
    run: GitHubRun,
    mode: CommentMode,
    verdict: Verdict,
    existing: bool,
    expected: CommentAction,
    bodies: list[str],
) -> None:
    if existing:
        fake_github.seed_comment(f"{MARKER}\nold")

    outcome = publish_now(run, publication(comment_mode=mode, verdict=verdict, comment="new"))

    assert outcome.comment is expected
    head = {"old": MARKER, "new": HEAD}
    assert fake_github.comment_bodies() == [f"{head[b]}\n{b}" for b in bodies]
    assert outcome.status_posted  # the status does not depend on the comment mode
    if mode is CommentMode.NEVER:
        assert fake_github.calls(Op.LIST_COMMENTS) == []


# --- GitHub's size limits: degrade, never a 422 ------------------------------------------


def test_a_comment_too_long_for_github_posts_the_summary_and_a_link(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    outcome = publish_now(run, publication(comment="x" * 70_000))

    (body,) = fake_github.comment_bodies()
    assert len(body) <= COMMENT_LIMIT
    assert body.startswith(f"{HEAD}\n## Integration matrix\n\n10/10 interactions")
    assert f"[job summary]({run.run_url})" in body
    assert "x" * 100 not in body
    assert [r.status for r in fake_github.requests if r.status == 422] == []
    assert outcome.comment is CommentAction.CREATED
    assert any("70,000 characters" in w for w in outcome.warnings)


def test_even_a_huge_summary_never_exceeds_the_comment_limit(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    publish_now(run, publication(comment="x" * 70_000, comment_summary="y" * 70_000))

    (body,) = fake_github.comment_bodies()
    assert len(body) == COMMENT_LIMIT
    assert body.startswith(MARKER) and f"[job summary]({run.run_url})" in body


def test_emoji_count_double_so_no_way_of_counting_can_exceed_the_limit(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    # 40,000 characters but 80,000 UTF-16 units: GitHub does not say which it counts.
    outcome = publish_now(run, publication(comment="🟢" * 40_000, comment_summary="🔴" * 40_000))

    (body,) = fake_github.comment_bodies()
    assert len(body.encode("utf-16-le")) // 2 <= COMMENT_LIMIT
    assert body.startswith(f"{HEAD}\n🔴") and body.endswith(f"({run.run_url}).")
    assert outcome.comment is CommentAction.CREATED


def test_long_status_description_and_check_summary_are_cut_to_github_limits(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    pub = publication(
        status_description="d" * 300,
        check_summary="s" * 70_000,
        annotations=uncovered("not/in/this/pr.py", 2),
    )

    outcome = publish_now(run, pub)

    assert outcome.warnings == ()
    (status,) = fake_github.statuses
    assert len(status["description"]) == 140 and status["description"].endswith("…")
    (check,) = fake_github.check_runs.values()
    assert len(check["summary"]) == 65_535
    # What was left out is said even when the summary itself had to be cut.
    assert check["summary"].endswith(
        "2 annotations on files this pull request does not change were left out."
    )


# --- annotations -------------------------------------------------------------------------


def test_annotations_go_in_batches_of_fifty_on_changed_files_only(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    fake_github.pr_files = ["app/clients/metrics.py", "README.md"]
    pub = publication(
        annotations=uncovered("app/clients/metrics.py", 120) + uncovered("app/untouched.py", 7)
    )

    outcome = publish_now(run, pub)

    create = fake_github.calls(Op.CREATE_CHECK_RUN)
    updates = fake_github.calls(Op.UPDATE_CHECK_RUN)
    assert [len(r.body["output"]["annotations"]) for r in create + updates] == [50, 50, 20]
    (check,) = fake_github.check_runs.values()
    assert len(check["annotations"]) == 120
    assert {a["path"] for a in check["annotations"]} == {"app/clients/metrics.py"}
    assert check["annotations"][0] == {
        "path": "app/clients/metrics.py",
        "start_line": 1,
        "end_line": 1,
        "annotation_level": "warning",
        "message": "line 1 is not covered",
        "title": "Not covered",
    }
    assert "7 annotations on files this pull request does not change" in check["summary"]
    assert outcome.warnings == ()


def test_annotations_are_capped_and_the_summary_says_so(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    fake_github.pr_files = ["big.py"]

    publish_now(run, publication(annotations=uncovered("big.py", 600)))

    (check,) = fake_github.check_runs.values()
    assert len(check["annotations"]) == 500
    assert (
        len(fake_github.calls(Op.CREATE_CHECK_RUN) + fake_github.calls(Op.UPDATE_CHECK_RUN)) == 10
    )
    assert "Showing the first 500 of 600 annotations." in check["summary"]


def test_no_annotations_means_no_file_listing_and_one_request(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    publish_now(run, publication())

    assert fake_github.calls(Op.LIST_FILES) == []
    assert len(fake_github.calls(Op.CREATE_CHECK_RUN)) == 1
    assert fake_github.calls(Op.UPDATE_CHECK_RUN) == []


# --- failures become warnings ------------------------------------------------------------


def test_a_read_only_fork_token_gives_warnings_and_raises_nothing(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    fake_github.fork = True
    fake_github.read_only = True
    fork_run = run_on(fake_github.base_url, tmp_path, "event-pull_request-fork-opened")

    outcome = publish_now(fork_run, publication(annotations=uncovered("README.md", 3)))

    assert fork_run.is_fork
    assert outcome.comment is CommentAction.FAILED
    assert (outcome.comment_id, outcome.status_posted, outcome.check_run_id) == (None, False, None)
    assert [w.split(":")[0] for w in outcome.warnings] == [
        "could not post the comment",
        "could not post the commit status",
        "could not create the check run",
    ]
    assert all("403 Resource not accessible by integration" in w for w in outcome.warnings)
    assert all("workflow_run" in w for w in outcome.warnings)
    assert (fake_github.comments, fake_github.statuses, fake_github.check_runs) == ({}, [], {})
    assert all(r.status == 403 for r in fake_github.requests if r.method != "GET")


def test_an_unreachable_api_gives_warnings_and_raises_nothing(tmp_path: Path) -> None:
    with socket.socket() as closed:  # a port nobody listens on any more
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    sleeps = Sleeps()

    outcome = publish_now(run_on(f"http://127.0.0.1:{port}", tmp_path), publication(), sleeps)

    assert outcome.warnings[0] == (
        "could not read pull request #1347: GitHub could not be reached (ConnectionError) "
        "(after 4 attempts)"
    )
    assert not outcome.status_posted and outcome.check_run_id is None
    assert sleeps == [2.0, 4.0, 8.0] * 3  # the PR, the status, the check run


def test_an_unknown_pull_request_is_a_warning_and_the_status_still_goes_out(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    fake_github.pr_number = 1

    outcome = publish_now(run, publication(annotations=uncovered("README.md", 3)))

    assert outcome.comment is CommentAction.FAILED
    assert outcome.warnings[0].startswith("could not read pull request #1347: not found (404)")
    assert outcome.status_posted and outcome.check_run_id is not None
    (check,) = fake_github.check_runs.values()
    assert "3 annotations were left out" in check["summary"]


def test_a_pr_that_moved_on_keeps_its_newer_comment(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    fake_github.seed_comment(f"{MARKER}\nfrom the newer commit's run")
    fake_github.pr_head_sha = "b" * 40

    outcome = publish_now(run, publication())

    assert outcome.comment is CommentAction.SKIPPED
    assert "the run for the newer commit will comment" in outcome.warnings[0]
    assert fake_github.comment_bodies() == [f"{MARKER}\nfrom the newer commit's run"]
    assert [s["sha"] for s in fake_github.statuses] == [run.head_sha]
