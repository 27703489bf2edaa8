"""`signal-gate init`: a commented signal-gate.yml proposed from the repository itself.

What it looks for (outside test folders, virtualenvs and caches):

- outbound clients: `*_client.py` anywhere, and `client.py` inside a package
  named after its peer (`common/config_service/client.py` -> `config-service`);
- inbound endpoints: public modules of `api/`, `routes/` and `endpoints/`
  folders (`app/api/monitoring.py` -> `monitoring`);
- evidence: test files (`test_*.py`, `*_test.py` under a `tests`/`test` folder)
  whose name starts with the module's stem, with or without `_client`, as a
  whole word (`test_alerts.py`, `test_config_service.py`).

One interaction per module, `unmapped.paths` covering the client globs so a
new undeclared client fails the gate. `detect` and `render_config` are pure;
only `scaffold`, `existing_config` and `write_new` look at the disk.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from gate import CONFIG_SCHEMA_URL
from gate.check import scan_repo
from gate.config.load import config_from_data, find_config
from gate.config.schema import Direction
from gate.errors import ConfigError, UsageError
from gate.records import Record

TEST_DIRS = frozenset({"tests", "test", "testing"})
ENDPOINT_DIRS = frozenset({"api", "routes", "endpoints"})
NOT_ENDPOINTS = frozenset({"__init__", "deps", "dependencies", "schemas", "models", "utils"})
ACRONYMS = frozenset({"api", "sdk", "http", "acl", "id", "sms", "url", "ui", "io", "db", "s3"})
_TEST_FILE = re.compile(r"^(?:test_(?P<a>\w+)|(?P<b>\w+)_test)\.py$")


class Proposal(Record, frozen=True):
    """One interaction as init proposes it."""

    id: str
    name: str
    direction: Direction
    path: str  # the module file
    peer: str | None
    evidence: tuple[str, ...]


class Scaffold(Record, frozen=True):
    """What init found, and the config text it proposes."""

    title: str
    interactions: tuple[Proposal, ...]
    unmapped: tuple[str, ...]
    text: str = ""
    summary: str = ""


# --- finding ---------------------------------------------------------------------------


def detect(files: Iterable[str], title: str) -> Scaffold:
    """Propose interactions for repository-relative `files` (pure): clients first,
    then endpoints, each in path order."""
    files = sorted(f for f in files if f.isprintable())  # a newline would end a YAML comment
    tests = [f for f in files if _is_test_file(f)]
    found = [
        (path, *kind)
        for path in files
        if path.endswith(".py") and not _in_tests(path) and (kind := _classify(path))
    ]
    found.sort(key=lambda item: item[1] is not Direction.OUTBOUND)  # clients first
    taken: set[str] = set()
    proposals: list[Proposal] = []
    for path, direction, stem in found:
        ident = _unique_id(kebab(stem), direction, taken)
        evidence = tuple(matching_tests(path, tests))
        peer = stem if direction is Direction.OUTBOUND else None
        proposals.append(
            Proposal(ident, humanise(stem, direction), direction, path, peer, evidence)
        )
    clients = [p.path for p in proposals if p.direction is Direction.OUTBOUND]
    return Scaffold(title, tuple(proposals), tuple(client_globs(clients)))


def _classify(path: str) -> tuple[Direction, str] | None:
    """(direction, stem) when the file looks like a client or an endpoint."""
    parts = path.split("/")
    stem = parts[-1][:-3]
    if stem.endswith("_client") and len(stem) > len("_client"):
        return Direction.OUTBOUND, stem[: -len("_client")]
    if stem == "client" and len(parts) > 1:
        return Direction.OUTBOUND, parts[-2]
    if len(parts) > 1 and parts[-2] in ENDPOINT_DIRS:
        if stem.startswith("_") or stem in NOT_ENDPOINTS:
            return None
        return Direction.INBOUND, stem
    return None


def matching_tests(path: str, tests: Sequence[str]) -> list[str]:
    """Test files named after the module: `test_<stem>*.py` or
    `test_<stem without _client>*.py`, the stem ending on a word boundary
    (an `s` for a plural is allowed: `alert_client` -> `test_alerts.py`)."""
    parts = path.split("/")
    stem = parts[-1][:-3]
    if stem == "client" and len(parts) > 1:
        stem = parts[-2]
    stems = {stem, stem.removesuffix("_client")}
    pattern = re.compile(rf"^(?:{'|'.join(map(re.escape, sorted(stems)))})s?(?:_|$)")
    return [t for t in tests if pattern.match(_test_subject(t))]


def _test_subject(test_path: str) -> str:
    match = _TEST_FILE.match(test_path.rsplit("/", 1)[-1])
    assert match is not None  # only test files get here
    return match["a"] or match["b"]


def _in_tests(path: str) -> bool:
    parts = path.split("/")
    return any(p in TEST_DIRS for p in parts[:-1]) or _TEST_FILE.match(parts[-1]) is not None


def _is_test_file(path: str) -> bool:
    parts = path.split("/")
    return any(p in TEST_DIRS for p in parts[:-1]) and _TEST_FILE.match(parts[-1]) is not None


def client_globs(clients: Sequence[str]) -> list[str]:
    """One glob per folder holding clients: `app/clients/*_client.py`,
    `common/*/client.py`; a new client there is caught as unmapped."""
    globs: list[str] = []
    for path in clients:
        folder, _, name = path.rpartition("/")
        if name == "client.py":
            parent = folder.rpartition("/")[0]
            glob = f"{parent}/*/client.py" if parent else "*/client.py"
        else:
            glob = f"{folder}/*_client.py" if folder else "*_client.py"
        if glob not in globs:
            globs.append(glob)
    return globs


def kebab(text: str) -> str:
    """`sdk_streams` -> `sdk-streams`: the id schema is [a-z0-9-]+."""
    out = re.sub(r"[^a-z0-9]+", "-", re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text).lower())
    return out.strip("-") or "interaction"


def humanise(stem: str, direction: Direction) -> str:
    """`sdk_streams` -> `SDK Streams API` (inbound), `config` -> `Config` (outbound)."""
    words = [w.upper() if w in ACRONYMS else w.capitalize() for w in kebab(stem).split("-")]
    name = " ".join(words)
    return f"{name} API" if direction is Direction.INBOUND and not name.endswith("API") else name


def _unique_id(ident: str, direction: Direction, taken: set[str]) -> str:
    candidate = ident
    if candidate in taken:
        candidate = f"{ident}-{'api' if direction is Direction.INBOUND else 'client'}"
    n = 2
    while candidate in taken:
        candidate = f"{ident}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


# --- writing the YAML --------------------------------------------------------------------


def render_config(found: Scaffold) -> str:
    """The config as commented YAML (pure). Every scalar from the repository is
    written as a JSON string, which YAML reads back verbatim."""
    lines = [*_HEADER, f"title: {_q(found.title)}", *_SETTINGS]
    lines.extend(_unmapped(found.unmapped))
    lines.extend(_INTERACTIONS_INTRO)
    if not found.interactions:
        lines.append("interactions: []  # nothing found: declare each service this one talks to")
    else:
        lines.append("interactions:")
        for index, p in enumerate(found.interactions):
            lines.extend(_interaction(p, explained=index == 0))
    lines.extend(_SAFETY)
    return "\n".join(lines) + "\n"


def _q(value: str) -> str:
    return json.dumps(value)


def _unmapped(globs: Sequence[str]) -> list[str]:
    lines = [
        "",
        "# Source files that must each belong to an interaction: a client added later",
        "# and never declared shows up as unmapped. policy: fail | warn | ignore.",
        "unmapped:",
    ]
    if globs:
        lines.append("  paths:")
        lines.extend(f"    - {_q(g)}" for g in globs)
        lines.append("  policy: fail")
    else:
        lines.append('  paths: []  # e.g. ["app/clients/*.py"]')
        lines.append("  policy: warn")
    return lines


def _interaction(p: Proposal, *, explained: bool) -> list[str]:
    def note(text: str) -> str:
        return f"  # {text}" if explained else ""

    evidence = (
        ["    evidence:" + note("test files (globs) or pytest node ids that prove it")]
        + [f"      - {_q(e)}" for e in p.evidence]
        if p.evidence
        else [f"    evidence: []  # TODO: no test file named after {p.path.rsplit('/', 1)[-1]}"]
    )
    lines = [
        "",
        f"  # {p.path}",
        f"  - id: {p.id}" + note("[a-z0-9-]+, unique; `signal-gate explain <id>`"),
        f"    name: {_q(p.name)}" + note("shown in the matrix and the document"),
        f"    direction: {p.direction.value}" + note("outbound | inbound | bidirectional"),
    ]
    if p.peer is not None:
        lines.append(f"    peer: {_q(p.peer)}" + note("the service on the other side"))
    lines.extend(
        [
            "    critical: false" + note("true: must be PRODUCTION READY for the gate to pass"),
            "    modules:" + note("path globs or dotted module names"),
            f"      - {_q(p.path)}",
            *evidence,
        ]
    )
    if explained:
        lines.extend(_OPTIONAL_KEYS)
    return lines


_OPTIONAL_KEYS = [
    "    # threshold: {line: 95, branch: 95}  # overrides defaults.threshold",
    "    # contract: 'JSON {\"value\": ...}'    # the data exchanged, free text",
    "    # details:                    # facts shown in the document and by explain",
    "    #   Endpoint: /path/{key}",
    "    #   Retry logic: 3 retries, 5 s timeout",
]
_HEADER = [
    f"# yaml-language-server: $schema={CONFIG_SCHEMA_URL}",
    "# signal-gate configuration, scaffolded by `signal-gate init` from the modules",
    "# and tests it found. Names, peers and evidence are guesses from file names:",
    "# review each interaction, then run `signal-gate validate` and `signal-gate check`.",
    "version: 1",
    "",
    "# Names this gate's pull-request comment and commit status ([a-z0-9-]+).",
    "id: default",
    "# Shown at the top of comments and of the assessment document.",
]
_SETTINGS = [
    '# maintainer: "Your Team"   # shown in the assessment document',
    "",
    "defaults:",
    "  # Percent of its statements / branches an interaction must cover; null turns",
    "  # a side off. An interaction may override it with its own `threshold`.",
    "  threshold: {line: 95, branch: 95}",
    "  # Below its thresholds, an interaction at or above this confidence is",
    "  # NEAR PRODUCTION READY rather than REQUIRES ATTENTION.",
    "  near: 90",
    "  # all: coverage from the whole suite. evidence: only what each interaction's",
    "  # own evidence tests ran (needs a .coverage file from --cov-context=test).",
    "  coverage_scope: all",
    "",
    "overall:",
    "  # The gate fails when the weighted mean confidence is below this.",
    "  min_confidence: 95",
    "",
    "# The reports CI already writes (files or globs); --coverage/--junit replace them.",
    "# With pytest: pytest --cov --cov-branch --cov-report=xml:coverage.xml --junitxml=junit.xml",
    "reports:",
    '  coverage: ["coverage.xml"]',
    '  junit: ["junit.xml"]',
]
_INTERACTIONS_INTRO = [
    "",
    "# One interaction per service this one talks to (outbound) or serves (inbound).",
    "# Required by default: each must reach its thresholds with passing evidence.",
]
_SAFETY = [
    "",
    "# Deployment safety checks, reported N/N; `required: all` or a number.",
    "# Kinds: command, junit, coverage, file_exists, require_pattern, forbid_pattern, results.",
    "safety:",
    "  required: all",
    "  checks: []",
    "  # checks:",
    "  #   - id: no-debug-print",
    "  #     name: No print() left in the clients",
    "  #     kind: forbid_pattern",
    '  #     files: ["app/clients/*.py"]',
    "  #     pattern: '\\bprint\\('",
]


# --- the edges ---------------------------------------------------------------------------


def scaffold(root: Path) -> Scaffold:
    """Look at the repository under `root` and propose a validated config."""
    found = detect(scan_repo(root), project_title(root))
    text = render_config(found)
    config_from_data(yaml.safe_load(text), "the scaffolded config")  # init never proposes junk
    ins = sum(1 for p in found.interactions if p.direction is Direction.INBOUND)
    untested = sum(1 for p in found.interactions if not p.evidence)
    summary = (
        f"{len(found.interactions) - ins} outbound and {ins} inbound interactions, "
        f"{untested} without evidence tests"
    )
    return Scaffold(found.title, found.interactions, found.unmapped, text, summary)


def project_title(root: Path) -> str:
    """'<project name> integration gate', the name from pyproject.toml or the folder."""
    name = root.resolve().name or "service"
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            project = {}
        if isinstance(project, dict) and isinstance(project.get("name"), str):
            name = project["name"]
    return f"{name} integration gate"


def existing_config(root: Path) -> Path | None:
    """The config signal-gate would use in `root`, if there is one."""
    try:
        return find_config(None, root)[0]
    except ConfigError:
        return None


def write_new(path: Path, text: str) -> None:
    """Create `path` whole, failing rather than replacing a file that appeared meanwhile:
    the text goes to a temporary file, which is hard-linked into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.link(tmp, path)
    except FileExistsError:
        raise UsageError(f"{path}: already exists; init never overwrites a config") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
