"""The integration assessment as one Markdown document, for `signal-gate report`.

The document is regenerated from the same Report on every run; the only line
that changes between two runs over the same inputs is `Generated: <timestamp>`,
so a committed copy can be checked for staleness (`report --check`). It must
read well as plain text and as GitHub Markdown: everything that came from a
config or a report goes through `gate.render.escape`, no raw HTML is emitted, and no
line carries trailing whitespace (editors and pre-commit hooks strip it).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence

from gate.core.evaluate import shortfall
from gate.core.numbers import display_percent
from gate.core.patterns import DOTTED, is_glob, matches_module, matches_test
from gate.core.report import EvidenceTest, InteractionResult, Report, SafetyCheckResult, Status
from gate.render.escape import code, md, plain
from gate.render.markdown import ICONS
from gate.text import plural, yes_no

GENERATED = "Generated: "
_GENERATED_LINE = re.compile(r"^Generated: \S+$")
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")
OUTCOME_ICONS = {"passed": "✅", "failed": "❌", "error": "💥", "skipped": "⏭️"}
TESTS_LISTED = 200  # per interaction; an assessment lists its evidence, within reason
DIFF_LINES_SHOWN = 60
SCOPE_ALL_NOTE = (
    "The gate's figure counts coverage from the whole test suite (`coverage_scope: all`); "
    "this command measures what the evidence tests alone cover."
)


# --- the document ---------------------------------------------------------------------


def render_document(report: Report, generated: str) -> str:
    """The whole assessment; `generated` is the ISO timestamp of this run."""
    parts = [
        *_header(report, generated),
        *_executive_summary(report),
        *_matrix(report),
        "## Interactions",
        "",
    ]
    for r in ordered_interactions(report.interactions):
        parts.extend(interaction_section(r))
    parts.extend(_safety(report))
    parts.extend(_provenance(report))
    parts.extend(_unmapped_and_overlaps(report))
    return "\n".join(parts).rstrip() + "\n"


def _header(report: Report, generated: str) -> list[str]:
    lines = [f"# Integration assessment: {text(report.title, 120)}", ""]
    if report.maintainer:
        lines.extend([f"Maintainer: {text(report.maintainer, 120)}", ""])
    lines.extend([f"{GENERATED}{generated}", ""])
    if report.provenance.head_sha:
        lines.extend([f"Commit: {code(report.provenance.head_sha, 64)}", ""])
    return lines


def _executive_summary(report: Report) -> list[str]:
    results = report.interactions
    ready = sum(1 for r in results if r.status is Status.READY)
    critical = [r for r in results if r.critical]
    critical_ready = sum(1 for r in critical if r.status is Status.READY)
    s = report.safety
    required = f", {s.required} required" if s.required != s.total else ""
    verdict = "PASSED" if report.passed else "FAILED"
    lines = [
        "## Executive summary",
        "",
        f"- **Verdict: {verdict}**",
        f"- **Overall confidence:** {display_percent(report.overall_confidence)} "
        f"(target {report.min_confidence:g}%)",
        f"- **Production ready:** {ready}/{len(results)} interactions "
        f"({critical_ready}/{len(critical)} critical)",
        f"- **Deployment safety:** {s.passed}/{s.total} checks passed{required}",
        "",
        "### Critical gaps",
        "",
        *_critical_gaps(results),
        "",
    ]
    if report.reasons:
        lines.extend(["### Why the gate fails", ""])
        lines.extend(f"- {text(reason)}" for reason in report.reasons)
        lines.append("")
    return lines


def _critical_gaps(results: Sequence[InteractionResult]) -> list[str]:
    critical = [r for r in results if r.critical]
    if not critical:
        return ["No interaction is marked critical."]
    open_ = [r for r in critical if r.status is not Status.READY]
    if not open_:
        return ["None: every critical interaction is production ready."]
    lines = []
    for r in open_:
        first = f": {text(r.gaps[0], 200)}" if r.gaps else ""
        more = f" (and {len(r.gaps) - 1} more)" if len(r.gaps) > 1 else ""
        lines.append(
            f"- **{text(r.name, 80)}** `{r.id}` is {r.status.value}{_waiver_note(r)}{first}{more}"
        )
    return lines


def _matrix(report: Report) -> list[str]:
    lines = [
        "## Integration matrix",
        "",
        "| | Interaction | Direction | Peer | Line | Branch | Tests | Confidence | Status |",
        "|---|---|---|---|---:|---:|---:|---:|---|",
    ]
    for r in report.interactions:
        name = f"{text(r.name, 80)} `{r.id}`" + (" (critical)" if r.critical else "")
        confidence = None if r.status is Status.UNKNOWN else r.confidence
        cells = [
            ICONS[r.status],
            name,
            r.direction,
            code(r.peer, 60) if r.peer else "-",
            display_percent(r.line_percent),
            display_percent(r.branch_percent),
            f"{r.tests.passed}/{r.tests.total}",
            display_percent(confidence),
            r.status.value + _waiver_note(r),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def ordered_interactions(results: Iterable[InteractionResult]) -> list[InteractionResult]:
    """Critical gaps first, then other gaps, then the validated ones; config order within."""

    def rank(r: InteractionResult) -> int:
        if r.status is Status.READY:
            return 2
        return 0 if r.critical else 1

    return sorted(results, key=rank)


# --- one interaction -----------------------------------------------------------------


def interaction_section(r: InteractionResult) -> list[str]:
    """Everything about one interaction: facts, numbers, tests, gaps, reproduction."""
    lines = [f"### {ICONS[r.status]} {text(r.name, 120)} (`{r.id}`)", ""]
    lines.extend(_facts(r))
    lines.append("")
    if r.details:
        lines.extend(["**Details**", ""])
        lines.extend(f"- **{text(k, 80)}:** {text(v)}" for k, v in r.details.items())
        lines.append("")
    lines.extend(_evidence_tests(r))
    lines.extend(_remaining_gaps(r))
    lines.extend(_reproduce(r))
    return lines


def _facts(r: InteractionResult) -> list[str]:
    peer = f", peer {code(r.peer, 80)}" if r.peer else ""
    lines = [
        f"- **Status:** {r.status.value}",
        f"- **Direction:** {r.direction}{peer}",
        f"- **Critical:** {yes_no(r.critical)}; **required:** {yes_no(r.required)}",
        f"- **Client modules:** {_codes(r.modules)}",
        f"- **Files measured:** {_codes(r.files)}",
        f"- **Data contract:** {code(r.contract, 300) if r.contract else 'not documented'}",
        f"- **Evidence:** {_codes(r.evidence)}",
        f"- **Thresholds:** line {_threshold(r.threshold.get('line'))}, "
        f"branch {_threshold(r.threshold.get('branch'))}",
        f"- **Line coverage:** {_side(r, 'line')}",
        f"- **Branch coverage:** {_side(r, 'branch')}",
        f"- **Evidence tests:** {_test_counts(r)}",
        f"- **Confidence:** {_confidence(r)}",
    ]
    if r.coverage_scope != "all":
        lines.append(
            f"- **Coverage scope:** {text(r.coverage_scope, 20)} (only what its evidence ran)"
        )
    if r.waiver is not None:
        w = r.waiver
        owner = f" (owner {text(w.owner, 80)})" if w.owner else ""
        state = "expired, was valid until" if w.expired else "waived until"
        lines.append(f"- **Waiver:** {state} {w.until}{owner}: {text(w.reason, 200)}")
    return lines


def _side(r: InteractionResult, side: str) -> str:
    """'85.7% (12/14 statements); threshold 80%: met' or what it takes to meet it."""
    if side == "line":
        covered, total, noun = r.covered_statements, r.statements, "statement"
        percent = r.line_percent
    else:
        covered, total, noun = r.covered_branches, r.branches, "branch"
        percent = r.branch_percent
    threshold = r.threshold.get(side)
    if percent is None and not total:
        shown = f"n/a (no {noun} data)" if side == "branch" and r.files else "n/a"
    else:
        shown = f"{display_percent(percent)} ({covered}/{total} {plural(noun, total)})"
    return shown + "; " + threshold_verdict(covered, total, threshold, noun, percent)


def threshold_verdict(
    covered: int, total: int, threshold: float | None, noun: str, percent: float | None
) -> str:
    """Whether one side meets its threshold, on exact counts, and what it takes if not."""
    if threshold is None:
        return "no threshold"
    if percent is None:
        return f"threshold {threshold:g}%: not measured"
    need = shortfall(covered, total, threshold)
    if need == 0:
        return f"threshold {threshold:g}%: met"
    return f"threshold {threshold:g}%: not met, cover {need} more {plural(noun, need)}"


def _test_counts(r: InteractionResult) -> str:
    t = r.tests
    text = f"{t.passed}/{t.total} passed"
    others = [(t.failed, "failed"), (t.errors, "errors"), (t.skipped, "skipped")]
    extra = ", ".join(f"{n} {word}" for n, word in others if n)
    return f"{text} ({extra})" if extra else text


def _confidence(r: InteractionResult) -> str:
    if r.status is Status.UNKNOWN:
        return "n/a (status UNKNOWN)"
    return (
        f"{display_percent(r.confidence)} = coverage {display_percent(r.coverage_percent)} "
        f"× pass rate {display_percent(r.pass_rate * 100)}"
    )


def _evidence_tests(r: InteractionResult) -> list[str]:
    title = f"**Evidence tests** ({r.tests.passed}/{r.tests.total} passed)"
    if not r.evidence_tests:
        return [title, "", "No evidence test was found in the test results.", ""]
    rows = ["| Outcome | Test | Message |", "|---|---|---|"]
    ordered = sorted(r.evidence_tests, key=lambda t: t.outcome == "passed")  # problems first
    rows.extend(_test_row(t) for t in ordered[:TESTS_LISTED])
    if len(ordered) > TESTS_LISTED:
        rows.append(f"| | and {len(ordered) - TESTS_LISTED} more tests | |")
    return [title, "", *rows, ""]


def _test_row(t: EvidenceTest) -> str:
    icon = OUTCOME_ICONS.get(t.outcome, "")
    message = text(t.message, 160) if t.message else ""
    return f"| {icon} {text(t.outcome, 20)} | {code(t.id, 240)} | {message} |"


def _remaining_gaps(r: InteractionResult) -> list[str]:
    if r.status is Status.READY:
        notes = [f"- {text(n)}" for n in r.notes]
        return [
            "**Validation complete:** every threshold is met and every evidence test passed.",
            "",
            *([*notes, ""] if notes else []),
        ]
    lines = ["**Remaining gaps**", ""]
    lines.extend(f"- {text(g)}" for g in r.gaps)
    if not r.gaps:
        lines.append(f"- status is {r.status.value}")
    return [*lines, ""]


def _reproduce(r: InteractionResult) -> list[str]:
    command = reproduce_command(r)
    if command is None:
        return ["**Reproduce locally:** no evidence is declared, so there is nothing to run.", ""]
    lines = ["**Reproduce locally**", "", *_fenced(command, "sh"), ""]
    if r.coverage_scope == "all":
        lines.extend([SCOPE_ALL_NOTE, ""])
    return lines


# --- the reproduction command ------------------------------------------------------------


def reproduce_command(r: InteractionResult) -> str | None:
    """`pytest <evidence> --cov=<module>... --cov-branch --cov-fail-under=<line>`,
    shell-quoted, or None when the interaction declares no evidence."""
    evidence = evidence_args(r.evidence, r.evidence_tests)
    if not evidence:
        return None
    targets = _unique(t for m in r.modules for t in cov_targets(m, r.files))
    args = ["pytest", *evidence, *(f"--cov={t}" for t in targets), "--cov-branch"]
    line = r.threshold.get("line")
    if line is not None:
        args.append(f"--cov-fail-under={line:g}")
    return " ".join(shlex.quote(plain(a)) for a in args)


def evidence_args(patterns: Sequence[str], tests: Sequence[EvidenceTest]) -> list[str]:
    """Evidence patterns as pytest arguments.

    A plain file or node id is passed as is. pytest takes no globs, so a glob is
    replaced by what it selected in the results: the test files for a file glob,
    the node ids for a node-id glob (kept as written when it selected nothing).
    A node id inside a file that is passed whole is dropped.
    """
    out: list[str] = []
    for pattern in patterns:
        if not is_glob(pattern):
            out.append(pattern)
            continue
        selected = [t.id for t in tests if matches_test(pattern, t.id, _file_of(t.id))]
        if "::" not in pattern:
            selected = [_file_of(i) for i in selected]
        out.extend(selected or [pattern])
    whole_files = {a for a in out if "::" not in a and not is_glob(a)}
    return _unique(a for a in out if "::" not in a or _file_of(a) not in whole_files)


def cov_targets(module: str, files: Sequence[str]) -> list[str]:
    """A module pattern as pytest-cov `--cov` sources: dotted names where possible.

    A dotted name is kept. A path becomes its dotted module name
    (`shop/clients/x_client.py` -> `shop.clients.x_client`), without a leading
    `src/` (the src layout imports below it). A glob becomes the modules of the
    files it matched, or the directory before its first wildcard.
    """
    pattern = module.strip().replace("\\", "/").removeprefix("./")
    if DOTTED.match(pattern) and not pattern.endswith(".py"):
        return [pattern]
    if is_glob(pattern):
        matched = [path_to_module(f) for f in files if matches_module(pattern, f)]
        if matched:
            return _unique(matched)
        fixed = pattern.split("/")
        fixed = fixed[: next(i for i, part in enumerate(fixed) if is_glob(part))]
        return [path_to_module("/".join(fixed)) if fixed else "."]
    return [path_to_module(pattern.rstrip("/"))]


def path_to_module(path: str) -> str:
    """`src/shop/clients/x.py` -> `shop.clients.x`; a non-Python path stays a path."""
    parts = [p for p in path.split("/") if p]
    if parts and parts[-1].endswith(".py"):
        parts[-1] = parts[-1][:-3]
        if parts[-1] == "__init__":
            parts.pop()
    if len(parts) > 1 and parts[0] == "src":
        parts = parts[1:]
    if parts and all(_IDENTIFIER.match(p) for p in parts):
        return ".".join(parts)
    return path or "."


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- safety, provenance, unmapped ------------------------------------------------------------


def _safety(report: Report) -> list[str]:
    s = report.safety
    required = f" ({s.required} required)" if s.required != s.total else ""
    lines = [f"## Deployment safety checks: {s.passed}/{s.total}{required}", ""]
    if not s.checks:
        return [*lines, "No deployment safety checks are configured.", ""]
    lines.extend(["| | Check | Kind | Detail |", "|---|---|---|---|"])
    lines.extend(_safety_row(c) for c in sorted(s.checks, key=lambda c: c.passed))
    return [*lines, ""]


def _safety_row(c: SafetyCheckResult) -> str:
    waived = c.waiver is not None and not c.waiver.expired
    icon = "✅" if c.passed else ("🏳️" if waived else "❌")
    detail = text(c.detail) if c.detail else ""
    if c.waiver is not None:
        state = "waiver expired, was valid until" if c.waiver.expired else "waived until"
        detail += f" ({state} {c.waiver.until}: {text(c.waiver.reason, 160)})"
    return f"| {icon} | {text(c.name, 80)} `{c.id}` | {text(c.kind, 40)} | {detail} |"


def _provenance(report: Report) -> list[str]:
    p = report.provenance
    lines = ["## Inputs and provenance", "", f"- **Config:** sha256 {code(p.config_sha256[:12])}"]
    if p.head_sha:
        lines.append(f"- **Commit:** {code(p.head_sha, 64)}")
    lines.append("")
    if p.files:
        lines.extend(["| Input | Format | sha256 |", "|---|---|---|"])
        lines.extend(
            f"| {code(f.path)} | {text(f.format, 40)} | {code(f.sha256[:12])} |" for f in p.files
        )
        lines.append("")
    if report.notes:
        lines.extend(["Notes from reading the inputs:", ""])
        lines.extend(f"- {text(n)}" for n in report.notes)
        lines.append("")
    return lines


def _unmapped_and_overlaps(report: Report) -> list[str]:
    lines = ["## Unmapped files and overlaps", ""]
    if report.unmapped:
        lines.extend(
            [
                f"Source files that no interaction claims (policy: "
                f"{text(report.unmapped_policy, 20)}):",
                "",
            ]
        )
        lines.extend(f"- {code(p)}" for p in report.unmapped)
    else:
        lines.append("Every source file under `unmapped.paths` belongs to an interaction.")
    lines.append("")
    if report.overlaps:
        lines.extend(["Files shared by several interactions:", ""])
        lines.extend(
            f"- {code(o.path)}: {', '.join(f'`{i}`' for i in o.interactions)}"
            for o in report.overlaps
        )
    else:
        lines.append("No file belongs to more than one interaction.")
    return [*lines, ""]


# --- small helpers ---------------------------------------------------------------------


def text(value: str, limit: int = 300) -> str:
    """Untrusted text as itself when Markdown would show it unchanged, else as
    inline code: backslash escapes (`sku\\-404`) read badly as plain text."""
    escaped = md(value, limit)
    return escaped if escaped == plain(value, limit) else code(value, limit)


def _waiver_note(r: InteractionResult) -> str:
    if r.waiver is None:
        return ""
    return " (waiver expired)" if r.waiver.expired else f" (waived until {r.waiver.until})"


def _codes(items: Sequence[str]) -> str:
    return ", ".join(code(i) for i in items) if items else "none"


def _threshold(value: float | None) -> str:
    return "off" if value is None else f"≥ {value:g}%"


def _fenced(body: str, info: str = "") -> list[str]:
    """A fenced code block longer than any backtick run inside, one line per line."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *(plain(line) for line in body.splitlines()), fence]


# --- the timestamp and staleness ---------------------------------------------------------


def generated_timestamp(
    env: Mapping[str, str] = os.environ, now: Callable[[], dt.datetime] | None = None
) -> str:
    """This run's timestamp, ISO 8601 in UTC to the second.

    SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes it.
    """
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    else:
        moment = now() if now is not None else dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def comparable_lines(document: str) -> list[str]:
    """The document's lines with the timestamp line blanked (and line endings ignored)."""
    lines = document.splitlines()
    for index, line in enumerate(lines):
        if _GENERATED_LINE.match(line):
            lines[index] = GENERATED + "<timestamp>"
            break
    return lines


def stale_diff(committed: str, fresh: str, name: str) -> list[str]:
    """A unified diff from the committed document to a fresh one, ignoring the
    timestamp; empty when they agree. Long diffs are cut short."""
    diff = list(
        difflib.unified_diff(
            comparable_lines(committed),
            comparable_lines(fresh),
            fromfile=f"{name} (committed)",
            tofile=f"{name} (fresh)",
            lineterm="",
        )
    )
    if len(diff) > DIFF_LINES_SHOWN:
        diff = [*diff[:DIFF_LINES_SHOWN], f"... ({len(diff) - DIFF_LINES_SHOWN} more diff lines)"]
    return diff
