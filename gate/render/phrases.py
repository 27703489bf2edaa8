"""How every renderer says the report's conclusions: one phrasing of each.

The report decides (statuses, shortfalls, waivers, what counts as ready); these
functions only word it, the same way in the terminal, the PR comment, the
assessment document and `explain`. Untrusted parts (a waiver's reason and
owner) go through the `esc` function the caller gives: Markdown escaping or
plain text.
"""

from __future__ import annotations

from collections.abc import Callable

from gate.core.numbers import display_percent
from gate.core.report import (
    Delta,
    InteractionResult,
    PatchCoverage,
    PatchFile,
    RatchetState,
    SafetyResult,
    Status,
    TestCounts,
    WaiverInfo,
)
from gate.text import plain, plural

Escape = Callable[[str, int], str]

SIDES = {"line": "statement", "branch": "branch"}
UNMAPPED_SHOWN = 20  # unmapped files listed in the terminal and the PR comment, then "and N more"
STATUS_WORDS = {
    Status.READY: "ready",
    Status.NEAR: "near",
    Status.ATTENTION: "attention",
    Status.UNKNOWN: "unknown",
}
DIRECTION_GLYPHS = {"outbound": "→", "inbound": "←", "bidirectional": "↔"}
DIRECTION_LEGEND = "→ outbound · ← inbound · ↔ both ways"
NO_BASELINE_LINE = "No baseline report from the base branch: no figures against the base."


def tests_cell(t: TestCounts) -> str:
    """The Tests column of a matrix: '37 passed · 1 skipped', each outcome by name.
    Never a fraction: '37/38' next to a 100% confidence reads as a failure when
    the 38th was a skip."""
    return " · ".join(_outcomes(t)) or "none"


def evidence_counts(t: TestCounts) -> str:
    """'11 passed, 1 failed (12 tests)': each outcome by name, then how many in all."""
    if not t.total:
        return "none"
    return f"{', '.join(_outcomes(t))} ({t.total} {plural('test', t.total)})"


def _outcomes(t: TestCounts) -> list[str]:
    """'37 passed', then each other outcome that occurred; nothing without tests."""
    if not t.total:
        return []
    others = [(t.failed, "failed"), (t.errors, "errored"), (t.skipped, "skipped")]
    return [f"{t.passed} passed", *(f"{n} {word}" for n, word in others if n)]


def tests_needed(r: InteractionResult) -> str:
    """What the evidence tests must do, under the interaction's `skipped` policy."""
    return "all pass, none skipped" if r.skipped == "block" else "all that run pass"


def tests_verdict(r: InteractionResult) -> str:
    """Whether the evidence tests meet `tests_needed`: 'met', 'met (1 skipped,
    allowed)', 'not met: 1 failed', 'not met: every evidence test skipped'."""
    t = r.tests
    ran = t.passed + t.failed + t.errors
    allowed = r.skipped != "block"
    if not r.evidence:
        return "not met: no evidence declared"
    if ran == 0:
        return "not met: every evidence test skipped" if t.skipped else "not met: no test ran"
    problems = [(t.failed, "failed"), (t.errors, "errored")]
    if not allowed:
        problems.append((t.skipped, "skipped"))
    bad = ", ".join(f"{n} {word}" for n, word in problems if n)
    if bad:
        return f"not met: {bad}"
    return f"met ({t.skipped} skipped, allowed)" if t.skipped else "met"


def confidence_cell(r: InteractionResult) -> str:
    return display_percent(r.shown_confidence)


def confidence_explained(r: InteractionResult) -> str:
    """The confidence with how it is made, or why there is none."""
    if r.shown_confidence is None:
        return (
            "n/a (status UNKNOWN: no file matched its modules, no evidence declared, "
            "or every evidence test skipped)"
        )
    return (
        f"{display_percent(r.confidence)} = coverage {display_percent(r.coverage_percent)} "
        f"× pass rate {display_percent(r.pass_rate * 100)}"
    )


def waiver_short(w: WaiverInfo) -> str:
    """'waived until 2026-12-31' or 'waiver expired 2026-12-31'."""
    return f"waiver expired {w.until}" if w.expired else f"waived until {w.until}"


def waiver_long(w: WaiverInfo, esc: Escape = plain) -> str:
    """The short form with its owner and reason."""
    owner = f" (owner {esc(w.owner, 80)})" if w.owner else ""
    return f"{waiver_short(w)}{owner}: {esc(w.reason, 200)}"


def status_cell(r: InteractionResult) -> str:
    """The status with its waiver, for a matrix cell."""
    return r.status.value + (f" ({waiver_short(r.waiver)})" if r.waiver else "")


def side_measured(r: InteractionResult, side: str) -> str:
    """'84.0% (42/50 statements)', or 'n/a (no branch data)'."""
    covered, total, percent = _side(r, side)
    noun = SIDES[side]
    if percent is None and not total:
        return f"n/a (no {noun} data)" if side == "branch" and r.files else "n/a"
    return f"{display_percent(percent)} ({covered}/{total} {plural(noun, total)})"


def side_verdict(r: InteractionResult, side: str) -> str:
    """Whether one side meets its threshold, and what it takes when it does not:
    'met', 'not met, cover 6 more statements', 'not measured', 'no threshold'."""
    threshold = r.threshold.get(side)
    if threshold is None:
        return "no threshold"
    need = r.shortfall.get(side)
    if need is None:
        return "not measured"
    if need == 0:
        return "met"
    return f"not met, cover {need} more {plural(SIDES[side], need)}"


def threshold_text(value: float | None) -> str:
    return "off" if value is None else f"≥ {value:g}%"


def safety_title(s: SafetyResult) -> str:
    """'Deployment safety: 20/22' (with the required count when not all)."""
    required = f" ({s.required} required)" if s.required != s.total else ""
    return f"Deployment safety: {s.passed}/{s.total}{required}"


def ready_line(results: list[InteractionResult]) -> str:
    """'8/12 interactions (3/3 critical)': how many are production ready."""
    ready = sum(1 for r in results if r.ready)
    critical = [r for r in results if r.critical]
    critical_ready = sum(1 for r in critical if r.ready)
    line = f"{ready}/{len(results)} interactions"
    return f"{line} ({critical_ready}/{len(critical)} critical)" if critical else line


def _side(r: InteractionResult, side: str) -> tuple[int, int, float | None]:
    if side == "line":
        return r.covered_statements, r.statements, r.line_percent
    return r.covered_branches, r.branches, r.branch_percent


# --- the change against the base -------------------------------------------------


def direction_glyph(direction: str) -> str:
    """'→' for outbound, '←' inbound, '↔' bidirectional (the legend says which)."""
    return DIRECTION_GLYPHS.get(direction, "·")


def points(value: float | None) -> str:
    """A change in percentage points: '↑2.5', '↓14.3', '±0'; '' when unknown.
    Never '↓0.0': a drop too small to show at one decimal reads '↓<0.1'."""
    if value is None:
        return ""
    if value == 0:
        return "±0"
    arrow = "↑" if value > 0 else "↓"
    size = abs(value)
    return f"{arrow}<0.1" if round(size, 1) == 0 else f"{arrow}{size:.1f}"


def delta_cell(d: Delta | None) -> str:
    """The line-coverage change of an interaction against the base: '↓14.3',
    'new' (not in the baseline), '' without a baseline."""
    if d is None:
        return ""
    return "new" if d.added else points(d.line_percent)


def patch_side(covered: int, total: int) -> str:
    """'1/5 (20.0%)' of changed statements or branches; '—' when there are none."""
    if not total:
        return "—"
    return f"{covered}/{total} ({display_percent(covered * 100 / total)})"


def patch_mark(patch: PatchCoverage, side: str) -> str:
    """'✅ ', '❌ ' or '' before a patch figure: whether it meets the patch threshold."""
    need = patch.shortfall.get(side)
    if need is None:
        return ""
    return "❌ " if need else "✅ "


def changed_file(f: PatchFile) -> str:
    """'2 of 5 changed statements covered', or why nothing is counted."""
    if not f.measured:
        return "not in the coverage reports"
    if not f.statements:
        return f"{f.changed_lines} changed {plural('line', f.changed_lines)}, none executable"
    noun = plural("statement", f.statements)
    return f"{f.covered_statements} of {f.statements} changed {noun} covered"


def ratchet_text(r: InteractionResult) -> str:
    """What the ratchet concluded: 'held at 84.0% (baseline 84.0%)', 'broken: ...',
    'not applied: ...'; '' when the interaction has no ratchet or needs none."""
    ratchet = r.ratchet
    if ratchet is None or ratchet.state is RatchetState.NOT_NEEDED:
        return ""
    if ratchet.state is RatchetState.HELD:
        return held_text(r)
    return f"ratchet {ratchet.state.value}: {ratchet.reason}"


def held_text(r: InteractionResult) -> str:
    """'held at 84.0% (baseline 84.0%)', for each side below its threshold."""
    d = r.delta
    parts: list[str] = []
    if r.shortfall.get("line"):
        base = d.base_line_percent if d is not None else None
        parts.append(
            f"held at {display_percent(r.line_percent)} (baseline {display_percent(base)})"
        )
    if r.shortfall.get("branch"):
        base = d.base_branch_percent if d is not None else None
        parts.append(
            f"branches held at {display_percent(r.branch_percent)} "
            f"(baseline {display_percent(base)})"
        )
    return "; ".join(parts) or "held"
