"""Config + model -> verdict. Pure: no files, no clock, no network.

The numbers and statuses are those of docs/numbers.md. Thresholds are
compared on exact counts (`covered * 100 >= threshold * total`, in exact
fractions), never on rounded figures: 94.96% does not pass a 95% gate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from itertools import repeat
from operator import is_

from gate.config.schema import Config, Interaction, Waiver
from gate.core.assessment import (
    contract_check,
    interaction_assessment,
    report_assessment,
    review_info,
    review_reason,
)
from gate.core.baseline import NO_BASELINE, baseline_info, delta, judge_ratchet
from gate.core.case_store import outcomes
from gate.core.evidence_tests import judge_tests, pass_fraction
from gate.core.model import ContextIndex, Diff, FileCoverage, Outcome, TestResults
from gate.core.numbers import percent_below
from gate.core.patch import interaction_patch, patch_gaps, patch_to_pass, summarize
from gate.core.patterns import CaseIndex, paths_matcher, tests_matcher
from gate.core.report import (
    SCHEMA,
    EvidenceTest,
    FileSummary,
    InteractionResult,
    Overlap,
    Provenance,
    Report,
    SafetyResult,
    Status,
    TestCounts,
    WaiverInfo,
    listed_tests,
)
from gate.core.reproduce import reproduce_command
from gate.core.scope import ScopedCoverage, interaction_coverage
from gate.core.thresholds import (
    GAP_FILE_LIMIT,
    exact,
    missing_branch_labels,
    missing_detail,
    shortfall,
)
from gate.core.verdict import interaction_reasons, verdict_reasons
from gate.records import Record, field, replace
from gate.text import plural

# Moved to gate.core.thresholds, still importable from here.
__all__ = ["GAP_FILE_LIMIT", "Evaluation", "evaluate", "exact", "shortfall"]
# Files on disk that count as source when no coverage report mentions them (a
# client module nobody imports must not vanish from its interaction).
SOURCE_SUFFIXES = (
    ".py", ".pyx", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".go", ".java", ".kt",
    ".scala", ".rs", ".c", ".cc", ".cpp", ".cxx", ".h", ".hpp", ".cs", ".rb", ".php",
    ".swift", ".lua", ".dart", ".sol", ".m",
)  # fmt: skip


class Evaluation(Record, frozen=True):
    """Everything the evaluator reads, already loaded."""

    config: Config
    coverage: Mapping[str, FileCoverage]
    tests: TestResults
    today: dt.date
    safety: SafetyResult = field(default_factory=SafetyResult)
    repo_files: frozenset[str] | None = None  # paths on disk, when the source is present
    inputs: Mapping[str, list[str]] | None = None
    provenance: Provenance | None = None
    notes: Sequence[str] = ()
    contexts: ContextIndex | None = None  # per-test coverage, for coverage_scope: evidence
    passing_listed: int | None = None  # passing evidence tests listed (None: all; capped)
    # The change against the base (docs/patch-coverage.md).
    diff: Diff | None = None  # the changed lines, for patch coverage
    baseline: Report | None = None  # the base commit's report, for deltas and the ratchet
    baseline_source: str = ""  # where the baseline was read from


def evaluate(ev: Evaluation) -> Report:
    """Compute the integration matrix and the verdict."""
    config = ev.config
    on_disk = {p for p in ev.repo_files or () if p.endswith(SOURCE_SUFFIXES)}
    known = sorted(set(ev.coverage) | on_disk)
    claims = {it.id: claimed_files(it, known) for it in config.interactions}
    waivers = {w.target: w for w in config.waivers}
    index = ev.tests.index
    results = [
        evaluate_interaction(it, claims[it.id], ev, waivers.get(it.id), index)
        for it in config.interactions
    ]
    overall = overall_confidence(results)
    # An empty module (a bare __init__.py) is no interaction anyone forgot.
    substantial = [p for p in known if p not in ev.coverage or ev.coverage[p].statements]
    unmapped = unmapped_files(config.unmapped.paths, substantial, claims.values())
    safety = ev.safety
    review = review_info(config.review, ev.today)
    reasons = [*verdict_reasons(config, results, overall, safety, unmapped), *review_reason(review)]
    notes = list(ev.notes)
    if ev.baseline is None and any(it.ratchet for it in config.interactions):
        notes.append(f"ratchet not applied: {NO_BASELINE}")
    return Report(
        schema=SCHEMA,
        passed=not reasons,
        overall_confidence=float(overall),
        min_confidence=config.min_confidence,
        interactions=results,
        safety=safety,
        unmapped=unmapped,
        inputs=dict(ev.inputs or {"coverage": [], "junit": []}),
        provenance=ev.provenance or Provenance(config_sha256=config.sha256),
        id=config.id,
        title=config.title,
        maintainer=config.maintainer,
        reasons=reasons,
        unmapped_policy=config.unmapped.policy.value,
        overlaps=overlaps(claims),
        notes=notes,
        **report_assessment(config, results, review),
        patch=None
        if ev.diff is None
        else summarize(ev.diff, ev.coverage, (p for f in claims.values() for p in f), unmapped),
        baseline=None
        if ev.baseline is None
        else baseline_info(ev.baseline, ev.baseline_source, results),
    )


def claimed_files(it: Interaction, known: Sequence[str]) -> list[str]:
    """The paths of `known` (sorted) the interaction's modules claim."""
    return paths_matcher(tuple(it.modules)).pick(known)


def evaluate_interaction(
    it: Interaction, files: list[str], ev: Evaluation, waiver: Waiver | None, index: CaseIndex
) -> InteractionResult:
    evidence = tests_matcher(tuple(it.evidence)).pick(index)
    # coverage_scope: all -> the merged reports; evidence -> what its own tests ran.
    scoped = interaction_coverage(it, files, ev.coverage, ev.contexts, evidence)
    details = [file_summary(f) for f in scoped.files]
    n = totals(details, has_branches=any(f.branches is not None for f in scoped.files))
    judged = judge_tests(it, evidence, ev.repo_files)
    counts = judged.counts
    confidence = float(exact_confidence(n, counts))
    found = interaction_gaps(it, files, details, n, ev)
    contract = contract_check(it, index, ev.repo_files)
    gaps = [*found.lines, *judged.gaps, *scoped.gaps, *contract.gaps]
    notes = [*scoped.notes, *judged.notes]
    unknown = not files or not it.evidence or judged.none_ran
    status = decide_status(unknown=unknown, gaps=gaps, confidence=confidence, near=ev.config.near)
    passed = map(is_, outcomes(evidence), repeat(Outcome.PASSED))
    listed, left_out = listed_tests(evidence, ev.passing_listed, passed)
    result = InteractionResult(
        id=it.id,
        name=it.name,
        direction=it.direction.value,
        peer=it.peer,
        critical=it.critical,
        required=it.required,
        status=status,
        confidence=confidence,
        coverage_percent=percent(n.covered + n.covered_branches, n.statements + n.branches),
        line_percent=percent(n.covered, n.statements),
        branch_percent=percent(n.covered_branches, n.branches) if n.has_branches else None,
        statements=n.statements,
        covered_statements=n.covered,
        branches=n.branches,
        covered_branches=n.covered_branches,
        threshold={"line": it.threshold.line, "branch": it.threshold.branch},
        files=files,
        tests=counts,
        pass_rate=float(pass_fraction(counts)),
        gaps=[] if status is Status.READY else [*gaps, *notes],
        modules=list(it.modules),
        evidence=list(it.evidence),
        contract=it.contract.summary,
        details=dict(it.details),
        weight=it.weight,
        coverage_scope=it.coverage_scope.value,
        skipped=it.skipped.value,
        to_pass=found.to_pass,
        file_details=details,
        evidence_tests=[EvidenceTest(c.nodeid, c.outcome.value, c.message) for c in listed],
        evidence_tests_truncated=left_out,
        waiver=waiver_info(waiver, ev.today),
        notes=notes,
        shortfall=side_shortfalls(it, n, measured=bool(details)),
        reproduce=reproduce_command(it, evidence.nodeids, files),
        **interaction_assessment(it, contract, ev.today),
    )
    only = found.shortfall_only and not (unknown or judged.gaps or scoped.gaps or contract.gaps)
    return against_base(it, result, scoped, ev, shortfall_only=only)


def against_base(
    it: Interaction,
    result: InteractionResult,
    scoped: ScopedCoverage,
    ev: Evaluation,
    *,
    shortfall_only: bool,
) -> InteractionResult:
    """The interaction with what the change did to it (patch coverage, delta,
    ratchet) and, from all of that, why it fails the gate."""
    if ev.diff is not None:
        patch = interaction_patch(result.files, scoped.files, ev.diff, it.patch_threshold)
        result = replace(
            result,
            patch=patch,
            gaps=[*patch_gaps(patch), *result.gaps],
            to_pass=[*result.to_pass, *patch_to_pass(patch)],
        )
    if ev.baseline is not None:
        result = replace(result, delta=delta(result, ev.baseline.interaction(it.id)))
    ratchet = judge_ratchet(it, result, ev.baseline, thresholds_only=shortfall_only)
    result = replace(result, ratchet=ratchet)
    return replace(result, reasons=interaction_reasons(result))


def decide_status(*, unknown: bool, gaps: Sequence[str], confidence: float, near: float) -> Status:
    """The status, in docs/numbers.md's order: UNKNOWN when there is nothing to
    judge by, READY without gaps, NEAR at or above `near`, else ATTENTION."""
    if unknown:
        return Status.UNKNOWN
    if not gaps:
        return Status.READY
    return Status.NEAR if confidence >= near else Status.ATTENTION


def exact_confidence(n: Counts, counts: TestCounts) -> Fraction:
    """coverage percent x pass rate, exactly: the overall is a weighted mean of
    these, compared with its target without rounding."""
    whole = n.statements + n.branches
    if not whole:
        return Fraction(0)
    return Fraction(100 * (n.covered + n.covered_branches), whole) * pass_fraction(counts)


def side_shortfalls(it: Interaction, n: Counts, *, measured: bool) -> dict[str, int | None]:
    """Per side, how many more covered items meet its threshold (0: met); None
    when the side has no threshold or nothing on that side was measured."""
    line_t, branch_t = it.threshold.line, it.threshold.branch
    line = None
    if line_t is not None and measured and n.statements:
        line = shortfall(n.covered, n.statements, line_t)
    branch = None
    if branch_t is not None and measured and n.has_branches and n.branches:
        branch = shortfall(n.covered_branches, n.branches, branch_t)
    return {"line": line, "branch": branch}


def percent(part: int, whole: int) -> float | None:
    return part * 100 / whole if whole else None


class Counts(Record, frozen=True):
    """Statement and branch counts over an interaction's measured files."""

    statements: int
    covered: int
    branches: int
    covered_branches: int
    has_branches: bool  # False: no file carries branch data (not "0 branches")


def measure(files: Sequence[FileCoverage]) -> Counts:
    return totals(
        [file_summary(f) for f in files], has_branches=any(f.branches is not None for f in files)
    )


def totals(details: Sequence[FileSummary], *, has_branches: bool) -> Counts:
    """The sums of per-file figures (a file without branch data counts 0 branches)."""
    return Counts(
        statements=sum(d.statements for d in details),
        covered=sum(d.covered_statements for d in details),
        branches=sum(d.branches for d in details),
        covered_branches=sum(d.covered_branches for d in details),
        has_branches=has_branches,
    )


class Gaps(Record, frozen=True):
    """What keeps an interaction's files and coverage from PRODUCTION READY."""

    lines: list[str]
    to_pass: list[str]  # what meets its unmet thresholds: "3 more statements"
    # True when its thresholds are all that fail here (what a ratchet may excuse).
    shortfall_only: bool


def interaction_gaps(
    it: Interaction,
    files: list[str],
    measured: list[FileSummary],
    n: Counts,
    ev: Evaluation,
) -> Gaps:
    """Every reason the interaction's files and coverage keep it from PRODUCTION
    READY (its tests' are `judge_tests`'), and what it takes to pass its thresholds."""
    gaps: list[str] = []
    to_pass: list[str] = []
    if not it.evidence:
        gaps.append("no evidence tests declared")
    for pattern in it.modules:
        claims = paths_matcher((pattern,))
        if not any(claims(p) for p in files):
            gaps.append(f"module {pattern!r} matches no source file")
    for path in files:
        if path not in ev.coverage:
            gaps.append(f"{path}: not in the coverage reports (never imported by the tests?)")

    statements, covered = n.statements, n.covered
    branches, covered_branches = n.branches, n.covered_branches
    line_t, branch_t = it.threshold.line, it.threshold.branch
    unmeasured = len(gaps)  # the gaps so far, and those counted below, are no shortfall
    if measured and line_t is not None:
        if statements == 0:
            gaps.append("no statements measured in its files")
            unmeasured += 1
        elif (need := shortfall(covered, statements, line_t)) > 0:
            gaps.append(
                f"line coverage {covered}/{statements} "
                f"({percent_below(covered * 100 / statements, line_t)}) is below {line_t:g}%"
            )
            to_pass.append(f"{need} more {plural('statement', need)}")
    if measured and branch_t is not None:
        if not n.has_branches:
            gaps.append("no branch data in the coverage reports (measure with --cov-branch)")
            unmeasured += 1
        elif branches and (need := shortfall(covered_branches, branches, branch_t)) > 0:
            gaps.append(
                f"branch coverage {covered_branches}/{branches} "
                f"({percent_below(covered_branches * 100 / branches, branch_t)}) "
                f"is below {branch_t:g}%"
            )
            to_pass.append(f"{need} more {plural('branch', need)}")
    if to_pass:
        gaps.extend(missing_detail((f.path, f.missing_lines, f.missing_branches) for f in measured))
    return Gaps(lines=gaps, to_pass=to_pass, shortfall_only=bool(to_pass) and not unmeasured)


def file_summary(f: FileCoverage) -> FileSummary:
    return FileSummary(
        path=f.path,
        statements=len(f.statements),
        covered_statements=len(f.executed & f.statements),
        branches=f.branch_total,
        covered_branches=f.branch_covered,
        missing_lines=f.missing,
        missing_branches=missing_branch_labels(f.branches),
    )


def overall_confidence(results: Sequence[InteractionResult]) -> Fraction:
    """Weighted mean of the interactions' confidence, exactly; UNKNOWN counts as 0.

    Weights are taken as written (`0.1` is 1/10, not the nearest binary float),
    so no sum of weights can overflow or round the mean across its target.
    """
    weights = [exact(r.weight) for r in results]
    total_weight = sum(weights, Fraction(0))
    if total_weight == 0:
        return Fraction(0)
    weighted = sum(
        (
            w * exact_confidence(_counts_of(r), r.tests)
            for w, r in zip(weights, results, strict=True)
            if r.status is not Status.UNKNOWN
        ),
        Fraction(0),
    )
    return weighted / total_weight


def _counts_of(r: InteractionResult) -> Counts:
    return Counts(r.statements, r.covered_statements, r.branches, r.covered_branches, True)


def unmapped_files(
    patterns: Sequence[str], known: Iterable[str], claims: Iterable[list[str]]
) -> list[str]:
    claimed = {p for files in claims for p in files}
    matches = paths_matcher((), tuple(patterns))
    return [p for p in known if p not in claimed and matches(p)]


def overlaps(claims: Mapping[str, list[str]]) -> list[Overlap]:
    owners: dict[str, list[str]] = {}
    for interaction_id, files in claims.items():
        for path in files:
            owners.setdefault(path, []).append(interaction_id)
    return [Overlap(p, ids) for p, ids in sorted(owners.items()) if len(ids) > 1]


def waiver_info(waiver: Waiver | None, today: dt.date) -> WaiverInfo | None:
    if waiver is None:
        return None
    return WaiverInfo(
        reason=waiver.reason,
        until=waiver.until.isoformat(),
        owner=waiver.owner,
        expired=today > waiver.until,
    )
