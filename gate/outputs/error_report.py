"""The report `check --json-out` writes on exit 2: why there is no verdict.

Without it a failed check publishes nothing, so the last verdict stays on the pull
request and, in the fork flow, a required status waits forever. With it, `publish`
posts an `error` status and a comment that says what went wrong.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from gate.core.report import SCHEMA, ErrorReport, Provenance, ReportError
from gate.errors import GateError
from gate.records import Ident

_CONFIG_PEEK_BYTES = 1024 * 1024  # a config larger than this is not read a second time


def error_report(
    error: GateError,
    *,
    config: str | None,
    root: Path,
    head_sha: str | None,
    pull_request: int | None,
) -> ErrorReport:
    """Return the error report of a check that stopped with `error`.

    The gate id comes from the config when it can be read at all (the error may be in
    it), so the error lands on the gate's own status context; else it is `default`.
    """
    gate_id, title = _identity(config, root)
    return ErrorReport(
        schema=SCHEMA,
        error=ReportError(message=str(error), file=_named_file(error.message, root)),
        provenance=Provenance(config_sha256="", head_sha=head_sha, pull_request=pull_request),
        id=gate_id,
        title=title,
    )


def _named_file(message: str, root: Path) -> str | None:
    """Return the file an error message starts with ("path: problem"), if it is one."""
    head = message.split(": ", 1)[0].strip()
    if not head or len(head) > 1024 or "\n" in head:
        return None
    path = Path(head)
    candidates = [path] if path.is_absolute() else [path, root / path]
    try:
        return head if any(p.exists() for p in candidates) else None
    except OSError:  # a name too long or otherwise unusable: not a file
        return None


def _identity(config: str | None, root: Path) -> tuple[str, str]:
    """Return the gate's id and title as far as the config says them, else defaults."""
    from gate.config.load import find_config, load_config

    try:
        loaded = load_config(config, root)
        return loaded.id, loaded.title
    except GateError:
        pass
    try:
        path, table = find_config(config, root)
        if path.stat().st_size > _CONFIG_PEEK_BYTES:
            return "default", "signal-gate"
        data = _parse_leniently(path)
    except Exception:  # best effort: whatever stops the parse, the id stays unknown
        return "default", "signal-gate"
    for key in (table or "").split(".") if table else ():
        data = data.get(key) if isinstance(data, dict) else None
    found = data.get("id") if isinstance(data, dict) else None
    title = data.get("title") if isinstance(data, dict) else None
    try:
        gate_id = msgspec.convert(found, Ident)  # the config's own rule for an id
    except msgspec.ValidationError:
        gate_id = "default"
    return gate_id, title if isinstance(title, str) and title.strip() else "signal-gate"


def _parse_leniently(path: Path) -> object:
    """Parse a config that failed validation, to find its id (it may still be valid)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix == ".toml":
        import tomllib

        return tomllib.loads(text)
    import yaml

    return yaml.safe_load(text)
