"""The composite action (action.yml), run step by step as the runner would, without act.

Each test runs the action's real `run:` scripts with `bash -eo pipefail` (see
test_action_harness.py) in a copy of the fixture project after its real pytest run,
against the fake GitHub over real HTTP. The environment is what a `pull_request` step
sees (HARNESS.md part B), with two deliberate traps: `GITHUB_SHA` is a merge commit,
not the PR head, and no `GITHUB_TOKEN` variable exists, so the action must pass its
`github-token` input to `publish` itself.

To stay fast, the install step is skipped through the action's testing hook
`SIGNAL_GATE_ACTION_PYTHON` (this interpreter, which has signal-gate installed); the
real install from requirements/action.txt is tested on its own, when the package index
can be reached (`SIGNAL_GATE_NETWORK_TESTS=1`, set in CI).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import PASSING_CONFIG, ProjectRun
from packaging.requirements import Requirement
from support import MERGE_SHA, TOKEN, actions_env, event_payload
from support import fake_github as fakes
from support.fake_github import FakeGitHub, Op
from support.reports import report_json
from test_action_harness import ACTION_FILE, REPO, Run, Runner, load_yaml

fake_github = fakes.fake_github  # the fixture: a running fake that fails invalid requests

HEAD_SHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e"  # pull_request.head.sha of the examples
MARKER = "<!-- signal-gate:shop -->"  # the fixture project's gate id
REPORTS = {"coverage": "coverage.xml", "junit": "junit.xml"}
# One requirement of requirements/action.txt: `name==version [; marker] \` and its hashes.
PINNED = re.compile(
    r"^([A-Za-z0-9_.-]+)==(\S+?)(?: ;[^\\\n]*)? \\\n"
    r"((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)",
    re.M,
)


@pytest.fixture
def workspace(fixture_run: ProjectRun, tmp_path: Path) -> Path:
    """A checkout of the fixture project with its coverage.xml and junit.xml."""
    dest = tmp_path / "workspace"
    shutil.copytree(fixture_run.root, dest, ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "passing.yml").write_text(PASSING_CONFIG, encoding="utf-8")
    return dest


def step_env(
    tmp_path: Path,
    api_url: str,
    *,
    event: str = "event-pull_request",
    event_name: str = "pull_request",
    run_id: str = "4242",
    payload: dict[str, Any] | None = None,
) -> dict[str, str]:
    """What each step of a pull_request job sees; no GITHUB_TOKEN, as on GitHub."""
    env = actions_env(
        tmp_path,
        event_name,
        payload if payload is not None else event_payload(event),
        GITHUB_API_URL=api_url,
        GITHUB_RUN_ID=run_id,
        GITHUB_WORKSPACE=str(tmp_path / "workspace"),
        GITHUB_HEAD_REF="feature",
        GITHUB_BASE_REF="main",
        RUNNER_TEMP=str(tmp_path / "runner-temp"),
        RUNNER_OS="Linux",
        RUNNER_ARCH="X64",
        SIGNAL_GATE_ACTION_PYTHON=sys.executable,  # the action's testing hook
    )
    del env["GITHUB_TOKEN"]
    (tmp_path / "runner-temp").mkdir(exist_ok=True)
    return env


def runner_for(workspace: Path, env: dict[str, str]) -> Runner:
    return Runner(workspace, Path(env["RUNNER_TEMP"]), env)


def run_action(runner: Runner, **with_: str) -> Run:
    return runner.run_action(with_, github={"token": TOKEN, "action_path": str(REPO)})


# --- publish mode: the same-repository pull request --------------------------------------


def test_publish_mode_checks_publishes_on_the_head_sha_and_fails_with_the_gate(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    env = step_env(tmp_path, fake_github.base_url)
    run = run_action(runner_for(workspace, env), **REPORTS)

    assert run.exit_code == 1, run.log  # the fixture's gate fails on purpose
    # python, the wheel cache (skipped: signal-gate is preinstalled), install, the base
    # branch's report, check, the evidence package (skipped: none asked for), publish,
    # verdict
    assert [s.exit_code for s in run.steps] == [0, 0, 0, 0, 0, 0, 0, 1]
    assert run.step("Restore the cached wheels").stderr == "skipped: `if:` is false"
    report = Path(run.outputs["report"])
    assert report == Path(env["RUNNER_TEMP"]) / "signal-gate" / "report.json"
    data = report_json(report)
    assert run.outputs["passed"] == "false" and run.outputs["verdict"] == "failed"
    assert run.outputs["confidence"] == f"{data['overall_confidence']:.2f}"
    assert run.outputs["safety"] == "0/0"
    assert data["provenance"]["head_sha"] == HEAD_SHA
    assert data["provenance"]["pull_request"] == 1347
    assert (report.parent / "comment.md").is_file()
    assert "Shop integration gate" in run.step("Check the gate").summary

    [comment] = fake_github.comment_bodies()
    assert comment.startswith(MARKER + "\n")
    [status] = fake_github.statuses
    assert (status["sha"], status["state"], status["context"]) == (
        HEAD_SHA,
        "failure",
        "signal-gate/shop",
    )
    assert run.outputs["status-context"] == "signal-gate/shop"
    assert run.outputs["comment-url"].startswith(
        "https://github.com/octocat/Hello-World/pull/1347#issuecomment-"
    )
    assert status["target_url"] == "https://github.com/octocat/Hello-World/actions/runs/4242"
    [check_run] = fake_github.check_runs.values()
    assert (check_run["head_sha"], check_run["conclusion"]) == (HEAD_SHA, "failure")
    assert run.outputs["check-run-url"].endswith(f"/runs/{check_run['id']}")
    assert MERGE_SHA not in json.dumps([r.path for r in fake_github.requests])
    assert "::error title=signal-gate::the gate failed" in run.log
    assert TOKEN not in run.log


@pytest.mark.parametrize(
    ("mode", "edits", "link"), [("on-change", 0, "4242"), ("always", 1, "4243")]
)
def test_a_second_run_keeps_the_one_comment(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path, mode: str, edits: int, link: str
) -> None:
    env = step_env(tmp_path, fake_github.base_url)
    first = run_action(runner_for(workspace, env), comment=mode, **REPORTS)
    env = step_env(tmp_path, fake_github.base_url, run_id="4243")  # a re-run: a new run id
    second = run_action(runner_for(workspace, env), comment=mode, **REPORTS)

    assert (first.exit_code, second.exit_code) == (1, 1)
    [comment] = fake_github.comment_bodies()
    assert f"actions/runs/{link}" in comment  # on-change: the same verdict, no edit
    assert len(fake_github.calls(Op.CREATE_COMMENT)) == 1
    assert len(fake_github.calls(Op.UPDATE_COMMENT)) == edits
    assert [s["sha"] for s in fake_github.statuses] == [HEAD_SHA, HEAD_SHA]


def test_a_passing_gate_passes_and_the_inputs_reach_publish(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    env = step_env(tmp_path, fake_github.base_url)
    with_ = {"comment": "on-failure", "status-context": "integration gate"}
    run = run_action(runner_for(workspace, env), config="passing.yml", **with_, **REPORTS)

    assert run.exit_code == 0, run.log
    assert run.outputs["passed"] == "true"
    assert "the gate passed" in run.log
    assert fake_github.comment_bodies() == []  # on-failure, and it passed
    assert [(s["context"], s["state"]) for s in fake_github.statuses] == [
        ("integration gate", "success")
    ]
    assert [r["name"] for r in fake_github.check_runs.values()] == ["integration gate details"]


def test_a_publish_failure_never_changes_the_verdict(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    """A fork's read-only token: every write is refused, and the gate's verdict stands."""
    fake_github.read_only = True
    env = step_env(tmp_path, fake_github.base_url, event="event-pull_request-fork-opened")
    run = run_action(runner_for(workspace, env), config="passing.yml", **REPORTS)

    assert run.exit_code == 0, run.log
    assert "::warning::could not post the comment" in run.log
    assert fake_github.comment_bodies() == [] and fake_github.statuses == []


def test_fail_on_gate_false_is_advisory_everywhere(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    env = step_env(tmp_path, fake_github.base_url)
    run = run_action(runner_for(workspace, env), **{"fail-on-gate": "false"}, **REPORTS)

    assert run.exit_code == 0, run.log
    assert run.outputs["verdict"] == "failed"
    assert "::warning title=signal-gate::the gate failed" in run.log
    # No red cross on the pull request either: the status passes, the check run is neutral.
    [status] = fake_github.statuses
    assert status["state"] == "success" and status["description"].startswith("advisory: ")
    [check_run] = fake_github.check_runs.values()
    assert check_run["conclusion"] == "neutral"


# --- check mode: the fork pull request's first half --------------------------------------


def test_check_mode_writes_the_artifact_files_and_publishes_nothing(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    env = step_env(tmp_path, fake_github.base_url, event="event-pull_request-fork-opened")
    run = run_action(runner_for(workspace, env), mode="check", **{"report-dir": "out"}, **REPORTS)

    assert run.exit_code == 1
    assert fake_github.requests == []
    assert Path(run.outputs["report"]) == workspace / "out" / "report.json"
    assert (workspace / "out" / "comment.md").read_text(encoding="utf-8").startswith("## ")
    report = report_json(workspace / "out" / "report.json")
    assert report["provenance"]["head_sha"] == HEAD_SHA  # what fork-publish.yml verifies
    assert "untrusted pull_request event: it carries a pull request" in run.log  # a fork


def test_a_push_event_checks_and_has_nothing_to_publish_on(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    push = {"ref": "refs/heads/main", "after": HEAD_SHA, "repository": {"full_name": "o/r"}}
    env = step_env(tmp_path, fake_github.base_url, event_name="push", payload=push)
    run = run_action(runner_for(workspace, env), config="passing.yml", **REPORTS)

    assert run.exit_code == 0, run.log
    assert fake_github.requests == []
    assert "::notice title=signal-gate::nothing to publish on for a push event" in run.log


# --- inputs, errors, environment ---------------------------------------------------------


def test_report_lists_split_on_spaces_and_newlines_and_globs_reach_the_gate(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    shutil.copy(workspace / "junit.xml", workspace / "junit-2.xml")
    env = step_env(tmp_path, fake_github.base_url)
    run = run_action(
        runner_for(workspace, env),
        mode="check",
        coverage="coverage.xml\n",
        junit="junit.xml  junit-*.xml",
    )

    assert run.exit_code == 1, run.log
    report = report_json(Path(run.outputs["report"]))
    assert report["inputs"] == {"coverage": ["coverage.xml"], "junit": ["junit.xml", "junit-2.xml"]}


def test_an_error_is_published_then_fails_the_action(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    env = step_env(tmp_path, fake_github.base_url)
    with_ = {"coverage": "missing.xml", "junit": "junit.xml", "fail-on-gate": "false"}
    run = run_action(runner_for(workspace, env), **with_)

    assert run.exit_code == 2  # advisory or not: there is no verdict to advise on
    assert [s.exit_code for s in run.steps] == [0, 0, 0, 0, 0, 0, 0, 2]
    assert "missing.xml" in run.log and "could not evaluate the gate (exit 2)" in run.log
    assert run.outputs["verdict"] == "error" and run.outputs["passed"] == ""
    [status] = fake_github.statuses
    assert (status["context"], status["state"]) == ("signal-gate/shop", "error")
    [comment] = fake_github.comment_bodies()
    assert f"could not evaluate commit `{HEAD_SHA}`" in comment and "missing.xml" in comment


def test_input_values_are_data_never_shell_code(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    env = step_env(tmp_path, fake_github.base_url)
    hostile = {
        "config": "$(touch pwned-1)",
        "junit": '"; touch pwned-2; echo "',
        "report-dir": "`touch pwned-3`",
        "status-context": "x'; touch pwned-4; '",
    }
    run = run_action(runner_for(workspace, env), coverage="coverage.xml", **hostile)

    assert run.exit_code == 2  # no such config: an error, nothing executed
    assert "$(touch pwned-1)" in run.log
    assert not list(workspace.glob("pwned-*")) and not list(tmp_path.rglob("pwned-*"))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("mode", "chek"),
        ("comment", "sometimes"),
        ("fail-on-gate", "yes"),
        ("no-exec", "1"),
        ("cache", "yes"),
    ],
)
def test_an_invalid_choice_is_refused_before_anything_runs(
    name: str, value: str, fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    env = step_env(tmp_path, fake_github.base_url)
    run = run_action(runner_for(workspace, env), **{name: value}, **REPORTS)

    assert run.exit_code == 1
    assert [s.exit_code for s in run.steps][:2] == [1, None]
    assert f"::error title=signal-gate::input {name} must" in run.log
    assert fake_github.requests == []


def test_a_gate_package_in_the_repository_does_not_shadow_signal_gate(
    fake_github: FakeGitHub, workspace: Path, tmp_path: Path
) -> None:
    """`python -m gate` would import ./gate first; the action runs Python isolated (-I)."""
    (workspace / "gate").mkdir()
    (workspace / "gate" / "__init__.py").write_text("raise SystemExit('shadowed')\n")
    (workspace / "gate" / "__main__.py").write_text("raise SystemExit('shadowed')\n")
    env = step_env(tmp_path, fake_github.base_url)
    run = run_action(runner_for(workspace, env), mode="check", config="passing.yml", **REPORTS)

    assert run.exit_code == 0, run.log
    assert "shadowed" not in run.log


def test_without_python_3_11_on_path_the_action_says_what_to_do(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    old = bin_dir / "python3"
    old.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.8.10"\nexit 1\n')
    old.chmod(0o755)
    env = step_env(tmp_path, "http://127.0.0.1:9")
    del env["SIGNAL_GATE_ACTION_PYTHON"]
    env["PATH"] = str(bin_dir)
    (tmp_path / "workspace").mkdir()
    run = run_action(runner_for(tmp_path / "workspace", env), **REPORTS)

    assert run.exit_code == 1
    assert (
        "::error title=signal-gate::signal-gate needs Python 3.11 or newer on PATH "
        "(found python3: Python 3.8.10); add actions/setup-python" in run.log
    )


# --- the file itself ---------------------------------------------------------------------


def test_every_run_step_is_bash_and_reads_inputs_only_from_env() -> None:
    """GitHub's script-injection guidance: no expression inside a script."""
    steps = load_yaml(ACTION_FILE)["runs"]["steps"]
    assert steps
    for step in steps:
        if "uses" in step:  # the actions used: the wheel cache and the evidence upload
            wanted = {
                "actions/cache": "inputs.cache",
                "actions/upload-artifact": "inputs.evidence-dir",
            }
            name, _, ref = step["uses"].partition("@")
            assert name in wanted and re.fullmatch(r"[0-9a-f]{40}", ref), step["uses"]  # pinned
            assert wanted[name] in step["if"]
            continue
        assert step.get("shell") == "bash", step.get("name")
        assert "${{" not in step["run"], f"{step['name']}: an expression inside run:"
        assert "INPUT_" not in step["run"], f"{step['name']}: INPUT_* does not exist on GitHub"
        assert "if" not in step, "keep the logic in the scripts, where the tests run it"


def test_every_input_reaches_a_step() -> None:
    action = load_yaml(ACTION_FILE)
    used = json.dumps([s.get("env") for s in action["runs"]["steps"]])
    for name in action["inputs"]:
        assert f"inputs.{name} " in used.replace("}}", " }}"), f"input {name} is never used"


def test_the_token_is_only_given_to_the_steps_that_call_github() -> None:
    """Publishing, and reading the base branch's report artifact (actions: read)."""
    steps = load_yaml(ACTION_FILE)["runs"]["steps"]
    holding = [s["name"] for s in steps if "github-token" in json.dumps(s.get("env"))]
    assert holding == ["Fetch the base branch's report", "Publish on the pull request"]


def test_requirements_pin_every_runtime_dependency_by_hash() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    text = (REPO / "requirements" / "action.txt").read_text(encoding="utf-8")
    entries = PINNED.findall(text)
    pinned = {name.lower().replace("_", "-"): version for name, version, _ in entries}
    assert len(entries) == len(re.findall(r"^[A-Za-z0-9]", text, re.M)), "every line pinned, hashed"
    build = pyproject["build-system"]["requires"]
    for spec in [*pyproject["project"]["dependencies"], *build]:
        requirement = Requirement(spec)
        name = requirement.name.lower().replace("_", "-")
        assert name in pinned, f"{name} is a dependency but not in requirements/action.txt"
        assert requirement.specifier.contains(pinned[name]), f"{name}=={pinned[name]} vs {spec}"


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("SIGNAL_GATE_NETWORK_TESTS") != "1",
    reason="installs requirements/action.txt from the package index; "
    "set SIGNAL_GATE_NETWORK_TESTS=1",
)
def test_the_install_step_builds_a_venv_from_the_hashed_requirements(tmp_path: Path) -> None:
    """The real install step (no testing hook): a venv with signal-gate from this checkout;
    then a second run, as on the next workflow run with the wheel cache restored,
    installs from the wheelhouse alone: the package index is unreachable for it."""
    wheels = tmp_path / "wheelhouse"  # what actions/cache keeps between runs
    first = _install(tmp_path / "first", wheels, index="https://pypi.org/simple")
    second = _install(tmp_path / "second", wheels, index="http://127.0.0.1:9/simple")

    for python in (first, second):
        version = subprocess.run(
            [python, "-m", "gate", "--version"], cwd=tmp_path, capture_output=True, text=True
        )
        assert version.returncode == 0 and "signal-gate" in version.stdout
        where = subprocess.run(
            [python, "-c", "import gate; print(gate.__file__)"],
            cwd=tmp_path, capture_output=True, text=True,
        )  # fmt: skip
        assert Path(where.stdout.strip()).is_relative_to(python.parent.parent)  # not editable


def _install(base: Path, wheels: Path, *, index: str) -> Path:
    """Run the action's first steps (python, wheel cache, install) in a fresh runner."""
    base.mkdir()
    env = step_env(base, "http://127.0.0.1:9")
    del env["SIGNAL_GATE_ACTION_PYTHON"]
    env.update(SIGNAL_GATE_WHEELHOUSE=str(wheels), PIP_INDEX_URL=index)
    steps = load_yaml(ACTION_FILE)["runs"]["steps"][:3]
    (base / "workspace").mkdir()
    runner = runner_for(base / "workspace", env)
    declared = load_yaml(ACTION_FILE)["inputs"]
    inputs = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    context: dict[str, Any] = {"inputs": inputs, "github": {"action_path": str(REPO)}}
    restored: list[Mapping[str, str]] = []
    results = runner.run_steps(steps, context, uses={"actions/cache": restored.append})

    assert [r.exit_code for r in results] == [0, 0, 0], "\n".join(
        r.stdout + r.stderr for r in results
    )
    assert restored[0]["key"].startswith("signal-gate-wheels-Linux-X64-py3.")
    python = Path(results[2].outputs["python"])
    assert python.parent.parent == base / "runner-temp" / "signal-gate-venv"
    return python


def _doc_table(heading: str) -> dict[str, list[str]]:
    """The rows of the Markdown table under `## heading` in docs/github-action.md."""
    text = (REPO / "docs" / "github-action.md").read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    cells = [[c.strip() for c in row.strip("|").split(" | ")] for row in rows]
    return {c[0].strip("`"): c[1:] for c in cells}


def test_the_docs_list_every_input_with_its_default_and_every_output() -> None:
    action = load_yaml(ACTION_FILE)
    inputs = _doc_table("Inputs")
    assert list(inputs) == list(action["inputs"]), "same inputs, same order"
    for name, spec in action["inputs"].items():
        documented = inputs[name][0]
        assert documented.startswith("`") and documented.endswith("`"), name
        default = documented[1:-1]
        assert (default if default != '""' else "") == str(spec.get("default", "")), name
        assert inputs[name][1], f"{name} has no description"
    outputs = _doc_table("Outputs")
    assert list(outputs) == list(action["outputs"])
