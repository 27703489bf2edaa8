"""Deployment safety checks, one kind at a time: passes, fails, bad configuration.

Reports are real: the sample project's pytest run (tests/safety_fixtures),
JUnit written by junitparser, and a coverage.py report from the corpus (tests/data/corpus).
Files for the file kinds are written to tmp_path. `command` has its own module.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import junitparser
import pytest
from safety_fixtures import PROJECT, check, config_error, run_checks, run_one
from support.portable import symlink

from gate.check import scan_repo
from gate.core.paths import PathResolver
from gate.readers import read_coverage, read_tests
from gate.safety.tree import MAX_FILE_BYTES


def write(root: Path, rel: str, text: str | bytes = "") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- junit ---------------------------------------------------------------------------


def test_junit_passes_when_every_matching_test_passed(tmp_path: Path) -> None:
    result = run_one(tmp_path, check("junit", tests=["tests/test_payments.py"]))
    assert result.passed
    assert result.kind == "junit"
    assert result.detail == "all 3 matching tests passed"


def test_junit_selects_by_node_id_pattern(tmp_path: Path) -> None:
    pattern = "tests/test_payments.py::TestCharge"
    result = run_one(tmp_path, check("junit", tests=[pattern]))
    assert result.passed, result.detail
    assert result.detail == "all 2 matching tests passed"


def test_junit_fails_naming_the_failed_and_skipped_tests(tmp_path: Path) -> None:
    result = run_one(tmp_path, check("junit", tests=["tests/test_inventory.py"]))
    assert not result.passed
    assert result.detail.startswith("2 of 4 tests did not pass: ")
    assert (
        "tests/test_inventory.py::test_stock_missing_is_reported failed "
        "(LookupError: sku-404)" in result.detail
    )
    assert (
        "tests/test_inventory.py::test_release skipped "
        "(release endpoint not deployed yet)" in result.detail
    )


def test_junit_fails_when_no_test_matches(tmp_path: Path) -> None:
    result = run_one(tmp_path, check("junit", tests=["tests/e2e/**"]))
    assert not result.passed
    assert result.detail == "no test in the JUnit results matches 'tests/e2e/**'"


def test_junit_fails_when_one_pattern_matches_nothing(tmp_path: Path) -> None:
    patterns = ["tests/test_payments.py", "tests/test_refunds.py"]
    result = run_one(tmp_path, check("junit", tests=patterns))
    assert not result.passed
    assert result.detail == "no test matches 'tests/test_refunds.py'"


def test_junit_caps_the_list_of_failures(tmp_path: Path) -> None:
    suite = junitparser.TestSuite("smoke")
    for n in range(12):
        case = junitparser.TestCase(f"test_{n:02}", classname="tests.smoke.test_api")
        case.result = [junitparser.Failure(f"boom {n}")]
        suite.add_testcase(case)
    xml = junitparser.JUnitXml()
    xml.add_testsuite(suite)
    xml.write(str(tmp_path / "junit.xml"))
    tests = read_tests([tmp_path / "junit.xml"], PathResolver(tmp_path))

    result = run_one(tmp_path, check("junit", tests=["tests/smoke/**"]), tests=tests)
    assert not result.passed
    assert result.detail.startswith("12 of 12 tests did not pass: ")
    assert "test_09 failed (boom 9)" in result.detail
    assert "test_10" not in result.detail
    assert result.detail.endswith("and 2 more")


@pytest.mark.parametrize(
    ("keys", "where"),
    [
        ({}, "safety.checks[0].tests: required key is missing"),
        ({"tests": "tests/test_x.py"}, "safety.checks[0].tests"),
        ({"tests": [""]}, "safety.checks[0].tests[0]"),
        ({"tests": ["x"], "modules": ["y"]}, "safety.checks[0].modules: unknown key"),
    ],
)
def test_junit_bad_config_names_the_key(keys: dict, where: str) -> None:
    assert where in config_error(check("junit", **keys))


# --- coverage ------------------------------------------------------------------------


def test_coverage_passes_when_the_files_reach_both_thresholds(tmp_path: Path) -> None:
    result = run_one(tmp_path, check("coverage", modules=["svc.payments"], line=95, branch=95))
    assert result.passed
    assert result.detail == "line 100.0% ≥ 95%, branch 100.0% ≥ 95% (over 2 files)"


def test_coverage_fails_saying_what_it_takes(tmp_path: Path) -> None:
    # inventory.py: 10 of 12 statements, 4 of 6 branches
    one = check("coverage", modules=["svc/clients/inventory.py"], line=90, branch=95)
    result = run_one(tmp_path, one)
    assert not result.passed
    assert result.detail == (
        "line 83.3% < 90% (1 more statement); branch 66.7% < 95% (2 more branches) (over 1 file)"
    )


def test_coverage_compares_exact_counts_not_the_displayed_figure(tmp_path: Path) -> None:
    # 10/12 = 83.333...%: shown as 83.3%, enough for 83.33 but not for 83.34.
    module = ["svc/clients/inventory.py"]
    assert run_one(tmp_path, check("coverage", modules=module, line=83.33)).passed
    result = run_one(tmp_path, check("coverage", modules=module, line=83.34))
    assert not result.passed
    assert result.detail == "line 83.3% < 83.34% (1 more statement) (over 1 file)"


def test_coverage_fails_when_no_file_matches(tmp_path: Path) -> None:
    result = run_one(tmp_path, check("coverage", modules=["svc/refunds"], line=90))
    assert not result.passed
    assert result.detail == "no file in the coverage reports matches 'svc/refunds'"


def test_coverage_fails_when_one_module_matches_nothing(tmp_path: Path) -> None:
    one = check("coverage", modules=["svc.payments", "svc.refunds"], line=90)
    result = run_one(tmp_path, one)
    assert not result.passed
    assert result.detail.startswith("no file matches 'svc.refunds'")


def test_coverage_counts_source_files_the_reports_miss(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(PROJECT, root)
    write(root, "svc/payments/refunds.py", "def refund(): ...\n")  # imported by no test
    on_disk = scan_repo(root)
    result = run_one(root, check("coverage", modules=["svc.payments"], line=95), repo_files=on_disk)
    assert not result.passed
    assert result.detail == (
        "not in the coverage reports (never imported by the tests?): svc/payments/refunds.py "
        "(over 2 files)"
    )
    only = check("coverage", modules=["svc/payments/refunds.py"], line=95)
    result = run_one(root, only, repo_files=on_disk)
    assert result.detail == (
        "not in the coverage reports (never imported by the tests?): svc/payments/refunds.py"
    )


def test_coverage_without_a_threshold_is_a_config_error() -> None:
    message = config_error(check("coverage", modules=["svc.payments"]))
    assert "safety.checks[0]: a coverage check needs `line` and/or `branch`" in message


def test_coverage_branch_threshold_without_branch_data_fails(tmp_path: Path, corpus: Path) -> None:
    # coverage.py 7.10 report measured without --cov-branch: 143/143 statements.
    report = corpus / "coverage/coveragepy/conflowgen-windows-source.xml"
    coverage = read_coverage([report], PathResolver(tmp_path))
    line_only = check("coverage", modules=["conflowgen"], line=95)
    assert run_one(tmp_path, line_only, coverage=coverage).passed
    both = check("coverage", modules=["conflowgen"], line=95, branch=95)
    result = run_one(tmp_path, both, coverage=coverage)
    assert not result.passed
    assert "no branch data in the coverage reports" in result.detail


@pytest.mark.parametrize(
    ("keys", "where"),
    [
        ({"line": 90}, "safety.checks[0].modules: required key is missing"),
        ({"modules": ["app"], "line": 120}, "safety.checks[0].line"),
        ({"modules": ["app"], "branch": "high"}, "safety.checks[0].branch"),
    ],
)
def test_coverage_bad_config_names_the_key(keys: dict, where: str) -> None:
    assert where in config_error(check("coverage", **keys))


# --- file_exists ---------------------------------------------------------------------


def test_file_exists_passes_when_every_glob_matches(tmp_path: Path) -> None:
    write(tmp_path, "docs/RUNBOOK.md", "# Runbook")
    write(tmp_path, "deploy/prod/values.yml")
    (tmp_path / "docs/adr").mkdir()
    paths = ["docs/RUNBOOK.md", "deploy/**/*.yml", "docs/adr"]
    result = run_one(tmp_path, check("file_exists", paths=paths))
    assert result.passed, result.detail
    assert result.detail == "all 3 paths exist (3 matches)"


def test_file_exists_fails_naming_what_is_missing(tmp_path: Path) -> None:
    write(tmp_path, "docs/RUNBOOK.md")
    paths = ["docs/RUNBOOK.md", "docs/ROLLBACK.md", "deploy/*.yml"]
    result = run_one(tmp_path, check("file_exists", paths=paths))
    assert not result.passed
    assert result.detail == "no file matches 'docs/ROLLBACK.md', 'deploy/*.yml'"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../outside.txt", "climbs out of the repository root"),
        ("docs/../../outside.txt", "climbs out of the repository root"),
        ("/etc/hostname", "is an absolute path"),
        ("C:\\Windows\\win.ini", "is an absolute path"),
    ],
)
def test_paths_outside_the_root_are_refused(tmp_path: Path, path: str, reason: str) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    write(tmp_path, "outside.txt", "secret")
    result = run_one(root, check("file_exists", paths=[path]))
    assert not result.passed
    assert reason in result.detail


def test_symlinks_out_of_the_root_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(tmp_path, "outside/id_rsa", "PRIVATE KEY")
    write(root, "docs/README.md", "hello")
    symlink(root / "docs/key", tmp_path / "outside/id_rsa")
    symlink(root / "ext", tmp_path / "outside", directory=True)

    exists = run_one(root, check("file_exists", paths=["docs/key"]))
    assert not exists.passed
    assert "docs/key: links outside the repository root" in exists.detail
    forbid = run_one(root, check("forbid_pattern", files=["docs/*"], pattern="PRIVATE"))
    assert not forbid.passed
    assert "links outside the repository root" in forbid.detail
    walked = run_one(root, check("file_exists", paths=["ext/*"]))
    assert not walked.passed
    assert "ext: links outside the repository root" in walked.detail


@pytest.mark.parametrize(
    ("keys", "where"),
    [
        ({}, "safety.checks[0].paths: required key is missing"),
        ({"paths": [""]}, "safety.checks[0].paths[0]"),
        ({"paths": ["x"], "pattern": "y"}, "safety.checks[0].pattern: unknown key"),
    ],
)
def test_file_exists_bad_config_names_the_key(keys: dict, where: str) -> None:
    assert where in config_error(check("file_exists", **keys))


# --- require_pattern -----------------------------------------------------------------


def clients(root: Path) -> None:
    write(root, "app/clients/a.py", "import httpx\n\nclient = httpx.Client()\n")
    write(root, "app/clients/b.py", "import httpx\n\n\nclient = httpx.Client(timeout=5)\n")


def test_require_pattern_any_passes_when_one_file_matches(tmp_path: Path) -> None:
    clients(tmp_path)
    one = check("require_pattern", files=["app/**/*.py"], pattern=r"timeout=\d+")
    result = run_one(tmp_path, one)
    assert result.passed
    assert result.detail == "found in 1 of 2 files, first at app/clients/b.py:4"


def test_require_pattern_all_fails_naming_the_files_without_it(tmp_path: Path) -> None:
    clients(tmp_path)
    one = check("require_pattern", files=["app/**/*.py"], pattern=r"timeout=\d+", **{"in": "all"})
    result = run_one(tmp_path, one)
    assert not result.passed
    assert result.detail == r"/timeout=\d+/ missing from 1 of 2 files: app/clients/a.py"


def test_require_pattern_all_passes_and_lines_are_anchored(tmp_path: Path) -> None:
    clients(tmp_path)
    one = check("require_pattern", files=["app/**/*.py"], pattern="^import httpx$", **{"in": "all"})
    result = run_one(tmp_path, one)
    assert result.passed
    assert result.detail == "found in all 2 files"


def test_crlf_ends_a_line_as_lf_does(tmp_path: Path) -> None:
    """A Windows checkout (git's autocrlf) ends lines with CRLF: `$` matches before it,
    so an anchored forbidden line is found there, never missed."""
    write(tmp_path, "app/settings.py", b"import os\r\nDEBUG = True\r\nKEY = 1\r\n")
    forbid = check("forbid_pattern", files=["app/settings.py"], pattern="^DEBUG = True$")
    found = run_one(tmp_path, forbid)
    assert (found.passed, found.detail) == (
        False,
        "/^DEBUG = True$/ found on 1 line: app/settings.py:2",
    )
    require = check("require_pattern", files=["app/settings.py"], pattern="^KEY = 1$")
    assert run_one(tmp_path, require).detail == "found in 1 of 1 file, first at app/settings.py:3"


def test_require_pattern_any_fails_when_no_file_has_it(tmp_path: Path) -> None:
    clients(tmp_path)
    result = run_one(tmp_path, check("require_pattern", files=["app/**/*.py"], pattern="retry"))
    assert not result.passed
    assert result.detail == "/retry/ found in none of 2 files: app/clients/a.py, app/clients/b.py"


def test_require_pattern_fails_when_no_file_is_selected(tmp_path: Path) -> None:
    result = run_one(tmp_path, check("require_pattern", files=["src/**/*.ts"], pattern="x"))
    assert not result.passed
    assert result.detail == "no file matches 'src/**/*.ts'"


def test_a_file_over_the_size_cap_is_not_read_and_never_counts(tmp_path: Path) -> None:
    clients(tmp_path)
    write(tmp_path, "app/clients/huge.py", b"# timeout=1\n" + b"x" * MAX_FILE_BYTES)
    one = check("require_pattern", files=["app/**/*.py"], pattern="import", **{"in": "all"})
    result = run_one(tmp_path, one)
    assert not result.passed
    assert result.detail == "not read: app/clients/huge.py: larger than 5 MB, not read"
    forbid = run_one(tmp_path, check("forbid_pattern", files=["app/**/*.py"], pattern="eval"))
    assert not forbid.passed
    assert "huge.py: larger than 5 MB" in forbid.detail


def test_undecodable_bytes_do_not_stop_the_search(tmp_path: Path) -> None:
    write(tmp_path, "legacy.py", b"# caf\xe9\nverify=True\n")
    result = run_one(tmp_path, check("require_pattern", files=["legacy.py"], pattern="verify=True"))
    assert result.passed
    assert result.detail.endswith("legacy.py:2")


@pytest.mark.parametrize(
    ("keys", "where"),
    [
        ({"files": ["x"]}, "safety.checks[0].pattern: required key is missing"),
        ({"files": ["x"], "pattern": "("}, "safety.checks[0].pattern: invalid regex"),
        ({"files": ["x"], "pattern": "y", "in": "most"}, "safety.checks[0].in"),
        ({"pattern": "y"}, "safety.checks[0].files: required key is missing"),
    ],
)
def test_require_pattern_bad_config_names_the_key(keys: dict, where: str) -> None:
    assert where in config_error(check("require_pattern", **keys))


# --- forbid_pattern ------------------------------------------------------------------

FAKE_KEY = "AKIA" + "Z7QX3VB5N2M4K6J8"


def test_forbid_pattern_passes_when_nothing_matches(tmp_path: Path) -> None:
    clients(tmp_path)
    result = run_one(
        tmp_path, check("forbid_pattern", files=["app/**/*.py"], pattern="verify=False")
    )
    assert result.passed
    assert result.detail == "not found in 2 files"


def test_forbid_pattern_lists_file_and_line_never_the_text(tmp_path: Path) -> None:
    clients(tmp_path)
    write(tmp_path, "app/settings.py", f"DEBUG = False\n\nAWS_KEY = '{FAKE_KEY}'\n")
    one = check("forbid_pattern", files=["app/**/*.py"], pattern=r"AKIA[0-9A-Z]{16}")
    result = run_one(tmp_path, one)
    assert not result.passed
    assert result.detail == r"/AKIA[0-9A-Z]{16}/ found on 1 line: app/settings.py:3"
    assert FAKE_KEY not in result.detail


def test_forbid_pattern_caps_the_locations(tmp_path: Path) -> None:
    write(tmp_path, "app/a.py", "print(1)\n" * 7)
    write(tmp_path, "app/b.py", "x = 1\nprint(2)\nprint(3)\nprint(4)\nprint(5)\nprint(6)\n")
    result = run_one(tmp_path, check("forbid_pattern", files=["app/*.py"], pattern=r"print\("))
    assert not result.passed
    assert result.detail.startswith(r"/print\(/ found on 12 lines: app/a.py:1, app/a.py:2")
    assert result.detail.endswith("app/b.py:3, app/b.py:4 and 2 more")


def test_forbid_pattern_fails_when_no_file_is_selected(tmp_path: Path) -> None:
    result = run_one(tmp_path, check("forbid_pattern", files=["app/*.py"], pattern="x"))
    assert not result.passed
    assert result.detail == "no file matches 'app/*.py'"


@pytest.mark.parametrize(
    ("keys", "where"),
    [
        ({"files": ["x"]}, "safety.checks[0].pattern: required key is missing"),
        ({"files": ["x"], "pattern": "[a-"}, "safety.checks[0].pattern: invalid regex"),
        ({"files": ["x"], "pattern": "y", "in": "all"}, "safety.checks[0].in: unknown key"),
    ],
)
def test_forbid_pattern_bad_config_names_the_key(keys: dict, where: str) -> None:
    assert where in config_error(check("forbid_pattern", **keys))


# --- results -------------------------------------------------------------------------


def results_file(root: Path, data: object, rel: str = "reports/safety.json") -> str:
    write(root, rel, data if isinstance(data, str) else json.dumps(data))
    return rel


def test_results_import_each_entry_as_one_check(tmp_path: Path) -> None:
    rel = results_file(
        tmp_path,
        [
            {
                "id": "migrations",
                "name": "Migrations reversible",
                "passed": True,
                "detail": "12/12",
            },
            {"id": "flags", "name": "Feature flags off", "passed": False, "detail": "NEW_UI on"},
        ],
    )
    result = run_checks(tmp_path, check("results", id="script", path=rel))
    assert (result.passed, result.total, result.required) == (1, 2, 2)
    first, second = result.checks
    assert (first.id, first.name, first.kind, first.passed, first.detail) == (
        "script/migrations", "Migrations reversible", "results", True, "12/12"
    )  # fmt: skip
    assert (second.id, second.passed, second.detail) == ("script/flags", False, "NEW_UI on")


def test_results_entries_default_name_and_detail(tmp_path: Path) -> None:
    rel = results_file(tmp_path, [{"id": "smoke", "passed": False}])
    (only,) = run_checks(tmp_path, check("results", id="script", path=rel)).checks
    assert (only.id, only.name, only.passed) == ("script/smoke", "smoke", False)
    assert only.detail == "reported failed in reports/safety.json"


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        (None, "results file 'reports/safety.json' not found (did the step that writes it"),
        ("{not json", "results file 'reports/safety.json' is not valid JSON: Expecting"),
        ({"id": "x", "passed": True}, "must hold a JSON list of"),
        ([], "holds no results (an empty list)"),
        ("[" * 100_000 + "]" * 100_000, "is not valid JSON: nested too deeply"),
    ],
)
def test_results_unusable_file_fails_closed(tmp_path: Path, content: object, detail: str) -> None:
    rel = "reports/safety.json" if content is None else results_file(tmp_path, content)
    result = run_checks(tmp_path, check("results", id="script", path=rel))
    assert (result.passed, result.total) == (0, 1)
    (only,) = result.checks
    assert (only.id, only.kind, only.passed) == ("script", "results", False)
    assert detail in only.detail


def test_results_bad_entries_fail_one_by_one(tmp_path: Path) -> None:
    rel = results_file(
        tmp_path,
        [
            {"id": "ok", "passed": True},
            {"id": "stringly", "passed": "yes"},
            {"name": "no id", "passed": True},
            "just a string",
            {"id": "ok", "passed": True},
            {"id": "typed", "passed": True, "detail": ["a"], "name": 3},
        ],
    )
    result = run_checks(tmp_path, check("results", id="script", path=rel))
    by_id = {c.id: c for c in result.checks}
    assert result.total == 6
    assert result.passed == 1
    assert by_id["script/ok"].passed
    assert by_id["script/stringly"].detail == (
        "reports/safety.json[1]: \"passed\" must be true or false, got a string ('yes')"
    )
    assert by_id["script/#2"].detail == (
        'reports/safety.json[2]: "id" must be a non-empty string, got null'
    )
    assert (
        by_id["script/#3"].detail
        == "reports/safety.json[3]: expected an object, got a string ('just a string')"
    )
    assert (
        by_id["script/#4"].detail
        == "reports/safety.json[4]: duplicate id 'ok' (an earlier entry has it)"
    )
    assert by_id["script/typed"].detail == (
        'reports/safety.json[5]: "name" must be a string, got a number (3); '
        '"detail" must be a string, got a list'
    )


def test_results_path_outside_the_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    results_file(tmp_path, [{"id": "x", "passed": True}], rel="evil.json")
    (only,) = run_checks(root, check("results", path="../evil.json")).checks
    assert not only.passed
    assert "climbs out of the repository root" in only.detail


@pytest.mark.parametrize(
    ("keys", "where"),
    [
        ({}, "safety.checks[0].path: required key is missing"),
        ({"path": ""}, "safety.checks[0].path"),
        ({"path": ["a.json"]}, "safety.checks[0].path"),
    ],
)
def test_results_bad_config_names_the_key(keys: dict, where: str) -> None:
    assert where in config_error(check("results", **keys))


# --- common to all kinds -------------------------------------------------------------


def test_unknown_kind_is_a_config_error() -> None:
    message = config_error(check("smoke_test", run="true"))
    assert "safety.checks[0].kind" in message
    assert "command, junit, coverage, file_exists" in message


@pytest.mark.parametrize(
    ("kind", "keys"),
    [
        ("junit", {"tests": []}),
        ("coverage", {"modules": [], "line": 90}),
        ("file_exists", {"paths": []}),
        ("require_pattern", {"files": [], "pattern": "x", "in": "all"}),
        ("forbid_pattern", {"files": [], "pattern": "x"}),
    ],
)
def test_an_empty_list_is_a_config_error(kind: str, keys: dict) -> None:
    (key,) = (k for k, v in keys.items() if v == [])
    message = config_error(check(kind, **keys))
    assert f"safety.checks[0].{key}: expected `array` of length >= 1" in message
