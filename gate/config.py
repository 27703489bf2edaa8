"""The gate config: found, parsed (YAML or TOML), validated once into typed values.

The schema is docs/config.md. msgspec does the structural
validation (types, unknown keys, ranges) and reports the JSON path of the first
problem; the rules that span several keys (unique ids, waiver targets, regexes)
are checked here. Every error names the file, the key path and the expectation.
"""

# No `from __future__ import annotations` here: msgspec would have to evaluate
# every annotation string of the schema at the first convert (5 ms of start-up).
import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import msgspec
import yaml
from msgspec import UNSET, Meta, Struct, UnsetType, field

from gate.errors import ConfigError
from gate.records import Record

CONFIG_CANDIDATES = ("signal-gate.yml", ".github/signal-gate.yml")

Percent = Annotated[float, Meta(ge=0, le=100)]
Ident = Annotated[str, Meta(pattern=r"^[a-z0-9-]+$")]
NonEmpty = Annotated[str, Meta(min_length=1)]
NonEmptyList = Annotated[list[NonEmpty], Meta(min_length=1)]


class Direction(Enum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"
    BIDIRECTIONAL = "bidirectional"


class Scope(Enum):
    ALL = "all"
    EVIDENCE = "evidence"


class UnmappedPolicy(Enum):
    FAIL = "fail"
    WARN = "warn"
    IGNORE = "ignore"


class _Strict(Struct, forbid_unknown_fields=True, frozen=True):
    pass


class ThresholdSpec(_Strict, frozen=True):
    """A threshold as written: a side left out inherits from `defaults`."""

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
    threshold: ThresholdSpec | UnsetType = UNSET
    near: Percent = 90.0
    coverage_scope: Scope = Scope.ALL


class Overall(_Strict, frozen=True):
    min_confidence: Percent = 95.0


class Reports(_Strict, frozen=True):
    coverage: list[NonEmpty] = field(default_factory=lambda: ["coverage.xml"])
    junit: list[NonEmpty] = field(default_factory=lambda: ["junit.xml"])


class Unmapped(_Strict, frozen=True):
    paths: list[NonEmpty] = field(default_factory=list)
    policy: UnmappedPolicy = UnmappedPolicy.WARN


class InteractionSpec(_Strict, frozen=True):
    id: Ident
    name: NonEmpty
    direction: Direction
    modules: list[NonEmpty]
    peer: str | None = None
    critical: bool = False
    required: bool = True
    evidence: list[NonEmpty] = field(default_factory=list)
    threshold: ThresholdSpec | UnsetType = UNSET
    contract: str | None = None
    details: dict[str, str] = field(default_factory=dict)
    weight: Annotated[float, Meta(ge=0)] = 1.0
    coverage_scope: Scope | UnsetType = UNSET


# --- deployment safety checks: one struct per kind, tagged by `kind` -------------


class _Check(Struct, forbid_unknown_fields=True, frozen=True, tag_field="kind"):
    id: Ident
    name: NonEmpty


class CommandCheck(_Check, tag="command", frozen=True):
    run: NonEmpty | NonEmptyList
    timeout: Annotated[float, Meta(gt=0)] = 60.0
    cwd: str | None = None
    shell: bool = False  # a string `run` is split like a shell would, but never run by one
    env: list[NonEmpty] = field(default_factory=list)  # variables passed through


class JunitCheck(_Check, tag="junit", frozen=True):
    tests: NonEmptyList


class CoverageCheck(_Check, tag="coverage", frozen=True):
    modules: NonEmptyList
    line: Percent | None = None
    branch: Percent | None = None


class FileExistsCheck(_Check, tag="file_exists", frozen=True):
    paths: NonEmptyList


class RequirePatternCheck(_Check, tag="require_pattern", frozen=True):
    files: NonEmptyList
    pattern: NonEmpty
    in_: Literal["any", "all"] = field(name="in", default="any")


class ForbidPatternCheck(_Check, tag="forbid_pattern", frozen=True):
    files: NonEmptyList
    pattern: NonEmpty


class ResultsCheck(_Check, tag="results", frozen=True):
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
    required: Literal["all"] | Annotated[int, Meta(ge=0)] = "all"
    checks: list[SafetyCheck] = field(default_factory=list)


class Waiver(_Strict, frozen=True):
    target: NonEmpty
    reason: NonEmpty
    until: dt.date
    owner: str | None = None


class ConfigSpec(_Strict, frozen=True):
    version: Literal[1]
    interactions: list[InteractionSpec]
    id: Ident = "default"
    title: str = "signal-gate"
    maintainer: str | None = None
    defaults: Defaults = field(default_factory=Defaults)
    overall: Overall = field(default_factory=Overall)
    reports: Reports = field(default_factory=Reports)
    unmapped: Unmapped = field(default_factory=Unmapped)
    safety: Safety = field(default_factory=Safety)
    waivers: list[Waiver] = field(default_factory=list)
    # Like coverage.py's [paths]: canonical prefix -> prefixes seen in reports.
    paths: dict[NonEmpty, list[NonEmpty]] = field(default_factory=dict)


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
    contract: str | None
    details: Mapping[str, str]
    weight: float
    coverage_scope: Scope


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

    def interaction(self, interaction_id: str) -> Interaction:
        for it in self.interactions:
            if it.id == interaction_id:
                return it
        known = ", ".join(i.id for i in self.interactions)
        raise ConfigError(
            f"{self.path}: no interaction with id {interaction_id!r} (known: {known})"
        )


# --- finding and reading ---------------------------------------------------------


def find_config(explicit: str | None, root: Path) -> tuple[Path, str | None]:
    """Return the config file and, for pyproject.toml, the table holding it.

    Lookup order (docs/config.md): --config, signal-gate.yml, .github/signal-gate.yml,
    [tool.signal-gate] in pyproject.toml.
    """
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        return path, _table_for(path)
    for name in CONFIG_CANDIDATES:
        if (root / name).is_file():
            return root / name, None
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and "signal-gate" in _read_toml(pyproject).get("tool", {}):
        return pyproject, "tool.signal-gate"
    raise ConfigError(
        f"no config found in {root}",
        hint="create signal-gate.yml (see `signal-gate init`), or pass --config PATH",
    )


def _table_for(path: Path) -> str | None:
    return "tool.signal-gate" if path.name == "pyproject.toml" else None


def load_config(explicit: str | None = None, root: Path | None = None) -> Config:
    """Find, read and validate the config; raise ConfigError naming file and key."""
    path, table = find_config(explicit, root or Path.cwd())
    raw = path.read_bytes()
    data = _parse(path, raw)
    if table is not None:
        for key in table.split("."):
            data = data.get(key) if isinstance(data, dict) else None
        if data is None:
            raise ConfigError(f"{path}: no [{table}] table")
    return config_from_data(data, str(path), raw, prefix=f"{table}." if table else "")


def config_from_data(data: Any, where: str, raw: bytes = b"", prefix: str = "") -> Config:
    """Validate already-parsed config data (a mapping) into a Config."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping at the top level, got {_kind(data)}")
    try:
        spec = msgspec.convert(data, ConfigSpec)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{where}: {_describe(exc, prefix)}") from None
    return _resolve(spec, where, hashlib.sha256(raw).hexdigest(), prefix)


def _parse(path: Path, raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    if path.suffix == ".toml":
        import tomllib  # not at module level: most configs are YAML, and start-up counts

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that refuses duplicate keys instead of keeping the last one."""


def _mapping_without_duplicates(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _mapping_without_duplicates,
)

# --- error messages -----------------------------------------------------------------

_AT = re.compile(r"^(?P<msg>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)


def _describe(exc: msgspec.ValidationError, prefix: str) -> str:
    """'Expected `str`, got `int` - at `$.interactions[0].id`' -> 'interactions[0].id: ...'."""
    match = _AT.match(str(exc))
    assert match is not None  # the pattern matches any string
    msg = match["msg"]
    path = (match["path"] or "").lstrip(".")
    if msg.startswith("Object contains unknown field"):
        key = msg.split("`")[1]
        path = f"{path}.{key}" if path else key
        msg = (
            "unknown key (check its spelling against docs/config.md or `signal-gate schema config`)"
        )
    elif msg.startswith("Object missing required field"):
        key = msg.split("`")[1]
        path = f"{path}.{key}" if path else key
        msg = "required key is missing"
    elif msg.startswith("Invalid value") and path.endswith("kind"):
        msg = f"{msg.lower()}; expected one of: {', '.join(_CHECK_KINDS)}"
    else:
        msg = msg[0].lower() + msg[1:]
    return f"{prefix}{path}: {msg}" if path else f"{prefix.rstrip('.') or 'top level'}: {msg}"


_CHECK_KINDS = tuple(str(kind.__struct_config__.tag) for kind in get_args(SafetyCheck))


def _kind(value: object) -> str:
    return "nothing (empty file)" if value is None else type(value).__name__


# --- rules spanning several keys -------------------------------------------------------


def _resolve(spec: ConfigSpec, where: str, sha: str, prefix: str) -> Config:
    def fail(path: str, message: str) -> ConfigError:
        return ConfigError(f"{where}: {prefix}{path}: {message}")

    default_threshold = Threshold().overridden(spec.defaults.threshold)
    interactions: list[Interaction] = []
    seen: dict[str, int] = {}
    for index, it in enumerate(spec.interactions):
        if it.id in seen:
            raise fail(
                f"interactions[{index}].id", f"duplicate id {it.id!r} (first at [{seen[it.id]}])"
            )
        seen[it.id] = index
        interactions.append(
            Interaction(
                id=it.id,
                name=it.name,
                direction=it.direction,
                peer=it.peer,
                critical=it.critical,
                required=it.required or it.critical,
                modules=tuple(it.modules),
                evidence=tuple(it.evidence),
                threshold=default_threshold.overridden(it.threshold),
                contract=it.contract,
                details=dict(it.details),
                weight=it.weight,
                coverage_scope=(
                    spec.defaults.coverage_scope
                    if isinstance(it.coverage_scope, UnsetType)
                    else it.coverage_scope
                ),
            )
        )

    checks: dict[str, int] = {}
    for index, check in enumerate(spec.safety.checks):
        if check.id in checks:
            raise fail(f"safety.checks[{index}].id", f"duplicate id {check.id!r}")
        checks[check.id] = index
        if isinstance(check, CommandCheck) and check.shell and not isinstance(check.run, str):
            raise fail(
                f"safety.checks[{index}].run", "with `shell: true`, `run` must be one string"
            )
        if isinstance(check, CoverageCheck) and check.line is None and check.branch is None:
            raise fail(f"safety.checks[{index}]", "a coverage check needs `line` and/or `branch`")
        if isinstance(check, RequirePatternCheck | ForbidPatternCheck):
            try:
                re.compile(check.pattern)
            except re.error as exc:
                raise fail(f"safety.checks[{index}].pattern", f"invalid regex: {exc}") from None
    if isinstance(spec.safety.required, int) and spec.safety.required > len(spec.safety.checks):
        raise fail(
            "safety.required",
            f"asks for {spec.safety.required} passing checks but only "
            f"{len(spec.safety.checks)} are declared",
        )

    for index, waiver in enumerate(spec.waivers):
        if waiver.target not in seen and waiver.target not in checks:
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
        interactions=tuple(interactions),
        safety=spec.safety,
        waivers=tuple(spec.waivers),
        paths={canon: tuple(seen_as) for canon, seen_as in spec.paths.items()},
    )
