"""`signal-gate baseline`: the base branch's report, from its workflow's artifact.

Against the fake GitHub (every request validated against GitHub's OpenAPI
description) serving workflow runs and artifacts from tests/support/artifacts.py,
whose download redirects to a second local server standing for GitHub's
artifact storage: it refuses the token, and the test proves the token never
reaches it. The command runs as a workflow step runs it: a subprocess with the
step's environment.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import TOKEN, actions_env, event_payload
from support import fake_github as fakes
from support.artifacts import Artifact, Run, Storage, report_zip, serve_artifacts, storage_server
from support.fake_github import FakeGitHub, Op
from support.reports import run_check

from gate.github import artifact as fetch
from gate.github.artifact import BaselineQuery, fetch_baseline

fake_github = fakes.fake_github
BASE_SHA = "ba5e" * 10


@pytest.fixture
def storage() -> Iterator[Storage]:
    yield from storage_server()


@pytest.fixture(scope="module")
def report_bytes(fixture_run, tmp_path_factory) -> bytes:
    """A real report of the fixture project, as the base branch's run uploaded it."""
    from gate.check import CheckOptions
    from gate.core.report import to_json

    report = run_check(CheckOptions(root=fixture_run.root, head_sha=BASE_SHA)).report
    return to_json(report)


def step_env(tmp_path: Path, fake: FakeGitHub) -> dict[str, str]:
    return actions_env(
        tmp_path, "pull_request", event_payload("event-pull_request"),
        GITHUB_API_URL=fake.base_url, GITHUB_BASE_REF="main",
        GITHUB_WORKFLOW_REF="octocat/Hello-World/.github/workflows/signal-gate.yml@refs/pull/1347/merge",
    )  # fmt: skip


def query(fake: FakeGitHub, **overrides: str) -> BaselineQuery:
    settings = {
        "api_url": fake.base_url, "repository": "octocat/Hello-World",
        "workflow": "signal-gate.yml", "branch": "main", "token": TOKEN, **overrides,
    }  # fmt: skip
    return BaselineQuery(**settings)


def test_the_newest_successful_run_with_the_artifact_gives_the_report(
    fake_github: FakeGitHub, storage: Storage, report_bytes: bytes, cli, tmp_path: Path
) -> None:
    serve_artifacts(fake_github, storage, [
        Run("main", "f" * 40, conclusion="failure",
            artifacts=[Artifact("signal-gate-report", report_zip(b"{}"))]),
        Run("main", "e" * 40, artifacts=[Artifact("coverage-html", b"PK")]),  # no report
        Run("main", BASE_SHA, artifacts=[Artifact("signal-gate-report", report_zip(report_bytes))]),
        Run("main", "0" * 40, artifacts=[Artifact("signal-gate-report", report_zip(b"old"))]),
        Run("release", "1" * 40, artifacts=[Artifact("signal-gate-report", report_zip(b"x"))]),
    ])  # fmt: skip
    out = tmp_path / "base-report.json"
    done = cli("baseline", "--out", str(out), cwd=tmp_path, env=step_env(tmp_path, fake_github))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == report_bytes
    assert "signal-gate: baseline: the report of run" in done.stdout
    assert f"on main (commit {BASE_SHA[:12]})" in done.stdout
    # The signed URL got the one request, and without the token.
    (request,) = storage.requests
    assert "authorization" not in request
    assert TOKEN not in json.dumps(storage.requests)
    assert TOKEN not in done.stdout + done.stderr
    (listed,) = fake_github.calls(Op.LIST_WORKFLOW_RUNS)
    assert listed.path == "/repos/octocat/Hello-World/actions/workflows/signal-gate.yml/runs"
    assert listed.query["branch"] == ["main"] and listed.query["status"] == ["success"]


def test_none_found_is_said_in_one_line_and_writes_nothing(
    fake_github: FakeGitHub, storage: Storage, cli, tmp_path: Path
) -> None:
    serve_artifacts(fake_github, storage, [Run("main", "e" * 40)])
    out = tmp_path / "base-report.json"
    env = {**step_env(tmp_path, fake_github), "GITHUB_ACTIONS": "true"}
    done = cli("baseline", "--out", str(out), cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "::notice::signal-gate: no baseline: no successful run of signal-gate.yml on main "
        "with an artifact 'signal-gate-report'\n"
    )
    assert not out.exists() and storage.requests == []


def test_an_artifact_that_holds_no_report_is_no_baseline(
    fake_github: FakeGitHub, storage: Storage, cli, tmp_path: Path
) -> None:
    serve_artifacts(fake_github, storage, [
        Run("main", BASE_SHA, artifacts=[Artifact("signal-gate-report", report_zip(b"[1, 2]"))]),
    ])  # fmt: skip
    out = tmp_path / "base-report.json"
    done = cli("baseline", "--out", str(out), cwd=tmp_path, env=step_env(tmp_path, fake_github))
    assert done.returncode == 0, done.stderr
    assert "no baseline: the report of run" in done.stdout and "is unusable" in done.stdout
    assert not out.exists()


def test_an_expired_artifact_is_passed_over(
    fake_github: FakeGitHub, storage: Storage, report_bytes: bytes
) -> None:
    serve_artifacts(fake_github, storage, [
        Run("main", "e" * 40, artifacts=[Artifact("signal-gate-report", b"", expired=True)]),
        Run("main", BASE_SHA, artifacts=[Artifact("signal-gate-report", report_zip(report_bytes))]),
    ])  # fmt: skip
    found = fetch_baseline(query(fake_github))
    assert found.report == report_bytes and BASE_SHA[:12] in found.detail


def test_an_artifact_over_the_bound_is_not_downloaded(
    fake_github: FakeGitHub, storage: Storage
) -> None:
    huge = Artifact("signal-gate-report", b"PK", size=fetch.MAX_ZIP_BYTES + 1)
    serve_artifacts(fake_github, storage, [Run("main", BASE_SHA, artifacts=[huge])])
    found = fetch_baseline(query(fake_github))
    assert found.report is None and "larger than 64 MiB" in found.detail
    assert fake_github.calls(Op.DOWNLOAD_ARTIFACT) == [] and storage.requests == []


def test_github_errors_are_no_baseline_and_never_show_the_token(
    fake_github: FakeGitHub, storage: Storage
) -> None:
    serve_artifacts(fake_github, storage, [])
    found = fetch_baseline(query(fake_github, token="not-the-token"))
    assert found.report is None and found.detail.startswith("GitHub answered 401")
    unreachable = fetch_baseline(query(fake_github, api_url="http://127.0.0.1:9"))
    assert unreachable.report is None and "could not be reached" in unreachable.detail


def test_missing_settings_are_a_usage_error(cli, tmp_path: Path) -> None:
    unset = {"GITHUB_TOKEN": "", "GITHUB_BASE_REF": "", "GITHUB_REPOSITORY": ""}
    done = cli("baseline", "--out", "x.json", cwd=tmp_path, env=unset)
    assert done.returncode == 2
    assert "baseline needs --branch, --repository, --workflow, --token" in done.stderr


# --- the zip is input too ---------------------------------------------------------------------


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("archive", "problem"),
    [
        (b"not a zip at all", "not a readable zip"),
        (zipped({"coverage.xml": b"<coverage/>"}), "has no report.json"),
        (zipped({f"f{i}.txt": b"" for i in range(fetch.MAX_MEMBERS + 1)}), "holds 65 files"),
        (zipped({"report.json": b"\0" * (fetch.MAX_REPORT_BYTES + 1)}), "larger than 32 MiB"),
        (zipped({"nested/report.json": b"{}"}), "has no report.json"),
    ],
)
def test_a_hostile_artifact_is_refused(archive: bytes, problem: str) -> None:
    with pytest.raises(fetch._NoBaseline, match=problem):
        fetch.report_from_zip(archive)


def test_a_zip_whose_header_understates_the_report_is_still_bounded() -> None:
    archive = bytearray(zipped({"report.json": b"\0" * (fetch.MAX_REPORT_BYTES + 10)}))
    # Rewrite the declared size in the central directory to 10 bytes.
    entry = archive.rfind(b"PK\x01\x02")
    archive[entry + 24 : entry + 28] = (10).to_bytes(4, "little")
    with pytest.raises(fetch._NoBaseline):
        fetch.report_from_zip(bytes(archive))
