"""The gate config: found, parsed (YAML or TOML), validated once into typed values.

msgspec does the structural validation against `gate.config.schema` (types,
unknown keys, ranges); the rules that span several keys (unique ids, waiver
targets, regexes) are `gate.config.rules`. Every error names the file, the key
path and the expectation.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, get_args

import msgspec
import yaml

from gate.config.rules import resolve
from gate.config.schema import Config, ConfigSpec, SafetyCheck
from gate.errors import ConfigError

CONFIG_CANDIDATES = ("signal-gate.yml", ".github/signal-gate.yml")

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
    return resolve(spec, where, hashlib.sha256(raw).hexdigest(), prefix)


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
