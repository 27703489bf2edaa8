"""One check of the config -> its results: dispatch on the kind, attach the waiver.

Each kind lives in its own module (`command`, `measured` for junit/coverage,
`content` for the file kinds, `results`); this module only routes and wraps.
Every check ends as passed or failed with a detail; a kind that cannot decide
fails, it never passes.
"""

from __future__ import annotations

from gate.config.schema import (
    CommandCheck,
    CoverageCheck,
    FileExistsCheck,
    ForbidPatternCheck,
    JunitCheck,
    RequirePatternCheck,
    ResultsCheck,
    SafetyCheck,
)
from gate.core.evaluate import waiver_info
from gate.core.report import SafetyCheckResult
from gate.safety.context import Finding, SafetyContext, failed


def run_check(check: SafetyCheck, ctx: SafetyContext) -> list[SafetyCheckResult]:
    """The results of one declared check: one, or one per entry of a `results` file."""
    kind = kind_of(check)
    waiver = waiver_info(ctx.waivers.get(check.id), ctx.today)
    if isinstance(check, ResultsCheck):
        from gate.safety.results import import_results

        return [
            SafetyCheckResult(i.id, i.name, kind, i.passed, i.detail, waiver)
            for i in import_results(check, ctx)
        ]
    finding = _finding(check, ctx)
    return [SafetyCheckResult(check.id, check.name, kind, finding.passed, finding.detail, waiver)]


def _finding(check: SafetyCheck, ctx: SafetyContext) -> Finding:
    # A kind's module is imported when a check of that kind runs (start-up time).
    try:
        match check:
            case CommandCheck():
                from gate.safety.command import check_command

                return check_command(check, ctx)
            case JunitCheck():
                from gate.safety.measured import check_junit

                return check_junit(check, ctx)
            case CoverageCheck():
                from gate.safety.measured import check_coverage

                return check_coverage(check, ctx)
            case FileExistsCheck():
                from gate.safety.content import check_file_exists

                return check_file_exists(check, ctx)
            case RequirePatternCheck():
                from gate.safety.content import check_require_pattern

                return check_require_pattern(check, ctx)
            case ForbidPatternCheck():
                from gate.safety.content import check_forbid_pattern

                return check_forbid_pattern(check, ctx)
            case _:
                return failed(f"kind {kind_of(check)!r} is not supported by this build")
    except OSError as exc:  # a directory vanished or became unreadable mid-walk
        where = f" {exc.filename}" if exc.filename else ""
        return failed(f"could not be evaluated:{where} {exc.strerror or exc}")


def kind_of(check: SafetyCheck) -> str:
    """The `kind` the check was declared with (its msgspec tag)."""
    return str(type(check).__struct_config__.tag)
