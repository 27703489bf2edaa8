"""The config rules that span several keys, and the resolution of a validated
spec into the `Config` the gate reads: defaults applied, thresholds merged,
critical interactions made required.

Structural checks (types, ranges, unknown keys) are msgspec's, against
`gate.config.schema`; what is here needs more than one key to decide.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from msgspec import UnsetType

from gate.config.schema import (
    CommandCheck,
    Config,
    ConfigSpec,
    CoverageCheck,
    ForbidPatternCheck,
    Interaction,
    InteractionSpec,
    RequirePatternCheck,
    Safety,
    Threshold,
)
from gate.errors import ConfigError

Fail = Callable[[str, str], ConfigError]


def resolve(spec: ConfigSpec, where: str, sha: str, prefix: str) -> Config:
    """The resolved config; raises ConfigError naming the file and the key path."""

    def fail(path: str, message: str) -> ConfigError:
        return ConfigError(f"{where}: {prefix}{path}: {message}")

    interactions = _interactions(spec, fail)
    checks = _check_safety(spec.safety, fail)
    ids = {it.id for it in interactions}
    for index, waiver in enumerate(spec.waivers):
        if waiver.target not in ids and waiver.target not in checks:
            raise fail(
                f"waivers[{index}].target",
                f"{waiver.target!r} is neither an interaction id nor a safety check id",
            )
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
    )


def _interactions(spec: ConfigSpec, fail: Fail) -> tuple[Interaction, ...]:
    """Each interaction with the defaults applied; ids must be unique."""
    default_threshold = Threshold().overridden(spec.defaults.threshold)
    default_patch = Threshold().overridden(spec.defaults.patch_threshold)
    seen: dict[str, int] = {}
    out: list[Interaction] = []
    for index, it in enumerate(spec.interactions):
        if it.id in seen:
            raise fail(
                f"interactions[{index}].id", f"duplicate id {it.id!r} (first at [{seen[it.id]}])"
            )
        seen[it.id] = index
        out.append(_interaction(it, spec, default_threshold, default_patch))
    return tuple(out)


def _interaction(
    it: InteractionSpec, spec: ConfigSpec, threshold: Threshold, patch: Threshold
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
        contract=it.contract,
        details=dict(it.details),
        weight=it.weight,
        coverage_scope=spec.defaults.coverage_scope if isinstance(scope, UnsetType) else scope,
        patch_threshold=patch.overridden(it.patch_threshold),
        ratchet=spec.defaults.ratchet if isinstance(it.ratchet, UnsetType) else it.ratchet,
    )


def _check_safety(safety: Safety, fail: Fail) -> set[str]:
    """Validate the checks' cross-key rules; return their ids."""
    ids: set[str] = set()
    for index, check in enumerate(safety.checks):
        where = f"safety.checks[{index}]"
        if check.id in ids:
            raise fail(f"{where}.id", f"duplicate id {check.id!r}")
        ids.add(check.id)
        if isinstance(check, CommandCheck) and check.shell and not isinstance(check.run, str):
            raise fail(f"{where}.run", "with `shell: true`, `run` must be one string")
        if isinstance(check, CoverageCheck) and check.line is None and check.branch is None:
            raise fail(where, "a coverage check needs `line` and/or `branch`")
        if isinstance(check, RequirePatternCheck | ForbidPatternCheck):
            try:
                re.compile(check.pattern)
            except re.error as exc:
                raise fail(f"{where}.pattern", f"invalid regex: {exc}") from None
    if isinstance(safety.required, int) and safety.required > len(safety.checks):
        raise fail(
            "safety.required",
            f"asks for {safety.required} passing checks but only {len(safety.checks)} are declared",
        )
    return ids
