"""What `init` says on stderr, in both modes: how many interactions, how each was
found, which have no evidence, and the commands to run next. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from gate.config.schema import Direction
from gate.scaffold.config_text import Interaction, Proposal
from gate.scaffold.discover import Discovery
from gate.text import plural

IDS_SHOWN = 6  # interaction ids named per line, then "and N more"
REPORTS = "pytest --cov --cov-branch --cov-report=xml:coverage.xml --junitxml=junit.xml"


def summary_lines(proposal: Proposal, found: Discovery, notes: Sequence[str]) -> list[str]:
    """The summary, one line each; the caller says where the config went."""
    its = proposal.interactions
    n = len(its)
    inbound = sum(1 for i in its if i.direction is Direction.INBOUND)
    lines = [f"{n} {plural('interaction', n)} ({n - inbound} outbound, {inbound} inbound)"]
    by_how: dict[str, list[Interaction]] = {}
    for it in its:
        by_how.setdefault(it.found, []).append(it)
    lines.extend(f"  {how}: {_ids(group)}" for how, group in by_how.items())
    lines.extend(_evidence_lines(its))
    if found.shared:
        shared = ", ".join(f"{p} ({k} {plural('importer', k)})" for p, k in found.shared)
        lines.append(f"  shared by several clients, so not an interaction of its own: {shared}")
    if proposal.unclaimed:
        k = len(proposal.unclaimed)
        lines.append(
            f"  {k} {plural('file', k)} under unmapped.paths claimed by no interaction: "
            "policy warn until you declare or exclude them"
        )
    lines.extend(f"  {note}" for note in notes)
    lines.extend(
        [
            "next: review each interaction; produce the reports with",
            f"  {REPORTS}",
            "then run `signal-gate check`.",
        ]
    )
    return lines


def _evidence_lines(its: Sequence[Interaction]) -> list[str]:
    by_source: dict[str, int] = {}
    for it in its:
        if it.evidence:
            by_source[it.evidence_from] = by_source.get(it.evidence_from, 0) + 1
    lines = []
    if by_source:
        lines.append("  evidence: " + ", ".join(f"{k} from {how}" for how, k in by_source.items()))
    if bare := [it for it in its if not it.evidence]:
        lines.append(
            f"  no evidence found for {len(bare)}: {_ids(bare)} "
            "(--tests 'tests/test_{name}.py' names your test files)"
        )
    return lines


def _ids(group: Sequence[Interaction]) -> str:
    shown = ", ".join(it.id for it in group[:IDS_SHOWN])
    more = len(group) - IDS_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown
