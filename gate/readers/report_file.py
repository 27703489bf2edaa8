"""A report JSON written by `check`, read back for `publish`: untrusted input too
(it may come from a fork's artifact), so it is size-bounded and fully validated.

Every field is checked against the same rules as the config it came from (ids match
the config's `Ident` pattern, through the report's own types), and every string and
list is bounded, so nothing in it can break out of the comment marker or blow up a
comment, a status or a check run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from gate.core.report import SCHEMA, ErrorReport, Report, from_json
from gate.errors import InputError
from gate.regular_file import require_regular
from gate.text import show_path

MAX_REPORT_BYTES = 32 * 1024 * 1024
MAX_TEXT = 64 * 1024  # characters in any one string of a report
MAX_ITEMS = 100_000  # entries in any one list or object of a report


class _Verdict(msgspec.Struct):
    verdict: str | None = None


def read_report(path: Path) -> Report | ErrorReport:
    """Return the report at `path`: a verdict, or the error report of a failed check.

    Raises InputError naming the file for anything missing, too large or invalid.
    """
    shown = show_path(path)
    raw = _read_bounded(path, shown)
    try:
        kind = msgspec.json.decode(raw, type=_Verdict)
        report: Report | ErrorReport = (
            msgspec.json.decode(raw, type=ErrorReport)
            if kind.verdict == "error"
            else from_json(raw)
        )
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError) as exc:
        raise InputError(f"{shown}: not a signal-gate report: {exc}") from None
    if report.schema != SCHEMA:
        raise InputError(f"{shown}: schema {report.schema!r}, expected {SCHEMA!r}")
    if isinstance(report, ErrorReport) and report.passed:
        raise InputError(f"{shown}: an error report cannot have passed")
    problem = _oversized(msgspec.to_builtins(report), "$")
    if problem:
        raise InputError(f"{shown}: {problem}")
    return report


def read_baseline(path: Path) -> Report:
    """The report at `path` as a baseline (`check --baseline`): a verdict; an error
    report, whose check could not be evaluated, has no figures to compare with."""
    report = read_report(path)
    if isinstance(report, ErrorReport):
        raise InputError(
            f"{show_path(path)}: an error report (its check could not be evaluated), not a baseline"
        )
    return report


def _read_bounded(path: Path, shown: str) -> bytes:
    size = require_regular(path)  # a FIFO or a device would block: refused unread
    if size > MAX_REPORT_BYTES:
        raise InputError(f"{shown}: {size} bytes is too large for a signal-gate report")
    try:
        with path.open("rb") as handle:  # a file that grows after stat() is still bounded
            raw = handle.read(MAX_REPORT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_REPORT_BYTES:
        raise InputError(f"{shown}: more than {MAX_REPORT_BYTES} bytes: too large for a report")
    return raw


def _oversized(value: Any, where: str) -> str | None:
    """Return where `value` holds a string or a list beyond the bounds, or None."""
    if isinstance(value, str):
        return (
            f"{where}: a text of {len(value):,} characters (at most {MAX_TEXT:,})"
            if len(value) > MAX_TEXT
            else None
        )
    items: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        items = [(f"{where}.{k}", v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(f"{where}[{i}]", v) for i, v in enumerate(value)]
    if len(items) > MAX_ITEMS:
        return f"{where}: {len(items):,} entries (at most {MAX_ITEMS:,})"
    for inner_where, inner in items:
        problem = _oversized(inner, inner_where)
        if problem:
            return problem
    return None
