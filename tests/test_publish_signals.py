"""The signals a team relies on, end to end: `signal-gate check` then `signal-gate
publish` as real subprocesses, against the fake GitHub (every request validated
against the OpenAPI subset).

Two gates on one pull request, advisory mode, a config error, a merge queue run,
the error report and the JUnit output that other CI systems read."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
from support import TOKEN, actions_env, event_payload, packaged_report_schema
from support import fake_github as fakes
from support.fake_github import FakeGitHub, Op

fake_github = fakes.fake_github


def publish_env(tmp_path: Path, fake: FakeGitHub, event: str = "pull_request") -> dict[str, str]:
    payload = event_payload("event-merge_group" if event == "merge_group" else "event-pull_request")
    return actions_env(tmp_path, event, payload, GITHUB_API_URL=fake.base_url,
                       SIGNAL_GATE_GITHUB_THROTTLE="0")  # fmt: skip


def with_id(fixture_run, tmp_path: Path, gate_id: str) -> Path:
    """A copy of the fixture project's config under another gate id."""
    text = (fixture_run.root / "signal-gate.yml").read_text(encoding="utf-8")
    config = tmp_path / f"{gate_id}.yml"
    config.write_text(text.replace("id: shop\n", f"id: {gate_id}\n", 1), encoding="utf-8")
    return config


def check(cli, fixture_run, env: dict[str, str], out: Path, *args: str):
    return cli("check", "--json-out", str(out), *args, cwd=fixture_run.root, env=env)


def test_two_gates_leave_two_statuses_and_their_own_comments(
    fixture_run, cli, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    env = publish_env(tmp_path, fake_github)
    for gate_id in ("core", "safety"):
        report = tmp_path / f"{gate_id}.json"
        config = with_id(fixture_run, tmp_path, gate_id)
        assert check(cli, fixture_run, env, report, "--config", str(config)).returncode == 1
        done = cli("publish", "--report", str(report), cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr

    assert [s["context"] for s in fake_github.statuses] == [
        "signal-gate/core",
        "signal-gate/safety",
    ]
    markers = [body.split("\n", 1)[0] for body in fake_github.comment_bodies()]
    assert markers == ["<!-- signal-gate:core -->", "<!-- signal-gate:safety -->"]


def test_an_advisory_run_of_a_failing_gate_is_a_success_status_and_a_neutral_check_run(
    fixture_run, cli, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    env = publish_env(tmp_path, fake_github)
    report, outputs = tmp_path / "report.json", tmp_path / "github-output"
    assert check(cli, fixture_run, env, report).returncode == 1

    done = cli("publish", "--report", str(report), "--advisory", "--github-output", str(outputs),
               cwd=tmp_path, env=env)  # fmt: skip

    assert done.returncode == 0, done.stderr
    (status,) = fake_github.statuses
    assert status["state"] == "success"
    assert status["description"].startswith("advisory: would fail: 54.6% confidence")
    (run,) = fake_github.check_runs.values()
    assert (run["name"], run["conclusion"]) == ("signal-gate/shop details", "neutral")
    written = outputs.read_text(encoding="utf-8")
    assert "status-context=signal-gate/shop\n" in written
    assert f"check-run-url=https://github.com/octocat/Hello-World/runs/{run['id']}\n" in written
    assert "comment-url=https://github.com/octocat/Hello-World/pull/1347#issuecomment-" in written


def test_a_config_error_leaves_an_error_status_and_a_comment_naming_commit_and_problem(
    fixture_run, cli, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    env = publish_env(tmp_path, fake_github)
    broken = tmp_path / "broken.yml"
    broken.write_text("version: 1\nid: core\ninteractions:\n  - id: Bad Id\n", encoding="utf-8")
    report = tmp_path / "report.json"

    checked = check(cli, fixture_run, env, report, "--config", str(broken))

    assert checked.returncode == 2
    data = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(packaged_report_schema()).validate(data)
    assert (data["verdict"], data["passed"], data["id"]) == ("error", False, "core")
    assert data["error"]["file"] == str(broken)
    assert data["provenance"]["head_sha"] == fake_github.pr_head_sha

    done = cli("publish", "--report", str(report), cwd=tmp_path, env=env)

    assert done.returncode == 0, done.stderr
    (status,) = fake_github.statuses
    assert (status["context"], status["state"]) == ("signal-gate/core", "error")
    assert status["description"].startswith(f"error: {broken}: ")
    assert len(status["description"]) <= 140
    (body,) = fake_github.comment_bodies()
    assert f"could not evaluate commit `{fake_github.pr_head_sha}`" in body
    assert "interactions\\[0\\]" in body


def test_a_missing_report_is_an_error_report_under_the_configs_id(
    fixture_run, cli, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    env = publish_env(tmp_path, fake_github)
    report = tmp_path / "report.json"

    checked = check(cli, fixture_run, env, report, "--coverage", "nowhere/coverage.xml")

    assert checked.returncode == 2
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["verdict"], data["id"], data["title"]) == (
        "error",
        "shop",
        "Shop integration gate",
    )
    assert str(Path("nowhere/coverage.xml")) in data["error"]["message"]  # as the system writes it


def test_a_merge_group_event_posts_on_the_queue_head_and_makes_no_comment_request(
    fixture_run, cli, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    fake_github.owner = "octo-org"
    env = publish_env(tmp_path, fake_github, "merge_group")
    env["GITHUB_REPOSITORY"] = "octo-org/Hello-World"
    report = tmp_path / "report.json"
    assert check(cli, fixture_run, env, report).returncode == 1
    head = event_payload("event-merge_group")["merge_group"]["head_sha"]
    assert json.loads(report.read_text())["provenance"]["head_sha"] == head

    done = cli("publish", "--report", str(report), cwd=tmp_path, env=env)

    assert done.returncode == 0, done.stderr
    assert [(s["sha"], s["state"]) for s in fake_github.statuses] == [(head, "failure")]
    comment_ops = {Op.LIST_COMMENTS, Op.CREATE_COMMENT, Op.UPDATE_COMMENT, Op.DELETE_COMMENT}
    assert [r for r in fake_github.requests if r.op in comment_ops] == []


def test_on_change_makes_no_patch_when_the_verdict_is_unchanged(
    fixture_run, cli, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    report = tmp_path / "report.json"
    for run_id in ("101", "102"):  # a re-run: another run link, the same verdict
        env = {**publish_env(tmp_path, fake_github), "GITHUB_RUN_ID": run_id}
        assert check(cli, fixture_run, env, report).returncode == 1
        done = cli("publish", "--report", str(report), cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr

    assert len(fake_github.calls(Op.CREATE_COMMENT)) == 1
    assert fake_github.calls(Op.UPDATE_COMMENT) == []


def test_a_report_whose_id_would_break_the_marker_is_refused(
    fixture_run, cli, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    env = publish_env(tmp_path, fake_github)
    report = tmp_path / "report.json"
    assert check(cli, fixture_run, env, report).returncode == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    data["id"] = 'x --> <img src="https://evil.example/p.png"> @octocat <!-- '
    report.write_text(json.dumps(data), encoding="utf-8")

    done = cli("publish", "--report", str(report), cwd=tmp_path, env=env)

    assert done.returncode == 2
    assert f"{report}: not a signal-gate report" in done.stderr
    assert "$.id" in done.stderr
    assert fake_github.requests == []


def test_the_lines_publish_prints_never_show_a_secret(
    fixture_run, cli, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    # A hostile server puts the token and a secret of the environment in html_url.
    env = {**publish_env(tmp_path, fake_github), "DEPLOY_KEY": "hunter2-deploy-key"}
    original = fake_github._comment

    def leaky(comment_id: int, body: str, author: str) -> dict:
        comment = original(comment_id, body, author)
        comment["html_url"] = f"https://github.com/{TOKEN}/hunter2-deploy-key"
        return comment

    fake_github._comment = leaky  # type: ignore[method-assign]
    report = tmp_path / "report.json"
    assert check(cli, fixture_run, env, report).returncode == 1

    done = cli("publish", "--report", str(report), cwd=tmp_path, env=env)

    assert done.returncode == 0, done.stderr
    assert "comment created (https://github.com/***/***)" in done.stdout
    assert TOKEN not in done.stdout + done.stderr
    assert "hunter2" not in done.stdout + done.stderr


def test_junit_out_has_a_case_per_interaction_and_safety_check_with_the_reasons(
    fixture_run, cli, tmp_path: Path
) -> None:
    junit, report = tmp_path / "gate.xml", tmp_path / "report.json"

    done = cli("check", "--junit-out", str(junit), "--json-out", str(report),
               cwd=fixture_run.root)  # fmt: skip

    assert done.returncode == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    root = ET.fromstring(junit.read_bytes())
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    expected = {("signal-gate.shop.gate", "verdict")}
    expected |= {("signal-gate.shop.interactions", i["id"]) for i in data["interactions"]}
    expected |= {("signal-gate.shop.safety", c["id"]) for c in data["safety"]["checks"]}
    assert set(cases) == expected
    verdict = cases[("signal-gate.shop.gate", "verdict")].find("failure")
    assert verdict is not None and verdict.text == "\n".join(data["reasons"])
    for interaction in data["interactions"]:
        case = cases[("signal-gate.shop.interactions", interaction["id"])]
        failed = case.find("failure") is not None
        assert failed == (interaction["status"] != "PRODUCTION READY" and interaction["required"])
    suite = root.find("testsuite")
    assert suite is not None
    assert int(suite.get("failures", "0")) == len(list(root.iter("failure")))


def test_a_passing_gate_has_no_failure_in_its_junit(fixture_run, cli, tmp_path: Path) -> None:
    from conftest import PASSING_CONFIG

    config = tmp_path / "passing.yml"
    config.write_text(PASSING_CONFIG, encoding="utf-8")
    junit = tmp_path / "gate.xml"
    project = tmp_path / "project"
    shutil.copytree(fixture_run.root, project)

    done = cli("check", "--config", str(config), "--junit-out", str(junit), cwd=project)

    assert done.returncode == 0, done.stderr
    root = ET.fromstring(junit.read_bytes())
    assert list(root.iter("failure")) == []
    assert {c.get("name") for c in root.iter("testcase")} == {"verdict", "payments"}


def test_check_records_where_its_root_is_in_the_repository(
    fixture_run, cli, tmp_path: Path
) -> None:
    import subprocess

    repo = tmp_path / "monorepo"
    shutil.copytree(fixture_run.root, repo / "services" / "shop")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    report = tmp_path / "report.json"

    done = cli("check", "--root", "services/shop", "--json-out", str(report), cwd=repo)

    assert done.returncode == 1, done.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["provenance"]["root"] == "services/shop"
