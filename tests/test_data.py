"""The data the tests read and the schema users get: complete, and byte for byte.

The report corpus and GitHub's API description live in tests/data; every file must be
exactly what its manifest records, so a line-ending conversion or a lost BOM (which the
readers are tested on) cannot slip in unnoticed. The report schema is not test data: it
ships inside the package, and the wheel must carry it where `importlib.resources` finds it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
from conftest import InstalledWheel
from support import CORPUS, GITHUB_API, packaged_report_schema

REPO = Path(__file__).resolve().parent.parent
SCHEMA_IN_WHEEL = "gate/schemas/report-1.schema.json"

# MANIFEST.md: | `coverage/<producer>/<file>` | producer | repository | path | commit | bytes | ...
MANIFEST_ROW = re.compile(
    r"^\| `((?:coverage|junit)/[^`/]+/[^`/]+)` \|(?:[^|]*\|){4} (\d+) \|", re.M
)
MANIFEST_HEADING = re.compile(r"^## .*\((\d+) files, \d+ producers\)$", re.M)
# SOURCE.md: | `openapi-subset.json` | what it is ... sha256 `<hex>` |
SOURCE_ROW = re.compile(r"^\| `([\w.-]+\.json)` \|.* sha256 `([0-9a-f]{64})` \|$", re.M)


def test_the_corpus_holds_exactly_the_files_of_its_manifest_at_their_recorded_sizes() -> None:
    manifest = (CORPUS / "MANIFEST.md").read_text(encoding="utf-8")
    listed = {path: int(size) for path, size in MANIFEST_ROW.findall(manifest)}
    # The table rows agree with the headings' counts ("48 files", "60 files").
    assert len(listed) == sum(int(n) for n in MANIFEST_HEADING.findall(manifest)) > 100
    on_disk = {
        p.relative_to(CORPUS).as_posix(): p.stat().st_size
        for p in CORPUS.rglob("*")
        if p.is_file() and p.name != "MANIFEST.md"
    }
    assert on_disk == listed


def test_the_corpus_keeps_its_crlf_and_bom_files() -> None:
    # Two of the awkward inputs the readers are tested on; a text conversion loses both.
    cobertura = CORPUS / "coverage/cobertura-maven/cobertura-2.0.3-zero-coverage.xml"
    assert b"\r\n" in cobertura.read_bytes()
    assert (CORPUS / "junit/xunit-net/xunit-net-junit-bom.xml").read_bytes()[:3] == b"\xef\xbb\xbf"


def test_the_github_api_descriptions_match_the_sha256_recorded_in_source_md() -> None:
    recorded = dict(SOURCE_ROW.findall((GITHUB_API / "SOURCE.md").read_text(encoding="utf-8")))
    assert recorded.keys() == {p.name for p in GITHUB_API.glob("*.json")}
    assert {"openapi-subset.json", "openapi-subset-28ops.json"} <= recorded.keys()
    for name, digest in recorded.items():
        assert hashlib.sha256((GITHUB_API / name).read_bytes()).hexdigest() == digest, name


def test_the_packaged_schema_is_report_1_and_rejects_a_report_without_its_fields() -> None:
    schema = packaged_report_schema()
    assert schema["$id"] == "signal-gate/report@1"
    validator = jsonschema.Draft202012Validator(schema)
    missing = {e.message for e in validator.iter_errors({"schema": "signal-gate/report@1"})}
    assert "'interactions' is a required property" in missing


@pytest.mark.slow
def test_the_wheel_ships_the_report_schema_and_no_test_data(
    tmp_path: Path, installed_wheel: InstalledWheel
) -> None:
    with zipfile.ZipFile(installed_wheel.wheel) as archive:
        names = archive.namelist()
        shipped = archive.read(SCHEMA_IN_WHEEL)
    assert shipped == (REPO / SCHEMA_IN_WHEEL).read_bytes()
    assert not [n for n in names if n.startswith("tests/") or "corpus" in n]
    # Installed from the wheel, the tests' own helper finds it through importlib.resources.
    site = installed_wheel.site
    done = subprocess.run(
        [sys.executable, "-c", "import gate, json, sys; from support import "
         "packaged_report_schema as s; assert gate.__file__.startswith(sys.argv[1]); "
         "print(json.dumps(s()))", str(site)],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO / "tests")])},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(shipped)
