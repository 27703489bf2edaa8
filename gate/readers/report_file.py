"""A report JSON written by `check`, read back for `publish`: untrusted input too
(it may come from a fork's artifact), so it is size-bounded and fully validated."""

from __future__ import annotations

from pathlib import Path

import msgspec

from gate.core.report import SCHEMA, Report, from_json
from gate.errors import InputError
from gate.readers.files import require_regular
from gate.text import show_path

MAX_REPORT_BYTES = 32 * 1024 * 1024


def read_report(path: Path) -> Report:
    shown = show_path(path)
    size = require_regular(path)
    if size > MAX_REPORT_BYTES:
        raise InputError(f"{shown}: {size} bytes is too large for a signal-gate report")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    try:
        report = from_json(raw)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError) as exc:
        raise InputError(f"{shown}: not a signal-gate report: {exc}") from None
    if report.schema != SCHEMA:
        raise InputError(f"{shown}: schema {report.schema!r}, expected {SCHEMA!r}")
    return report
