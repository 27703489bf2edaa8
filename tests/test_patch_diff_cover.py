"""The pull-request loop end to end, on a real two-commit git repository.

The base commit is the fixture project (its config with a ratchet on
inventory); its tests run for real and `check` writes the base report. Each
scenario is a head commit on a copy of that repository, whose tests run again:

- `fails`: a new untested function in the payment client, a tested change in
  the inventory client, an untested change in a client no interaction claims;
- `quiet`: a tested change in the payment client only;
- `held`: a tested change in the inventory client only;
- `broken`: untested code in the inventory client.

`check --diff-base base --baseline base-report.json` must give, per file, the
counts `diff-cover --format json` gives on the same Cobertura report and diff,
and per interaction the difference of the two reports' own figures. The
rendered comment of each scenario is a golden file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PYTEST_REPORT_ARGS, TESTS
from support.gitrepo import GIT_ENV, git
from support.portable import console_script
from support.reports import report_json, run_check

from gate.check import CheckOptions
from gate.core.report import RatchetState, Report, Status, to_json
from gate.readers.report_file import read_baseline
from gate.render.markdown import render_markdown
from gate.render.text import render_text

TODAY = dt.date(2026, 11, 29)
BASE_SHA = "ba5e" * 10
HEAD_SHA = "4ead" * 10
BASE_GENERATED = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)

# The fixture project's config, with a ratchet on inventory and only its passing
# tests as evidence: below its branch threshold, inventory fails for nothing else.
RATCHET = """
  - id: inventory
    name: Inventory Service
    direction: outbound
    peer: inventory
    modules: ["shop/clients/inventory_client.py"]
    evidence: ["tests/integration/test_inventory.py::test_reserve_*",
               "tests/integration/test_inventory.py::test_stock"]
    threshold: {line: 80}
    ratchet: true
"""

CAPTURE = """

def capture(transport, charge_id: str, amount_cents: int) -> bool:
    if amount_cents <= 0:
        raise ValueError("amount must be positive")
    response = transport("POST", f"/charges/{charge_id}/capture", {"amount": amount_cents})
    return response["status"] == 200
"""
RESERVE = ('{"quantity": quantity})', '{"quantity": quantity, "sku": sku})')
MAILER = (
    'return transport("POST", "/mail", {"to": to, "subject": subject})["status"] == 202',
    'status = transport("POST", "/mail", {"to": to, "subject": subject})["status"]\n'
    "    return status == 202",
)
REFUND = ('return response["status"] == 200', 'return response["status"] in (200, 204)')
RELEASE = (
    'transport("DELETE", f"/reserve/{sku}", {})',
    'if not sku:\n        return None\n    transport("DELETE", f"/reserve/{sku}", {})',
)
SCENARIOS = {
    "fails": {"shop/payments/gateway.py": [("", CAPTURE)],
              "shop/clients/inventory_client.py": [RESERVE],
              "shop/clients/mailer_client.py": [MAILER]},
    "quiet": {"shop/payments/gateway.py": [REFUND]},
    "held": {"shop/clients/inventory_client.py": [RESERVE]},
    "broken": {"shop/clients/inventory_client.py": [RELEASE]},
}  # fmt: skip


def run_tests(root: Path) -> None:
    for leftover in ("coverage.xml", "junit.xml", ".coverage"):
        (root / leftover).unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    subprocess.run(
        [sys.executable, "-m", "pytest", *PYTEST_REPORT_ARGS], cwd=root, capture_output=True,
        env=env, timeout=300,
    )  # fmt: skip
    assert (root / "coverage.xml").is_file()


def check(root: Path, **options) -> Report:
    return run_check(CheckOptions(root=root, today=TODAY, allow_exec=False, **options)).report


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base commit, tagged `base`, its tests run and its report written."""
    root = tmp_path_factory.mktemp("loop") / "base"
    shutil.copytree(TESTS / "fixture_project", root, ignore=shutil.ignore_patterns("__pycache__"))
    config = (root / "signal-gate.yml").read_text()
    start = config.index("  - id: inventory")
    end = config.index("  - id: shipping")
    (root / "signal-gate.yml").write_text(config[:start] + RATCHET.lstrip("\n") + config[end:])
    (root / ".gitignore").write_text("coverage.xml\njunit.xml\n.coverage\n*.json\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "tag", "base")
    run_tests(root)
    report = check(root, head_sha=BASE_SHA, generated=BASE_GENERATED)
    (root / "base-report.json").write_bytes(to_json(report))
    return root


def scenario(base: Path, name: str) -> Path:
    """A copy of the base repository with the scenario's head commit, tests run."""
    root = base.parent / name
    if root.exists():
        return root
    shutil.copytree(base, root)
    for path, edits in SCENARIOS[name].items():
        text = (root / path).read_text()
        for old, new in edits:
            assert old in text
            text = text + new if old == "" else text.replace(old, new, 1)
        (root / path).write_text(text)
    git(root, "commit", "-qam", name)
    run_tests(root)
    return root


def loop(root: Path) -> Report:
    """check --diff-base base --baseline base-report.json, as the action runs it."""
    return check(root, diff_base="base", baseline="base-report.json", head_sha=HEAD_SHA)


# --- the numbers ---------------------------------------------------------------------------


def test_patch_counts_equal_diff_cover_per_file(base: Path, tmp_path: Path) -> None:
    root = scenario(base, "fails")
    report = loop(root)
    out = tmp_path / "diff-cover.json"
    subprocess.run(
        [console_script("diff-cover"), "coverage.xml",
         "--compare-branch=base", "--ignore-staged", "--ignore-unstaged",
         f"--format=json:{out}"],
        cwd=root, check=True, capture_output=True, env={**os.environ, **GIT_ENV},
    )  # fmt: skip
    theirs = json.loads(out.read_text())["src_stats"]
    assert report.patch is not None
    ours = {f.path: f for f in [*report.patch.files, *report.patch.unclaimed]}
    assert set(theirs) == set(ours) == {
        "shop/payments/gateway.py", "shop/clients/inventory_client.py",
        "shop/clients/mailer_client.py",
    }  # fmt: skip
    for path, stats in theirs.items():
        f = ours[path]
        assert f.covered_statements == len(stats["covered_lines"]), path
        assert f.statements == len(stats["covered_lines"]) + len(stats["violation_lines"]), path
        assert f.missing_lines == sorted(stats["violation_lines"]), path
    by_id = {r.id: r for r in report.interactions}
    assert (by_id["payments"].patch.statements, by_id["payments"].patch.covered_statements) == (
        5,
        1,
    )
    assert (by_id["inventory"].patch.statements, by_id["inventory"].patch.covered_statements) == (
        1,
        1,
    )
    assert by_id["shipping"].patch.files == [] and by_id["shipping"].patch.statements == 0


def test_deltas_are_the_difference_of_the_two_reports(base: Path) -> None:
    head = loop(scenario(base, "fails"))
    before = read_baseline(base / "base-report.json")
    assert head.baseline is not None
    assert (head.baseline.head_sha, head.baseline.generated) == (BASE_SHA, BASE_GENERATED)
    assert b'"generated": "2026-11-28T10:00:00Z"' in (base / "base-report.json").read_bytes()
    for r in head.interactions:
        was = before.interaction(r.id)
        d = r.delta
        assert d is not None and was is not None and not d.added
        assert d.status is was.status
        assert (d.base_statements, d.base_covered_statements) == (
            was.statements, was.covered_statements,
        )  # fmt: skip
        if r.line_percent is None:
            assert d.line_percent is None
        else:
            assert d.line_percent == pytest.approx(r.line_percent - was.line_percent)
    payments = head.interaction("payments")
    assert payments.delta.status is Status.READY and payments.status is Status.ATTENTION
    assert payments.delta.line_percent < 0
    assert head.interaction("inventory").ratchet.state is RatchetState.HELD
    assert "payments: 1 of 5 changed statements covered (20.0%), below 95%" in head.reasons


def test_a_saved_diff_gives_what_git_gives(base: Path, tmp_path: Path) -> None:
    root = scenario(base, "fails")
    saved = tmp_path / "change.diff"
    saved.write_text(git(root, "diff", "base...HEAD"))
    from_git = loop(root)
    from_file = check(root, diff=str(saved), baseline="base-report.json", head_sha=HEAD_SHA)
    assert [r.patch for r in from_file.interactions] == [r.patch for r in from_git.interactions]
    assert from_file.patch.source == str(saved)


def test_a_diff_of_another_tree_is_refused_not_read_as_no_change(
    base: Path, tmp_path: Path, cli
) -> None:
    # Made at the top of a monorepo, or with other path prefixes, or in another
    # repository: none of its files are in the checkout, and read as a change of
    # nothing it would pass any patch threshold.
    root = scenario(base, "fails")
    moved = tmp_path / "monorepo.diff"
    moved.write_text(git(root, "diff", "--src-prefix=a/svc/", "--dst-prefix=b/svc/", "base...HEAD"))
    out = tmp_path / "report.json"
    done = cli("check", "--diff", str(moved), "--json-out", str(out), cwd=root)
    assert done.returncode == 2, done.stdout
    assert f"{moved}: changes 3 file(s), none of them in the checkout" in done.stderr
    assert "git diff --relative" in done.stderr
    assert report_json(out.read_text())["verdict"] == "error"  # never a pass


@pytest.mark.parametrize(
    ("name", "held"),
    [("held", RatchetState.HELD), ("broken", RatchetState.BROKEN)],
)
def test_the_ratchet_on_real_runs(base: Path, name: str, held: RatchetState) -> None:
    report = loop(scenario(base, name))
    inventory = report.interaction("inventory")
    assert inventory.status is Status.ATTENTION
    assert inventory.ratchet.state is held
    text = render_text(report)
    if held is RatchetState.BROKEN:
        assert (
            "line coverage dropped from 12/14 (85.7%) to 12/16 (75.0%)" in inventory.ratchet.reason
        )
        assert "  - ratchet broken: line coverage dropped from 12/14" in text
    else:
        assert "  - branches held at 83.3% (baseline 83.3%)" in text


# --- the comment, per scenario -------------------------------------------------------------


def test_comment_without_a_diff(base: Path, golden) -> None:
    golden("comment_no_diff.md", render_markdown(check(base, head_sha=HEAD_SHA)))


@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("quiet", "comment_change_touches_nothing_failing.md"),
        ("fails", "comment_change_makes_an_interaction_fail.md"),
        ("held", "comment_ratchet_held.md"),
        ("broken", "comment_ratchet_broken.md"),
    ],
)
def test_comment_golden(base: Path, golden, name: str, file: str) -> None:
    golden(file, render_markdown(loop(scenario(base, name)), "https://example.invalid/run/1"))


# --- the command line ------------------------------------------------------------------------


def test_check_takes_the_change_on_the_command_line(base: Path, cli) -> None:
    root = scenario(base, "fails")
    done = cli("check", "--diff-base", "base", "--baseline", "base-report.json", "--format", "json",
               cwd=root, env={"SIGNAL_GATE_HEAD_SHA": HEAD_SHA})  # fmt: skip
    assert done.returncode == 1, done.stderr
    data = report_json(done.stdout)
    payments = next(i for i in data["interactions"] if i["id"] == "payments")
    assert (payments["patch"]["statements"], payments["patch"]["covered_statements"]) == (5, 1)
    assert payments["delta"]["status"] == "PRODUCTION READY"
    assert data["baseline"]["generated"] == "2026-11-28T10:00:00Z"
    assert data["provenance"]["generated"]  # this run's moment, for the next baseline
    text = cli("check", "--diff-base", "base", "--baseline", "base-report.json", cwd=root)
    assert "This change (git diff " in text.stdout
    assert "payments   statements 1/5 (20.0%)" in text.stdout


def test_one_change_at_a_time_and_a_bad_baseline_is_an_input_error(base: Path, cli) -> None:
    root = scenario(base, "fails")
    both = cli("check", "--diff-base", "base", "--diff", "x.diff", cwd=root)
    assert both.returncode == 2 and "give one" in both.stderr
    (root / "not-a-report.json").write_text('{"schema": "something/else"}')
    bad = cli("check", "--baseline", "not-a-report.json", cwd=root)
    assert bad.returncode == 2 and "not-a-report.json: not a signal-gate report" in bad.stderr


def test_an_error_report_is_no_baseline(base: Path, cli) -> None:
    root = scenario(base, "fails")
    error_report = {
        "schema": "signal-gate/report@1", "verdict": "error", "passed": False,
        "error": {"message": "signal-gate.yml: interactions[0].id: ...", "file": None},
        "provenance": {"config_sha256": "", "head_sha": BASE_SHA},
    }  # fmt: skip
    (root / "error-report.json").write_text(json.dumps(error_report))
    done = cli("check", "--diff-base", "base", "--baseline", "error-report.json", cwd=root)
    assert done.returncode == 2
    assert "error-report.json: an error report (its check could not be evaluated)" in done.stderr
