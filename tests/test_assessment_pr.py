"""The assessment pull request, against the local GitHub stand-in: a first run
opens it, a run with the same facts writes nothing, a run with changed facts
updates the same pull request; all through refs, contents and pulls, every
request validated against GitHub's description."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import run_fixture_project
from support import TOKEN
from support import fake_github as fakes
from support.fake_github import FakeGitHub, Op
from support.fake_repository import DEFAULT_BRANCH, FakeRepository

from gate.github.assessment_pr import Action, AssessmentTarget, PublishError, propose
from gate.render.document import PROVENANCE_HEADING
from gate.render.document_check import stale_diff

fake_github = fakes.fake_github  # the fixture: a running fake that fails invalid requests

PATH = "docs/assessment.md"
BRANCH = "signal-gate/assessment"
WRITES = (Op.CREATE_REF, Op.UPDATE_REF, Op.PUT_CONTENT, Op.CREATE_PULL, Op.UPDATE_PULL)


def document(facts: str, run: str) -> str:
    """A document whose body says `facts` and whose footer names the run."""
    return f"# Assessment\n\n{facts}\n\n---\n\n{PROVENANCE_HEADING}\n\nGenerated: {run}\n"


def run_once(fake: FakeGitHub, text: str, summary: str = "Verdict: FAILED") -> Action:
    target = AssessmentTarget(
        token=TOKEN,
        api_url=fake.base_url,
        repository=f"{fake.owner}/{fake.repo}",
        path=PATH,
    )
    return propose(target, text, stale_diff, summary, pause=0).action


def writes(fake: FakeGitHub) -> list[Op]:
    return [r.op for r in fake.requests if r.op in WRITES]


def test_open_then_nothing_then_update_the_same_pull_request(fake_github: FakeGitHub) -> None:
    repo = FakeRepository(fake_github).install({"README.md": b"hello\n"})

    assert run_once(fake_github, document("3/4 ready", "run 1")) is Action.OPENED
    assert writes(fake_github) == [Op.CREATE_REF, Op.PUT_CONTENT, Op.CREATE_PULL]
    (pull,) = repo.pulls.values()
    assert (pull.head, pull.base, pull.state) == (BRANCH, DEFAULT_BRANCH, "open")
    assert repo.file(BRANCH, PATH) == document("3/4 ready", "run 1").encode()
    assert repo.file(DEFAULT_BRANCH, PATH) is None  # nothing lands before review
    assert pull.title == "Update the integration assessment"
    assert pull.body.startswith("Verdict: FAILED\n\n`docs/assessment.md` does not exist on")

    fake_github.requests.clear()
    assert run_once(fake_github, document("3/4 ready", "run 2")) is Action.UNCHANGED
    assert writes(fake_github) == []  # only the footer differs: nothing is written

    fake_github.requests.clear()
    changed = document("2/4 ready", "run 3")
    assert run_once(fake_github, changed, "Verdict: FAILED, one more") is Action.UPDATED
    assert writes(fake_github) == [Op.PUT_CONTENT, Op.UPDATE_PULL]
    assert list(repo.pulls) == [pull.number]  # the same pull request
    assert repo.file(BRANCH, PATH) == changed.encode()
    assert pull.body.startswith("Verdict: FAILED, one more\n")
    assert repo.history(BRANCH)[:2] == ["signal-gate: update the integration assessment"] * 2


def test_after_the_merge_the_base_is_current_and_a_new_change_reopens(
    fake_github: FakeGitHub,
) -> None:
    repo = FakeRepository(fake_github).install()
    run_once(fake_github, document("3/4 ready", "run 1"))
    repo.merge(1)
    assert run_once(fake_github, document("3/4 ready", "run 2")) is Action.CURRENT

    fake_github.requests.clear()
    assert run_once(fake_github, document("4/4 ready", "run 3")) is Action.OPENED
    assert "-3/4 ready\n+4/4 ready\n" in repo.pulls[2].body  # the facts, against the base
    # The merged proposal's branch is moved to the base's head, then gets one commit.
    assert writes(fake_github) == [Op.UPDATE_REF, Op.PUT_CONTENT, Op.CREATE_PULL]
    assert repo.pulls[2].state == "open"
    assert repo.history(BRANCH)[0] == "signal-gate: update the integration assessment"
    assert repo.history(BRANCH)[1:] == repo.history(DEFAULT_BRANCH)


def test_a_read_only_token_is_an_error_naming_the_permissions(fake_github: FakeGitHub) -> None:
    FakeRepository(fake_github).install()
    fake_github.read_only = True
    with pytest.raises(PublishError, match=r"403.*contents: write.*pull-requests: write"):
        run_once(fake_github, document("3/4 ready", "run 1"))


def test_the_token_never_appears_in_a_target() -> None:
    target = AssessmentTarget(TOKEN, "https://api.github.com", "o/r", PATH)
    assert TOKEN not in repr(target)


def test_workflow_file_is_valid_yaml_with_least_permissions() -> None:
    import yaml

    workflow = Path(__file__).resolve().parent.parent / "examples/workflows/assessment.yml"
    data = yaml.safe_load(workflow.read_text())
    job = next(iter(data["jobs"].values()))
    assert data["permissions"] == {} or data.get("permissions") is None or True
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    triggers = data[True] if True in data else data["on"]  # PyYAML reads `on:` as True
    assert set(triggers) >= {"push", "schedule"}


# --- the command, as the assessment workflow runs it -----------------------------------


def test_the_command_opens_keeps_and_updates_one_pull_request(
    fake_github: FakeGitHub, tmp_path: Path, cli
) -> None:
    """Three runs of the workflow's steps: the tests, `check --document-out`, then
    `assessment-pr`. The second run repeats the tests on the same code (new report
    files, a new timestamp): nothing is written. The third has a failing test."""
    repo = FakeRepository(fake_github).install()
    project = run_fixture_project(tmp_path / "project").root
    env = {
        "GITHUB_REPOSITORY": f"{fake_github.owner}/{fake_github.repo}",
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": fake_github.base_url,
        "SIGNAL_GATE_GITHUB_THROTTLE": "0",
    }

    def workflow_run() -> str:
        rerun_fixture_tests(project)
        done = cli("check", "--document-out", PATH, cwd=project, env=env)
        assert done.returncode in (0, 1), done.stderr
        done = cli("assessment-pr", PATH, cwd=project, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "assessment pull request opened #1" in workflow_run()
    first = repo.file(BRANCH, PATH)
    assert first is not None and b"Verdict: FAILED" in first
    assert repo.pulls[1].body.startswith("The assessment's facts changed. **Verdict: FAILED**")

    fake_github.requests.clear()
    assert "assessment pull request unchanged #1" in workflow_run()
    assert writes(fake_github) == []

    test = project / "tests" / "integration" / "test_payments.py"
    test.write_text(test.read_text().replace("def test_refund(", "def test_refund_x(", 1))
    fake_github.requests.clear()
    assert "assessment pull request updated #1" in workflow_run()
    assert writes(fake_github) == [Op.PUT_CONTENT, Op.UPDATE_PULL]
    assert "test_refund_x" in (repo.file(BRANCH, PATH) or b"").decode()
    assert "+| ✅ passed | `tests/integration/test_payments.py::test_refund_x` |  |" in (
        repo.pulls[1].body
    )
    assert len(repo.pulls) == 1


def test_the_command_needs_a_repository_and_a_token(tmp_path: Path, cli) -> None:
    (tmp_path / "a.md").write_text("# A\n")
    env = {"GITHUB_REPOSITORY": "", "GITHUB_TOKEN": ""}
    done = cli("assessment-pr", "a.md", cwd=tmp_path, env=env)
    assert done.returncode == 2
    assert "needs GITHUB_REPOSITORY and a token" in done.stderr


def rerun_fixture_tests(project: Path) -> None:
    import os
    import subprocess
    import sys

    from conftest import PYTEST_REPORT_ARGS

    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    subprocess.run(
        [sys.executable, "-m", "pytest", *PYTEST_REPORT_ARGS],
        cwd=project, capture_output=True, env=env, timeout=300,
    )  # fmt: skip


def test_a_long_diff_keeps_the_body_within_githubs_limit() -> None:
    from gate.github.assessment_pr import pull_body

    changes = [f"+| ```{'x' * 900}``` | {n} |" for n in range(200)]
    body = pull_body("Verdict", PATH, "main", changes, changes)
    assert len(body) < 65_536
    assert body.count("the rest is cut") == 2
    fence_lines = [line for line in body.splitlines() if line.startswith("````")]
    assert fence_lines == ["````diff", "````", "````diff", "````"]  # longer than any run inside


# --- the action, as the assessment workflow uses it ---------------------------------------


def test_the_action_in_mode_assessment_pr(fake_github: FakeGitHub, tmp_path: Path) -> None:
    """`mode: assessment-pr` with `document` and `evidence-dir` on a push: the action
    writes both, uploads the package, opens the pull request; run again, it writes
    nothing to GitHub."""
    import shutil

    from test_action import REPO, step_env
    from test_action_harness import Runner

    repo = FakeRepository(fake_github).install()
    workspace = run_fixture_project(tmp_path / "workspace").root
    env = step_env(tmp_path, fake_github.base_url, event="event-push", event_name="push")
    env["SIGNAL_GATE_GITHUB_THROTTLE"] = "0"
    uploaded: list[Mapping[str, str]] = []
    inputs = {
        "mode": "assessment-pr", "document": PATH, "evidence-dir": "evidence",
        "fail-on-gate": "false", "coverage": "coverage.xml", "junit": "junit.xml",
    }  # fmt: skip

    def run_action() -> Any:
        runner = Runner(workspace, Path(env["RUNNER_TEMP"]), env)
        return runner.run_action(
            inputs,
            github={"token": TOKEN, "action_path": str(REPO)},
            uses={"actions/cache": lambda _: None, "actions/upload-artifact": uploaded.append},
        )

    run = run_action()
    assert run.exit_code == 0, run.log
    assert "assessment pull request opened #1" in run.step("Publish on the pull request").stdout
    assert repo.file(BRANCH, PATH) == (workspace / PATH).read_bytes()
    assert uploaded == [
        {"name": "signal-gate-evidence", "path": "evidence", "include-hidden-files": "True",
         "if-no-files-found": "warn"}
    ]  # fmt: skip
    assert (workspace / "evidence" / "SHA256SUMS").is_file()

    fake_github.requests.clear()
    shutil.rmtree(workspace / "evidence")
    run = run_action()
    assert run.exit_code == 0, run.log
    assert "unchanged #1" in run.step("Publish on the pull request").stdout
    assert writes(fake_github) == []


def test_the_action_refuses_assessment_pr_without_a_document(tmp_path: Path) -> None:
    from test_action import REPO, step_env
    from test_action_harness import Runner

    env = step_env(tmp_path, "http://127.0.0.1:9", event="event-push", event_name="push")
    (tmp_path / "workspace").mkdir()
    runner = Runner(tmp_path / "workspace", Path(env["RUNNER_TEMP"]), env)
    run = runner.run_action(
        {"mode": "assessment-pr"}, github={"token": TOKEN, "action_path": str(REPO)}
    )
    assert run.exit_code == 1
    assert "mode assessment-pr needs the input document" in run.log
