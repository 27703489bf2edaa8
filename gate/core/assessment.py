"""What the config says about an interaction beyond numbers, judged: the data
contract (its documents exist, its tests pass), follow-up actions and the
review cycle (overdue ones are warnings).

Pure: config values, test cases and today's date in; report values out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TypedDict

from gate.config.schema import ActionSpec, Config, Interaction, OverduePolicy, ReviewSpec
from gate.core.model import Outcome
from gate.core.patterns import CaseIndex, tests_matcher
from gate.core.report import ActionInfo, EvidenceTest, InteractionResult, ReviewInfo
from gate.records import Record, field
from gate.text import plural

CONTRACT_TESTS_LISTED = 50  # per interaction, in the report and the document


class ContractCheck(Record, frozen=True):
    """The contract's verdict: gaps (they keep the interaction from PRODUCTION
    READY) and the tests its patterns matched."""

    gaps: list[str] = field(default_factory=list)
    results: list[EvidenceTest] = field(default_factory=list)


def contract_check(
    it: Interaction, index: CaseIndex, repo_files: frozenset[str] | None
) -> ContractCheck:
    """Every contract document must exist (when the source tree is present) and
    the contract's test patterns must match at least one passing test."""
    gaps: list[str] = []
    if repo_files is not None:
        gaps.extend(
            f"contract document {doc!r} does not exist"
            for doc in it.contract.docs
            if doc.replace("\\", "/").removeprefix("./") not in repo_files
        )
    if not it.contract.tests:
        return ContractCheck(gaps)
    matched = tests_matcher(tuple(it.contract.tests)).pick(index)
    passed = [c for c in matched if c.outcome is Outcome.PASSED]
    if not passed:
        patterns = ", ".join(repr(p) for p in it.contract.tests)
        found = f"{len(matched)} matched, none passed" if matched else "none matched"
        gaps.append(f"no passing contract test ({found}: {patterns})")
    ordered = sorted(matched, key=lambda c: c.outcome is Outcome.PASSED)  # problems first
    results = [EvidenceTest(c.nodeid, c.outcome.value, c.message) for c in ordered]
    return ContractCheck(gaps, results[:CONTRACT_TESTS_LISTED])


def action_infos(actions: Iterable[ActionSpec], today: dt.date) -> list[ActionInfo]:
    """The follow-up actions as written, each marked overdue once `today` is past its date."""
    return [
        ActionInfo(
            text=a.text,
            owner=a.owner,
            due=a.due.isoformat() if a.due is not None else None,
            overdue=a.due is not None and today > a.due,
        )
        for a in actions
    ]


def review_info(review: ReviewSpec | None, today: dt.date) -> ReviewInfo | None:
    """When the assessment is next due for review, and whether that date has passed."""
    if review is None:
        return None
    due = review.last_reviewed + dt.timedelta(days=review.cycle_days)
    return ReviewInfo(
        cycle_days=review.cycle_days,
        last_reviewed=review.last_reviewed.isoformat(),
        due=due.isoformat(),
        overdue=today > due,
        enforced=review.overdue is OverduePolicy.FAIL,
    )


def assessment_warnings(
    results: Sequence[InteractionResult], review: ReviewInfo | None
) -> list[str]:
    """One line per overdue item: the review, then each interaction's actions."""
    warnings: list[str] = []
    if review is not None and review.overdue:
        warnings.append(
            f"the review was due on {review.due} ({review.cycle_days} "
            f"{plural('day', review.cycle_days)} after {review.last_reviewed})"
        )
    for r in results:
        for a in r.actions:
            if a.overdue:
                owner = f" ({a.owner})" if a.owner else ""
                warnings.append(f"{r.id}: action due {a.due} is overdue{owner}: {a.text}")
    return warnings


def review_reason(review: ReviewInfo | None) -> list[str]:
    """The verdict reason of an overdue review under `overdue: fail`, else none."""
    if review is None or not review.overdue or not review.enforced:
        return []
    return [f"the assessment's review was due on {review.due}"]


class InteractionAssessment(TypedDict):
    """The InteractionResult fields that carry the assessment."""

    owner: str | None
    clients: list[str]
    risks: list[str]
    actions: list[ActionInfo]
    contract_docs: list[str]
    contract_tests: list[str]
    contract_results: list[EvidenceTest]


class ReportAssessment(TypedDict):
    """The Report fields that carry the assessment."""

    summary: str | None
    next_steps: list[str]
    review: ReviewInfo | None
    warnings: list[str]


def interaction_assessment(
    it: Interaction, contract: ContractCheck, today: dt.date
) -> InteractionAssessment:
    """The assessment's fields of one interaction's result, word for word from the config."""
    return {
        "owner": it.owner,
        "clients": list(it.clients),
        "risks": list(it.risks),
        "actions": action_infos(it.actions, today),
        "contract_docs": list(it.contract.docs),
        "contract_tests": list(it.contract.tests),
        "contract_results": contract.results,
    }


def report_assessment(
    config: Config, results: Sequence[InteractionResult], review: ReviewInfo | None
) -> ReportAssessment:
    """The assessment's fields of the report: the config's words and the warnings."""
    return {
        "summary": config.summary,
        "next_steps": list(config.next_steps),
        "review": review,
        "warnings": assessment_warnings(results, review),
    }
