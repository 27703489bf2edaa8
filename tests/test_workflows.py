"""The workflows we ship and run: valid, locked down, and the fork flow works end to end.

Offline validators (LIMITS.md §6) run when installed (they are in the dev extra, so CI
has them): check-jsonschema against SchemaStore's schemas for actions and workflows,
zizmor's offline audits, and actionlint. Then the rules we hold the files to, and the
two fork workflows run step by step against the fake GitHub (test_action_harness.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from support import TOKEN
from support import fake_github as fakes
from support.fake_github import FakeGitHub, Op
from test_action import HEAD_SHA, MARKER, REPORTS, run_action, runner_for, step_env, workspace
from test_action_harness import REPO, Runner, load_yaml

fake_github = fakes.fake_github
__all__ = ["workspace"]  # the fixture, shared with test_action.py

CI_WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
EXAMPLES = sorted((REPO / "examples" / "workflows").glob("*.yml"))
WORKFLOWS = [*CI_WORKFLOWS, *EXAMPLES]
FORK_CHECK = REPO / "examples" / "workflows" / "fork-check.yml"
FORK_PUBLISH = REPO / "examples" / "workflows" / "fork-publish.yml"
SHA_PINNED = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$")


def tool(name: str) -> str:
    """Return the path of a validator beside this interpreter or on PATH; skip if absent."""
    # Beside this interpreter first (`name.exe` on Windows: which() knows PATHEXT).
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]' installs it)")
    return found


def relative(paths: list[Path]) -> list[str]:
    return [p.relative_to(REPO).as_posix() for p in paths]  # what the tools print back


def test_the_files_exist() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {
        "ci.yml",
        "release.yml",
        "signal-gate.yml",
        "fork-check.yml",
        "fork-publish.yml",
    } <= names


# --- validators --------------------------------------------------------------------------


def test_action_matches_the_github_actions_schema() -> None:
    done = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", "action.yml"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflows_match_the_github_workflows_schema() -> None:
    done = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
         *relative(WORKFLOWS)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_at_or_above_medium() -> None:
    """Every ignore is inline, on the line it excuses, with its reason."""
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--no-config", "--min-severity", "medium",
         "--format", "json", *relative(WORKFLOWS), "action.yml"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    findings = json.loads(done.stdout or "[]")
    shown = [f"{f['ident']}: {f['locations'][0]['symbolic']['key']}" for f in findings]
    assert findings == [], "\n".join(shown)
    assert done.returncode == 0, done.stderr


def test_actionlint_accepts_the_workflows_and_the_local_action() -> None:
    """actionlint also loads ./action.yml for `uses: ./` and checks the inputs given."""
    done = subprocess.run(
        [tool("actionlint"), "-color=false", *relative(WORKFLOWS)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


# --- rules -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_third_party_actions_are_pinned_to_a_commit_with_its_version(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not re.match(r"^\s*(- )?uses:", line):
            continue
        target = line.split("uses:", 1)[1].strip()
        if target.startswith("./") or target.startswith("OWNER/signal-gate@v1"):
            continue  # this repository's action; the examples' documented reference
        assert SHA_PINNED.match(line), f"{path.name}:{number}: not `owner/repo@<sha> # vX.Y.Z`"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_read_only_unless_a_job_needs_more(path: Path) -> None:
    workflow = load_yaml(path)
    assert workflow["permissions"] in ({"contents": "read"}, {}), "top level: read-only"
    for name, job in workflow["jobs"].items():
        granted = job.get("permissions", {})
        assert "write-all" not in json.dumps(granted), name
        writes = {scope for scope, level in granted.items() if level == "write"}
        allowed = {
            "release": {"contents"},
            "assessment": {"contents", "pull-requests"},  # the assessment pull request
            "gate": {"pull-requests", "statuses", "checks"},
            "publish": {"pull-requests", "statuses", "checks"},
        }.get(name, set())
        assert writes <= allowed, f"{path.name}: job {name} may not write {writes - allowed}"


def test_only_the_release_job_can_write_contents() -> None:
    release = load_yaml(REPO / ".github" / "workflows" / "release.yml")
    assert release["on"]["push"] == {"tags": ["v*.*.*"]}
    assert "version" in release["on"]["workflow_dispatch"]["inputs"]
    assert release["jobs"]["release"]["permissions"] == {"contents": "write"}
    assert release["jobs"]["release"]["needs"] == "test"
    script = "\n".join(s.get("run", "") for s in release["jobs"]["release"]["steps"])
    assert 'git tag -f -a "$MAJOR"' in script and 'push --force origin "refs/tags/$MAJOR"' in script


def test_ci_tests_the_oldest_and_newest_python_and_gates_itself_with_its_action() -> None:
    ci = load_yaml(REPO / ".github" / "workflows" / "ci.yml")
    matrix = ci["jobs"]["test"]["strategy"]["matrix"]
    assert matrix["python"] == ["3.11", "3.14"]
    others = {(extra["os"], extra["python"]) for extra in matrix["include"]}
    assert others == {("windows-latest", "3.14"), ("macos-latest", "3.14")}
    runs = [s.get("run", "") for s in ci["jobs"]["test"]["steps"]]
    assert "python dev.py test" in runs
    gate = next(s for s in ci["jobs"]["gate"]["steps"] if s.get("uses") == "./")
    assert (REPO / gate["with"]["config"]).is_file()
    assert "'publish' || 'check'" in gate["with"]["mode"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_inside_a_script(path: Path) -> None:
    """Script injection (GitHub's hardening guide): values reach scripts through env."""
    for job in load_yaml(path)["jobs"].values():
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), f"{path.name}: {step.get('name')}"


def test_the_fork_check_workflow_cannot_write_and_keeps_the_report() -> None:
    workflow = load_yaml(FORK_CHECK)
    assert list(workflow["on"]) == ["pull_request"]
    assert workflow["permissions"] == {"contents": "read"}
    [job] = workflow["jobs"].values()
    assert "permissions" not in job
    gate = next(s for s in job["steps"] if "signal-gate" in str(s.get("uses")))
    assert gate["with"]["mode"] == "check"
    upload = next(s for s in job["steps"] if "upload-artifact" in str(s.get("uses")))
    assert upload["with"]["name"] == "signal-gate-report"
    assert {Path(p).name for p in upload["with"]["path"].splitlines()} == {
        "report.json",
        "comment.md",
    }
    assert gate["if"] == upload["if"] == "${{ !cancelled() }}"  # failed tests still report


def test_the_fork_publish_workflow_never_runs_the_pull_requests_code() -> None:
    workflow = load_yaml(FORK_PUBLISH)
    assert workflow["on"]["workflow_run"]["workflows"] == ["signal-gate check"]
    assert workflow["permissions"] == {}
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {
        "actions": "read", "pull-requests": "write", "statuses": "write", "checks": "write"
    }  # fmt: skip
    for step in job["steps"]:
        if "actions/checkout" in str(step.get("uses")):
            assert step["with"]["repository"] == "OWNER/signal-gate"  # never the PR
            assert "workflow_run" not in json.dumps(step["with"])
        assert "--markdown" not in step.get("run", ""), "comment.md is untrusted raw Markdown"


# --- the fork flow, end to end -----------------------------------------------------------


def _action_inputs(path: Path, runner_temp: Path) -> dict[str, str]:
    """The `with:` of the signal-gate step of an example, as the runner renders it."""
    [job] = load_yaml(path)["jobs"].values()
    step = next(s for s in job["steps"] if "signal-gate" in str(s.get("uses")))
    return {
        k: str(v).replace("${{ runner.temp }}", str(runner_temp)) for k, v in step["with"].items()
    }


def _workflow_run_event(tmp_path: Path, head_sha: str) -> Path:
    """The `workflow_run` payload of fork-check.yml's run completing, for a fork PR.

    GitHub leaves `pull_requests` empty for pull requests from forks (actions/runner#3444).
    """
    payload = {
        "action": "completed",
        "workflow_run": {
            "id": 5555,
            "name": "signal-gate check",
            "event": "pull_request",
            "status": "completed",
            "conclusion": "failure",
            "head_sha": head_sha,
            "head_branch": "patch-1",
            "pull_requests": [],
            "head_repository": {"full_name": "contributor/Hello-World"},
            "repository": {"full_name": "octocat/Hello-World"},
        },
        "repository": {"full_name": "octocat/Hello-World"},
    }
    path = tmp_path / "event-workflow_run.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def _publish(
    tmp_path: Path, api_url: str, artifact: Path, *, head_sha: str = HEAD_SHA
) -> tuple[list[Any], list[Mapping[str, str]]]:
    """Run fork-publish.yml's steps; return their results and the artifact downloads."""
    event_path = _workflow_run_event(tmp_path, head_sha)
    temp = tmp_path / "publish-temp"
    (temp / "signal-gate-venv" / "bin").mkdir(parents=True)
    # What "Install signal-gate" leaves behind (test_action.py tests that step itself).
    venv_python = temp / "signal-gate-venv" / "bin" / "python"
    venv_python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    venv_python.chmod(0o755)
    env = {
        **step_env(tmp_path, api_url),
        "GITHUB_EVENT_NAME": "workflow_run",
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_RUN_ID": "7777",
        "GITHUB_SHA": "f" * 40,  # the default branch's head: never the one to publish on
        "RUNNER_TEMP": str(temp),
    }
    del env["SIGNAL_GATE_ACTION_PYTHON"]
    workspace = tmp_path / "publish-workspace"  # the default branch; no PR code here
    workspace.mkdir()
    downloads: list[Mapping[str, str]] = []

    def download(with_: Mapping[str, str]) -> None:
        downloads.append(with_)
        shutil.copytree(artifact, with_["path"])

    [job] = load_yaml(FORK_PUBLISH)["jobs"].values()
    steps = [s for s in job["steps"] if not str(s.get("name", "")).startswith("Install")]
    context: dict[str, Any] = {
        "github": {"token": TOKEN, "event": json.loads(event_path.read_text(encoding="utf-8"))},
        "runner": {"temp": str(temp)},
    }
    uses = {
        "actions/setup-python": lambda with_: None,
        "actions/checkout": lambda with_: None,
        "actions/download-artifact": download,
    }
    results = Runner(workspace, temp, env).run_steps(steps, context, uses=uses)
    return results, downloads


def _fork_check(fake: FakeGitHub, workspace: Path, tmp_path: Path) -> Path:
    """Run fork-check.yml's signal-gate step on a fork PR; return the uploaded artifact."""
    env = step_env(tmp_path, fake.base_url, event="event-pull_request-fork-opened")
    with_ = _action_inputs(FORK_CHECK, Path(env["RUNNER_TEMP"]))
    assert with_.keys() >= {"mode", "report-dir", "coverage", "junit"}
    with_.update(REPORTS)  # the fixture project's report names
    run = run_action(runner_for(workspace, env), **with_)
    assert run.exit_code == 1, run.log  # the fixture's gate fails; the job is red
    assert fake.requests == []  # a read-only job: nothing sent to GitHub
    artifact = tmp_path / "artifact"
    artifact.mkdir()
    for name in ("report.json", "comment.md"):
        shutil.copy(Path(with_["report-dir"]) / name, artifact / name)
    return artifact


def test_fork_flow_checks_read_only_then_publishes_the_artifact_on_the_pr(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    artifact = _fork_check(fake_github, workspace, tmp_path)
    (artifact / "comment.md").write_text("@everyone ![x](https://evil.example/x.png)\n")

    results, downloads = _publish(tmp_path, fake_github.base_url, artifact)

    assert [r.exit_code for r in results] == [0, 0, 0, 0], "\n".join(r.stderr for r in results)
    assert downloads == [
        {
            "name": "signal-gate-report",
            "path": str(tmp_path / "publish-temp" / "signal-gate-report"),
            "run-id": "5555",
            "github-token": TOKEN,
        }
    ]
    [comment] = fake_github.comment_bodies()
    assert comment.startswith(MARKER) and "evil.example" not in comment  # rendered, not comment.md
    assert "actions/runs/7777" in comment
    assert [(s["sha"], s["state"]) for s in fake_github.statuses] == [(HEAD_SHA, "failure")]
    [check_run] = fake_github.check_runs.values()
    assert check_run["head_sha"] == HEAD_SHA


def test_fork_publish_refuses_an_artifact_of_another_commit(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    artifact = _fork_check(fake_github, workspace, tmp_path)

    results, _ = _publish(tmp_path, fake_github.base_url, artifact, head_sha="a" * 40)

    assert results[-1].exit_code == 2
    assert "refusing to publish a report of another commit" in results[-1].stderr
    assert fake_github.requests == []


def test_fork_publish_refuses_an_artifact_without_a_pull_request_number(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    artifact = _fork_check(fake_github, workspace, tmp_path)
    report = json.loads((artifact / "report.json").read_text(encoding="utf-8"))
    report["provenance"]["pull_request"] = "1347; touch pwned"
    (artifact / "report.json").write_text(json.dumps(report), encoding="utf-8")

    results, _ = _publish(tmp_path, fake_github.base_url, artifact)

    assert results[-1].exit_code == 1
    assert (
        "::error title=signal-gate::the report names no pull request number" in results[-1].stdout
    )
    assert fake_github.requests == [] and not list(tmp_path.rglob("pwned"))
    assert len(fake_github.calls(Op.CREATE_COMMENT)) == 0


def test_the_simple_example_publishes_only_for_pull_requests_of_this_repository() -> None:
    with_ = _action_inputs(REPO / "examples" / "workflows" / "signal-gate.yml", Path("/t"))
    assert with_["mode"] == (
        "${{ (github.event_name == 'merge_group' "
        "|| github.event.pull_request.head.repo.full_name == github.repository) "
        "&& 'publish' || 'check' }}"
    )


@pytest.mark.parametrize("name", ["signal-gate.yml", "ci.yml"])
def test_merge_queue_runs_and_their_concurrency_never_collide(name: str) -> None:
    """A queue run has no pull request number: the group must not collapse to one key
    for every queue entry (they would cancel each other), and only PR runs cancel."""
    path = REPO / ("examples/workflows" if name == "signal-gate.yml" else ".github/workflows")
    workflow = load_yaml(path / name)
    assert "merge_group" in workflow["on"]
    for event in ("pull_request", "merge_group"):
        assert "paths" not in (workflow["on"].get(event) or {}), "a filtered required check waits"
    group = " ".join(workflow["concurrency"]["group"].split())
    for key in ("github.event.pull_request.number", "github.event.merge_group.head_ref"):
        assert key in group
    assert group.endswith("|| github.ref }}")
    assert workflow["concurrency"]["cancel-in-progress"] == (
        "${{ github.event_name == 'pull_request' }}"
    )


def test_the_job_is_named_unlike_the_status_and_the_check_run() -> None:
    workflow = load_yaml(REPO / "examples" / "workflows" / "signal-gate.yml")
    [job] = workflow["jobs"].values()
    assert not job["name"].startswith("signal-gate")  # signal-gate/<id>, "... details"


# --- the release job, against a local origin ----------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    env = {
        "PATH": os.environ["PATH"], "HOME": str(cwd),
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }  # fmt: skip
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("event", ["push", "workflow_dispatch"])
def test_the_release_job_releases_and_moves_the_major_tag(event: str, tmp_path: Path) -> None:
    """Its two scripts, with a bare repository as origin and `gh` recorded, not called."""
    origin, clone = tmp_path / "origin.git", tmp_path / "clone"
    _git(tmp_path, "init", "-q", "--bare", str(origin))
    _git(tmp_path, "clone", "-q", str(origin), str(clone))
    (clone / "gate").mkdir()
    (clone / "gate" / "__init__.py").write_text('__version__ = "1.0.0"\n')
    _git(clone, "add", "-A")
    _git(clone, "commit", "-q", "-m", "1.0.0")
    _git(clone, "tag", "-a", "v1", "-m", "old")
    (clone / "gate" / "__init__.py").write_text('__version__ = "1.2.3"\n')
    _git(clone, "commit", "-q", "-am", "1.2.3")
    if event == "push":
        _git(clone, "tag", "-a", "v1.2.3", "-m", "1.2.3")
    _git(clone, "push", "-q", "origin", "HEAD:refs/heads/main", "--tags")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text(f'#!/bin/sh\necho "$GH_TOKEN $*" >> "{tmp_path}/gh.log"\n')
    gh.chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "GITHUB_EVENT_NAME": event,
        "GITHUB_REF_NAME": "v1.2.3" if event == "push" else "main",
        "GITHUB_SERVER_URL": "https://github.com",
    }
    release = load_yaml(REPO / ".github" / "workflows" / "release.yml")
    steps = [s for s in release["jobs"]["release"]["steps"] if "run" in s]
    context: dict[str, Any] = {
        "github": {"token": TOKEN},
        "inputs": {"version": "1.2.3" if event == "workflow_dispatch" else ""},
    }
    results = Runner(clone, tmp_path, env).run_steps(steps, context)

    assert [r.exit_code for r in results] == [0, 0], "\n".join(r.stderr for r in results)
    head = _git(clone, "rev-parse", "HEAD")
    assert _git(origin, "rev-parse", "v1.2.3^{commit}") == head
    assert _git(origin, "rev-parse", "v1^{commit}") == head  # moved
    log = (tmp_path / "gh.log").read_text()
    expected = "release create v1.2.3 --verify-tag --generate-notes --title signal-gate 1.2.3"
    assert log == f"{TOKEN} {expected}\n"


def test_the_release_job_refuses_a_version_the_package_does_not_have(tmp_path: Path) -> None:
    (tmp_path / "gate").mkdir()
    (tmp_path / "gate" / "__init__.py").write_text('__version__ = "1.2.2"\n')
    release = load_yaml(REPO / ".github" / "workflows" / "release.yml")
    step = release["jobs"]["release"]["steps"][1]
    env = {"PATH": os.environ["PATH"], "GITHUB_EVENT_NAME": "push", "GITHUB_REF_NAME": "v1.2.3"}
    [result] = Runner(tmp_path, tmp_path, env).run_steps([step], {"inputs": {"version": ""}})
    assert result.exit_code == 1
    assert "gate/__init__.py says 1.2.2, the release is 1.2.3" in result.stdout
