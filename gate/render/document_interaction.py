"""One interaction's section of the assessment document (gate.render.document):
its facts, numbers, risks, actions, contract, tests, gaps and reproduction.

Everything here is a fact of the code, the config or the test outcomes: no
durations, no captured output (those are in the evidence package).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from gate.core.report import ActionInfo, EvidenceTest, InteractionResult, Status
from gate.render.escape import code, md, plain
from gate.render.markdown import ICONS
from gate.render.phrases import (
    confidence_explained,
    evidence_counts,
    side_measured,
    side_verdict,
    tests_cell,
    threshold_text,
    waiver_long,
)
from gate.text import yes_no

OUTCOME_ICONS = {"passed": "✅", "failed": "❌", "error": "💥", "skipped": "⏭️"}
TESTS_LISTED = 200  # per interaction; an assessment lists its evidence, within reason
PROSE_LIMIT = 1000  # characters of one risk, action or next step
SCOPE_ALL_NOTE = (
    "The gate's figure counts coverage from the whole test suite (`coverage_scope: all`), "
    "so the first command runs the whole suite."
)


def interaction_section(r: InteractionResult) -> list[str]:
    """Everything about one interaction: facts, numbers, assessment, tests, gaps, reproduction."""
    lines = [f"### {ICONS[r.status]} {text(r.name, 120)} (`{r.id}`)", ""]
    lines.extend(_facts(r))
    lines.append("")
    details = [f"- **{text(k, 80)}:** {text(v)}" for k, v in r.details.items()]
    lines.extend(listed("**Details**", details))
    lines.extend(listed("**Risks**", [f"- {prose(risk, PROSE_LIMIT)}" for risk in r.risks]))
    lines.extend(_actions(r.actions))
    lines.extend(_tests_table("**Contract tests**", r.contract_results, _contract_empty(r)))
    lines.extend(_evidence_tests(r))
    lines.extend(_remaining_gaps(r))
    lines.extend(_reproduce(r))
    return lines


def _facts(r: InteractionResult) -> list[str]:
    """The interaction's facts, one list item each; the optional ones only when set."""
    peer = f", peer {code(r.peer, 80, table=False)}" if r.peer else ""
    contract = code(r.contract, 300, table=False) if r.contract else "not documented"
    facts: list[str | None] = [
        f"**Status:** {r.status.value}",
        f"**Direction:** {r.direction}{peer}",
        f"**Owner:** {text(r.owner, 120)}" if r.owner else None,
        f"**Clients:** {', '.join(text(c, 120) for c in r.clients)}" if r.clients else None,
        f"**Critical:** {yes_no(r.critical)}; **required:** {yes_no(r.required)}",
        f"**Client modules:** {_codes(r.modules)}",
        f"**Files measured:** {_codes(r.files)}",
        f"**Data contract:** {contract}",
        f"**Contract documents:** {_codes(r.contract_docs)}" if r.contract_docs else None,
        f"**Contract tests:** {_codes(r.contract_tests)}" if r.contract_tests else None,
        f"**Evidence:** {_codes(r.evidence)}",
        f"**Thresholds:** line {threshold_text(r.threshold.get('line'))}, "
        f"branch {threshold_text(r.threshold.get('branch'))}",
        f"**Line coverage:** {_side(r, 'line')}",
        f"**Branch coverage:** {_side(r, 'branch')}",
        f"**Evidence tests:** {evidence_counts(r.tests)}",
        f"**Confidence:** {confidence_explained(r)}",
        f"**Coverage scope:** {text(r.coverage_scope, 20)} (only what its evidence ran)"
        if r.coverage_scope != "all"
        else None,
        f"**Waiver:** {waiver_long(r.waiver, text)}" if r.waiver is not None else None,
    ]
    return [f"- {fact}" for fact in facts if fact is not None]


def _side(r: InteractionResult, side: str) -> str:
    """'85.7% (12/14 statements); threshold 80%: met' or what it takes to meet it."""
    threshold = r.threshold.get(side)
    verdict = side_verdict(r, side)
    if threshold is not None:
        verdict = f"threshold {threshold:g}%: {verdict}"
    return f"{side_measured(r, side)}; {verdict}"


def _actions(actions: Sequence[ActionInfo]) -> list[str]:
    if not actions:
        return []
    rows = ["**Actions**", "", "| Action | Owner | Due |", "|---|---|---|"]
    for a in actions:
        due = a.due or "-"
        if a.overdue:
            due = f"⚠️ {due} (overdue)"
        owner = text(a.owner, 120) if a.owner else "-"
        rows.append(f"| {prose(a.text, PROSE_LIMIT)} | {owner} | {due} |")
    return [*rows, ""]


def _contract_empty(r: InteractionResult) -> str | None:
    """What to say when the contract tests matched nothing, or None: no section."""
    if not r.contract_tests:
        return None
    return "No test in the results matches the contract's test patterns."


def _evidence_tests(r: InteractionResult) -> list[str]:
    return _tests_table(
        f"**Evidence tests** ({tests_cell(r.tests)})",
        r.evidence_tests,
        "No evidence test was found in the test results.",
    )


def _tests_table(heading: str, tests: Sequence[EvidenceTest], empty: str | None) -> list[str]:
    """A table of tests, problems first; `empty` is said when there are none
    (None: the section is left out)."""
    if not tests:
        return [] if empty is None else [heading, "", empty, ""]
    rows = ["| Outcome | Test | Message |", "|---|---|---|"]
    ordered = sorted(tests, key=lambda t: t.outcome == "passed")
    rows.extend(_test_row(t) for t in ordered[:TESTS_LISTED])
    if len(ordered) > TESTS_LISTED:
        rows.append(f"| | and {len(ordered) - TESTS_LISTED} more tests | |")
    return [heading, "", *rows, ""]


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
    command = r.reproduce
    if command is None:
        return ["**Reproduce locally:** no evidence is declared, so there is nothing to run.", ""]
    lines = ["**Reproduce locally**", "", *_fenced(command, "sh"), ""]
    if r.coverage_scope == "all":
        lines.extend([SCOPE_ALL_NOTE, ""])
    return lines


# --- small helpers ---------------------------------------------------------------------


def listed(heading: str, items: Sequence[str]) -> list[str]:
    """A heading line, its items and a blank line; nothing when there are no items."""
    return [heading, "", *items, ""] if items else []


def text(value: str, limit: int = 300) -> str:
    """Untrusted text as itself when Markdown would show it unchanged, else as
    inline code: backslash escapes (`sku\\-404`) read badly as plain text."""
    escaped = md(value, limit)
    return escaped if escaped == plain(value, limit) else code(value, limit)


def prose(value: str, limit: int) -> str:
    """Words from the config (a summary, a risk, an action) as one escaped
    Markdown line: read as written, never as markup."""
    return md(value, limit)


def _codes(items: Sequence[str]) -> str:
    return ", ".join(code(i, table=False) for i in items) if items else "none"


def _fenced(body: str, info: str = "") -> list[str]:
    """A fenced code block longer than any backtick run inside, one line per line."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + info, *(plain(line) for line in body.splitlines()), fence]
