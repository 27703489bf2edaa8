"""The gate config's schema: the types a config file is validated into.

msgspec structs (`*Spec`, the checks) describe the file as written; `Config` and
`Interaction` are the resolved values the rest of the gate reads (defaults
applied, thresholds merged). docs/config.md describes every key; the JSON
Schema that `signal-gate schema config` prints is generated from these types.
"""

# No `from __future__ import annotations` here: msgspec would have to evaluate
# every annotation string of the schema at the first convert (5 ms of start-up).
import datetime as dt
from collections.abc import Mapping
from enum import Enum
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, field

from gate.errors import ConfigError
from gate.records import Ident, Record

Percent = Annotated[float, Meta(ge=0, le=100)]
# Every number is bounded, so none can be infinite or NaN (`.inf`, `.nan` are refused).
Weight = Annotated[float, Meta(ge=0, le=1000)]
Seconds = Annotated[float, Meta(gt=0, le=3600)]
NonEmpty = Annotated[str, Meta(min_length=1)]
NonEmptyList = Annotated[list[NonEmpty], Meta(min_length=1)]
Globs = Annotated[
    list[NonEmpty],
    Meta(description="Module or file patterns: dotted (`shop.payments`) or globs (`shop/*.py`)."),
]
TestPatterns = Annotated[
    list[NonEmpty],
    Meta(description="Test files, node ids (`tests/x.py::TestY`) or globs of them."),
]


PATCH_THRESHOLD = "The bar for the lines a change adds or modifies (check --diff-base / --diff)."
RATCHET = "Below its threshold, pass while no figure drops against the baseline report."


class Direction(Enum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"
    BIDIRECTIONAL = "bidirectional"
    UNKNOWN = "unknown"  # an undocumented interaction: found, not yet understood


class Scope(Enum):
    ALL = "all"
    EVIDENCE = "evidence"


class SkipPolicy(Enum):
    """What a skipped evidence test means (docs/config.md#skipped)."""

    ALLOW = "allow"  # left out, listed as a note; at least one evidence test must run
    BLOCK = "block"  # a gap, like a failure


class UnmappedPolicy(Enum):
    FAIL = "fail"
    WARN = "warn"
    IGNORE = "ignore"


class _Strict(Struct, forbid_unknown_fields=True, frozen=True):
    pass


class ThresholdSpec(_Strict, frozen=True):
    """A threshold in percent; null turns that side off, a side left out inherits."""

    line: Percent | UnsetType | None = UNSET
    branch: Percent | UnsetType | None = UNSET


class Threshold(Record, frozen=True):
    """Resolved thresholds in percent; None disables that side."""

    line: float | None = 95.0
    branch: float | None = 95.0

    def overridden(self, spec: ThresholdSpec | UnsetType) -> "Threshold":
        if isinstance(spec, UnsetType):
            return self
        return Threshold(
            line=self.line if isinstance(spec.line, UnsetType) else spec.line,
            branch=self.branch if isinstance(spec.branch, UnsetType) else spec.branch,
        )


class Defaults(_Strict, frozen=True):
    """What every interaction inherits unless it says otherwise."""

    threshold: ThresholdSpec | UnsetType = UNSET
    near: Annotated[
        Percent, Meta(description="Below the threshold but at least this: NEAR, not ATTENTION.")
    ] = 90.0
    coverage_scope: Scope = Scope.ALL
    skipped: SkipPolicy = SkipPolicy.ALLOW
    patch_threshold: Annotated[ThresholdSpec | UnsetType, Meta(description=PATCH_THRESHOLD)] = UNSET
    ratchet: Annotated[bool, Meta(description=RATCHET)] = False


class Overall(_Strict, frozen=True):
    """The whole gate's bar."""

    min_confidence: Annotated[
        Percent, Meta(description="The weighted share of ready interactions the gate needs.")
    ] = 95.0


class Reports(_Strict, frozen=True):
    """The report files CI writes (paths or globs); --coverage/--junit replace them."""

    coverage: list[NonEmpty] = field(default_factory=lambda: ["coverage.xml"])
    junit: list[NonEmpty] = field(default_factory=lambda: ["junit.xml"])


class Unmapped(_Strict, frozen=True):
    """Source files that must each belong to an interaction."""

    paths: list[NonEmpty] = field(default_factory=list)
    policy: UnmappedPolicy = UnmappedPolicy.WARN


class OverduePolicy(Enum):
    """What an overdue review does: a warning in the document, or also a verdict reason."""

    WARN = "warn"
    FAIL = "fail"


class ActionSpec(_Strict, frozen=True):
    """A follow-up on an interaction; one past its `due` date is a warning."""

    text: NonEmpty
    owner: str | None = None
    due: dt.date | None = None


class ContractSpec(_Strict, frozen=True):
    """The data contract: a summary, the documents that specify it (paths inside
    the repository) and the tests that check it (at least one must pass)."""

    summary: str | None = None
    docs: list[NonEmpty] = field(default_factory=list)
    tests: list[NonEmpty] = field(default_factory=list)


class ReviewSpec(_Strict, frozen=True):
    """The assessment's review cycle: due `cycle_days` after `last_reviewed`."""

    cycle_days: Annotated[int, Meta(ge=1, le=3660)]
    last_reviewed: dt.date
    overdue: OverduePolicy = OverduePolicy.WARN


class InteractionSpec(_Strict, frozen=True):
    """One service this one talks to (outbound) or serves (inbound)."""

    id: Ident
    name: NonEmpty
    direction: Direction
    modules: Globs
    peer: str | None = None
    critical: Annotated[bool, Meta(description="Critical interactions are always required.")] = (
        False
    )
    required: bool = True
    evidence: TestPatterns = field(default_factory=list)
    threshold: ThresholdSpec | UnsetType = UNSET
    contract: str | ContractSpec | None = None  # a string is the summary alone
    details: dict[str, str] = field(default_factory=dict)
    weight: Annotated[Weight, Meta(description="Its share in the overall confidence.")] = 1.0
    coverage_scope: Scope | UnsetType = UNSET
    owner: str | None = None
    clients: list[NonEmpty] = field(default_factory=list)
    risks: list[NonEmpty] = field(default_factory=list)
    actions: list[ActionSpec] = field(default_factory=list)
    skipped: SkipPolicy | UnsetType = UNSET
    patch_threshold: Annotated[ThresholdSpec | UnsetType, Meta(description=PATCH_THRESHOLD)] = UNSET
    ratchet: Annotated[bool | UnsetType, Meta(description=RATCHET)] = UNSET


# --- deployment safety checks: one struct per kind, tagged by `kind` -------------


class _Check(Struct, forbid_unknown_fields=True, frozen=True, tag_field="kind"):
    id: Ident
    name: NonEmpty


class CommandCheck(_Check, tag="command", frozen=True):
    """Passes when the command exits 0 within `timeout` seconds."""

    run: NonEmpty | NonEmptyList
    timeout: Seconds = 60.0
    cwd: str | None = None
    shell: bool = False  # a string `run` is split like a shell would, but never run by one
    env: Annotated[
        list[NonEmpty], Meta(description="Environment variables passed through to the command.")
    ] = field(default_factory=list)


class JunitCheck(_Check, tag="junit", frozen=True):
    """Passes when at least one matching test ran and every matching test passed."""

    tests: Annotated[TestPatterns, Meta(min_length=1)]


class CoverageCheck(_Check, tag="coverage", frozen=True):
    """Passes when the matched files reach `line` and/or `branch` percent."""

    modules: Annotated[Globs, Meta(min_length=1)]
    line: Percent | None = None
    branch: Percent | None = None


class FileExistsCheck(_Check, tag="file_exists", frozen=True):
    """Passes when every glob matches a file."""

    paths: NonEmptyList


class RequirePatternCheck(_Check, tag="require_pattern", frozen=True):
    """Passes when the regex matches in any (or all) of the files."""

    files: NonEmptyList
    pattern: NonEmpty
    in_: Literal["any", "all"] = field(name="in", default="any")


class ForbidPatternCheck(_Check, tag="forbid_pattern", frozen=True):
    """Passes when the regex matches in none of the files."""

    files: NonEmptyList
    pattern: NonEmpty


class ResultsCheck(_Check, tag="results", frozen=True):
    """Imports a JSON list of results; each entry counts as one check."""

    path: NonEmpty


SafetyCheck = (
    CommandCheck
    | JunitCheck
    | CoverageCheck
    | FileExistsCheck
    | RequirePatternCheck
    | ForbidPatternCheck
    | ResultsCheck
)


class Safety(_Strict, frozen=True):
    """Deployment safety checks, reported N/N."""

    required: Annotated[
        Literal["all"] | Annotated[int, Meta(ge=0)],
        Meta(description="How many checks must pass: `all` or a number."),
    ] = "all"
    checks: list[SafetyCheck] = field(default_factory=list)


class Waiver(_Strict, frozen=True):
    """Accepts a failing interaction or safety check until a date."""

    target: Annotated[NonEmpty, Meta(description="An interaction id or a safety check id.")]
    reason: NonEmpty
    until: dt.date
    owner: str | None = None


class ConfigSpec(_Strict, frozen=True):
    """A signal-gate config: the integrations of a service and what each must show."""

    version: Literal[1]
    interactions: list[InteractionSpec]
    id: Annotated[
        Ident, Meta(description="Names this gate's pull-request comment and commit status.")
    ] = "default"
    title: str = "signal-gate"
    maintainer: str | None = None
    defaults: Defaults = field(default_factory=Defaults)
    overall: Overall = field(default_factory=Overall)
    reports: Reports = field(default_factory=Reports)
    unmapped: Unmapped = field(default_factory=Unmapped)
    safety: Safety = field(default_factory=Safety)
    waivers: list[Waiver] = field(default_factory=list)
    # Like coverage.py's [paths]: canonical prefix -> prefixes seen in reports.
    paths: Annotated[
        dict[NonEmpty, list[NonEmpty]],
        Meta(description="Canonical path prefix -> the prefixes reports use for it."),
    ] = field(default_factory=dict)
    summary: Annotated[
        str | None, Meta(description="The assessment's opening words, rendered as written.")
    ] = None
    next_steps: list[NonEmpty] = field(default_factory=list)
    review: ReviewSpec | None = None


# --- the resolved config the rest of the gate uses ------------------------------


class Interaction(Record, frozen=True):
    id: str
    name: str
    direction: Direction
    peer: str | None
    critical: bool
    required: bool  # critical interactions are always required
    modules: tuple[str, ...]
    evidence: tuple[str, ...]
    threshold: Threshold
    contract: ContractSpec  # `contract: "text"` resolves to ContractSpec(summary="text")
    details: Mapping[str, str]
    weight: float
    coverage_scope: Scope
    skipped: SkipPolicy
    owner: str | None = None
    clients: tuple[str, ...] = ()
    risks: tuple[str, ...] = ()
    actions: tuple[ActionSpec, ...] = ()
    # Additions: the change against the base (docs/patch-coverage.md).
    patch_threshold: Threshold = Threshold()
    ratchet: bool = False


class Config(Record, frozen=True):
    path: str  # where it was read from, for messages
    sha256: str
    id: str
    title: str
    maintainer: str | None
    near: float
    min_confidence: float
    reports: Reports
    unmapped: Unmapped
    interactions: tuple[Interaction, ...]
    safety: Safety
    waivers: tuple[Waiver, ...]
    paths: Mapping[str, tuple[str, ...]]
    summary: str | None = None
    next_steps: tuple[str, ...] = ()
    review: ReviewSpec | None = None

    def interaction(self, interaction_id: str) -> Interaction:
        for it in self.interactions:
            if it.id == interaction_id:
                return it
        known = ", ".join(i.id for i in self.interactions)
        raise ConfigError(
            f"{self.path}: no interaction with id {interaction_id!r} (known: {known})"
        )
