"""`signal-gate check` then `signal-gate publish`, as two workflow steps would run them:
real subprocesses, PyGithub against the fake GitHub server."""

from __future__ import annotations

from pathlib import Path

from support import TOKEN, actions_env, event_payload
from support import fake_github as fakes
from support.fake_github import FakeGitHub, Op
from support.reports import report_json

fake_github = fakes.fake_github


def check_then_files(fixture_run, cli, tmp_path: Path, env: dict[str, str]) -> tuple[Path, Path]:
    report, comment = tmp_path / "report.json", tmp_path / "comment.md"
    done = cli("check", "--json-out", str(report), "--markdown-out", str(comment),
               cwd=fixture_run.root, env=env)  # fmt: skip
    assert done.returncode == 1, done.stderr  # the fixture project fails its gate
    return report, comment


def publish_env(tmp_path: Path, event: str, payload: object, fake: FakeGitHub) -> dict[str, str]:
    """A publishing step's environment; no write throttling against the local server."""
    return actions_env(tmp_path, event, payload, GITHUB_API_URL=fake.base_url,
                       SIGNAL_GATE_GITHUB_THROTTLE="0")  # fmt: skip


def test_two_runs_leave_one_edited_comment_and_statuses_on_the_head(
    fixture_run, cli, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    env = publish_env(tmp_path, "pull_request", event_payload("event-pull_request"), fake_github)
    report, comment = check_then_files(fixture_run, cli, tmp_path, env)
    for _ in range(2):
        done = cli("publish", "--report", str(report), "--markdown", str(comment),
                   cwd=tmp_path, env=env)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert TOKEN not in done.stdout + done.stderr
    (body,) = fake_github.comment_bodies()
    assert body.startswith("<!-- signal-gate:shop -->")
    assert "Shop integration gate: failed" in body
    assert len(fake_github.calls(Op("issues/create-comment"))) == 1
    assert {s["sha"] for s in fake_github.statuses} == {fake_github.pr_head_sha}
    assert all(s["state"] == "failure" for s in fake_github.statuses)
    assert fake_github.statuses[0]["description"].startswith("failed: 54.6% confidence")


def test_a_read_only_token_is_a_warning_not_an_error(
    fixture_run, cli, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    fake_github.read_only = True
    env = publish_env(tmp_path, "pull_request", event_payload("event-pull_request"), fake_github)
    report, _ = check_then_files(fixture_run, cli, tmp_path, env)
    done = cli("publish", "--report", str(report), cwd=tmp_path, env=env)
    assert done.returncode == 0
    assert "::warning::" in done.stderr and "403" in done.stderr
    assert fake_github.comment_bodies() == []


def test_fork_flow_publishes_only_the_artifact_of_the_runs_head(
    fixture_run, cli, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    # 1. The fork's pull_request run: read-only, so it only writes the artifact.
    pr_event = event_payload("event-pull_request-fork-opened")
    check_env = publish_env(tmp_path, "pull_request", pr_event, fake_github)
    report, comment = check_then_files(fixture_run, cli, tmp_path, check_env)
    data = report_json(report)
    head = pr_event["pull_request"]["head"]["sha"]
    assert data["provenance"]["head_sha"] == head
    assert data["provenance"]["pull_request"] == pr_event["number"]

    # 2. The workflow_run publisher: GitHub leaves pull_requests empty for forks.
    def workflow_run(head_sha: str) -> dict[str, str]:
        payload = {
            "action": "completed",
            "workflow_run": {
                "head_sha": head_sha,
                "pull_requests": [],
                "head_repository": {"full_name": "contributor/Hello-World"},
                "repository": {"full_name": "octocat/Hello-World"},
            },
        }
        return publish_env(tmp_path, "workflow_run", payload, fake_github)

    fake_github.pr_head_sha = head
    fake_github.pr_number = pr_event["number"]
    forged = cli("publish", "--report", str(report), cwd=tmp_path, env=workflow_run("f" * 40))
    assert forged.returncode == 2
    assert "refusing to publish a report of another commit" in forged.stderr
    assert fake_github.comment_bodies() == []

    done = cli("publish", "--report", str(report), "--markdown", str(comment),
               cwd=tmp_path, env=workflow_run(head))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(fake_github.comment_bodies()) == 1
    assert [s["sha"] for s in fake_github.statuses] == [head]


def test_publish_rejects_a_file_that_is_not_a_report(tmp_path: Path, cli) -> None:
    bogus = tmp_path / "report.json"
    bogus.write_text('{"schema": "something-else"}')
    done = cli("publish", "--report", str(bogus), cwd=tmp_path, env={"GITHUB_TOKEN": "x"})
    assert done.returncode == 2
    assert f"{bogus}: not a signal-gate report" in done.stderr
