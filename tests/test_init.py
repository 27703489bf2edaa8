"""`signal-gate init`: a config proposed from the repository, which validates,
covers every client module, and never replaces an existing config."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from gate import CONFIG_SCHEMA_URL
from gate.config.schema import Direction
from gate.scaffold.init_config import (
    client_globs,
    detect,
    humanise,
    kebab,
    matching_tests,
    render_config,
)

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixture_project"
EXAMPLE = REPO / "examples" / "signal_service"
IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ruff_cache", "signal-gate.yml",
                                "coverage.xml", "junit.xml", ".coverage*")  # fmt: skip


def copy_without_config(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, ignore=IGNORE)
    return dest


def client_modules(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*_client.py")
        if "tests" not in p.relative_to(root).parts
    }


def proposed(root: Path) -> dict:
    return yaml.safe_load((root / "signal-gate.yml").read_text(encoding="utf-8"))


def test_init_on_the_fixture_project(cli, tmp_path: Path) -> None:
    root = copy_without_config(FIXTURE, tmp_path / "shop")
    done = cli("init", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "2 outbound and 0 inbound interactions, 1 without evidence tests" in done.stderr
    modeline = f"# yaml-language-server: $schema={CONFIG_SCHEMA_URL}\n"
    assert (root / "signal-gate.yml").read_text(encoding="utf-8").startswith(modeline)
    config = proposed(root)
    claimed = {m for it in config["interactions"] for m in it["modules"]}
    assert (
        claimed
        == client_modules(root)
        == {
            "shop/clients/inventory_client.py",
            "shop/clients/mailer_client.py",
        }
    )
    inventory = config["interactions"][0]
    assert inventory == {
        "id": "inventory", "name": "Inventory", "direction": "outbound", "peer": "inventory",
        "critical": False, "modules": ["shop/clients/inventory_client.py"],
        "evidence": ["tests/integration/test_inventory.py"],
    }  # fmt: skip
    assert config["unmapped"] == {"paths": ["shop/clients/*_client.py"], "policy": "fail"}
    validated = cli("validate", cwd=root)
    assert validated.returncode == 0, validated.stderr
    assert "valid (2 interactions, 0 safety checks, 0 waivers)" in validated.stdout


def test_the_scaffold_runs_as_a_gate(fixture_run, cli, tmp_path: Path) -> None:
    """On a project with reports, the proposed config gives a verdict (not an error)."""
    root = tmp_path / "shop"
    shutil.copytree(fixture_run.root, root)
    (root / "signal-gate.yml").unlink()
    assert cli("init", cwd=root).returncode == 0
    done = cli("check", cwd=root)
    assert done.returncode == 1, done.stderr  # mailer has no evidence: UNKNOWN, required
    assert "inventory" in done.stdout and "mailer" in done.stdout


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="examples/signal_service is not here")
def test_init_on_the_example_service(cli, tmp_path: Path) -> None:
    root = copy_without_config(EXAMPLE, tmp_path / "signal_service")
    done = cli("init", "--root", str(root), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    config = proposed(root)
    claimed = {m for it in config["interactions"] for m in it["modules"]}
    assert client_modules(root) <= claimed
    outbound = [it for it in config["interactions"] if it["direction"] == "outbound"]
    assert len(outbound) == len(client_modules(root))
    for it in config["interactions"]:
        for evidence in it["evidence"]:
            assert (root / evidence).is_file(), evidence
    assert cli("validate", "--root", str(root), cwd=root).returncode == 0


def test_never_overwrites_a_config(cli, tmp_path: Path) -> None:
    root = copy_without_config(FIXTURE, tmp_path / "shop")
    (root / "signal-gate.yml").write_text("mine\n")
    done = cli("init", cwd=root)
    assert done.returncode == 2
    assert "already exists; init never overwrites one" in done.stderr
    assert (root / "signal-gate.yml").read_text() == "mine\n"


def test_a_config_in_pyproject_counts_as_existing(cli, tmp_path: Path) -> None:
    root = copy_without_config(FIXTURE, tmp_path / "shop")
    with (root / "pyproject.toml").open("a") as f:
        f.write("\n[tool.signal-gate]\nversion = 1\ninteractions = []\n")
    done = cli("init", cwd=root)
    assert done.returncode == 2 and "pyproject.toml" in done.stderr
    assert not (root / "signal-gate.yml").exists()


def test_print_writes_nothing(cli, tmp_path: Path) -> None:
    root = copy_without_config(FIXTURE, tmp_path / "shop")
    done = cli("init", "--print", "--root", str(root), cwd=tmp_path)
    assert done.returncode == 0
    first, second = done.stdout.splitlines()[:2]
    # Editors with the YAML language server complete and check keys from the schema.
    assert first == f"# yaml-language-server: $schema={CONFIG_SCHEMA_URL}"
    assert second.startswith("# signal-gate configuration, scaffolded by `signal-gate init`")
    assert yaml.safe_load(done.stdout)["version"] == 1
    assert not (root / "signal-gate.yml").exists()


# --- detection, pure ---------------------------------------------------------------------------

FILES = [
    "app/__init__.py",
    "app/clients/__init__.py",
    "app/clients/base.py",
    "app/clients/config_client.py",
    "app/clients/alert_client.py",
    "app/api/__init__.py",
    "app/api/_helpers.py",
    "app/api/sdk_streams.py",
    "app/api/config.py",
    "common/billing_service/client.py",
    "tests/fakes/fake_client.py",
    "tests/integration/test_config_service.py",
    "tests/integration/test_alerts.py",
    "tests/integration/test_alerting_rules.py",
    "tests/unit/test_sdk_streams_auth.py",
    "tests/unit/test_billing_service.py",
    "tests/conftest.py",
]


def test_detect_clients_endpoints_and_their_tests() -> None:
    found = detect(FILES, "svc integration gate")
    summary = [(p.id, p.direction, p.path, p.evidence) for p in found.interactions]
    assert summary == [
        ("alert", Direction.OUTBOUND, "app/clients/alert_client.py",
         ("tests/integration/test_alerts.py",)),
        ("config", Direction.OUTBOUND, "app/clients/config_client.py",
         ("tests/integration/test_config_service.py",)),
        ("billing-service", Direction.OUTBOUND, "common/billing_service/client.py",
         ("tests/unit/test_billing_service.py",)),
        ("config-api", Direction.INBOUND, "app/api/config.py",
         ("tests/integration/test_config_service.py",)),
        ("sdk-streams", Direction.INBOUND, "app/api/sdk_streams.py",
         ("tests/unit/test_sdk_streams_auth.py",)),
    ]  # fmt: skip
    assert found.unmapped == ("app/clients/*_client.py", "common/*/client.py")
    names = {p.id: p.name for p in found.interactions}
    assert (
        names["sdk-streams"] == "SDK Streams API" and names["billing-service"] == "Billing Service"
    )


def test_nothing_found_still_validates() -> None:
    from gate.config.load import config_from_data

    text = render_config(detect(["main.py", "tests/test_main.py"], "x integration gate"))
    config = config_from_data(yaml.safe_load(text), "scaffold")
    assert config.interactions == () and config.unmapped.paths == []


def test_hostile_names_are_quoted() -> None:
    from gate.config.load import config_from_data

    files = ['we"ird: {x}/#y_client.py', "evil\nsafety: {}/z_client.py"]
    text = render_config(detect(files, 'title: "quoted" # not a comment'))
    config = config_from_data(yaml.safe_load(text), "scaffold")
    assert config.title == 'title: "quoted" # not a comment'
    assert [i.modules for i in config.interactions] == [('we"ird: {x}/#y_client.py',)]


@pytest.mark.parametrize(
    ("stem", "direction", "expected"),
    [("sdk_streams", Direction.INBOUND, "SDK Streams API"),
     ("config", Direction.OUTBOUND, "Config"),
     ("user_acl", Direction.OUTBOUND, "User ACL"),
     ("api", Direction.INBOUND, "API")],
)  # fmt: skip
def test_humanise(stem: str, direction: Direction, expected: str) -> None:
    assert humanise(stem, direction) == expected


def test_kebab() -> None:
    assert kebab("sdk_streams") == "sdk-streams"
    assert kebab("MarketData") == "market-data"
    assert kebab("__") == "interaction"


def test_matching_tests_need_a_word_boundary() -> None:
    tests = ["tests/test_user.py", "tests/test_users_admin.py", "tests/test_username.py",
             "tests/unit/user_client_test.py"]  # fmt: skip
    assert matching_tests("app/clients/user_client.py", tests) == [
        "tests/test_user.py", "tests/test_users_admin.py", "tests/unit/user_client_test.py",
    ]  # fmt: skip


def test_client_globs() -> None:
    assert client_globs(["a_client.py", "x/y/b_client.py", "x/y/c_client.py", "s/p/client.py"]) == [
        "*_client.py", "x/y/*_client.py", "s/*/client.py",
    ]  # fmt: skip
