"""The action on a pull request: patch coverage from the base commit, and the base
branch's report from its workflow's artifact (inputs `diff-base` and `baseline`).

The composite action's steps run as in test_action.py (bash, the step's
environment, the fake GitHub), in a workspace that is a git repository: the
fixture project as the base commit, one change on top. The fake GitHub serves
the base branch's runs and artifact (tests/support/artifacts.py), and the
artifact's download redirects to a second server that refuses the token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import TOKEN, event_payload
from support import fake_github as fakes
from support.artifacts import Artifact, Run, Storage, report_zip, serve_artifacts, storage_server
from support.fake_github import FakeGitHub, Op
from support.gitrepo import git
from support.reports import report_json
from test_action import REPORTS, run_action, runner_for, step_env, workspace

fake_github = fakes.fake_github
__all__ = ["workspace"]  # the fixture, from test_action.py
WORKFLOW_REF = "octocat/Hello-World/.github/workflows/signal-gate.yml@refs/pull/1347/merge"


@pytest.fixture
def storage() -> Iterator[Storage]:
    yield from storage_server()


@pytest.fixture
def repository(workspace: Path, cli) -> tuple[Path, str, bytes]:
    """The workspace as a git repository: the base commit, its report, one change on top
    (a tested line of the inventory client)."""
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "base")
    base = git(workspace, "rev-parse", "HEAD").strip()
    done = cli("check", "--format", "json", cwd=workspace, env={"SIGNAL_GATE_HEAD_SHA": base})
    report = done.stdout.encode()
    client = workspace / "shop" / "clients" / "inventory_client.py"
    client.write_text(
        client.read_text().replace('{"quantity": quantity}', '{"quantity": quantity}  # reserved')
    )
    git(workspace, "commit", "-qam", "the change")
    return workspace, base, report


def pull_request_env(tmp_path: Path, fake: FakeGitHub, base: str) -> dict[str, str]:
    payload = event_payload("event-pull_request")
    payload["pull_request"]["base"]["sha"] = base
    env = step_env(tmp_path, fake.base_url, payload=payload)
    return {**env, "GITHUB_WORKFLOW_REF": WORKFLOW_REF}


def checked(run) -> dict:
    return report_json(Path(run.outputs["report"]))


def test_a_pull_request_gets_patch_coverage_and_the_base_branch_report(
    fake_github: FakeGitHub, storage: Storage, repository, tmp_path: Path
) -> None:
    root, base, base_report = repository
    serve_artifacts(fake_github, storage, [
        Run("main", base, artifacts=[Artifact("signal-gate-report", report_zip(base_report))]),
    ])  # fmt: skip
    env = pull_request_env(tmp_path, fake_github, base)
    run = run_action(runner_for(root, env), mode="check", **REPORTS)

    assert run.exit_code == 1, run.log  # the fixture's gate fails on purpose
    report = checked(run)
    assert report["patch"]["source"] == f"git diff {base[:12]}...HEAD"
    inventory = next(i for i in report["interactions"] if i["id"] == "inventory")
    assert (inventory["patch"]["statements"], inventory["patch"]["covered_statements"]) == (1, 1)
    assert inventory["delta"]["status"] == "REQUIRES ATTENTION"
    assert inventory["delta"]["line_percent"] == 0.0
    assert report["baseline"]["head_sha"] == base
    assert "baseline: the report of run" in run.step("Fetch the base branch's report").stdout
    # The token went to GitHub's API, never to the signed storage URL.
    (download,) = storage.requests
    assert "authorization" not in download and TOKEN not in json.dumps(storage.requests)
    assert TOKEN not in run.log
    assert "### This change" in run.summary


def test_none_found_is_one_line_and_the_gate_runs_without(
    fake_github: FakeGitHub, storage: Storage, repository, tmp_path: Path
) -> None:
    root, base, _ = repository
    serve_artifacts(fake_github, storage, [Run("main", base)])  # a run without the artifact
    run = run_action(runner_for(root, pull_request_env(tmp_path, fake_github, base)),
                     mode="check", **REPORTS)  # fmt: skip
    assert run.exit_code == 1, run.log
    assert "no baseline: no successful run of signal-gate.yml on main" in run.log
    report = checked(run)
    assert report["baseline"] is None and report["patch"] is not None
    assert "No baseline report from the base branch" in run.summary


def test_baseline_none_and_diff_base_none_leave_both_out(
    fake_github: FakeGitHub, repository, tmp_path: Path
) -> None:
    root, base, _ = repository
    env = pull_request_env(tmp_path, fake_github, base)
    run = run_action(runner_for(root, env), mode="check", baseline="none", **{"diff-base": "none"},
                     **REPORTS)  # fmt: skip
    report = checked(run)
    assert report["patch"] is None and report["baseline"] is None
    assert fake_github.calls(Op.LIST_WORKFLOW_RUNS) == []


def test_a_base_commit_the_clone_lacks_is_a_warning_not_an_error(
    fake_github: FakeGitHub, repository, tmp_path: Path
) -> None:
    root, _, _ = repository
    missing = "0123456789" * 4
    env = pull_request_env(tmp_path, fake_github, missing)
    run = run_action(runner_for(root, env), mode="check", baseline="none", **REPORTS)
    assert run.exit_code == 1, run.log  # the verdict, not an error
    assert f"the base commit {missing} is not in the clone" in run.log
    assert checked(run)["patch"] is None


def test_a_baseline_path_is_read_as_given(
    fake_github: FakeGitHub, repository, tmp_path: Path
) -> None:
    root, base, base_report = repository
    (root / "base-report.json").write_bytes(base_report)
    env = pull_request_env(tmp_path, fake_github, base)
    run = run_action(runner_for(root, env), mode="check", baseline="base-report.json", **REPORTS)
    assert checked(run)["baseline"]["path"] == "base-report.json"
    assert fake_github.calls(Op.LIST_WORKFLOW_RUNS) == []
