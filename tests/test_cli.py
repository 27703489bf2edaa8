"""The CLI as a user runs it: a real subprocess, exit codes 0, 1 and 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PASSING_CONFIG
from support import assert_error_report_only
from support.reports import report_json


def test_exit_1_when_the_gate_fails(fixture_run, cli, tmp_path: Path) -> None:
    out_json, out_md = tmp_path / "r.json", tmp_path / "c.md"
    done = cli("check", "--json-out", str(out_json), "--markdown-out", str(out_md),
               cwd=fixture_run.root)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Verdict: FAILED" in done.stdout
    assert "interaction inventory is REQUIRES ATTENTION" in done.stdout
    assert report_json(out_json)["passed"] is False
    assert out_md.read_text().startswith("## ❌ Shop integration gate: failed")


def test_exit_0_when_the_gate_passes(fixture_run, cli, tmp_path: Path) -> None:
    config = tmp_path / "pass.yml"
    config.write_text(PASSING_CONFIG)
    done = cli("check", "--config", str(config), "--format", "json", cwd=fixture_run.root)
    assert done.returncode == 0, done.stderr
    data = report_json(done.stdout)
    assert data["passed"] is True and data["reasons"] == []


def test_inputs_on_the_command_line_replace_the_configs(fixture_run, cli) -> None:
    root = fixture_run.root
    done = cli("check", "--coverage", str(root / "coverage.xml"), "--junit", "junit*.xml",
               "--format", "json", cwd=root)  # fmt: skip
    assert done.returncode == 1
    assert report_json(done.stdout)["inputs"] == {
        "coverage": ["coverage.xml"],
        "junit": ["junit.xml"],
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--coverage", "missing.xml"], "missing.xml: coverage file not found"),
        (["--junit", "reports/*.xml"], "JUnit pattern 'reports/*.xml' matches no file"),
        (["--coverage", "junit.xml"], "junit.xml: a JUnit test report, not a coverage report"),
        (["--junit", "coverage.xml"], "a coverage report, not JUnit XML"),
        (["--config", "nope.yml"], "nope.yml: config file not found"),
    ],
)
def test_exit_2_for_bad_input_names_the_file(fixture_run, cli, args, message) -> None:
    done = cli("check", *args, cwd=fixture_run.root)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_config_that_is_no_regular_file_is_refused_unread(cli, tmp_path: Path) -> None:
    # A symlink committed as the config can point at a named pipe: reading it would
    # block the run; a directory is named for what it is, not "not found".
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "signal-gate.yml").symlink_to(tmp_path / "pipe")
    fifo = cli("validate", "--config", "signal-gate.yml", cwd=tmp_path)  # 120 s at most
    assert fifo.returncode == 2
    assert "signal-gate.yml: is a named pipe (FIFO), not a regular file" in fifo.stderr
    folder = cli("validate", "--config", str(tmp_path), cwd=tmp_path)
    assert folder.returncode == 2 and f"{tmp_path}: is a directory, not a file" in folder.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file, not a report"),
        (b"<coverage version='7'><sources/><packages/></coverage>", "lists no source files"),
        (b"<html><body>502 Bad Gateway</body></html>", "an HTML page"),
        (b"<coverage><packages><package><classes><class filename='shop/payments/gateway.py'><lines>"
         b"<line number='1' hits='-3'/></lines></class></classes></package></packages></coverage>",
         "hits='-3' is negative"),
        (b"<coverage><packages>", "not well-formed XML"),
    ],
)  # fmt: skip
def test_empty_or_unreadable_coverage_never_passes(
    fixture_run, cli, tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "coverage.xml"
    bad.write_bytes(content)
    out = tmp_path / "report.json"
    done = cli("check", "--coverage", str(bad), "--json-out", str(out), cwd=fixture_run.root)
    assert done.returncode == 2
    assert str(bad) in done.stderr and message in done.stderr
    assert_error_report_only(out)  # nothing half-written: only why there is no verdict


def test_bad_config_is_exit_2(tmp_path: Path, cli) -> None:
    (tmp_path / "signal-gate.yml").write_text("version: 1\ninteractions: [{id: a, nam: x}]\n")
    done = cli("check", cwd=tmp_path)
    assert done.returncode == 2
    assert "signal-gate.yml: interactions[0].nam: unknown key" in done.stderr


def test_python_dash_m_and_version(cli, tmp_path: Path) -> None:
    done = cli("--version", cwd=tmp_path)
    assert done.returncode == 0 and "signal-gate, version" in done.stdout


def test_markdown_format_is_a_real_table(fixture_run, cli) -> None:
    import cmarkgfm
    from cmarkgfm.cmark import Options

    done = cli("check", "--format", "markdown", cwd=fixture_run.root)
    html = cmarkgfm.github_flavored_markdown_to_html(done.stdout, options=Options.CMARK_OPT_UNSAFE)
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 3
    assert "<details>" in html  # gaps folded away


def test_output_is_utf8_whatever_the_locale_encoding(fixture_run, tmp_path: Path) -> None:
    """A Windows runner's pipes encode cp1252, which has no ❌: the gate writes UTF-8
    (PYTHONIOENCODING stands in for the code page here)."""
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    markdown = subprocess.run(
        [sys.executable, "-m", "gate", "check", "--format", "markdown"],
        cwd=fixture_run.root, capture_output=True, env=env, timeout=120,
    )  # fmt: skip
    assert markdown.returncode == 1, markdown.stderr.decode("utf-8", "replace")
    assert markdown.stdout.decode("utf-8").startswith("## ❌ Shop integration gate: failed")
    (tmp_path / "é ✓.yml").write_text("version: [", encoding="utf-8")
    error = subprocess.run(
        [sys.executable, "-m", "gate", "validate", "--config", "é ✓.yml"],
        cwd=tmp_path, capture_output=True, env=env, timeout=120,
    )  # fmt: skip
    assert error.returncode == 2 and "é ✓.yml" in error.stderr.decode("utf-8")


def test_explain_shows_missing_lines_with_source(fixture_run, cli) -> None:
    done = cli("explain", "inventory", cwd=fixture_run.root)
    assert done.returncode == 1
    assert "shop/clients/inventory_client.py" in done.stdout
    # The source itself, read from the root the CLI was given.
    assert "      5 ~     if quantity < 1:   # not taken: ->6\n" in done.stdout
    assert "      6 >         return False\n" in done.stdout
    unknown = cli("explain", "nope", cwd=fixture_run.root)
    assert unknown.returncode == 2 and "no interaction with id 'nope'" in unknown.stderr
