"""The config: every key of the schema, lookup order, and errors that name the
file, the key path and the expectation."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from gate.config.load import load_config
from gate.config.schema import Direction, Scope, SkipPolicy, Threshold, UnmappedPolicy
from gate.errors import ConfigError

FULL = """\
version: 1
id: payments-gate
title: Shop gate
maintainer: Shop Team
defaults:
  threshold: {line: 90, branch: 80}
  near: 85
  coverage_scope: all
  skipped: block
overall:
  min_confidence: 92.5
reports:
  coverage: ["out/coverage*.xml"]
  junit: ["out/junit*.xml"]
unmapped:
  paths: ["shop/clients/**/*.py"]
  policy: fail
paths:
  shop: ["/app/shop", "C:\\\\build\\\\shop"]
interactions:
  - id: payments
    name: Payment Gateway
    direction: outbound
    peer: gateway
    critical: true
    required: false
    modules: [shop.payments, "shop/clients/pay_*.py"]
    evidence: ["tests/integration/test_payments.py", "tests/x.py::TestY"]
    threshold: {branch: null}
    contract: 'JSON {"id": str}'
    details: {Endpoint: /charges}
    weight: 2
    coverage_scope: evidence
    skipped: allow
  - id: inventory
    name: Inventory
    direction: inbound
    modules: [shop/inventory]
safety:
  required: 1
  checks:
    - {id: no-debug, name: No debug, kind: forbid_pattern, files: ["shop/**/*.py"],
       pattern: "DEBUG = True"}
    - {id: health, name: Health endpoint, kind: require_pattern, files: ["shop/api.py"],
       pattern: "/health", in: all}
    - {id: lint, name: Lint, kind: command, run: ["ruff", "check"], timeout: 30}
    - {id: evidence, name: Evidence, kind: junit, tests: ["tests/integration/*"]}
    - {id: cov, name: Coverage, kind: coverage, modules: [shop], line: 80}
    - {id: docs, name: Docs, kind: file_exists, paths: [README.md]}
    - {id: imported, name: Imported, kind: results, path: out/safety.json}
waivers:
  - {target: inventory, reason: "being rewritten (#12)", owner: team-inv, until: 2026-12-31}
  - {target: lint, reason: "new rules", until: "2027-01-15"}
"""


def write(tmp_path: Path, text: str, name: str = "signal-gate.yml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def error_of(tmp_path: Path, text: str) -> str:
    write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(root=tmp_path)
    return str(info.value)


def test_every_key_is_read(tmp_path: Path) -> None:
    write(tmp_path, FULL)
    cfg = load_config(root=tmp_path)
    assert (cfg.id, cfg.title, cfg.maintainer) == ("payments-gate", "Shop gate", "Shop Team")
    assert (cfg.near, cfg.min_confidence) == (85, 92.5)
    assert cfg.reports.coverage == ["out/coverage*.xml"]
    assert cfg.unmapped.policy is UnmappedPolicy.FAIL
    assert cfg.paths == {"shop": ("/app/shop", "C:\\build\\shop")}
    pay, inv = cfg.interactions
    assert pay.direction is Direction.OUTBOUND and inv.direction is Direction.INBOUND
    # critical interactions are always required, whatever `required` says
    assert pay.critical and pay.required
    assert pay.threshold == Threshold(line=90, branch=None)  # partial override
    assert inv.threshold == Threshold(line=90, branch=80)  # defaults
    assert pay.coverage_scope is Scope.EVIDENCE and inv.coverage_scope is Scope.ALL
    assert pay.skipped is SkipPolicy.ALLOW and inv.skipped is SkipPolicy.BLOCK  # own, default
    assert pay.details == {"Endpoint": "/charges"} and pay.weight == 2
    assert inv.evidence == () and inv.required
    assert [c.id for c in cfg.safety.checks] == [
        "no-debug", "health", "lint", "evidence", "cov", "docs", "imported"
    ]  # fmt: skip
    assert cfg.safety.required == 1
    assert cfg.waivers[0].until == dt.date(2026, 12, 31)
    assert cfg.waivers[1].until == dt.date(2027, 1, 15)
    assert len(cfg.sha256) == 64


def test_minimal_config_gets_design_defaults(tmp_path: Path) -> None:
    write(
        tmp_path,
        """\
        version: 1
        interactions:
          - {id: a, name: A, direction: outbound, modules: [app]}
    """,
    )
    cfg = load_config(root=tmp_path)
    assert cfg.id == "default"
    assert cfg.interactions[0].threshold == Threshold(95, 95)
    assert (cfg.near, cfg.min_confidence) == (90, 95)
    assert cfg.safety.required == "all" and cfg.safety.checks == []
    assert cfg.interactions[0].skipped is SkipPolicy.ALLOW


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("  - {id: a, name: A, direction: outbound, modules: [app], modulez: [x]}",
         "signal-gate.yml: interactions[0].modulez: unknown key"),
        ("  - {id: A_B, name: A, direction: outbound, modules: [app]}",
         "interactions[0].id: expected `str` matching regex '^[a-z0-9-]+(?![\\\\s\\\\S])'"),
        ("  - {id: a, name: A, direction: sideways, modules: [app]}",
         "interactions[0].direction: invalid enum value 'sideways'"),
        ("  - {id: a, name: A, direction: outbound}",
         "interactions[0].modules: required key is missing"),
        ("  - {id: a, name: A, direction: outbound, modules: app}",
         "interactions[0].modules: expected `array`, got `str`"),
        ("  - {id: a, name: A, direction: outbound, modules: [app], threshold: {line: 120}}",
         "interactions[0].threshold.line: expected `float` <= 100.0"),
        ("  - {id: a, name: A, direction: outbound, modules: [app], skipped: ignore}",
         "interactions[0].skipped: invalid enum value 'ignore'"),
        ("  - {id: a, name: A, direction: outbound, modules: [app]}\n"
         "  - {id: a, name: B, direction: outbound, modules: [lib]}",
         "interactions[1].id: duplicate id 'a' (first at [0])"),
    ],
)  # fmt: skip
def test_errors_name_file_key_path_and_expectation(
    tmp_path: Path, snippet: str, expected: str
) -> None:
    message = error_of(tmp_path, "version: 1\ninteractions:\n" + snippet + "\n")
    assert expected in message
    assert message.startswith("signal-gate.yml:") or str(tmp_path) in message


def test_unknown_top_level_key_points_at_the_config_reference(tmp_path: Path) -> None:
    message = error_of(tmp_path, "version: 1\ninteraction: []\n")
    assert "interaction: unknown key; did you mean `interactions`?" in message
    hint = "hint: see docs/config.md#interactions; `signal-gate schema config` prints every key"
    assert hint in message


def test_duplicate_yaml_key_is_an_error_not_last_wins(tmp_path: Path) -> None:
    message = error_of(tmp_path, "version: 1\nid: a\nid: b\ninteractions: []\n")
    assert "duplicate key 'id'" in message


def test_unknown_safety_kind_lists_the_kinds(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """\
        version: 1
        interactions: []
        safety:
          checks: [{id: x, name: X, kind: shell}]
    """,
    )
    assert "safety.checks[0].kind" in message and "forbid_pattern" in message


def test_invalid_regex_in_a_pattern_check(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """\
        version: 1
        interactions: []
        safety:
          checks: [{id: x, name: X, kind: forbid_pattern, files: [a], pattern: "("}]
    """,
    )
    assert "safety.checks[0].pattern: invalid regex" in message


def test_waiver_for_unknown_target(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """\
        version: 1
        interactions: [{id: a, name: A, direction: outbound, modules: [app]}]
        waivers: [{target: b, reason: r, until: 2026-12-31}]
    """,
    )
    assert "waivers[0].target: 'b' is neither an interaction id nor a safety check id" in message


def test_waiver_needs_a_date(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """\
        version: 1
        interactions: [{id: a, name: A, direction: outbound, modules: [app]}]
        waivers: [{target: a, reason: r}]
    """,
    )
    assert "waivers[0].until: required key is missing" in message


def test_version_must_be_1(tmp_path: Path) -> None:
    assert "version:" in error_of(tmp_path, "version: 2\ninteractions: []\n")


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "version: [1\n"])
def test_not_a_mapping_or_not_yaml(tmp_path: Path, text: str) -> None:
    message = error_of(tmp_path, text)
    assert message.startswith(str(tmp_path / "signal-gate.yml"))


def test_lookup_order(tmp_path: Path) -> None:
    body = "version: 1\ntitle: {t}\ninteractions: []\n"
    write(tmp_path, '[tool.signal-gate]\nversion = 1\ntitle = "toml"\ninteractions = []\n',
          "pyproject.toml")  # fmt: skip
    assert load_config(root=tmp_path).title == "toml"
    write(tmp_path, body.format(t="github"), ".github/signal-gate.yml")
    assert load_config(root=tmp_path).title == "github"
    write(tmp_path, body.format(t="root"))
    assert load_config(root=tmp_path).title == "root"
    explicit = write(tmp_path, body.format(t="explicit"), "elsewhere.yml")
    assert load_config(str(explicit), root=tmp_path).title == "explicit"


def test_toml_errors_name_the_table(tmp_path: Path) -> None:
    write(tmp_path, '[tool.signal-gate]\nversion = 1\ninteractions = [{id = "a"}]\n',
          "pyproject.toml")  # fmt: skip
    with pytest.raises(ConfigError, match=r"pyproject.toml: tool.signal-gate.interactions\[0\]"):
        load_config(root=tmp_path)


def test_no_config_anywhere(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no config found") as info:
        load_config(root=tmp_path)
    assert "signal-gate init" in str(info.value)


def test_validate_command(tmp_path: Path, cli) -> None:
    write(tmp_path, FULL)
    ok = cli("validate", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "valid (2 interactions, 7 safety checks, 2 waivers)" in ok.stdout
    write(tmp_path, FULL.replace("    weight: 2\n", "").split("  - id: inventory")[0]
          + "safety:\n  checks: [{id: d, name: D, kind: file_exists, paths: [x]}]\n"
          + "waivers: [{target: payments, reason: r, until: 2026-12-31}]\n")  # fmt: skip
    one = cli("validate", cwd=tmp_path)
    assert "valid (1 interaction, 1 safety check, 1 waiver)" in one.stdout, one.stderr
    write(tmp_path, "version: 1\ninteractions: [{id: a}]\n")
    bad = cli("validate", cwd=tmp_path)
    assert bad.returncode == 2
    assert "signal-gate.yml: interactions[0].name: required key is missing" in bad.stderr
    assert "Traceback" not in bad.stderr
