"""A config comes with the pull request: whatever it holds, loading it ends in a
Config or a named ConfigError, quickly and in little memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.config.load import load_config
from gate.config.parse import MAX_BYTES
from gate.errors import ConfigError

BASE = "version: 1\ninteractions: [{id: a, name: A, direction: outbound, modules: [app]}]\n"


def error_for(tmp_path: Path, text: str, name: str = "signal-gate.yml") -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(root=tmp_path)
    return str(info.value)


@pytest.mark.parametrize(
    "text",
    [
        # libyaml alone takes gigabytes on 100,000 nested brackets
        BASE + "title: " + "[" * 100_000 + "]" * 100_000 + "\n",
        BASE + "title: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n",
        # within libyaml's own limit, but deeper than Python's recursion limit
        BASE + "title:\n" + "".join("  " * i + "- a:\n" for i in range(1, 600)) + "\n",
        BASE + "title: " + "[" * 40 + "]" * 40 + "\n",
    ],
    ids=["flow-sequences", "flow-mappings", "block-nesting", "just-too-deep"],
)
def test_deep_yaml_is_refused_by_name(tmp_path: Path, text: str) -> None:
    assert "nested more than 32 levels deep" in error_for(tmp_path, text)


def test_deep_toml_is_refused_by_name(tmp_path: Path) -> None:
    deep = "[" * 5000 + "]" * 5000
    text = f"[tool.signal-gate]\nversion = 1\ninteractions = []\ntitle = {deep}\n"
    assert "nested more than 32 levels deep" in error_for(tmp_path, text, "pyproject.toml")


def test_nesting_a_config_uses_is_fine(tmp_path: Path) -> None:
    text = BASE + "safety:\n  checks:\n    - {id: c, name: C, kind: command, run: [a, b]}\n"
    (tmp_path / "signal-gate.yml").write_text(text)
    assert load_config(root=tmp_path).safety.checks[0].id == "c"


def test_a_billion_laughs_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    text = "version: 1\ninteractions: []\ndetails:\n" + "\n".join(f"  {x}" for x in lines)
    assert "its aliases expand to over 1,000,000 values" in error_for(tmp_path, text)


def test_an_alias_inside_itself_is_refused(tmp_path: Path) -> None:
    text = "version: 1\ninteractions: &loop [*loop]\n"
    assert "an alias refers to a value that contains it" in error_for(tmp_path, text)


def test_an_unhashable_key_is_a_named_error(tmp_path: Path) -> None:
    message = error_for(tmp_path, BASE + "? [a, b]\n: 1\n")
    assert "invalid YAML" in message and "found an unhashable key (list)" in message


def test_a_date_that_does_not_exist_is_a_named_error(tmp_path: Path) -> None:
    text = BASE + "waivers: [{target: a, reason: r, until: 2026-13-01}]\n"
    assert "invalid YAML value: month must be in 1..12" in error_for(tmp_path, text)


def test_merge_keys_work_and_explicit_keys_override_them(tmp_path: Path) -> None:
    text = """\
version: 1
interactions:
  - <<: &client {direction: outbound, critical: true, weight: 2}
    id: a
    name: A
    modules: [app.a]
  - <<: *client
    id: b
    name: B
    modules: [app.b]
    weight: 3
"""
    (tmp_path / "signal-gate.yml").write_text(text)
    a, b = load_config(root=tmp_path).interactions
    assert (a.direction.value, a.critical, a.weight) == ("outbound", True, 2)
    assert (b.direction.value, b.critical, b.weight) == ("outbound", True, 3)


def test_explicit_keys_are_still_unique_beside_a_merge(tmp_path: Path) -> None:
    text = BASE + "defaults: &d {near: 80}\noverall:\n  <<: {min_confidence: 50}\n"
    (tmp_path / "signal-gate.yml").write_text(text)
    assert load_config(root=tmp_path).min_confidence == 50
    twice = text + "  min_confidence: 60\n  min_confidence: 70\n"
    assert "duplicate key 'min_confidence'" in error_for(tmp_path, twice)


def test_a_file_over_a_mebibyte_is_refused(tmp_path: Path) -> None:
    text = BASE + "# " + "x" * MAX_BYTES + "\n"
    assert "signal-gate.yml: over 1024 KiB; a config is a few KB" in error_for(tmp_path, text)
    at_limit = (BASE + "#" * (MAX_BYTES - len(BASE))).encode()  # bytes: no CRLF on Windows
    (tmp_path / "signal-gate.yml").write_bytes(at_limit)
    assert load_config(root=tmp_path).interactions[0].id == "a"  # the limit itself is fine


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("defaults: {near: .inf}", "defaults.near: expected a finite `float`, got inf"),
        ("defaults: {threshold: {line: .nan}}", "threshold.line: expected a finite `float`"),
        ("overall: {min_confidence: -.inf}", "min_confidence: expected a finite `float`"),
        ("overall: {min_confidence: 100.5}", "min_confidence: expected `float` <= 100.0"),
        ("interactions: [{id: a, name: A, direction: inbound, modules: [m], weight: .inf}]",
         "interactions[0].weight: expected a finite `float`, got inf"),
        ("interactions: [{id: a, name: A, direction: inbound, modules: [m], weight: 1001}]",
         "interactions[0].weight: expected `float` <= 1000.0"),
        ("interactions: [{id: a, name: A, direction: inbound, modules: [m], weight: "
         + "9" * 400 + "}]", "interactions[0].weight: number out of range"),
        ("safety: {checks: [{id: c, name: C, kind: command, run: x, timeout: .inf}]}",
         "safety.checks[0].timeout: expected a finite `float`, got inf"),
        ("safety: {checks: [{id: c, name: C, kind: command, run: x, timeout: 3601}]}",
         "safety.checks[0].timeout: expected `float` <= 3600.0"),
        ("safety: {checks: [{id: c, name: C, kind: coverage, modules: [m], line: .nan}]}",
         "safety.checks[0].line: expected a finite `float`, got nan"),
    ],
)  # fmt: skip
def test_numbers_are_finite_and_bounded(tmp_path: Path, snippet: str, expected: str) -> None:
    text = f"version: 1\n{snippet}\n"
    if not snippet.startswith("interactions"):
        text += "interactions: []\n"
    assert expected in error_for(tmp_path, text)
