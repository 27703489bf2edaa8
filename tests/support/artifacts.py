"""Workflow runs and their artifacts on the fake GitHub, and the storage behind them.

`serve_artifacts(fake, storage, runs)` makes the fake GitHub answer the three
operations `baseline: auto` uses (`actions/list-workflow-runs`,
`actions/list-workflow-run-artifacts`, `actions/download-artifact`) from the
runs given, in the shapes of GitHub's examples. The download answers 302 with
a signed URL on `Storage`, a second server on another port that, like Azure
Blob Storage behind GitHub's artifacts (github-api/LIMITS.md), refuses a
request carrying `Authorization` with 403 and records every request it gets.
"""

from __future__ import annotations

import copy
import io
import threading
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .fake_github import FakeGitHub, Op, Reply


@dataclass
class Artifact:
    name: str
    archive: bytes
    expired: bool = False
    size: int | None = None  # what the API says; the archive's size when None
    id: int = 0


@dataclass
class Run:
    branch: str
    head_sha: str
    artifacts: list[Artifact] = field(default_factory=list)
    conclusion: str = "success"
    event: str = "push"
    workflow: str = "signal-gate.yml"
    id: int = 0


def report_zip(report: bytes, *, extra: Mapping[str, bytes] | None = None) -> bytes:
    """A zip as actions/upload-artifact makes it: the uploaded files at its root."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("report.json", report)
        for name, data in (extra or {}).items():
            zipped.writestr(name, data)
    return out.getvalue()


class Storage:
    """The signed-URL server the artifact download redirects to."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self.requests: list[dict[str, str]] = []  # the headers of each request
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""

    def __enter__(self) -> Storage:
        storage = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                storage.requests.append({"path": self.path, **headers})
                blob = storage.blobs.get(self.path.split("?", 1)[0])
                if "authorization" in headers:
                    status, body = 403, b"<Error><Code>AuthenticationFailed</Code></Error>"
                elif blob is None:
                    status, body = 404, b"<Error><Code>BlobNotFound</Code></Error>"
                else:
                    status, body = 200, blob
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def sign(self, artifact: Artifact) -> str:
        path = f"/artifacts/{artifact.id}.zip"
        self.blobs[path] = artifact.archive
        return f"{self.base_url}{path}?sv=2024&sig=signed-{artifact.id}"


def serve_artifacts(fake: FakeGitHub, storage: Storage, runs: list[Run]) -> None:
    """Answer the artifact operations from `runs` (newest first, as GitHub lists them)."""
    for run in runs:
        run.id = run.id or fake.next_id()
        for artifact in run.artifacts:
            artifact.id = artifact.id or fake.next_id()

    def list_runs(fake: FakeGitHub, params: Mapping[str, str], query, body) -> Reply:
        wanted = [
            r for r in runs
            if r.workflow == params["workflow_id"]
            and r.branch == query.get("branch", [r.branch])[0]
            and query.get("status", [r.conclusion])[0] in (r.conclusion, "completed")
        ]  # fmt: skip
        page = fake.rebased("GET-actions-workflows-workflow_id-runs")
        template = page["workflow_runs"][0]
        page["workflow_runs"] = [_run(template, r) for r in wanted]
        page["total_count"] = len(wanted)
        return Reply(200, page)

    def list_artifacts(fake: FakeGitHub, params: Mapping[str, str], query, body) -> Reply:
        run = next((r for r in runs if str(r.id) == params["run_id"]), None)
        if run is None:
            return fake.not_found()
        name = query.get("name", [None])[0]
        page = fake.rebased("GET-actions-runs-run_id-artifacts")
        template = page["artifacts"][0]
        chosen = [a for a in run.artifacts if name in (None, a.name)]
        page["artifacts"] = [_artifact(fake, template, run, a) for a in chosen]
        page["total_count"] = len(chosen)
        return Reply(200, page)

    def download(fake: FakeGitHub, params: Mapping[str, str], query, body) -> Reply:
        found = [a for r in runs for a in r.artifacts if str(a.id) == params["artifact_id"]]
        if not found or params["archive_format"] != "zip":
            return fake.not_found()
        if found[0].expired:
            return Reply(410, {"message": "Artifact has expired"})
        return Reply(302, None, {"Location": storage.sign(found[0])})

    fake.serve(Op.LIST_WORKFLOW_RUNS, list_runs)
    fake.serve(Op.LIST_RUN_ARTIFACTS, list_artifacts)
    fake.serve(Op.DOWNLOAD_ARTIFACT, download)


def _run(template: dict[str, Any], run: Run) -> dict[str, Any]:
    out = copy.deepcopy(template)
    out.update(id=run.id, head_branch=run.branch, head_sha=run.head_sha, event=run.event,
               status="completed", conclusion=run.conclusion,
               path=f".github/workflows/{run.workflow}@{run.branch}")  # fmt: skip
    return out


def _artifact(fake: FakeGitHub, template: dict[str, Any], run: Run, a: Artifact) -> dict[str, Any]:
    out = copy.deepcopy(template)
    repo = f"{fake.base_url}/repos/octocat/Hello-World/actions/artifacts/{a.id}"
    out.update(id=a.id, name=a.name, expired=a.expired, url=repo,
               archive_download_url=f"{repo}/zip",
               size_in_bytes=len(a.archive) if a.size is None else a.size)  # fmt: skip
    out["workflow_run"] = {**out["workflow_run"], "id": run.id, "head_branch": run.branch,
                           "head_sha": run.head_sha}  # fmt: skip
    return out


def storage_server() -> Iterator[Storage]:
    """The fixture body: a running storage server."""
    with Storage() as storage:
        yield storage
