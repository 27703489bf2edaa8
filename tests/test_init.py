"""`signal-gate init`: a config proposed from what the code does, which validates,
covers every client module, and never replaces an existing config.

The plugin-layout project (every plugin found, its own tests as evidence, from
per-test coverage) is tests/test_init_plugins.py.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from support.portable import symlink

from gate import CONFIG_SCHEMA_URL
from gate.config.load import config_from_data
from gate.config.schema import Direction
from gate.scaffold.config_text import Interaction, Proposal, humanise, kebab, render_config
from gate.scaffold.discover import Unit, discover
from gate.scaffold.evidence import by_imports, by_name, by_template
from gate.scaffold.init_config import (
    MAX_FILE_BYTES,
    propose,
    read_sources,
    skip_notes,
    unmapped_globs,
)
from gate.scaffold.sources import module_names, network_library, source_facts
from gate.scaffold.summary import summary_lines

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


# --- on real projects ---------------------------------------------------------------------


def test_init_on_the_fixture_project(cli, tmp_path: Path) -> None:
    root = copy_without_config(FIXTURE, tmp_path / "shop")
    done = cli("init", cwd=root)
    assert done.returncode == 0, done.stderr
    assert "wrote signal-gate.yml: 2 interactions (2 outbound, 0 inbound)\n" in done.stderr
    assert "  named like a client: inventory, mailer\n" in done.stderr
    assert "  no evidence found for 1: mailer" in done.stderr
    modeline = f"# yaml-language-server: $schema={CONFIG_SCHEMA_URL}\n"
    assert (root / "signal-gate.yml").read_text(encoding="utf-8").startswith(modeline)
    config = proposed(root)
    claimed = {m for it in config["interactions"] for m in it["modules"]}
    assert claimed == client_modules(root) == {
        "shop/clients/inventory_client.py", "shop/clients/mailer_client.py",
    }  # fmt: skip
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


def test_check_right_after_init_says_how_to_produce_the_reports(cli, tmp_path: Path) -> None:
    root = copy_without_config(FIXTURE, tmp_path / "shop")
    assert cli("init", cwd=root).returncode == 0
    done = cli("check", cwd=root)
    assert done.returncode == 2
    assert "coverage.xml: coverage file not found\nhint: produce it with `pytest --cov " in (
        done.stderr
    )
    (root / "coverage.xml").write_text('<coverage version="7"><packages/></coverage>')
    done = cli("check", cwd=root)
    assert done.returncode == 2
    assert (
        "junit.xml: JUnit file not found\nhint: produce it with `pytest --junitxml=junit.xml`"
        in (done.stderr)
    )


@pytest.mark.skipif(not EXAMPLE.is_dir(), reason="examples/signal_service is not here")
def test_init_on_the_example_service(cli, tmp_path: Path) -> None:
    root = copy_without_config(EXAMPLE, tmp_path / "signal_service")
    done = cli("init", "--root", str(root), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    config = proposed(root)
    outbound = [it for it in config["interactions"] if it["direction"] == "outbound"]
    # Every client, found by what it does (its own urllib calls or the shared helper's),
    # and the helper itself only named as shared plumbing.
    assert {m for it in outbound for m in it["modules"]} == client_modules(root)
    assert "shared by several clients, so not an interaction of its own: app/http.py" in (
        done.stderr
    )
    assert {it["id"] for it in config["interactions"] if it["direction"] == "inbound"} == {
        "automation", "marketplace-events", "monitoring", "sdk-streams",
    }  # fmt: skip
    for it in config["interactions"]:
        for evidence in it["evidence"]:
            assert (root / evidence).is_file(), evidence
    assert config["unmapped"] == {"paths": ["app/clients/**/*.py"], "policy": "fail"}
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


def test_print_writes_nothing_and_says_the_same_summary(cli, tmp_path: Path) -> None:
    root = copy_without_config(FIXTURE, tmp_path / "shop")
    done = cli("init", "--print", "--root", str(root), cwd=tmp_path)
    assert done.returncode == 0
    first, second = done.stdout.splitlines()[:2]
    # Editors with the YAML language server complete and check keys from the schema.
    assert first == f"# yaml-language-server: $schema={CONFIG_SCHEMA_URL}"
    assert second.startswith("# signal-gate configuration, scaffolded by `signal-gate init`")
    assert yaml.safe_load(done.stdout)["version"] == 1
    assert not (root / "signal-gate.yml").exists()
    assert done.stderr.startswith(
        "signal-gate: proposed (save it as signal-gate.yml): 2 interactions (2 outbound, 0 inbound)"
    )
    assert "next: review each interaction; produce the reports with\n" in done.stderr
    assert "then run `signal-gate check`." in done.stderr


def test_a_tests_template_needs_its_name(cli, tmp_path: Path) -> None:
    done = cli("init", "--print", "--tests", "tests/test_x.py", cwd=tmp_path)
    assert done.returncode == 2 and "--tests 'tests/test_x.py' has no {name}" in done.stderr


# --- what a source does ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "network"),
    [
        ("import requests", ("requests",)),
        ("import urllib.request", ("urllib.request",)),
        ("from urllib.request import urlopen", ("urllib.request",)),
        ("from urllib import request", ("urllib.request",)),
        ("import urllib\nurllib.request.urlopen('x')", ("urllib.request",)),
        ("import http.client as hc\nhc.HTTPSConnection('h')", ("http.client",)),
        (
            "import asyncio\nasync def f():\n    await asyncio.open_connection('h', 1)",
            ("asyncio.open_connection",),
        ),
        ("import asyncio\nasyncio.run(main())", ()),
        ("import botocore.session", ("botocore",)),
        ("import smtplib, socket", ("smtplib", "socket")),
        ("from urllib.parse import quote", ()),  # a URL is not a call
        ("from http.server import HTTPServer", ()),  # a server is not a client
        ("import json\nx = json.loads('1')", ()),
        ("def f():\n    import redis\n    return redis.Redis()", ("redis",)),
    ],
)
def test_network_use_from_the_syntax_tree(source: str, network: tuple[str, ...]) -> None:
    assert source_facts(source, "pkg.mod").network == network


def test_imports_are_absolute() -> None:
    facts = source_facts(
        "from ..base import NotifyBase\nfrom . import sibling\nimport other.mod",
        "app.plugins.slack",
    )
    assert set(facts.imports) == {
        "app.base", "app.base.NotifyBase", "app.plugins", "app.plugins.sibling", "other.mod",
    }  # fmt: skip
    in_init = source_facts("from .sender import send", "app.email", package=True)
    assert "app.email.sender" in in_init.imports


def test_a_docstring_alone_is_trivial() -> None:
    assert source_facts('"""Nothing."""\n', "a").trivial
    assert not source_facts('"""Doc."""\nX = 1\n', "a").trivial


def test_network_library_prefixes() -> None:
    assert network_library("google.cloud.storage") == "google.cloud"
    assert network_library("urllib.request.urlopen") == "urllib.request"
    assert network_library("urllib") is None and network_library("http") is None


def test_module_names() -> None:
    packages = frozenset({"src/pkg", "src/pkg/sub", "lib/kit", "kit"})
    assert module_names("src/pkg/sub/x.py", packages) == ("pkg.sub.x",)
    assert module_names("lib/kit/y.py", packages) == ("lib.kit.y", "kit.y")
    assert module_names("app/clients/a_client.py", packages) == ("app.clients.a_client",)
    assert module_names("kit/__init__.py", packages) == ("kit",)


# --- which code is an interaction -----------------------------------------------------------


def facts_of(sources: dict[str, str]) -> dict:
    packages = frozenset(p.rsplit("/", 1)[0] for p in sources if p.endswith("/__init__.py"))
    return {
        p: source_facts(text, module_names(p, packages)[0], package=p.endswith("__init__.py"))
        for p, text in sources.items()
    }


def found(sources: dict[str, str], *modules: str) -> list[tuple[str, str, str]]:
    discovery = discover(list(sources), facts_of(sources), modules)
    return [(u.path, u.name, u.found) for u in discovery.units]


def test_a_folder_of_modules_that_talk_to_the_network_is_a_plugin_folder() -> None:
    sources = {
        "kit/__init__.py": "",
        "kit/plugins/__init__.py": "import importlib\n",
        "kit/plugins/base.py": "import socket\n",  # support: serves the plugins
        "kit/plugins/consts.py": "TIMEOUT = 5\n",  # support too, as sentry-python's are
        "kit/plugins/slack.py": "import urllib.request\n",
        "kit/plugins/smtp_mail.py": "import smtplib\n",
        "kit/plugins/desktop.py": "X = 1\n",  # a sibling plugin without the network
        "kit/plugins/_private.py": "import socket\n",
        "kit/plugins/xmpp/__init__.py": "",
        "kit/plugins/xmpp/stream.py": "import socket\n",
        "kit/plugins/xmpp/stanza.py": "X = 1\n",
        "tests/test_plugin_slack.py": "import requests\n",  # tests are never interactions
        "conftest.py": "import socket\n",
        "kit/plugins/test_live.py": "import socket\n",
    }
    where = "in the plugin folder kit/plugins/"
    assert found(sources) == [
        ("kit/plugins/desktop.py", "desktop", where),
        ("kit/plugins/slack.py", "slack", where),
        ("kit/plugins/smtp_mail.py", "smtp_mail", where),
        ("kit/plugins/xmpp/", "xmpp", where),  # a package, whole
    ]
    discovery = discover(list(sources), facts_of(sources))
    assert discovery.plugin_folders == ("kit/plugins",)
    assert unmapped_globs(discovery) == ["kit/plugins/**/*.py"]


def test_two_talking_siblings_are_no_plugin_folder() -> None:
    sources = {
        "app/db.py": "import psycopg2\n",
        "app/cache.py": "import redis\n",
        "app/views.py": "X = 1\n",
        "app/forms.py": "X = 1\n",
    }
    assert found(sources) == [
        ("app/cache.py", "cache", "uses redis"),
        ("app/db.py", "db", "uses psycopg2"),
    ]


def test_shared_plumbing_and_the_composition_root_are_not_interactions() -> None:
    sources = {
        "app/__init__.py": "",
        "app/http.py": "import urllib.request\n",
        "app/billing.py": "from app.http import get\n\ndef charge():\n    return get()\n",
        "app/ledger.py": "from app import http\n\ndef post():\n    return http.get()\n",
        "app/server.py": "from app import billing, ledger, http\n",
    }
    assert found(sources) == [
        ("app/billing.py", "billing", "calls out through app/http.py"),
        ("app/ledger.py", "ledger", "calls out through app/http.py"),
    ]
    discovery = discover(list(sources), facts_of(sources))
    assert discovery.shared == (("app/http.py", 2),)


def test_a_module_that_only_re_exports_a_client_does_not_call_out_through_it() -> None:
    # Every library's `__init__.py` re-exports its client; only code that uses a
    # name it imported from a client module calls out through it.
    sources = {
        "lib/__init__.py": (
            "import logging\nfrom .api import Client, fetch\n__all__ = ['Client', 'fetch']\n"
            "logging.getLogger('lib').addHandler(logging.NullHandler())\n"
        ),
        "lib/api.py": "import requests\n",
        "lib/sync.py": "from lib.api import fetch\n\ndef run():\n    return fetch()\n",
        "lib/unused.py": "import lib.api\nX = 1\n",
    }
    assert found(sources) == [
        ("lib/api.py", "lib_api", "uses requests"),
        ("lib/sync.py", "sync", "calls out through lib/api.py"),
    ]


def test_a_package_init_that_calls_out_is_named_after_its_package() -> None:
    sources = {
        "svc/__init__.py": "",
        "svc/http.py": "import requests\n",
        "svc/billing/__init__.py": "from svc.http import post\n\ndef charge():\n    post()\n",
    }
    assert found(sources) == [
        ("svc/billing/__init__.py", "billing", "calls out through svc/http.py"),
        ("svc/http.py", "svc_http", "uses requests"),
    ]


@pytest.mark.parametrize(
    ("source", "referenced"),
    [
        ("from app.api import Client, fetch\n__all__ = ['Client']\n", []),
        ("from app.api import fetch\nfetch()\n", ["app.api", "app.api.fetch"]),
        ("from app.api import fetch as f\ndef g():\n    f()\n", ["app.api", "app.api.fetch"]),
        ("from app import api\nclass M(api.Client): ...\n", ["app", "app.api"]),
        ("from app.api import Session\ndef g(s: Session): ...\n", ["app.api", "app.api.Session"]),
        ("from app.api import *\n", ["app.api"]),  # whatever it brings may be used
        ("import app.net.http\napp.net.http.get()\n", ["app.net.http"]),
        ("import app.net.http as h\nh.get()\n", ["app.net.http"]),
        ("import app.net.http\nX = 1\n", []),
        ("from app.api import fetch\nfetch = 1\n", []),  # rebinding is no use
    ],
)  # fmt: skip
def test_what_the_code_refers_to_among_its_imports(source: str, referenced: list[str]) -> None:
    assert list(source_facts(source, "app.mod").referenced) == referenced


def test_a_client_py_stands_for_its_package_and_generic_stems_take_their_folder() -> None:
    sources = {
        "common/billing_service/__init__.py": "",
        "common/billing_service/client.py": "import httpx\n",
        "common/billing_service/models.py": "X = 1\n",
        "common/billing_service/retry.py": "import httpx\n",  # inside the package: not its own
        "kit/config/http.py": "import requests\n",
        "app/clients/alert_client.py": "def send(transport): ...\n",  # named like a client
    }
    assert found(sources) == [
        ("app/clients/alert_client.py", "alert", "named like a client"),
        ("common/billing_service/", "billing_service", "uses httpx"),
        ("kit/config/http.py", "config_http", "uses requests"),
    ]
    globs = unmapped_globs(discover(list(sources), facts_of(sources)))
    assert globs == ["app/clients/*_client.py", "common/*/client.py"]


def test_modules_globs_replace_the_search() -> None:
    sources = {
        "kit/plugins/__init__.py": "",
        "kit/plugins/a.py": "X = 1\n",
        "kit/plugins/b.py": "X = 1\n",
        "kit/plugins/_c.py": "X = 1\n",
        "kit/plugins/pkg/__init__.py": "",
        "kit/plugins/pkg/x.py": "X = 1\n",
        "kit/db.py": "import redis\n",  # not asked for
    }
    how = "matches --modules kit/plugins/*"
    assert found(sources, "kit/plugins/*") == [
        ("kit/plugins/a.py", "a", how),
        ("kit/plugins/b.py", "b", how),
        ("kit/plugins/pkg/", "pkg", how),
    ]


def test_endpoints_are_inbound() -> None:
    sources = {"app/api/__init__.py": "", "app/api/orders.py": "X = 1\n",
               "app/api/deps.py": "X = 1\n", "app/routes/_util.py": "X = 1\n"}  # fmt: skip
    discovery = discover(list(sources), facts_of(sources))
    assert [(u.path, u.direction) for u in discovery.units] == [
        ("app/api/orders.py", Direction.INBOUND)
    ]


# --- evidence by name and by import ---------------------------------------------------------


def unit(path: str, name: str) -> Unit:
    return Unit(name, path, (path,), Direction.OUTBOUND, "test")


TESTS = [
    "tests/test_slack.py",
    "tests/test_plugin_slack.py",
    "tests/unit/slack_test.py",
    "tests/test_slacking.py",  # not on a word boundary
    "tests/test_plugin_slack_threads.py",
    "tests/slack/test_send.py",
    "tests/slack/test_format.py",
    "tests/test_alerts.py",
    "tests/test_alert_client.py",
]


def test_by_name_follows_the_usual_conventions() -> None:
    assert by_name(unit("kit/plugins/slack.py", "slack"), TESTS) == [
        "tests/slack/**",
        "tests/test_slack.py",
        "tests/test_plugin_slack.py",
        "tests/unit/slack_test.py",
        "tests/test_plugin_slack_threads.py",
    ]
    assert by_name(unit("app/clients/alert_client.py", "alert"), TESTS) == [
        "tests/test_alerts.py",
        "tests/test_alert_client.py",
    ]


def test_a_tests_template_names_the_files() -> None:
    files = {"tests/test_notifyslack.py", "tests/it/slack/test_a.py"}
    slack = unit("kit/plugins/slack.py", "slack")
    assert by_template(slack, "tests/test_notify{name}.py", files) == ["tests/test_notifyslack.py"]
    assert by_template(slack, "tests/it/{name}/*.py", files) == ["tests/it/slack/*.py"]
    assert by_template(slack, "tests/test_{name}_x.py", files) == []


def test_tests_that_import_a_module_are_its_evidence_unless_they_import_many() -> None:
    units = [unit(f"kit/plugins/{n}.py", n) for n in ("a", "b", "c")]
    names = {u.path: [f"kit.plugins.{u.name}"] for u in units}
    tests = facts_of({
        "tests/test_one.py": "from kit.plugins.a import send\n",
        "tests/test_two.py": "from kit.plugins import a, b\n",
        "tests/test_all.py": "from kit.plugins import a, b, c\n",  # tests the whole
    })  # fmt: skip
    assert by_imports(units, names, tests) == {
        "kit/plugins/a.py": ["tests/test_one.py", "tests/test_two.py"],
        "kit/plugins/b.py": ["tests/test_two.py"],
        "kit/plugins/c.py": [],
    }


# --- the proposal -------------------------------------------------------------------------


def test_support_code_under_the_unmapped_globs_keeps_policy_at_warn() -> None:
    sources = {
        "kit/plugins/__init__.py": '"""Plugins."""\n',  # nothing to declare
        "kit/plugins/base.py": "X = 1\n",
        **{f"kit/plugins/{n}.py": "import requests\n" for n in ("a", "b", "c")},
    }
    facts = facts_of(sources)
    proposal = propose("t", discover(list(sources), facts), list(sources), facts)
    assert proposal.unclaimed == ("kit/plugins/base.py",)
    text = render_config(proposal)
    config = config_from_data(yaml.safe_load(text), "scaffold")
    assert config.unmapped.policy.value == "warn"
    assert "# claimed by no interaction: kit/plugins/base.py" in text


def test_nothing_found_still_validates() -> None:
    text = render_config(Proposal("x integration gate", (), ()))
    config = config_from_data(yaml.safe_load(text), "scaffold")
    assert config.interactions == () and config.unmapped.paths == []


def test_hostile_names_are_quoted() -> None:
    hostile = Interaction(
        id="y", name='we"ird: {x}', direction=Direction.OUTBOUND,
        path='we"ird: {x}/#y_client.py', peer="evil\nsafety: {}", evidence=("t\n- x",),
        found="uses\nrequests: 1", evidence_from="names",
    )  # fmt: skip
    text = render_config(Proposal('title: "quoted" # not a comment', (hostile,), ()))
    config = config_from_data(yaml.safe_load(text), "scaffold")
    assert config.title == 'title: "quoted" # not a comment'
    assert [i.modules for i in config.interactions] == [('we"ird: {x}/#y_client.py',)]
    assert config.interactions[0].evidence == ("t\n- x",) and config.safety.checks == []


def test_the_summary_says_how_each_was_found_and_what_to_run() -> None:
    sources = {
        **{f"kit/plugins/{n}.py": "import requests\n" for n in ("a", "b", "c")},
        "kit/db.py": "import redis\n",
        "tests/test_a.py": "",
    }
    facts = facts_of(sources)
    discovery = discover(list(sources), facts)
    proposal = propose("t", discovery, list(sources), facts)
    lines = summary_lines(proposal, discovery, ["skipped 1 Python file: x.py (over 1 MiB)"])
    assert lines == [
        "4 interactions (4 outbound, 0 inbound)",
        "  uses redis: db",
        "  in the plugin folder kit/plugins/: a, b, c",
        "  evidence: 1 from test file names",
        "  no evidence found for 3: db, b, c "
        "(--tests 'tests/test_{name}.py' names your test files)",
        "  skipped 1 Python file: x.py (over 1 MiB)",
        "next: review each interaction; produce the reports with",
        "  pytest --cov --cov-branch --cov-report=xml:coverage.xml --junitxml=junit.xml",
        "then run `signal-gate check`.",
    ]


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


# --- reading, bounded -----------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="a FIFO among the sources: POSIX only")
def test_reading_skips_what_it_cannot_or_should_not_parse(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "ok.py").write_text("import socket\n")
    (root / "app" / "broken.py").write_text("def f(:\n")
    (root / "app" / "nul.py").write_bytes(b"x = 1\x00\n")
    (root / "app" / "deep.py").write_text("x = " + "(" * 5000 + ")" * 5000 + "\n")
    (root / "app" / "huge.py").write_text("#" * (MAX_FILE_BYTES + 1))
    (tmp_path / "outside.py").write_text("import requests\n")
    symlink(root / "app" / "link.py", tmp_path / "outside.py")
    os.mkfifo(root / "app" / "fifo.py")
    paths = sorted(p.relative_to(root).as_posix() for p in (root / "app").iterdir())
    facts, skipped = read_sources(root, paths)
    assert list(facts) == ["app/ok.py"]
    assert skipped == [
        "app/broken.py (does not parse: invalid syntax, line 1)",
        "app/deep.py (does not parse: too many nested parentheses, line 1)",
        "app/fifo.py (not a regular file inside the repository)",
        "app/huge.py (over 1 MiB)",
        "app/link.py (not a regular file inside the repository)",
        "app/nul.py (does not parse: source code string cannot contain null bytes)",
    ]
    assert skip_notes(skipped) == [
        "skipped 6 Python files: app/broken.py (does not parse: invalid syntax, line 1); "
        "app/deep.py (does not parse: too many nested parentheses, line 1); app/fifo.py (not "
        "a regular file inside the repository); app/huge.py (over 1 MiB); app/link.py (not a "
        "regular file inside the repository); and 1 more"
    ]
