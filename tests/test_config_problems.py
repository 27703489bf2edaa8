"""A bad config reports every problem at once, each as `file: key.path: message`,
with near misses named and a hint at the docs; the walk that finds them accepts
exactly what msgspec accepts."""

from __future__ import annotations

import copy
import datetime as dt
import math
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_config import FULL
from test_config import error_of as full_error_of

from gate.config.diagnose import structural_problems
from gate.config.problems import DOC_SECTIONS
from gate.config.schema import ConfigSpec

REPO = Path(__file__).resolve().parent.parent


def error_of(tmp_path: Path, text: str) -> str:
    """The ConfigError for a signal-gate.yml holding `text`, its folder left out."""
    return full_error_of(tmp_path, text).replace(f"{tmp_path}/", "")


MANY = """\
version: 1
interactons: []
interactions:
  - {id: A_B, name: "", direction: sideways, modulez: [app]}
  - {id: b, name: B, direction: outbound, modules: app, weight: 5000}
safety:
  checks:
    - {id: x, name: X, kind: comand, run: "true"}
    - {id: y, name: Y, kind: command, run: "true", timeout: .inf}
"""


def test_every_structural_problem_is_reported_at_once(tmp_path: Path) -> None:
    lines = error_of(tmp_path, MANY).splitlines()
    assert lines[0] == "signal-gate.yml: 10 problems in the config"
    assert lines[1:11] == [
        "signal-gate.yml: interactons: unknown key; did you mean `interactions`?",
        "signal-gate.yml: interactions[0].id: expected `str` matching regex "
        "'^[a-z0-9-]+(?![\\\\s\\\\S])'",
        "signal-gate.yml: interactions[0].name: expected `str` of length >= 1",
        "signal-gate.yml: interactions[0].direction: invalid enum value 'sideways'; "
        "expected one of: outbound, inbound, bidirectional, unknown",
        "signal-gate.yml: interactions[0].modulez: unknown key; did you mean `modules`?",
        "signal-gate.yml: interactions[0].modules: required key is missing",
        "signal-gate.yml: interactions[1].modules: expected `array`, got `str`",
        "signal-gate.yml: interactions[1].weight: expected `float` <= 1000.0",
        "signal-gate.yml: safety.checks[0].kind: invalid value 'comand'; did you mean `command`?",
        "signal-gate.yml: safety.checks[1].timeout: expected a finite `float`, got inf",
    ]
    assert lines[11] == (
        "hint: see docs/config.md#interactions, docs/config.md#safety; "
        "`signal-gate schema config` prints every key with its type"
    )


def test_an_unknown_key_without_a_near_miss_lists_the_keys(tmp_path: Path) -> None:
    message = error_of(tmp_path, "version: 1\ninteractions: []\noverall: {zzz: 1}\n")
    assert "overall.zzz: unknown key; expected one of: min_confidence" in message
    assert "hint: see docs/config.md#overall;" in message


def test_a_problem_outside_any_section_points_at_the_schema_command(tmp_path: Path) -> None:
    message = error_of(tmp_path, "version: 2\ninteractions: []\n")
    assert message == (
        "signal-gate.yml: version: invalid value 2; expected one of: 1\n"
        "hint: `signal-gate schema config` prints every key with its type"
    )


def test_every_broken_rule_across_keys_is_reported(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """\
        version: 1
        interactions:
          - {id: a, name: A, direction: outbound, modules: [app]}
          - {id: a, name: B, direction: outbound, modules: [lib]}
        safety:
          required: 5
          checks:
            - {id: p, name: P, kind: forbid_pattern, files: [a], pattern: "("}
            - {id: p, name: Q, kind: coverage, modules: [app]}
        waivers: [{target: nope, reason: r, until: 2026-12-31}]
        """,
    )
    assert message.splitlines()[1:7] == [
        "signal-gate.yml: interactions[1].id: duplicate id 'a' (first at [0])",
        "signal-gate.yml: safety.checks[0].pattern: invalid regex: missing ): (",
        "signal-gate.yml: safety.checks[1].id: duplicate id 'p'",
        "signal-gate.yml: safety.checks[1]: a coverage check needs `line` and/or `branch`",
        "signal-gate.yml: safety.required: asks for 5 passing checks but only 2 are declared",
        "signal-gate.yml: waivers[0].target: 'nope' is neither an interaction id "
        "nor a safety check id",
    ]


def test_a_flood_of_problems_is_cut_short(tmp_path: Path) -> None:
    modules = ", ".join(["''"] * 80)
    interaction = f"{{id: a, name: A, direction: outbound, modules: [{modules}]}}"
    message = error_of(tmp_path, f"version: 1\ninteractions: [{interaction}]\n")
    lines = message.splitlines()
    assert lines[0] == "signal-gate.yml: 80 problems in the config"
    assert lines[-2] == "signal-gate.yml: ... and 30 more problems"
    assert len(lines) == 1 + 50 + 1 + 1


def test_toml_problems_name_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.signal-gate]\nversion = 1\ninteractions = [{id = "a"}]\nwaivers = 1\n'
    )
    from gate.config.load import load_config
    from gate.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        load_config(root=tmp_path)
    assert "pyproject.toml: tool.signal-gate.interactions[0].name: required key" in str(info.value)
    assert "pyproject.toml: tool.signal-gate.waivers: expected `array`, got `int`" in str(
        info.value
    )


def _anchors(markdown: str) -> set[str]:
    """GitHub's anchors for the headings of a Markdown document."""
    found = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", markdown, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(slug)
    return found


def test_every_section_a_hint_names_is_a_heading_of_the_config_docs() -> None:
    docs = REPO / "docs" / "config.md"
    assert set(DOC_SECTIONS) <= _anchors(docs.read_text(encoding="utf-8"))


# --- the walk accepts exactly what msgspec accepts -------------------------------------------

VALUES = [
    None, True, False, 0, -1, 1, 2, 2.5, 100, 101, 1000.5, 10**400, math.inf, -math.inf, math.nan,
    "", "x", "A_B", "all", "any", "command", "outbound", "evidence", "2026-12-31", "2026-13-01",
    "20261231", dt.date(2026, 12, 31), dt.datetime(2026, 12, 31, 1, 2), [], ["x"], [""], [1],
    {}, {"x": 1}, {"line": 50}, {"kind": "junit", "id": "j", "name": "J", "tests": ["t"]},
]  # fmt: skip
KEYS = ["modulez", "kind", "in", "in_", "threshold", "line", "id", "name", 5, None, ""]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*path, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*path, index)))
    return found


@st.composite
def mutated_configs(draw: st.DrawFn) -> Any:
    data = yaml.safe_load(FULL)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(data)[1:]))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent[path[-1]], dict):
            # A copy: a later step may change what it adds, and VALUES must not change.
            parent[path[-1]][draw(st.sampled_from(KEYS))] = copy.deepcopy(
                draw(st.sampled_from(VALUES))
            )
        else:
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(VALUES)))
    return data


def _msgspec_path(message: str) -> str:
    """msgspec's error location as a key path: `$.a[0]` -> `a[0]`, plus the field
    named by a missing or unknown field message; `[...]` stands for any dict key."""
    at = re.search(r"at `(?:key` in `)?\$([^`]*)`", message)
    path = at.group(1).lstrip(".") if at else ""
    field = re.match(r"Object (?:missing required|contains unknown) field `([^`]*)`", message)
    if field:
        name = field.group(1)
        if not re.fullmatch(r"[\w-]+", name):
            path = f"{path}[{name!r}]"
        else:
            path = f"{path}.{name}" if path else name
    return path


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_configs())
def test_the_walk_agrees_with_msgspec(data: Any) -> None:
    problems = structural_problems(data)
    try:
        msgspec.convert(data, ConfigSpec)
    except msgspec.ValidationError as exc:
        assert problems, f"msgspec refused ({exc}) what the walk accepts"
        # The walk's first problem is the one msgspec stopped at.
        pattern = re.escape(_msgspec_path(str(exc))).replace(r"\[\.\.\.\]", r"(\.[\w-]+|\[.+\])")
        assert re.match(pattern, problems[0].path), (str(exc), problems[0])
    else:
        assert problems == [], problems
