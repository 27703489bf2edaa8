"""`baseline: auto`: the base branch's report, from the artifact its workflow uploaded.

The newest successful run of the same workflow on the pull request's base
branch (REST `actions/list-workflow-runs`, `branch`, `status=success`), its
artifact of the report (`actions/list-workflow-run-artifacts`, by name), and
the zip (`actions/download-artifact`). GitHub answers the download with a
redirect to a signed storage URL that refuses a request carrying the token, so
the redirect is not followed by the HTTP client: the URL is fetched again,
without `Authorization` (tests/data/github-api/LIMITS.md, "Download = zip +
redirect"). Standard library only, every read bounded.

The zip comes from a workflow run, so it is input like any other: its size, its
member count and the report's size are bounded, and only `report.json` is read.
Whatever goes wrong, the answer is "no baseline" with the reason: without one,
no delta is shown and no ratchet holds, which fails closed.
"""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from typing import Any

from gate.records import Record
from gate.text import plain

ARTIFACT_NAME = "signal-gate-report"
REPORT_MEMBER = "report.json"
MAX_ZIP_BYTES = 64 * 1024 * 1024
MAX_REPORT_BYTES = 32 * 1024 * 1024  # as gate.readers.report_file reads it
MAX_MEMBERS = 64
MAX_API_BYTES = 8 * 1024 * 1024
RUNS_LOOKED_AT = 10  # newest successful runs searched for the artifact
TIMEOUT = 30.0
API_VERSION = "2022-11-28"


class BaselineQuery(Record, frozen=True):
    """Where to look: the repository, its workflow file, the base branch."""

    api_url: str  # https://api.github.com, or GitHub Enterprise's
    repository: str  # owner/name
    workflow: str  # the workflow file name (ci.yml) or id
    branch: str  # the pull request's base branch
    token: str
    artifact: str = ARTIFACT_NAME


class BaselineFetch(Record, frozen=True):
    """The report found (raw JSON bytes), or None with the reason."""

    report: bytes | None
    detail: str  # where it came from, or why there is none


def fetch_baseline(query: BaselineQuery) -> BaselineFetch:
    """The report JSON of the newest successful run on the base branch that
    uploaded one; never raises for GitHub's or the artifact's sake."""
    try:
        return _fetch(query)
    except _NoBaseline as why:
        return BaselineFetch(None, str(why))
    except urllib.error.HTTPError as exc:
        return BaselineFetch(None, f"GitHub answered {exc.code} {plain(str(exc.reason), 80)}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return BaselineFetch(None, f"GitHub could not be reached: {plain(str(exc), 120)}")


class _NoBaseline(Exception):
    pass


def _fetch(query: BaselineQuery) -> BaselineFetch:
    repo = f"{query.api_url.rstrip('/')}/repos/{query.repository}"
    workflow = urllib.parse.quote(query.workflow, safe="")
    params = urllib.parse.urlencode(
        {"branch": query.branch, "status": "success", "per_page": RUNS_LOOKED_AT,
         "exclude_pull_requests": "true"}
    )  # fmt: skip
    runs = _api(f"{repo}/actions/workflows/{workflow}/runs?{params}", query.token)
    for run in _items(runs, "workflow_runs"):
        wanted = urllib.parse.urlencode({"name": query.artifact})
        listed = _api(f"{repo}/actions/runs/{int(run['id'])}/artifacts?{wanted}", query.token)
        usable = [a for a in _items(listed, "artifacts") if a.get("name") == query.artifact]
        usable = [a for a in usable if not a.get("expired")]
        if not usable:
            continue
        artifact = usable[0]
        if int(artifact.get("size_in_bytes", 0)) > MAX_ZIP_BYTES:
            raise _NoBaseline(f"the artifact {query.artifact!r} is larger than 64 MiB")
        archive = _download(f"{repo}/actions/artifacts/{int(artifact['id'])}/zip", query.token)
        sha = str(run.get("head_sha") or "")[:12]
        where = f"run {int(run['id'])} on {query.branch} (commit {sha})"
        return BaselineFetch(report_from_zip(archive), f"the report of {where}")
    raise _NoBaseline(
        f"no successful run of {query.workflow} on {query.branch} "
        f"with an artifact {query.artifact!r}"
    )


def report_from_zip(archive: bytes) -> bytes:
    """`report.json` out of an artifact's zip; raises _NoBaseline for a zip that
    is not one, has too many members, no report, or a report over the bound."""
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            members = zipped.infolist()
            if len(members) > MAX_MEMBERS:
                raise _NoBaseline(f"the artifact holds {len(members)} files; a report is one")
            found = [m for m in members if m.filename == REPORT_MEMBER]
            if not found:
                raise _NoBaseline(f"the artifact has no {REPORT_MEMBER}")
            if found[0].file_size > MAX_REPORT_BYTES:
                raise _NoBaseline(f"the artifact's {REPORT_MEMBER} is larger than 32 MiB")
            with zipped.open(found[0]) as member:
                raw = member.read(MAX_REPORT_BYTES + 1)  # a lying header cannot make it more
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, EOFError) as exc:
        raise _NoBaseline(f"the artifact is not a readable zip: {plain(str(exc), 120)}") from None
    if len(raw) > MAX_REPORT_BYTES:
        raise _NoBaseline(f"the artifact's {REPORT_MEMBER} is larger than 32 MiB")
    return raw


def _api(url: str, token: str) -> Any:
    """A GET of GitHub's REST API, with the token, as JSON."""
    with _OPENER.open(_request(url, _headers(token)), timeout=TIMEOUT) as response:
        raw = response.read(MAX_API_BYTES + 1)
    if len(raw) > MAX_API_BYTES:
        raise _NoBaseline("GitHub's answer is larger than expected")
    try:
        return json.loads(raw)
    except ValueError:
        raise _NoBaseline("GitHub's answer is not JSON") from None


def _download(url: str, token: str) -> bytes:
    """The artifact's zip: the API answers 302; the signed URL it names is fetched
    without the token (storage refuses it, and it must not leave GitHub's API)."""
    try:
        with _OPENER.open(_request(url, _headers(token)), timeout=TIMEOUT):
            raise _NoBaseline("the artifact download did not redirect")
    except urllib.error.HTTPError as exc:
        if exc.code not in (301, 302, 303, 307, 308):
            raise
        location = exc.headers.get("Location")
    if not location:
        raise _NoBaseline("the artifact download named no location")
    with _OPENER.open(
        _request(location, {"User-Agent": "signal-gate"}), timeout=TIMEOUT
    ) as response:
        archive = response.read(MAX_ZIP_BYTES + 1)
    if len(archive) > MAX_ZIP_BYTES:
        raise _NoBaseline("the artifact is larger than 64 MiB")
    return bytes(archive)


def _request(url: str, headers: dict[str, str]) -> urllib.request.Request:
    """A request for an http(s) URL only (never file: or another scheme)."""
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise _NoBaseline("GitHub named a URL that is not http(s)")
    return urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked above


def _items(page: Any, key: str) -> list[dict[str, Any]]:
    items = page.get(key) if isinstance(page, dict) else None
    if not isinstance(items, list):
        raise _NoBaseline(f"GitHub's answer has no {key}")
    return [item for item in items if isinstance(item, dict) and "id" in item]


def _headers(token: str) -> dict[str, str]:
    return {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {token}",
        "X-GitHub-Api-Version": API_VERSION,
        "User-Agent": "signal-gate",
    }


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as HTTPError: the token must not follow one."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
