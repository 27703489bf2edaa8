"""The config rules that span several keys, and the resolution of a validated
spec into the `Config` the gate reads: defaults applied, thresholds merged,
critical interactions made required.

Structural checks (types, ranges, unknown keys) are msgspec's, against
`gate.config.schema`; what is here needs more than one key to decide, or bounds
what a pattern may cost (its length, the number of patterns, RE2 syntax).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from msgspec import UnsetType

from gate.config.problems import Problem, config_error
from gate.config.schema import (
    CommandCheck,
    Config,
    ConfigSpec,
    ContractSpec,
    CoverageCheck,
    FileExistsCheck,
    ForbidPatternCheck,
    Interaction,
    InteractionSpec,
    JunitCheck,
    RequirePatternCheck,
    Safety,
    Threshold,
)
from gate.config.user_regex import UserRegexError, compile_user_regex

# Patterns come with the config, which a pull request may change: bounded like any
# other input, so that no pattern list can make matching take unbounded time.
MAX_PATTERN_CHARS = 1_000
MAX_PATTERNS = 1_000  # in one list
MAX_PATTERNS_TOTAL = 10_000  # in the whole config


def resolve(spec: ConfigSpec, where: str, sha: str, prefix: str) -> Config:
    """The resolved config; raises one ConfigError listing every rule broken."""
    found: list[Problem] = []
    _check_patterns(spec, found)
    interactions = _interactions(spec, found)
    checks = _check_safety(spec.safety, found)
    ids = {it.id for it in interactions}
    for index, waiver in enumerate(spec.waivers):
        if waiver.target not in ids and waiver.target not in checks:
            found.append(
                Problem(
                    f"waivers[{index}].target",
                    f"{waiver.target!r} is neither an interaction id nor a safety check id",
                )
            )
    if found:
        raise config_error(where, found, prefix)
    return Config(
        path=where,
        sha256=sha,
        id=spec.id,
        title=spec.title,
        maintainer=spec.maintainer,
        near=spec.defaults.near,
        min_confidence=spec.overall.min_confidence,
        reports=spec.reports,
        unmapped=spec.unmapped,
        interactions=interactions,
        safety=spec.safety,
        waivers=tuple(spec.waivers),
        paths={canon: tuple(seen_as) for canon, seen_as in spec.paths.items()},
        summary=spec.summary,
        next_steps=tuple(spec.next_steps),
        review=spec.review,
    )


def _interactions(spec: ConfigSpec, found: list[Problem]) -> tuple[Interaction, ...]:
    """Each interaction with the defaults applied; ids must be unique."""
    default_threshold = Threshold().overridden(spec.defaults.threshold)
    default_patch = Threshold().overridden(spec.defaults.patch_threshold)
    seen: dict[str, int] = {}
    out: list[Interaction] = []
    for index, it in enumerate(spec.interactions):
        if it.id in seen:
            message = f"duplicate id {it.id!r} (first at [{seen[it.id]}])"
            found.append(Problem(f"interactions[{index}].id", message))
            continue
        seen[it.id] = index
        contract = _contract(it.contract, f"interactions[{index}].contract", found)
        out.append(_interaction(it, spec, default_threshold, default_patch, contract))
    return tuple(out)


def _contract(raw: str | ContractSpec | None, where: str, found: list[Problem]) -> ContractSpec:
    """The contract as one value (a string is its summary); its documents must
    be relative paths that stay inside the repository."""
    if raw is None or isinstance(raw, str):
        return ContractSpec(summary=raw)
    for index, doc in enumerate(raw.docs):
        if problem := _outside_root(doc):
            found.append(Problem(f"{where}.docs[{index}]", f"{doc!r} {problem}"))
    return raw


def _outside_root(path: str) -> str | None:
    """Why a path from the config could leave the repository, or None."""
    normal = path.replace("\\", "/")
    if normal.startswith("/") or (normal[1:2] == ":" and normal[:1].isalpha()):
        return "is absolute; name a file inside the repository, relative to its root"
    if ".." in normal.split("/"):
        return "climbs out with '..'; name a file inside the repository"
    if any(c in normal for c in "*?["):
        return "is a glob; name each contract document"
    return None


def _interaction(
    it: InteractionSpec,
    spec: ConfigSpec,
    threshold: Threshold,
    patch: Threshold,
    contract: ContractSpec,
) -> Interaction:
    scope = it.coverage_scope
    return Interaction(
        id=it.id,
        name=it.name,
        direction=it.direction,
        peer=it.peer,
        critical=it.critical,
        required=it.required or it.critical,
        modules=tuple(it.modules),
        evidence=tuple(it.evidence),
        threshold=threshold.overridden(it.threshold),
        contract=contract,
        details=dict(it.details),
        weight=it.weight,
        coverage_scope=spec.defaults.coverage_scope if isinstance(scope, UnsetType) else scope,
        owner=it.owner,
        clients=tuple(it.clients),
        risks=tuple(it.risks),
        actions=tuple(it.actions),
        skipped=spec.defaults.skipped if isinstance(it.skipped, UnsetType) else it.skipped,
        patch_threshold=patch.overridden(it.patch_threshold),
        ratchet=spec.defaults.ratchet if isinstance(it.ratchet, UnsetType) else it.ratchet,
    )


def _check_safety(safety: Safety, found: list[Problem]) -> set[str]:
    """Check the checks' cross-key rules; return their ids."""
    ids: set[str] = set()
    for index, check in enumerate(safety.checks):
        where = f"safety.checks[{index}]"
        if check.id in ids:
            found.append(Problem(f"{where}.id", f"duplicate id {check.id!r}"))
        ids.add(check.id)
        if isinstance(check, CommandCheck) and check.shell and not isinstance(check.run, str):
            found.append(Problem(f"{where}.run", "with `shell: true`, `run` must be one string"))
        if isinstance(check, CoverageCheck) and check.line is None and check.branch is None:
            found.append(Problem(where, "a coverage check needs `line` and/or `branch`"))
        if isinstance(check, RequirePatternCheck | ForbidPatternCheck):
            try:
                compile_user_regex(check.pattern)
            except UserRegexError as exc:
                found.append(Problem(f"{where}.pattern", f"invalid regex: {exc}"))
    if isinstance(safety.required, int) and safety.required > len(safety.checks):
        found.append(
            Problem(
                "safety.required",
                f"asks for {safety.required} passing checks "
                f"but only {len(safety.checks)} are declared",
            )
        )
    return ids


def _check_patterns(spec: ConfigSpec, found: list[Problem]) -> None:
    """Every pattern list and pattern within the bounds above."""
    total = 0
    for key, patterns in _pattern_lists(spec):
        if len(patterns) > MAX_PATTERNS:
            found.append(
                Problem(key, f"{len(patterns):,} patterns; at most {MAX_PATTERNS:,} are allowed")
            )
        total += len(patterns)
        if total > MAX_PATTERNS_TOTAL:
            message = f"{total:,} patterns so far; a config holds {MAX_PATTERNS_TOTAL:,} at most"
            found.append(Problem(key, message))
            return
        for index, pattern in enumerate(patterns):
            _check_length(f"{key}[{index}]", pattern, found)
    for index, check in enumerate(spec.safety.checks):
        if isinstance(check, RequirePatternCheck | ForbidPatternCheck):
            _check_length(f"safety.checks[{index}].pattern", check.pattern, found)


def _check_length(key: str, pattern: str, found: list[Problem]) -> None:
    if len(pattern) > MAX_PATTERN_CHARS:
        message = f"{len(pattern):,} characters long; at most {MAX_PATTERN_CHARS:,} are allowed"
        found.append(Problem(key, message))


def _pattern_lists(spec: ConfigSpec) -> Iterator[tuple[str, Sequence[str]]]:
    """(key path, patterns) for every key that holds globs or module patterns."""
    for index, it in enumerate(spec.interactions):
        yield f"interactions[{index}].modules", it.modules
        yield f"interactions[{index}].evidence", it.evidence
    yield "unmapped.paths", spec.unmapped.paths
    for index, check in enumerate(spec.safety.checks):
        where = f"safety.checks[{index}]"
        match check:
            case RequirePatternCheck() | ForbidPatternCheck():
                yield f"{where}.files", check.files
            case FileExistsCheck():
                yield f"{where}.paths", check.paths
            case JunitCheck():
                yield f"{where}.tests", check.tests
            case CoverageCheck():
                yield f"{where}.modules", check.modules
