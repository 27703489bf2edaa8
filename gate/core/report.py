"""The verdict as data: what every renderer reads and what `--format json` writes.

The field names are the contract of docs/report-json.md (schema
`signal-gate/report@1`, shipped as gate/schemas/report-1.schema.json); fields may
be added, never renamed or removed. The report round-trips through JSON, so
`publish` renders from the same values `check` produced.

What `check` writes is bounded (`capped`): per interaction every evidence test that
did not pass and the first passing ones up to a cap, with the number left out; the
in-memory report, which the evidence package is built from, keeps them all. It is
written in pieces (`json_pieces`), one interaction at a time, so a large report is
never held twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from enum import Enum
from itertools import chain, compress, count, islice
from operator import not_
from typing import Any, Literal, Protocol, TypeVar

import msgspec

from gate.records import Ident, Record, field, replace

SCHEMA = "signal-gate/report@1"


class Status(Enum):
    READY = "PRODUCTION READY"
    NEAR = "NEAR PRODUCTION READY"
    ATTENTION = "REQUIRES ATTENTION"
    UNKNOWN = "UNKNOWN"


class TestCounts(Record, frozen=True):
    __test__ = False

    total: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0


class EvidenceTest(Record, frozen=True, gc=False):
    # gc=False: strings only, so never part of a cycle; 200,000 of them would otherwise
    # make every collection of the oldest generation walk them all.
    id: str
    outcome: str  # passed | failed | error | skipped
    message: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"


class FileSummary(Record, frozen=True):
    path: str
    statements: int
    covered_statements: int
    branches: int
    covered_branches: int
    missing_lines: list[int] = field(default_factory=list)
    missing_branches: list[str] = field(default_factory=list)  # "88->91", "90->exit"


class PatchFile(Record, frozen=True):
    """One file's lines changed by the diff, against its coverage."""

    path: str
    changed_lines: int  # added or modified lines of the file
    statements: int = 0  # of those, the ones the coverage report measures
    covered_statements: int = 0
    branches: int = 0  # branches leaving the changed lines
    covered_branches: int = 0
    missing_lines: list[int] = field(default_factory=list)
    missing_branches: list[str] = field(default_factory=list)
    measured: bool = True  # False: the coverage reports do not contain the file


class PatchCoverage(Record, frozen=True):
    """An interaction's changed lines: zeros with `files: []` when the diff does
    not touch it."""

    statements: int = 0
    covered_statements: int = 0
    branches: int = 0
    covered_branches: int = 0
    line_percent: float | None = None
    branch_percent: float | None = None
    files: list[PatchFile] = field(default_factory=list)
    missing: dict[str, list[int]] = field(default_factory=dict)  # path -> uncovered changed lines
    missing_branches: dict[str, list[str]] = field(default_factory=dict)
    threshold: dict[str, float | None] = field(default_factory=dict)  # the patch threshold
    # Per side: more covered items meet the patch threshold (0: met); None when the
    # side has no patch threshold or the change has nothing on that side.
    shortfall: dict[str, int | None] = field(default_factory=dict)

    @property
    def touched(self) -> bool:
        return bool(self.files)


class PatchSummary(Record, frozen=True):
    """The whole change: the claimed files it touches, each counted once."""

    source: str  # "git diff 1a2b3c4...HEAD", or the diff file read
    base_sha: str | None
    changed_files: int  # every file the diff adds or modifies lines in
    statements: int
    covered_statements: int
    branches: int
    covered_branches: int
    line_percent: float | None
    branch_percent: float | None
    files: list[PatchFile]
    # Changed files that unmapped.paths says belong to an interaction, and none claims.
    unclaimed: list[PatchFile] = field(default_factory=list)


class Delta(Record, frozen=True):
    """An interaction against the baseline report: head minus base, in percentage
    points (None when either side has no figure)."""

    added: bool = False  # not in the baseline: every figure below is None or 0
    status: Status | None = None  # the base's status
    line_percent: float | None = None
    branch_percent: float | None = None
    confidence: float | None = None
    base_line_percent: float | None = None
    base_branch_percent: float | None = None
    base_confidence: float | None = None
    base_statements: int = 0
    base_covered_statements: int = 0
    base_branches: int = 0
    base_covered_branches: int = 0


class RatchetState(Enum):
    HELD = "held"  # below its threshold, no worse than the base: does not fail the gate
    BROKEN = "broken"  # below its threshold and worse than the base, or its changed lines are
    NOT_NEEDED = "not needed"  # its thresholds are met
    NOT_APPLIED = "not applied"  # cannot be judged: the reason says why


class Ratchet(Record, frozen=True):
    """The ratchet of an interaction configured with `ratchet: true`."""

    state: RatchetState
    reason: str = ""  # why it is broken or not applied


class Baseline(Record, frozen=True):
    """The baseline report the deltas compare with."""

    path: str
    head_sha: str | None
    generated: dt.datetime | None
    removed: list[str] = field(default_factory=list)  # interaction ids gone since the base


class WaiverInfo(Record, frozen=True):
    reason: str
    until: str  # ISO date
    owner: str | None = None
    expired: bool = False


class ActionInfo(Record, frozen=True):
    """A follow-up from the config; `overdue` once its due date has passed."""

    text: str
    owner: str | None = None
    due: str | None = None  # ISO date
    overdue: bool = False


class ReviewInfo(Record, frozen=True):
    """The assessment's review cycle: due `cycle_days` after `last_reviewed`."""

    cycle_days: int
    last_reviewed: str  # ISO date
    due: str  # ISO date
    overdue: bool
    enforced: bool  # an overdue review fails the gate (`overdue: fail`)


class InteractionResult(Record, frozen=True):
    id: Ident  # the config's rule, checked again when `publish` reads a report back
    name: str
    direction: str
    peer: str | None
    critical: bool
    required: bool
    status: Status
    confidence: float
    coverage_percent: float | None
    line_percent: float | None
    branch_percent: float | None
    statements: int
    covered_statements: int
    branches: int
    covered_branches: int
    threshold: dict[str, float | None]
    files: list[str]
    tests: TestCounts
    pass_rate: float
    gaps: list[str]
    # Additions to the @1 contract, for explain, the document and publishing.
    modules: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    contract: str | None = None
    details: dict[str, str] = field(default_factory=dict)
    weight: float = 1.0
    coverage_scope: str = "all"
    skipped: str = "allow"  # the `skipped` policy its evidence was judged by: allow | block
    to_pass: list[str] = field(default_factory=list)  # "3 more statements", ...
    file_details: list[FileSummary] = field(default_factory=list)
    evidence_tests: list[EvidenceTest] = field(default_factory=list)
    # How many passing evidence tests `evidence_tests` leaves out (`capped`); 0 when
    # it lists them all. `tests` always counts them all.
    evidence_tests_truncated: int = 0
    waiver: WaiverInfo | None = None
    notes: list[str] = field(default_factory=list)  # shown, never gating (incidental coverage)
    # Per side ("line", "branch"): how many more covered items meet its threshold
    # (0: met); None when the side has no threshold or nothing was measured.
    shortfall: dict[str, int | None] = field(default_factory=dict)
    reproduce: str | None = None  # the shell commands that reproduce the figures
    # The assessment, word for word from the config (contract = its summary).
    owner: str | None = None
    clients: list[str] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)
    actions: list[ActionInfo] = field(default_factory=list)
    contract_docs: list[str] = field(default_factory=list)
    contract_tests: list[str] = field(default_factory=list)  # the patterns
    contract_results: list[EvidenceTest] = field(default_factory=list)  # what they matched
    # The change against the base (docs/patch-coverage.md): None without a diff,
    # without a baseline, without `ratchet: true`.
    patch: PatchCoverage | None = None
    delta: Delta | None = None
    ratchet: Ratchet | None = None
    reasons: list[str] = field(default_factory=list)  # why it fails the gate; [] when it does not

    @property
    def ready(self) -> bool:
        return self.status is Status.READY

    @property
    def shown_confidence(self) -> float | None:
        """The confidence to show: None ("n/a") for an UNKNOWN interaction, whose
        figure is not a measurement (it counts as 0 in the overall)."""
        return None if self.status is Status.UNKNOWN else self.confidence

    @property
    def waived(self) -> bool:
        """A waiver that still holds: the interaction does not fail the gate."""
        return self.waiver is not None and not self.waiver.expired


class SafetyCheckResult(Record, frozen=True):
    id: str  # a check's Ident, or `<check id>/<entry id>` for what a `results` check imported
    name: str
    kind: str
    passed: bool
    detail: str
    waiver: WaiverInfo | None = None

    @property
    def waived(self) -> bool:
        return self.waiver is not None and not self.waiver.expired


class SafetyResult(Record, frozen=True):
    passed: int = 0
    total: int = 0
    required: int = 0
    checks: list[SafetyCheckResult] = field(default_factory=list)


class Overlap(Record, frozen=True):
    path: str
    interactions: list[str]


class ProvenanceFile(Record, frozen=True):
    path: str
    sha256: str
    format: str
    writer: str | None = None  # the tool and version that wrote it, when the file says


class Provenance(Record, frozen=True):
    config_sha256: str
    head_sha: str | None = None
    files: list[ProvenanceFile] = field(default_factory=list)
    pull_request: int | None = None  # the PR the run checked, when it ran for one
    # The folder of the repository that the report's paths are relative to ("" for the
    # top), so annotations can name repository-relative paths (a monorepo's service).
    root: str = ""
    generated: dt.datetime | None = None  # when the report was made (ISO 8601 in the JSON)


class Report(Record, frozen=True):
    schema: str
    passed: bool
    overall_confidence: float
    min_confidence: float
    interactions: list[InteractionResult]
    safety: SafetyResult
    unmapped: list[str]
    inputs: dict[str, list[str]]
    provenance: Provenance
    # Additions to the @1 contract.
    id: Ident = "default"  # names the PR comment marker and the status context
    title: str = "signal-gate"
    maintainer: str | None = None
    reasons: list[str] = field(default_factory=list)  # why the gate failed, one line each
    unmapped_policy: str = "warn"
    overlaps: list[Overlap] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: str | None = None
    next_steps: list[str] = field(default_factory=list)
    review: ReviewInfo | None = None
    warnings: list[str] = field(default_factory=list)  # overdue review and actions; never gating
    patch: PatchSummary | None = None  # None: no diff given
    baseline: Baseline | None = None  # None: no baseline given

    def interaction(self, interaction_id: str) -> InteractionResult | None:
        return next((i for i in self.interactions if i.id == interaction_id), None)

    @property
    def ready_count(self) -> int:
        return sum(1 for r in self.interactions if r.ready)

    @property
    def critical(self) -> list[InteractionResult]:
        return [r for r in self.interactions if r.critical]


class ReportError(Record, frozen=True):
    """Why the gate could not be evaluated: the message, and the file it names."""

    message: str
    file: str | None = None


class ErrorReport(Record, frozen=True):
    """What `check --json-out` writes on exit 2, so `publish` can say why there is no
    verdict instead of leaving the last one (or a pending required check) in place."""

    schema: str
    error: ReportError
    provenance: Provenance
    verdict: Literal["error"] = "error"
    passed: bool = False
    id: Ident = "default"  # the config's id when it could be read
    title: str = "signal-gate"


def to_json(report: Report | ErrorReport) -> bytes:
    """The report as formatted JSON bytes (stable key order, trailing newline)."""
    return msgspec.json.format(msgspec.json.encode(report), indent=2) + b"\n"


def json_pieces(report: Report | ErrorReport) -> Iterator[bytes]:
    """The bytes of `to_json(report)`, in pieces: the top level around the interactions,
    then one interaction at a time. Joined they are `to_json`'s bytes exactly; written
    one after another, no more than one interaction's JSON is held at once."""
    if isinstance(report, ErrorReport) or not report.interactions:
        yield to_json(report)
        return
    # Top-level keys are the only lines indented by exactly two spaces, and a JSON string
    # never holds a raw newline, so the empty list's line is found where it was encoded.
    empty = b'\n  "interactions": [],\n'
    head, found, tail = to_json(replace(report, interactions=[])).partition(empty)
    if not found:
        raise AssertionError("the report's frame has no interactions line")
    yield head + b'\n  "interactions": [\n'
    last = len(report.interactions) - 1
    for n, interaction in enumerate(report.interactions):
        text = msgspec.json.format(msgspec.json.encode(interaction), indent=2)
        yield b"    " + text.replace(b"\n", b"\n    ") + (b",\n" if n < last else b"\n")
    yield b"  ],\n" + tail


def capped(report: Report, passing: int | None) -> Report:
    """The report as `check` writes it: in each interaction's `evidence_tests` every
    test that did not pass, and the first `passing` that passed, in their order, with
    `evidence_tests_truncated` counting the passing ones left out. None keeps them all.

    The counts (`tests`) and the gaps are untouched: a reader of a capped report knows
    from `evidence_tests_truncated` that the list is not the whole."""
    if passing is None:
        return report
    return replace(report, interactions=[_capped(r, passing) for r in report.interactions])


def _capped(r: InteractionResult, passing: int) -> InteractionResult:
    kept, left_out = listed_tests(r.evidence_tests, passing)
    if not left_out:
        return r
    return replace(
        r, evidence_tests=kept, evidence_tests_truncated=r.evidence_tests_truncated + left_out
    )


class _Judged(Protocol):
    @property
    def passed(self) -> bool: ...


T = TypeVar("T", bound=_Judged)  # a TestCase as read, or an EvidenceTest as reported


def listed_tests(
    tests: Sequence[T], passing: int | None, passed: Iterable[bool] | None = None
) -> tuple[list[T], int]:
    """The tests a report lists, in their order: every one that did not pass and the
    first `passing` that passed (every one when None); and how many were left out.
    `passed` says which passed when that is known without reading each test."""
    if passing is None:
        return list(tests), 0
    flags = list(passed if passed is not None else (t.passed for t in tests))
    first = list(islice(compress(count(), flags), passing))
    listed = sorted(chain(compress(count(), map(not_, flags)), first))  # two sorted runs
    return [tests[at] for at in listed], sum(flags) - len(first)


def to_data(report: Report) -> Any:
    return msgspec.to_builtins(report)


def from_json(data: bytes | str) -> Report:
    """Read a report back; raises msgspec.ValidationError on a malformed one."""
    return msgspec.json.decode(data, type=Report)
