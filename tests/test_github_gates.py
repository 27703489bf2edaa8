"""What a team sees on GitHub: one status per gate, advisory mode, published errors,
the merge queue, and comments that belong to the publishing identity alone.

Publications are built from real `Report`s by `gate.github.content` and posted by the
real publisher to the fake GitHub (every request validated against the OpenAPI subset).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support import actions_env, event_payload, publishing
from support import fake_github as fakes
from support.fake_github import BOT_LOGIN, FakeGitHub, Op
from support.publishing import FAST, publish_now

from gate.core.report import (
    SCHEMA,
    ErrorReport,
    Provenance,
    Report,
    ReportError,
    SafetyResult,
)
from gate.github.comments import CommentAction, comment_marker
from gate.github.content import build_error_publication, build_publication
from gate.github.publication import (
    CheckConclusion,
    CommentMode,
    StatusState,
    Verdict,
    check_conclusion,
    status_state,
)
from gate.github.run import GitHubRun, github_run_from_env
from gate.records import replace

fake_github = fakes.fake_github
run = publishing.run  # the fixture: a pull_request run against it


def report(gate_id: str = "default", *, passed: bool = True, **changes: Any) -> Report:
    base = Report(
        schema=SCHEMA,
        passed=passed,
        overall_confidence=97.5 if passed else 61.25,
        min_confidence=95.0,
        interactions=[],
        safety=SafetyResult(passed=2, total=3, required=3),
        unmapped=[],
        inputs={"coverage": [], "junit": []},
        provenance=Provenance(config_sha256="0" * 64),
        id=gate_id,
        title=f"{gate_id} gate",
    )
    return replace(base, **changes)


# --- names: one status per gate --------------------------------------------------------


def test_two_gates_leave_two_statuses_and_two_comments(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    core = build_publication(report("core", passed=False), run_url=run.run_url)
    safety = build_publication(report("safety"), run_url=run.run_url)

    publish_now(run, core)
    publish_now(run, safety)
    publish_now(run, core)  # a re-run of the first gate finds its own comment

    assert [(s["context"], s["state"]) for s in fake_github.statuses] == [
        ("signal-gate/core", "failure"),
        ("signal-gate/safety", "success"),
        ("signal-gate/core", "failure"),
    ]
    bodies = fake_github.comment_bodies()
    assert [b.split("\n", 1)[0] for b in bodies] == [
        comment_marker("core"),
        comment_marker("safety"),
    ]
    names = {r["name"] for r in fake_github.check_runs.values()}
    assert names == {"signal-gate/core details", "signal-gate/safety details"}


# --- advisory mode ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verdict", "advisory", "state", "conclusion"),
    [
        (Verdict.PASSED, False, StatusState.SUCCESS, CheckConclusion.SUCCESS),
        (Verdict.FAILED, False, StatusState.FAILURE, CheckConclusion.FAILURE),
        (Verdict.ERROR, False, StatusState.ERROR, CheckConclusion.FAILURE),
        (Verdict.PASSED, True, StatusState.SUCCESS, CheckConclusion.SUCCESS),
        (Verdict.FAILED, True, StatusState.SUCCESS, CheckConclusion.NEUTRAL),
        # An error is never hidden: nothing was evaluated, so nothing can be advised.
        (Verdict.ERROR, True, StatusState.ERROR, CheckConclusion.NEUTRAL),
    ],
)
def test_the_state_rules(
    verdict: Verdict, advisory: bool, state: StatusState, conclusion: CheckConclusion
) -> None:
    assert status_state(verdict, advisory=advisory) is state
    assert check_conclusion(verdict, advisory=advisory) is conclusion


def test_an_advisory_failure_is_a_success_status_and_a_neutral_check_run(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    failing = report("core", passed=False)
    pub = build_publication(failing, run_url=run.run_url, advisory=True)

    outcome = publish_now(run, pub)

    (status,) = fake_github.statuses
    assert status["state"] == "success"
    assert status["description"] == (
        "advisory: would fail: 61.2% confidence · 0/0 ready · 2/3 safety"
    )
    (check,) = fake_github.check_runs.values()
    assert check["conclusion"] == "neutral"
    (body,) = fake_github.comment_bodies()
    assert "Advisory: this gate reports, it does not block merging." in body
    assert outcome.warnings == ()


# --- errors are published --------------------------------------------------------------


def test_an_error_report_leaves_an_error_status_and_a_comment_naming_commit_and_cause(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    message = "signal-gate.yml: interactions[0].id: expected `str` matching `^[a-z0-9-]+$` " * 3
    error = ErrorReport(
        schema=SCHEMA,
        error=ReportError(message=message, file="signal-gate.yml"),
        provenance=Provenance(config_sha256="", head_sha=run.head_sha, pull_request=1347),
        id="core",
    )
    pub = build_error_publication(error, head_sha=run.head_sha, run_url=run.run_url)

    publish_now(run, pub)

    (status,) = fake_github.statuses
    assert (status["context"], status["state"]) == ("signal-gate/core", "error")
    assert status["description"].startswith("error: signal-gate.yml: interactions[0].id")
    assert len(status["description"]) == 140
    (body,) = fake_github.comment_bodies()
    assert f"could not evaluate commit `{run.head_sha}`" in body
    assert "signal-gate.yml: interactions\\[0\\].id" in body  # escaped, but all there
    (check,) = fake_github.check_runs.values()
    assert check["conclusion"] == "failure"


# --- the merge queue -------------------------------------------------------------------


def test_a_merge_group_run_posts_on_the_queue_head_and_never_comments(
    fake_github: FakeGitHub, tmp_path: Path
) -> None:
    payload = event_payload("event-merge_group")
    fake_github.owner = "octo-org"
    env = actions_env(
        tmp_path,
        "merge_group",
        payload,
        GITHUB_API_URL=fake_github.base_url,
        GITHUB_REPOSITORY="octo-org/Hello-World",
    )
    queue_run = github_run_from_env(env)
    pub = build_publication(report("core", passed=False), run_url=queue_run.run_url)

    outcome = publish_now(queue_run, pub)

    head = payload["merge_group"]["head_sha"]
    assert queue_run.pr_number is None and queue_run.head_sha == head
    assert [(s["sha"], s["context"]) for s in fake_github.statuses] == [(head, "signal-gate/core")]
    assert [r["head_sha"] for r in fake_github.check_runs.values()] == [head]
    comment_ops = {Op.LIST_COMMENTS, Op.CREATE_COMMENT, Op.UPDATE_COMMENT, Op.DELETE_COMMENT}
    assert [r for r in fake_github.requests if r.op in comment_ops | {Op.GET_PULL}] == []
    assert outcome.comment is CommentAction.SKIPPED and outcome.warnings == ()


# --- comments belong to the identity that publishes ------------------------------------


def test_a_human_comment_with_the_marker_is_left_alone_and_ours_on_page_two_is_edited(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    marker = comment_marker("core")
    human = fake_github.seed_comment(f"{marker}\nI own this now", author="mallory")
    for number in range(120):
        fake_github.seed_comment(f"chatter {number}", author="octocat")
    ours = fake_github.seed_comment(f"{marker}\nthe old verdict")

    outcome = publish_now(run, build_publication(report("core"), run_url=run.run_url))

    assert (outcome.comment, outcome.comment_id) == (CommentAction.UPDATED, ours)
    assert fake_github.comments[human]["body"] == f"{marker}\nI own this now"
    assert [r.path.rsplit("/", 1)[1] for r in fake_github.calls(Op.UPDATE_COMMENT)] == [str(ours)]
    assert fake_github.calls(Op.DELETE_COMMENT) == []
    assert fake_github.calls(Op.CREATE_COMMENT) == []


def test_only_a_human_marked_comment_means_we_create_our_own(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    marker = comment_marker("core")
    human = fake_github.seed_comment(f"{marker}\nfirst!", author="mallory")

    outcome = publish_now(run, build_publication(report("core"), run_url=run.run_url))

    assert outcome.comment is CommentAction.CREATED and outcome.comment_id != human
    assert fake_github.comments[human]["body"] == f"{marker}\nfirst!"
    assert fake_github.comments[outcome.comment_id]["user"]["login"] == BOT_LOGIN


def test_the_publishing_identity_is_configurable(fake_github: FakeGitHub, run: GitHubRun) -> None:
    marker = comment_marker("core")
    app = fake_github.seed_comment(f"{marker}\nold", author="signal-app[bot]")
    actions = fake_github.seed_comment(f"{marker}\nfrom another identity")
    settings = replace(FAST, comment_author="signal-app[bot]")

    outcome = publish_now(
        run, build_publication(report("core"), run_url=run.run_url), settings=settings
    )

    assert (outcome.comment, outcome.comment_id) == (CommentAction.UPDATED, app)
    assert fake_github.comments[actions]["body"] == f"{marker}\nfrom another identity"


# --- comment modes ---------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "patches"), [(CommentMode.ON_CHANGE, 0), (CommentMode.ALWAYS, 1)])
def test_on_change_makes_no_patch_when_the_verdict_is_unchanged(
    fake_github: FakeGitHub, tmp_path: Path, mode: CommentMode, patches: int
) -> None:
    same = report("core", passed=False)
    for run_id in ("4242", "4243"):  # two runs: two run links in the comment
        env = actions_env(
            tmp_path,
            "pull_request",
            event_payload("event-pull_request"),
            GITHUB_API_URL=fake_github.base_url,
            GITHUB_RUN_ID=run_id,
        )
        this_run = github_run_from_env(env)
        publish_now(this_run, build_publication(same, run_url=this_run.run_url, comment_mode=mode))

    assert len(fake_github.calls(Op.CREATE_COMMENT)) == 1
    assert len(fake_github.calls(Op.UPDATE_COMMENT)) == patches


def test_on_change_edits_when_the_verdict_changes(fake_github: FakeGitHub, run: GitHubRun) -> None:
    publish_now(run, build_publication(report("core", passed=False), run_url=run.run_url))
    outcome = publish_now(run, build_publication(report("core"), run_url=run.run_url))

    assert outcome.comment is CommentAction.UPDATED
    (body,) = fake_github.comment_bodies()
    assert "core gate: passed" in body


# --- monorepos: a gate checked under a sub-folder root ----------------------------------


def test_annotations_of_a_sub_folder_gate_name_repository_paths(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    from gate.core.report import FileSummary, InteractionResult, Status, TestCounts

    interaction = InteractionResult(
        id="ledger", name="Ledger", direction="outbound", peer=None, critical=False,
        required=True, status=Status.ATTENTION, confidence=50.0, coverage_percent=50.0,
        line_percent=50.0, branch_percent=None, statements=2, covered_statements=1,
        branches=0, covered_branches=0, threshold={}, files=["src/ledger.py"],
        tests=TestCounts(), pass_rate=0.0, gaps=[],
        file_details=[FileSummary("src/ledger.py", 2, 1, 0, 0, missing_lines=[7])],
    )  # fmt: skip
    sub = report(
        "ledger",
        passed=False,
        interactions=[interaction],
        provenance=Provenance(config_sha256="0" * 64, root="services/ledger"),
    )
    fake_github.pr_files = ["services/ledger/src/ledger.py"]

    outcome = publish_now(run, build_publication(sub, run_url=run.run_url))

    (check,) = fake_github.check_runs.values()
    assert [a["path"] for a in check["annotations"]] == ["services/ledger/src/ledger.py"]
    assert "left out" not in check["summary"] and outcome.warnings == ()


@pytest.mark.parametrize("root", ["", ".", "../elsewhere", "/abs/path"])
def test_a_root_that_is_not_a_sub_folder_leaves_paths_alone(root: str) -> None:
    from gate.github.content import repository_relative
    from gate.github.publication import Annotation

    annotations = (Annotation("src/a.py", 1, 1, "m"),)
    assert repository_relative(annotations, root) == annotations
