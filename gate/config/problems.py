"""Config problems: each names its key path; together they make one ConfigError.

A config is checked whole, so a user fixes every problem in one round: the
structural ones (`gate.config.diagnose`) or, in a well-formed file, the rules
across keys (`gate.config.rules`). Each problem prints as `file: key.path:
message`; the hint points at the sections of docs/config.md they concern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from gate.errors import ConfigError
from gate.records import Record
from gate.text import plural

# docs/config.md has one section per top-level key group, anchored by its name.
DOC_SECTIONS = (
    "interactions",
    "defaults",
    "safety",
    "waivers",
    "reports",
    "unmapped",
    "paths",
    "overall",
    "review",
)
DOCS = "docs/config.md"
SHOWN = 50  # problems listed in one error; a hostile file can hold millions
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class Problem(Record, frozen=True):
    """One thing wrong with a config, at `path` ("" for the whole file)."""

    path: str
    message: str


def key_path(path: str, key: object) -> str:
    """`path` one level down: `a.b` for a plain key, `a[0]` for an index,
    `a['odd key']` for any other key."""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{path}[{key}]"
    if isinstance(key, str) and _KEY.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{key!r}]"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean `modules`?' for a near miss, else the choices there are."""
    import difflib  # error messages only: not on the path of every check

    allowed = list(choices)
    close = difflib.get_close_matches(word, allowed, n=1)
    if close:
        return f"; did you mean `{close[0]}`?"
    return f"; expected one of: {', '.join(allowed)}"


def config_error(where: str, problems: Sequence[Problem], prefix: str = "") -> ConfigError:
    """One error for all the problems, a line each, with a hint at the docs.

    `prefix` is the table holding the config (`tool.signal-gate.` in pyproject.toml).
    """
    lines = [_line(where, prefix, p) for p in problems[:SHOWN]]
    if len(problems) > SHOWN:
        more = len(problems) - SHOWN
        lines.append(f"{where}: ... and {more} more {plural('problem', more)}")
    if len(problems) > 1:
        lines.insert(0, f"{where}: {len(problems)} problems in the config")
    return ConfigError("\n".join(lines), hint=_hint(problems))


def _line(where: str, prefix: str, problem: Problem) -> str:
    path = f"{prefix}{problem.path}" if problem.path else prefix.rstrip(".") or "top level"
    return f"{where}: {path}: {problem.message}"


def _hint(problems: Sequence[Problem]) -> str:
    sections: list[str] = []
    for problem in problems:
        head = re.split(r"[.\[]", problem.path, maxsplit=1)[0]
        if head in DOC_SECTIONS and head not in sections:
            sections.append(head)
    schema = "`signal-gate schema config` prints every key with its type"
    if not sections:
        return schema
    return f"see {', '.join(f'{DOCS}#{s}' for s in sections)}; {schema}"
