"""Helpers for the tests: where the test data lives, and what a workflow step sees.

All reference data is in the repository, under tests/data/: `corpus/` (real coverage
and JUnit reports, see its MANIFEST.md) and `github-api/` (GitHub's OpenAPI subsets,
webhook schemas, examples and event payloads, see its SOURCE.md). The report schema
ships inside the package (gate/schemas/), and the tests read that packaged copy.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = DATA / "corpus"
GITHUB_API = DATA / "github-api"
# What a pull_request run has in GITHUB_SHA: the merge commit of refs/pull/N/merge, which
# is NOT the PR head (github-api/HARNESS.md). Tests set it so that code using it is caught.
MERGE_SHA = "0123456789abcdef0123456789abcdef01234567"
TOKEN = "ghs_TestTokenThatMustNeverBePrinted0123"


def packaged_report_schema() -> Any:
    """Return the report JSON schema as the installed package ships it (gate/schemas/)."""
    resource = files("gate") / "schemas" / "report-1.schema.json"
    return json.loads(resource.read_text(encoding="utf-8"))


def event_payload(name: str) -> dict[str, Any]:
    """Return a copy of github-api/examples/<name>.json, e.g. "event-pull_request"."""
    return copy.deepcopy(_example(GITHUB_API / "examples" / f"{name}.json"))


@cache
def _example(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def actions_env(
    tmp_path: Path, event_name: str, payload: object, **overrides: str
) -> dict[str, str]:
    """Return what a workflow step sees (HARNESS.md §B), with `payload` as the event file."""
    event_path = tmp_path / f"event-{event_name}.json"
    event_path.write_text(json.dumps(payload), encoding="utf-8")
    env = {
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "octocat/Hello-World",
        "GITHUB_REPOSITORY_OWNER": "octocat",
        "GITHUB_SHA": MERGE_SHA,
        "GITHUB_REF": "refs/pull/1347/merge",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_TOKEN": TOKEN,
    }
    env.update(overrides)
    return env


def assert_error_report_only(path: Path) -> None:
    """On exit 2, `check --json-out` writes the error report and nothing half-done."""
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["verdict"] == "error" and data["passed"] is False, data
    assert "interactions" not in data, "an error report carries no verdict's data"
