"""What a safety check may look at, handed down by the orchestrator as values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

from gate.config.schema import Waiver
from gate.core.model import FileCoverage, TestResults
from gate.records import Record


class SafetyContext(Record, frozen=True):
    """What the checks may look at. `allow_exec` is False under --no-exec and for
    untrusted events; `command` checks then fail with the reason. `today` is the
    only clock the checks read (waivers are judged by it)."""

    root: Path
    coverage: Mapping[str, FileCoverage]
    tests: TestResults
    allow_exec: bool
    today: dt.date
    waivers: Mapping[str, Waiver]
    # Repository paths on disk (gate.check.scan_repo), when the source is present:
    # a `coverage` check then also fails on matched source files the reports miss.
    repo_files: frozenset[str] | None = None


class Finding(Record, frozen=True):
    """What one kind function concludes: passed or not, and a detail a person can act on."""

    passed: bool
    detail: str


def passed(detail: str) -> Finding:
    return Finding(True, detail)


def failed(detail: str) -> Finding:
    return Finding(False, detail)
