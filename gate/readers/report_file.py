"""A report JSON written by `check`, read back for `publish`: untrusted input too
(it may come from a fork's artifact), so it is size-bounded and fully validated."""

from __future__ import annotations

from pathlib import Path

import msgspec

from gate.core.report import SCHEMA, Report, from_json
from gate.errors import InputError

MAX_REPORT_BYTES = 32 * 1024 * 1024


def read_report(path: Path) -> Report:
    try:
        size = path.stat().st_size
        if size > MAX_REPORT_BYTES:
            raise InputError(f"{path}: {size} bytes is too large for a signal-gate report")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: report file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        report = from_json(raw)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise InputError(f"{path}: not a signal-gate report: {exc}") from None
    if report.schema != SCHEMA:
        raise InputError(f"{path}: schema {report.schema!r}, expected {SCHEMA!r}")
    return report
