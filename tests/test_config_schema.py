"""The JSON Schemas `signal-gate schema` prints: the config's, generated from the
types the loader validates with and committed for editors; the report's, shipped
in the package. An independent validator (check-jsonschema) holds every config
in the repository to the generated schema."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PASSING_CONFIG
from support.portable import console_script
from test_cli_settings import WAIVED
from test_config import FULL

from gate import CONFIG_SCHEMA_URL

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "gate" / "schemas" / "config-1.schema.json"
CHECK_JSONSCHEMA = console_script("check-jsonschema")
REGENERATE = "python -m gate schema config > gate/schemas/config-1.schema.json"


def test_the_committed_config_schema_is_what_schema_config_prints(cli, tmp_path: Path) -> None:
    done = cli("schema", "config", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == COMMITTED.read_text(encoding="utf-8"), (
        f"gate/schemas/config-1.schema.json is stale: regenerate it with `{REGENERATE}` "
        "and review the diff"
    )


def test_the_config_schema_says_what_it_is_and_carries_the_bounds() -> None:
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == CONFIG_SCHEMA_URL
    assert CONFIG_SCHEMA_URL.endswith("/v1/gate/schemas/config-1.schema.json")
    assert schema["required"] == ["version", "interactions"]
    assert schema["additionalProperties"] is False
    interaction = schema["$defs"]["InteractionSpec"]["properties"]
    assert (interaction["weight"]["minimum"], interaction["weight"]["maximum"]) == (0, 1000)
    assert interaction["modules"]["description"].startswith("Module or file patterns")
    timeout = schema["$defs"]["CommandCheck"]["properties"]["timeout"]
    assert (timeout["exclusiveMinimum"], timeout["maximum"]) == (0, 3600)


def test_schema_report_prints_the_shipped_report_schema(cli, tmp_path: Path) -> None:
    shipped = REPO / "gate" / "schemas" / "report-1.schema.json"
    done = cli("schema", "report", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == shipped.read_text(encoding="utf-8")
    assert json.loads(done.stdout)["$id"] == "signal-gate/report@1"


def test_schema_needs_to_know_which(cli, tmp_path: Path) -> None:
    done = cli("schema", "settings", cwd=tmp_path)
    assert done.returncode == 2 and "'settings' is not one of 'config', 'report'" in done.stderr


# --- every config in the repository validates against it; wrong ones do not -------------------


def benchmark_config() -> str:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = generate  # its dataclasses look their module up
    spec.loader.exec_module(generate)
    out = io.StringIO()
    generate.write_config(out, generate.SIZES["S"], "files")
    return out.getvalue()


def scaffolded(root: Path) -> str:
    from gate.scaffold.init_config import scaffold

    return scaffold(root).text


def check_jsonschema(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(COMMITTED), *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_every_config_in_the_repository_validates(tmp_path: Path) -> None:
    files = [
        REPO / "examples" / "signal_service" / "signal-gate.yml",
        REPO / "tests" / "fixture_project" / "signal-gate.yml",
        REPO / ".github" / "signal-gate.yml",
    ]
    written = {
        "full": FULL,
        "passing": PASSING_CONFIG,
        "waived": WAIVED,
        "benchmark": benchmark_config(),
        "init-example": scaffolded(REPO / "examples" / "signal_service"),
        "init-fixture": scaffolded(REPO / "tests" / "fixture_project"),
    }
    for name, text in written.items():
        files.append(tmp_path / f"{name}.yml")
        files[-1].write_text(text, encoding="utf-8")
    done = check_jsonschema(*files)
    assert done.returncode == 0, done.stdout + done.stderr


WRONG = {
    "unknown-key": ("interactions: []\nintractions: []", "Additional properties"),
    "wrong-type": ("interactions: {a: 1}", "is not of type 'array'"),
    "out-of-range": ("interactions: []\noverall: {min_confidence: 101}", "maximum of 100"),
    "infinite": ("interactions: [{id: a, name: A, direction: inbound, modules: [m],"
                 " weight: .inf}]", "maximum of 1000"),
    "bad-kind": ("interactions: []\nsafety: {checks: [{id: c, name: C, kind: shell}]}",
                 "safety.checks[0]"),
    "bad-date": ("interactions: [{id: a, name: A, direction: inbound, modules: [m]}]\n"
                 "waivers: [{target: a, reason: r, until: 'soon'}]", "is not a 'date'"),
    "missing": ("title: no interactions", "'interactions' is a required property"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(WRONG))
def test_the_schema_rejects_what_the_loader_rejects(name: str, tmp_path: Path) -> None:
    from gate.config.load import config_from_data
    from gate.errors import ConfigError

    body, expected = WRONG[name]
    text = f"version: 1\n{body}\n"
    with pytest.raises(ConfigError):
        config_from_data(yaml.safe_load(text), "x.yml")
    path = tmp_path / f"{name}.yml"
    path.write_text(text)
    done = check_jsonschema(path)
    assert done.returncode == 1 and expected in done.stdout, done.stdout + done.stderr
