"""The assessment document (`signal-gate report`): golden files from a real run,
GitHub rendering of hostile text, the reproduction command, staleness."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from conftest import EVIDENCE_SCOPED_CONFIG
from support.portable import shell_line
from support.reports import run_check

from gate.check import CheckOptions
from gate.config.schema import (
    ContractSpec,
    Direction,
    Interaction,
    Scope,
    SkipPolicy,
    Threshold,
)
from gate.core.report import (
    SCHEMA,
    EvidenceTest,
    InteractionResult,
    Provenance,
    ProvenanceFile,
    Report,
    SafetyCheckResult,
    SafetyResult,
    Status,
    TestCounts,
    WaiverInfo,
)
from gate.core.reproduce import cov_targets, evidence_args, path_to_module, reproduce_command
from gate.records import replace
from gate.render.document import (
    PROVENANCE_HEADING,
    generated_timestamp,
    ordered_interactions,
    render_document,
)
from gate.render.document_check import comparable_lines, stale_diff
from gate.render.phrases import side_measured

TODAY = dt.date(2026, 11, 29)
STAMP = "2026-11-29T12:00:00Z"

# The fixture project under a richer config: critical gaps, a waiver, details,
# safety checks (one failing), an overlap, hostile-looking text.
RICH_CONFIG = r"""
version: 1
id: shop
title: "Shop <b>integration</b> gate @ops"
maintainer: "Team Shop & Friends"
defaults:
  threshold: {line: 95, branch: 95}
overall:
  min_confidence: 50
reports:
  coverage: ["coverage.xml"]
  junit: ["junit.xml"]
unmapped:
  paths: ["shop/clients/*.py"]
  policy: warn
interactions:
  - id: payments
    name: Payment Gateway (Stripe-like)
    direction: outbound
    peer: payment_gateway
    critical: true
    modules: [shop.payments]
    evidence: ["tests/integration/test_*.py::TestCharge", tests/integration/test_payments.py]
    contract: 'JSON {"id": str, "amount": int} | error'
    details:
      Endpoint: "POST /charges"
      Authentication: Bearer token via PAYMENTS_API_KEY
      Docs: "https://payments.example.com/docs see @payments-team"
  - id: inventory
    name: Inventory Service
    direction: outbound
    peer: inventory
    critical: true
    modules: ["shop/clients/inventory_client.py"]
    evidence: ["tests/integration/test_inventory.py::test_*"]
    threshold: {line: 80}
  - id: retry-helper
    name: Retry helper
    direction: bidirectional
    required: false
    modules: ["shop/payments/retry.py"]
    evidence: ["tests/unit/test_retry.py"]
waivers:
  - target: inventory
    reason: "stock endpoint is being rewritten (#12) <script>x</script>"
    owner: team-shop
    until: 2099-12-31
safety:
  required: 2
  checks:
    - id: clients-exist
      name: Client modules exist
      kind: file_exists
      paths: ["shop/clients/*.py"]
    - id: no-print
      name: No print() in shop
      kind: forbid_pattern
      files: ["shop/**/*.py"]
      pattern: 'print\('
    - id: inventory-green
      name: Inventory tests pass
      kind: junit
      tests: ["tests/integration/test_inventory.py"]
"""


def fixture_report(root: Path, config: str | None = None) -> Report:
    return run_check(CheckOptions(root=root, config=config, today=TODAY)).report


def stable(document: str) -> str:
    """The document with the input files' hashes blanked: the fixture run writes
    fresh reports (with timestamps inside) every session."""
    return re.sub(r"(\| `[^`]+` \| [\w-]+ \| `)[0-9a-f]{12}(` \|)", r"\1<sha256>\2", document)


def rich_config(tmp_path: Path) -> str:
    path = tmp_path / "rich.yml"
    path.write_text(RICH_CONFIG, encoding="utf-8")
    return str(path)


# --- golden files ------------------------------------------------------------------


def test_document_golden(fixture_run, golden) -> None:
    document = render_document(fixture_report(fixture_run.root), STAMP)
    golden("document_fixture_project.md", stable(document))


def test_rich_document_golden(fixture_run, golden, tmp_path: Path) -> None:
    report = fixture_report(fixture_run.root, rich_config(tmp_path))
    golden("document_rich.md", stable(render_document(report, STAMP)))


def test_reads_as_plain_text(fixture_run) -> None:
    """No backslash escapes, entities or HTML in the document of a plain project."""
    document = render_document(fixture_report(fixture_run.root), STAMP)
    assert "\\" not in document
    assert "&amp;" not in document and "&lt;" not in document
    assert "<" not in document.replace("<sha256>", "")
    assert all(line == line.rstrip() for line in document.splitlines())
    assert document.endswith("\n") and not document.endswith("\n\n")


def test_sections_in_order_and_critical_gaps_first(fixture_run, tmp_path: Path) -> None:
    report = fixture_report(fixture_run.root, rich_config(tmp_path))
    document = render_document(report, STAMP)
    headings = [line for line in document.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Executive summary",
        "## Integration matrix",
        "## Interactions",
        "## Deployment safety checks: 2/3 (2 required)",
        "## Unmapped files and overlaps",
        "## Provenance (not compared by `signal-gate report --check`)",
    ]
    sections = [line for line in document.splitlines() if line.startswith("### ")]
    assert sections[1:] == [
        "### 🔴 Inventory Service (`inventory`)",  # critical, not ready: first
        "### 🟢 Payment Gateway (Stripe-like) (`payments`)",
        "### 🟢 Retry helper (`retry-helper`)",
    ]
    assert document.index("❌ | Inventory tests pass") < document.index("✅ | Client modules")


# --- GitHub rendering --------------------------------------------------------------------


def github_html(markdown: str) -> str:
    """GitHub's Markdown (cmark-gfm), raw HTML let through: whatever survives is ours."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def outside_code(html: str) -> str:
    return re.sub(r"<code>.*?</code>", "", html, flags=re.S)


def assert_tables_are_whole(html: str) -> None:
    for table in re.findall(r"<table>.*?</table>", html, flags=re.S):
        widths = {
            len(re.findall(r"<t[hd][ >]", row))
            for row in re.findall(r"<tr>.*?</tr>", table, flags=re.S)
        }
        assert len(widths) == 1, table


def test_rich_document_renders_safely_on_github(fixture_run, tmp_path: Path) -> None:
    html = github_html(
        render_document(fixture_report(fixture_run.root, rich_config(tmp_path)), STAMP)
    )
    assert "<script" not in html and "<b>" not in html
    assert "<a " not in html  # no autolinks from details or messages
    assert "@payments-team" not in outside_code(html) and "@ops" not in outside_code(html)
    assert_tables_are_whole(html)
    assert html.count("<table>") == 6  # matrix, 3 evidence tables, safety, provenance


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "see @octo-org/admins and www.evil.example",
    "a | b || c ` d `` e",
    "line\nbreak\r\n# not a heading\x1b[31m",
    "</details><details open>",
    "**bold** _it_ ~~s~~ ![i](http://x/i.png)",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_stays_text(hostile: str) -> None:
    r = interaction(
        name=hostile,
        peer=hostile,
        contract=hostile,
        details={hostile: hostile},
        gaps=[hostile],
        evidence=[hostile],
        modules=[hostile],
        files=[hostile],
        evidence_tests=[EvidenceTest(hostile, "failed", hostile)],
        waiver=WaiverInfo(reason=hostile, until="2099-01-01", owner=hostile),
        status=Status.ATTENTION,
    )
    check = SafetyCheckResult("c", hostile, "command", False, hostile)
    report = build_report(
        r,
        title=hostile,
        maintainer=hostile,
        reasons=[hostile],
        notes=[hostile],
        unmapped=[hostile],
        safety=SafetyResult(0, 1, 1, [check]),
        provenance=Provenance("0" * 64, None, [ProvenanceFile(hostile, "f" * 64, "cobertura")]),
    )
    document = render_document(report, STAMP)
    html = github_html(document)
    for tag in ("<img", "<a ", "<details", "<strong>bold", "<em>", "<del>", "<h1>not"):
        assert tag not in html
    assert "@octo-org" not in outside_code(html)
    assert "\x1b" not in document
    assert_tables_are_whole(html)


# --- the reproduction command --------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "files", "expected"),
    [
        ("shop.payments", [], ["shop.payments"]),
        ("shop/clients/inventory_client.py", [], ["shop.clients.inventory_client"]),
        ("./shop/clients/", [], ["shop.clients"]),
        ("src/shop/api/__init__.py", [], ["shop.api"]),
        ("app/clients/*_client.py",
         ["app/clients/a_client.py", "app/clients/b_client.py", "app/other.py"],
         ["app.clients.a_client", "app.clients.b_client"]),
        ("app/clients/**/*.py", [], ["app.clients"]),
        ("**/clients/*.py", [], ["."]),
        ("web/my-app/client.ts", [], ["web/my-app/client.ts"]),
    ],
)  # fmt: skip
def test_cov_targets(module: str, files: list[str], expected: list[str]) -> None:
    assert cov_targets(module, files) == expected


def test_path_to_module() -> None:
    assert path_to_module("common/config_service/client.py") == "common.config_service.client"
    assert path_to_module("src/pkg/__init__.py") == "pkg"
    assert path_to_module("src") == "src"
    # A package named src (its own __init__), not the src layout; the root is ".".
    assert path_to_module("src/__init__.py") == "src"
    assert path_to_module("src/") == "src"
    assert path_to_module("") == "."


def test_evidence_args_expand_what_pytest_cannot_take() -> None:
    tests = [
        "tests/a/test_x.py::test_one",
        "tests/a/test_x.py::TestY::test_p[1-2]",
        "tests/b/test_z.py::test_two",
    ]
    assert evidence_args(["tests/a/test_x.py"], tests) == ["tests/a/test_x.py"]
    assert evidence_args(["tests/**/test_*.py"], tests) == [
        "tests/a/test_x.py",
        "tests/b/test_z.py",
    ]
    assert evidence_args(["tests/a/test_x.py::TestY"], tests) == ["tests/a/test_x.py::TestY"]
    assert evidence_args(["tests/a/test_x.py::test_*"], tests) == ["tests/a/test_x.py::test_one"]
    assert evidence_args(["tests/none/test_*.py"], tests) == ["tests/none/test_*.py"]
    # A node id inside a file passed whole is redundant.
    both = ["tests/*/test_x.py::Test*", "tests/a/test_x.py"]
    assert evidence_args(both, tests) == ["tests/a/test_x.py"]
    # Every pattern in order, a plain one as well as a glob after it.
    assert evidence_args(["tests/b/test_z.py", "tests/a/test_*.py"], tests) == [
        "tests/b/test_z.py",
        "tests/a/test_x.py",
    ]
    # A glob that selected nothing is kept as written: never a file passed whole.
    unmatched = ["tests/none/test_*.py", "tests/none/test_*.py::test_a"]
    assert evidence_args(unmatched, tests) == unmatched


def test_reproduce_commands_follow_the_scope() -> None:
    """Evidence scope: the evidence alone; scope all: the whole suite. Then the
    gate judges the fresh data itself, line and branch apart, never a combined
    --cov-fail-under."""
    evidence = ["tests/test_p.py::test_u[500]"]
    scoped = scoped_interaction(evidence, Scope.EVIDENCE)
    assert reproduce_command(scoped, [], []) == (
        "pytest 'tests/test_p.py::test_u[500]' --cov=shop.payments --cov-branch "
        "--cov-context=test --junitxml=reproduce-junit.xml\n"
        "signal-gate explain payments --coverage .coverage --junit reproduce-junit.xml"
    )
    whole = reproduce_command(scoped_interaction(evidence, Scope.ALL), [], []) or ""
    assert whole.splitlines()[0] == (
        "pytest --cov=shop.payments --cov-branch --cov-context=test --junitxml=reproduce-junit.xml"
    )
    assert "--cov-fail-under" not in whole
    assert reproduce_command(scoped_interaction([], Scope.EVIDENCE), [], []) is None


def scoped_interaction(evidence: list[str], scope: Scope) -> Interaction:
    return Interaction(
        id="payments", name="Payments", direction=Direction.OUTBOUND, peer=None,
        critical=False, required=True, modules=("shop.payments",), evidence=tuple(evidence),
        threshold=Threshold(), contract=ContractSpec(), details={}, weight=1.0,
        coverage_scope=scope, skipped=SkipPolicy.ALLOW,
    )  # fmt: skip


def run_reproduce(command: str, cwd: Path) -> str:
    """Run the document's commands as a user pastes them: one shell line each,
    the second whatever the first's exit code; return the gate's verdict text."""
    import os
    import sys

    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path}
    pytest_line, explain_line = command.splitlines()
    shell_line(pytest_line, cwd=cwd, env=env, capture_output=True, timeout=300)
    done = shell_line(explain_line, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize("scope", ["all", "evidence"])
def test_reproduce_commands_give_the_gates_figures(fixture_run, tmp_path: Path, scope) -> None:
    """Each interaction's commands, run for real in a copy of the project, give
    the figures the report gives, line and branch apart."""
    import shutil

    copy = shutil.copytree(fixture_run.root, tmp_path / "copy")  # the session's data stays
    config = None
    if scope == "evidence":
        (copy / "signal-gate.yml").write_text(EVIDENCE_SCOPED_CONFIG)
    report = fixture_report(copy, config)
    checked = 0
    for r in report.interactions:
        if r.reproduce is None:
            continue
        shown = run_reproduce(r.reproduce, copy)
        assert f"line    {side_measured(r, 'line')}" in shown, shown
        assert f"branch  {side_measured(r, 'branch')}" in shown, shown
        assert f"status     {r.status.value}" in shown, shown
        checked += 1
    assert checked == 2


# --- staleness and the timestamp ---------------------------------------------------------------


def test_the_provenance_footer_is_never_compared() -> None:
    """Timestamp, commit, input hashes and reading notes change with every run:
    they are in the footer, and --check ignores it (and line endings)."""
    report = build_report(interaction())
    a = render_document(report, "2026-01-01T00:00:00Z")
    other_run = replace(
        report,
        provenance=Provenance("1" * 64, "ab" * 20, [ProvenanceFile("coverage.xml", "e" * 64, "x")]),
        notes=["coverage.xml: written by coverage.py 7.6, read with 7.18"],
    )
    b = render_document(other_run, "2027-06-30T23:59:59Z")
    assert a != b
    assert "ab" * 20 in b.split(PROVENANCE_HEADING)[1]  # the commit is in the footer only
    assert comparable_lines(a) == comparable_lines(b)
    assert stale_diff(a, b.replace("\n", "\r\n"), "doc.md") == []


def test_a_changed_fact_is_shown_by_section() -> None:
    before = interaction(evidence_tests=[EvidenceTest("tests/t.py::test_a", "passed")])
    after = interaction(evidence_tests=[EvidenceTest("tests/t.py::test_a", "failed", "boom")])
    diff = stale_diff(
        render_document(build_report(before), STAMP),
        render_document(build_report(after), STAMP),
        "doc.md",
    )
    assert diff == [
        "--- doc.md (committed)",
        "+++ doc.md (fresh)",
        "@@ Inventory Service (`inventory`) @@",
        "-| ✅ passed | `tests/t.py::test_a` |  |",
        "+| ❌ failed | `tests/t.py::test_a` | boom |",
    ]


def test_a_body_without_a_footer_is_compared_whole() -> None:
    assert comparable_lines("# A\n\nx\n") == ["# A", "", "x"]
    faked = f"# A\n\n{PROVENANCE_HEADING}\n\nsecret\n---\n\n{PROVENANCE_HEADING}\n\nts\n"
    assert comparable_lines(faked)[-1] == "secret"  # only the last heading starts the footer


def test_long_diffs_are_cut() -> None:
    fresh = "\n".join(f"line {n}" for n in range(500))
    diff = stale_diff("", fresh, "doc.md")
    assert len(diff) == 61 and diff[-1].startswith("... (")


def test_timestamp_is_utc_to_the_second() -> None:
    assert generated_timestamp(dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) == "1970-01-01T00:00:00Z"
    tz = dt.timezone(dt.timedelta(hours=2))
    moment = dt.datetime(2026, 5, 1, 14, 30, 15, 999, tzinfo=tz)
    assert generated_timestamp(moment) == "2026-05-01T12:30:15Z"


def test_ordering_puts_critical_gaps_first() -> None:
    ready = interaction(id="a", status=Status.READY, critical=True)
    gap = interaction(id="b", status=Status.ATTENTION)
    critical_gap = interaction(id="c", status=Status.NEAR, critical=True)
    ordered = ordered_interactions([ready, gap, critical_gap])
    assert [r.id for r in ordered] == ["c", "b", "a"]


# --- builders ------------------------------------------------------------------------------------


def interaction(**overrides: object) -> InteractionResult:
    base = InteractionResult(
        id="inventory",
        name="Inventory Service",
        direction="outbound",
        peer="inventory",
        critical=False,
        required=True,
        status=Status.ATTENTION,
        confidence=63.75,
        coverage_percent=85.0,
        line_percent=12 * 100 / 14,
        branch_percent=5 * 100 / 6,
        statements=14,
        covered_statements=12,
        branches=6,
        covered_branches=5,
        threshold={"line": 80.0, "branch": 95.0},
        files=["shop/clients/inventory_client.py"],
        tests=TestCounts(total=4, passed=3, failed=1),
        pass_rate=0.75,
        gaps=["branch coverage 5/6 (83.3%) is below 95%"],
        modules=["shop/clients/inventory_client.py"],
        evidence=["tests/integration/test_inventory.py"],
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def build_report(*interactions: InteractionResult, **overrides: object) -> Report:
    base = Report(
        schema=SCHEMA,
        passed=False,
        overall_confidence=63.75,
        min_confidence=90.0,
        interactions=list(interactions),
        safety=SafetyResult(),
        unmapped=[],
        inputs={"coverage": [], "junit": []},
        provenance=Provenance(config_sha256="0" * 64),
        title="Shop",
    )
    return replace(base, **overrides)  # type: ignore[arg-type]
