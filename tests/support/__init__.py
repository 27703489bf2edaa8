"""Helpers shared by the tests: where the project's shared reference data lives.

The GitHub API description, its examples and the event payloads live in the shared
folder beside the repository (`<repo>/../shared`), or wherever `SIGNAL_GATE_SHARED`
points. Tests that need them skip, saying why, when the folder is absent.
"""

from __future__ import annotations

import copy
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SHARED_ENV = "SIGNAL_GATE_SHARED"
REPO_ROOT = Path(__file__).resolve().parents[2]
# What a pull_request run has in GITHUB_SHA: the merge commit of refs/pull/N/merge, which
# is NOT the PR head (HARNESS.md). Tests set it so that code using it is caught.
MERGE_SHA = "0123456789abcdef0123456789abcdef01234567"
TOKEN = "ghs_TestTokenThatMustNeverBePrinted0123"


def shared_dir() -> Path:
    """Return the shared folder; skip the calling test when it is not there."""
    configured = os.environ.get(SHARED_ENV)
    path = Path(configured) if configured else REPO_ROOT.parent / "shared"
    if not path.is_dir():
        source = f"${SHARED_ENV}" if configured else f"<repo>/../shared (set ${SHARED_ENV})"
        pytest.skip(f"shared reference data not found at {path}, from {source}")
    return path


def github_api_dir() -> Path:
    """Return shared/github-api (openapi-subset.json, examples/); skip when absent."""
    path = shared_dir() / "github-api"
    if not (path / "openapi-subset.json").is_file():
        pytest.skip(f"{path}/openapi-subset.json not found: the GitHub tests need it")
    return path


def event_payload(name: str) -> dict[str, Any]:
    """Return a copy of examples/<name>.json, e.g. "event-pull_request"; skip when absent."""
    return copy.deepcopy(_example(github_api_dir() / "examples" / f"{name}.json"))


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
