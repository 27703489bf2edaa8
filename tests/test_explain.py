"""`signal-gate explain ID`: golden files from a real run, the source of what was
missed, and never a file outside the root."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from support.portable import symlink, touch_argv
from support.reports import run_check

from gate.check import CheckOptions
from gate.core.report import FileSummary, InteractionResult, Report
from gate.records import replace
from gate.render.explain import (
    branch_notes,
    read_source,
    render_explain,
    source_excerpt,
    source_line,
)


def fixture_report(root: Path) -> Report:
    return run_check(CheckOptions(root=root, today=dt.date(2026, 11, 29))).report


def result(report: Report, interaction_id: str) -> InteractionResult:
    found = report.interaction(interaction_id)
    assert found is not None
    return found


@pytest.mark.parametrize("interaction_id", ["inventory", "shipping", "payments"])
def test_explain_golden(fixture_run, golden, interaction_id: str) -> None:
    r = result(fixture_report(fixture_run.root), interaction_id)
    golden(f"explain_{interaction_id}.txt", render_explain(r, fixture_run.root))


WAIVED_CONFIG = """\
version: 1
interactions:
  - id: inventory
    name: Inventory Service
    direction: outbound
    modules: ["shop/clients/inventory_client.py"]
    evidence: ["tests/integration/test_inventory.py"]
    contract: 'JSON {"status": int, "body": {"count": str}}'
    details:
      Endpoint: /reserve/{sku}
      Retry logic: none
waivers:
  - target: inventory
    reason: release endpoint ships in 2.4 (#77)
    owner: team-shop
    until: 2026-01-31
"""


def test_explain_golden_with_details_and_an_expired_waiver(fixture_run, golden, tmp_path) -> None:
    config = tmp_path / "waived.yml"
    config.write_text(WAIVED_CONFIG)
    options = CheckOptions(root=fixture_run.root, config=str(config), today=dt.date(2026, 11, 29))
    r = result(run_check(options).report, "inventory")
    golden("explain_waived.txt", render_explain(r, fixture_run.root))


def test_missing_lines_and_branches_come_with_their_source(fixture_run) -> None:
    text = render_explain(result(fixture_report(fixture_run.root), "inventory"), fixture_run.root)
    assert "      5 ~     if quantity < 1:   # not taken: ->6\n" in text
    assert "      6 >         return False\n" in text
    table = text.split("Thresholds:\n", 1)[1].splitlines()[2:5]
    rows = {line.split()[0]: line.split(None, 1)[1] for line in table}
    assert rows["line"].split() == ["85.7%", "(12/14", "statements)", "≥", "80%", "met"]
    assert rows["branch"].endswith("not met, cover 1 more branch")


def test_without_the_source_the_lines_are_still_named(fixture_run, tmp_path: Path) -> None:
    r = result(fixture_report(fixture_run.root), "inventory")
    text = render_explain(r, tmp_path)  # an empty root: no source here
    assert "source not available under the root; missing lines 6, 14" in text
    assert "  line 5: not taken ->6" in text


def test_cli_exit_codes(fixture_run, cli) -> None:
    assert cli("explain", "payments", cwd=fixture_run.root).returncode == 0
    done = cli("explain", "inventory", cwd=fixture_run.root)
    assert done.returncode == 1 and "Reproduce locally:" in done.stdout
    done = cli("explain", "nope", cwd=fixture_run.root)
    assert done.returncode == 2 and "no interaction with id 'nope'" in done.stderr


def marker_check(marker: Path) -> str:
    """A `command` check that creates `marker`."""
    return f"{{id: touch, name: Touch, kind: command, run: {json.dumps(touch_argv(str(marker)))}}}"


def test_an_unknown_id_is_refused_before_any_report_is_read(cli, tmp_path: Path) -> None:
    """No report exists here and a `command` check would leave a marker: the unknown
    id is the only error, and nothing ran."""
    marker = tmp_path / "ran"
    (tmp_path / "signal-gate.yml").write_text(
        "version: 1\n"
        "interactions:\n"
        "  - {id: known, name: Known, direction: outbound, modules: [app]}\n"
        "safety:\n"
        "  checks:\n"
        f"    - {marker_check(marker)}\n"
    )
    done = cli("explain", "nope", cwd=tmp_path)
    assert done.returncode == 2
    assert "no interaction with id 'nope' (known: known)" in done.stderr
    assert "not found" not in done.stderr and not marker.exists()


def test_explain_never_runs_command_checks(fixture_run, cli, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    config = tmp_path / "gate.yml"
    touch = marker_check(marker)
    config.write_text(
        (fixture_run.root / "signal-gate.yml").read_text() + f"safety:\n  checks:\n    - {touch}\n"
    )
    done = cli("explain", "payments", "--config", str(config), cwd=fixture_run.root)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert cli("check", "--config", str(config), cwd=fixture_run.root).returncode in (0, 1)
    assert marker.exists()  # the same check does run it: the marker works


# --- reading source safely ------------------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "mod.py").write_text("a = 1\n\tif a:\n        b = 2\n")
    (tmp_path / "secret.py").write_text("TOKEN = 'x'\n")
    return root


def test_reads_a_file_inside_the_root(tree: Path) -> None:
    assert read_source(tree, "pkg/mod.py") == ["a = 1", "\tif a:", "        b = 2"]
    assert read_source(tree, "./pkg//mod.py") == ["a = 1", "\tif a:", "        b = 2"]


@pytest.mark.parametrize(
    "path",
    ["../secret.py", "pkg/../../secret.py", "..\\secret.py", "/etc/passwd", "C:/Windows/win.ini",
     "", ".", "pkg", "pkg/missing.py"],
)  # fmt: skip
def test_never_opens_a_path_outside_the_root(tree: Path, path: str) -> None:
    assert read_source(tree, path) is None


def test_a_symlink_out_of_the_root_is_not_followed(tree: Path) -> None:
    symlink(tree / "pkg" / "link.py", tree.parent / "secret.py")
    assert read_source(tree, "pkg/link.py") is None


def test_a_hostile_report_path_shows_no_outside_file(tree: Path) -> None:
    summary = FileSummary("../secret.py", 1, 0, 0, 0, missing_lines=[1])
    r = replace(_empty(), file_details=[summary], files=["../secret.py"])
    text = render_explain(r, tree)
    assert "TOKEN" not in text
    assert "source not available" in text


def test_source_lines_keep_indentation_and_lose_escapes() -> None:
    assert source_line("\tif x:  # \x1b[31mred\x1b[0m") == "    if x:  # [31mred[0m"
    # C1 controls (an 8-bit terminal reads U+009B as CSI) and bidi marks go too.
    assert source_line("a\x9b31mb\u200fc\u061cd") == "a31mbcd"
    assert source_line("x" * 150).endswith("…") and len(source_line("x" * 150)) == 100


def test_excerpt_marks_and_elides() -> None:
    source = [f"line{n}" for n in range(1, 11)]
    out = source_excerpt(source, [2, 3, 7, 12], {2, 3, 12}, {7: ["->9"]})
    assert out == [
        "      2 > line2",
        "      3 > line3",
        "        ...",
        "      7 ~ line7   # not taken: ->9",
        "        ...",
        "     12 > (beyond end of file)",
    ]


def test_branch_notes() -> None:
    notes = branch_notes(["5->6", "5->exit", "12 (1 of 2 not taken)", "garbage"])
    assert notes == {5: ["->6", "->exit"], 12: ["1 of 2 not taken"]}


def _empty() -> InteractionResult:
    from gate.core.report import Status, TestCounts

    return InteractionResult(
        id="x", name="X", direction="outbound", peer=None, critical=False, required=True,
        status=Status.ATTENTION, confidence=0.0, coverage_percent=0.0, line_percent=0.0,
        branch_percent=None, statements=1, covered_statements=0, branches=0,
        covered_branches=0, threshold={"line": 95.0, "branch": None}, files=[],
        tests=TestCounts(), pass_rate=0.0, gaps=[],
    )  # fmt: skip
