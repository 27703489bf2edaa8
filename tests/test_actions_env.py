"""The Actions side of `check`: trust, head SHA, step outputs, job summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.reports import report_json

from gate.github.actions import fit_summary, output_lines, read_event


def event_file(tmp_path: Path, github_api: Path, name: str) -> Path:
    src = github_api / "examples" / name
    dest = tmp_path / name
    dest.write_text(src.read_text())
    return dest


def test_same_repo_pull_request_is_trusted_and_names_its_head(tmp_path, github_api) -> None:
    path = event_file(tmp_path, github_api, "event-pull_request.json")
    payload = json.loads(path.read_text())
    event = read_event({"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(path)})
    assert event.trusted
    assert event.head_sha == payload["pull_request"]["head"]["sha"]
    assert event.pull_request == payload["pull_request"]["number"]


def test_fork_pull_request_is_untrusted(tmp_path, github_api) -> None:
    path = event_file(tmp_path, github_api, "event-pull_request-fork-opened.json")
    event = read_event({"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(path)})
    assert not event.trusted
    assert "head repository is not provably the base" in event.trust.reason


def test_pull_request_target_is_untrusted_even_from_the_same_repo(tmp_path, github_api) -> None:
    path = event_file(tmp_path, github_api, "event-pull_request.json")
    env = {"GITHUB_EVENT_NAME": "pull_request_target", "GITHUB_EVENT_PATH": str(path)}
    assert not read_event(env).trusted


def test_outside_actions_everything_is_trusted_and_empty() -> None:
    event = read_event({})
    assert event.trusted and event.head_sha is None and event.pull_request is None


def test_outputs_use_a_heredoc_for_multi_line_values() -> None:
    text = output_lines({"passed": "false", "note": "a\nb"})
    lines = text.splitlines()
    assert lines[0] == "passed=false"
    assert lines[1].startswith("note<<ghadelimiter_") and lines[-1] == lines[1].split("<<")[1]
    assert lines[2:4] == ["a", "b"]


def test_summary_degrades_when_too_large() -> None:
    assert fit_summary("full", "short") == "full"
    assert fit_summary("x" * (1024 * 1024), "short") == "short"


def test_check_writes_outputs_and_summary(fixture_run, cli, tmp_path: Path) -> None:
    out, summary, report = tmp_path / "out", tmp_path / "summary.md", tmp_path / "r.json"
    done = cli(
        "check", "--json-out", str(report), "--github-output", str(out),
        "--summary-out", str(summary), cwd=fixture_run.root,
    )  # fmt: skip
    assert done.returncode == 1
    values = dict(line.split("=", 1) for line in out.read_text().splitlines())
    assert values["passed"] == "false"
    assert values["safety"] == "0/0"
    assert float(values["confidence"]) == pytest.approx(
        report_json(report)["overall_confidence"], abs=0.01
    )
    assert values["report"] == str(report.resolve())
    assert summary.read_text().startswith("## ❌ Shop integration gate: failed")


def test_check_records_the_pr_head_not_the_merge_commit(
    fixture_run, cli, tmp_path, github_api
) -> None:
    path = event_file(tmp_path, github_api, "event-pull_request.json")
    head = json.loads(path.read_text())["pull_request"]["head"]["sha"]
    env = {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_SHA": "0" * 40,
    }
    done = cli("check", "--format", "json", cwd=fixture_run.root, env=env)
    assert report_json(done.stdout)["provenance"]["head_sha"] == head
