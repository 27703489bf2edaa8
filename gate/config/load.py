"""The gate config: found, parsed (YAML or TOML), validated once into typed values.

msgspec does the structural validation against `gate.config.schema` (types,
unknown keys, ranges) and stops at the first error; only then does
`gate.config.diagnose` walk the file for every problem. The rules that span
several keys (unique ids, waiver targets, regexes) are `gate.config.rules`.
Every problem names the file, the key path and the expectation.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import msgspec

from gate.config.parse import parse, read_text
from gate.config.problems import Problem, config_error
from gate.config.rules import resolve
from gate.config.schema import Config, ConfigSpec
from gate.errors import ConfigError

CONFIG_CANDIDATES = ("signal-gate.yml", ".github/signal-gate.yml")
PYPROJECT_TABLE = "tool.signal-gate"


def find_config(explicit: str | None, root: Path) -> tuple[Path, str | None]:
    """Return the config file and, for pyproject.toml, the table holding it.

    Lookup order (docs/config.md): --config, signal-gate.yml, .github/signal-gate.yml,
    [tool.signal-gate] in pyproject.toml.
    """
    if explicit is not None:
        path = Path(explicit)
        if not path.exists():  # anything else that is no regular file: read_text says what
            raise ConfigError(f"{explicit}: config file not found")
        return path, PYPROJECT_TABLE if path.name == "pyproject.toml" else None
    for name in CONFIG_CANDIDATES:
        if (root / name).is_file():
            return root / name, None
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and _table(parse(pyproject, read_text(pyproject)[1])) is not None:
        return pyproject, PYPROJECT_TABLE
    raise ConfigError(
        f"no config found in {root}",
        hint="create signal-gate.yml (see `signal-gate init`), or pass --config PATH",
    )


def load_config(explicit: str | None = None, root: Path | None = None) -> Config:
    """Find, read and validate the config; raise ConfigError naming file and keys."""
    path, table = find_config(explicit, root or Path.cwd())
    raw, text = read_text(path)
    data = parse(path, text)
    if table is not None:
        data = _table(data)
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
        from gate.config.diagnose import structural_problems  # the error path only

        # The walk finds what msgspec found; should they ever disagree, msgspec's word stands.
        problems = structural_problems(data) or [Problem("", str(exc))]
        raise config_error(where, problems, prefix) from None
    return resolve(spec, where, hashlib.sha256(raw).hexdigest(), prefix)


def _table(data: Any) -> Any:
    """The [tool.signal-gate] table of parsed pyproject.toml data, or None."""
    for key in PYPROJECT_TABLE.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _kind(value: object) -> str:
    return "nothing (empty file)" if value is None else type(value).__name__
