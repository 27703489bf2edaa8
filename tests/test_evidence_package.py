"""The evidence package (`--evidence-dir`): verifiable copies of every input, a
manifest `sha256sum -c` accepts, an HTML coverage page per interaction, the
tests with what the JUnit file said, the contract documents; within a cap."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EVIDENCE_SCOPED_CONFIG
from support.portable import sha256_checker, symlink
from support.reports import report_json

from gate.outputs.manifest import Copy, Omitted, sums_line, with_manifest

# The evidence-scoped fixture config, its payments interaction with a contract.
EVIDENCE_CONFIG = EVIDENCE_SCOPED_CONFIG.replace(
    '    evidence: ["tests/integration/test_*.py::TestCharge"]\n',
    '    evidence: ["tests/integration/test_*.py::TestCharge"]\n'
    "    contract:\n"
    "      summary: 'JSON {\"id\": str}'\n"
    "      docs: [docs/payments-api.md, docs/missing.md, docs/escape.md]\n"
    '      tests: ["tests/integration/test_payments.py::test_refund"]\n',
)


@pytest.fixture
def project(fixture_run, tmp_path: Path) -> Path:
    """A copy of the fixture project after its run, with contract documents."""
    root = shutil.copytree(fixture_run.root, tmp_path / "project")
    (root / "docs").mkdir()
    (root / "docs" / "payments-api.md").write_text("# Payments API\n\nPOST /charges\n")
    (tmp_path / "secret.md").write_text("outside the repository")
    symlink(root / "docs" / "escape.md", tmp_path / "secret.md")
    (root / "signal-gate.yml").write_text(EVIDENCE_CONFIG)
    return root


def package(cli, root: Path, *args: str) -> Path:
    ev = root / "evidence"
    done = cli("report", "--out", "a.md", "--evidence-dir", str(ev), *args, cwd=root)
    assert done.returncode in (0, 1), done.stderr
    return ev


def test_sha256sum_verifies_the_package(project: Path, cli) -> None:
    ev = package(cli, project)
    checker = sha256_checker()
    done = subprocess.run(
        [*checker, "--strict", "-c", "SHA256SUMS"],
        cwd=ev, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((ev / "MANIFEST.json").read_text())
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {p.relative_to(ev).as_posix() for p in ev.rglob("*") if p.is_file()}
    assert on_disk - listed == {"MANIFEST.json", "SHA256SUMS"}
    for f in manifest["files"]:
        data = (ev / f["path"]).read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (f["sha256"], f["size"])
    assert manifest["truncated"] is False and manifest["cap_bytes"] == 256 * 1024 * 1024
    # Tampering is caught by the standard tool.
    (ev / "report.json").write_text("{}")
    assert subprocess.run([*checker, "-c", "--quiet", "SHA256SUMS"], cwd=ev).returncode == 1


def test_inputs_are_copied_as_the_gate_read_them(project: Path, cli) -> None:
    ev = package(cli, project)
    report = report_json(ev / "report.json")
    for f in report["provenance"]["files"]:
        copy = ev / "inputs" / f["path"]
        assert copy.read_bytes() == (project / f["path"]).read_bytes()
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == f["sha256"]
    formats = {f["path"]: f["format"] for f in report["provenance"]["files"]}
    assert formats == {".coverage": "coveragepy-data", "junit.xml": "junit"}
    manifest = json.loads((ev / "MANIFEST.json").read_text())
    copies = {f["path"]: f.get("copy_of") for f in manifest["files"] if "copy_of" in f}
    assert copies["inputs/.coverage"] == ".coverage"


def test_coverage_py_pages_show_the_files_and_the_evidence_contexts(project: Path, cli) -> None:
    ev = package(cli, project)
    html = ev / "interactions" / "payments" / "html"
    index = (html / "index.html").read_text()
    for name in ("gateway.py", "retry.py"):
        assert name in index
    (page,) = html.glob("*gateway_py.html")
    text = page.read_text()
    # Contexts are shown, and only the evidence's (TestCharge), never another test's.
    assert "TestCharge::test_created" in text
    assert "test_refund" not in text and "test_retry_gives_up" not in text


def test_a_plain_page_for_other_formats_escapes_the_source(project: Path, cli) -> None:
    hostile = project / "shop" / "clients" / "inventory_client.py"
    hostile.write_text(hostile.read_text() + "# </td><script>alert(1)</script>\n")
    config = project / "signal-gate.yml"
    config.write_text(
        config.read_text()
        .replace("defaults: {coverage_scope: evidence}", "")
        .replace("coverage: [.coverage]", "coverage: [coverage.xml]")
    )
    ev = package(cli, project)
    page = (ev / "interactions" / "inventory" / "html" / "index.html").read_text()
    assert "shop/clients/inventory_client.py" in page
    assert "def reserve" in page
    assert '<tr class="miss"><td class="n">6</td>' in page  # a missing line is marked
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_tests_carry_duration_failure_text_and_output(project: Path, cli) -> None:
    junit = project / "junit.xml"
    text = junit.read_text()
    marker = 'name="test_reserve_ok"'
    start = text.index(marker)
    end = text.index(">", start)
    closing = "/>" if text[end - 1] == "/" else ">"
    assert closing == "/>", "the fixture's passing test has no children"
    junit.write_text(
        text[: end - 1]
        + "><system-out>reserved 3 of sku-1</system-out>"
        + "<system-err>warn&#13;\nnext</system-err></testcase>"
        + text[end + 1 :]
    )
    ev = package(cli, project)
    tests = json.loads((ev / "interactions" / "inventory" / "tests.json").read_text())
    by_id = {t["id"].rsplit("::", 1)[1]: t for t in tests["tests"]}
    ok = by_id["test_reserve_ok"]
    assert ok["output"] == "reserved 3 of sku-1\nwarn\nnext"  # one kind of line ending
    assert isinstance(ok["duration"], float)
    failed = by_id["test_stock_missing_is_reported"]
    assert failed["message"] == "LookupError: sku-404"
    assert "LookupError" in failed["details"] and "\n" in failed["details"]
    payments = json.loads((ev / "interactions" / "payments" / "tests.json").read_text())
    (refund,) = payments["contract_results"]
    assert refund["id"].endswith("::test_refund") and refund["outcome"] == "passed"


def test_contract_documents_are_copied_only_from_inside_the_root(project: Path, cli) -> None:
    ev = package(cli, project)
    assert (ev / "contracts/docs/payments-api.md").read_text().startswith("# Payments API")
    assert not (ev / "contracts/docs/escape.md").exists()
    manifest = json.loads((ev / "MANIFEST.json").read_text())
    omitted = {o["path"]: o["reason"] for o in manifest["omitted"]}
    assert omitted == {
        "contracts/docs/missing.md": "no such regular file",
        "contracts/docs/escape.md": "a symlink out of the repository",
    }
    report = report_json(ev / "report.json")
    payments = next(i for i in report["interactions"] if i["id"] == "payments")
    assert "contract document 'docs/missing.md' does not exist" in payments["gaps"]


def test_an_earlier_package_leaves_nothing_stale(project: Path, cli) -> None:
    ev = package(cli, project)
    (ev / "inputs" / "old-shard.xml").write_text("<coverage/>")
    (ev / "interactions" / "gone" / "html").mkdir(parents=True)
    (ev / "interactions" / "gone" / "html" / "index.html").write_text("old")
    (ev / "interactions" / "gone" / "notes.txt").write_text("not ours")
    package(cli, project)
    assert not (ev / "inputs" / "old-shard.xml").exists()
    assert not (ev / "interactions" / "gone" / "html").exists()
    assert (ev / "interactions" / "gone" / "notes.txt").read_text() == "not ours"


def test_an_input_that_changes_while_the_gate_runs_is_refused(tmp_path: Path) -> None:
    from gate.errors import InputError
    from gate.outputs.evidence_package import stage_package
    from gate.outputs.files import Outputs

    source = tmp_path / "junit.xml"
    source.write_bytes(b"<testsuite/>")
    entry = Copy(source, hashlib.sha256(b"<testsuites/>").hexdigest(), 12, "junit.xml")
    with pytest.raises(InputError, match="changed while the gate ran"), Outputs() as outputs:
        stage_package(outputs, tmp_path / "ev", {"inputs/junit.xml": entry})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junit.xml"]  # nothing left behind


# --- the manifest --------------------------------------------------------------------------


def test_the_cap_leaves_files_out_and_says_so() -> None:
    files = {"a.json": b"x" * 60, "b.html": b"y" * 50, "c.md": b"z" * 30}
    kept = with_manifest(files, [Omitted("contracts/x.md", "no such regular file")], cap=100)
    assert set(kept) == {"a.json", "c.md", "MANIFEST.json", "SHA256SUMS"}
    manifest = json.loads(kept["MANIFEST.json"])
    assert manifest["truncated"] is True and manifest["total_bytes"] == 90
    assert manifest["omitted"] == [
        {"path": "contracts/x.md", "reason": "no such regular file", "size": None},
        {"path": "b.html", "reason": "over the package's cap of 100 bytes", "size": 50},
    ]
    assert kept["SHA256SUMS"].decode().splitlines() == [
        f"{hashlib.sha256(b'x' * 60).hexdigest()}  a.json",
        f"{hashlib.sha256(b'z' * 30).hexdigest()}  c.md",
    ]


@pytest.mark.parametrize("name", ["plain.txt", "with space.txt", "back\\slash.txt", "new\nline"])
def test_sums_lines_are_what_sha256sum_reads(tmp_path: Path, name: str) -> None:
    if os.name == "nt" and ("\\" in name or "\n" in name):
        pytest.skip("Windows file names hold no backslash and no newline")
    (tmp_path / name).write_bytes(b"evidence")
    digest = hashlib.sha256(b"evidence").hexdigest()
    (tmp_path / "SUMS").write_bytes(sums_line(digest, name).encode())  # no CRLF on Windows
    done = subprocess.run(
        [*sha256_checker(), "--strict", "-c", "SUMS"], cwd=tmp_path, capture_output=True, timeout=30
    )
    assert done.returncode == 0, done.stdout + done.stderr
