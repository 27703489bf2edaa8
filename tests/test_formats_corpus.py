"""Every coverage file of the corpus is read, or rejected with a message naming it;
LCOV, JaCoCo and coverage.py JSON figures equal the producers' own totals
(LF/LH/BRF/BRH, JaCoCo's LINE/BRANCH counters, the JSON `summary`)."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from support import CORPUS

from gate.core.model import CoverageData, InputFile
from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import detect_coverage_format, read_coverage
from gate.text import show_path

COVERAGE = CORPUS / "coverage"
ALL = sorted(p for p in COVERAGE.glob("*/*") if p.is_file())

# Files the corpus keeps because they are not what their name suggests.
REJECTED = {
    "gcov_demo-coverage.xml": "SonarQube generic coverage",
    "jacoco-empty-report.xml": "JaCoCo report lists no packages",
}
EXPECTED_FORMAT = {
    "coveragepy-lcov": "lcov",
    "coverlet-lcov": "lcov",
    "flutter-lcov": "lcov",
    "foundry-lcov": "lcov",
    "istanbul-lcov": "lcov",
    "lcov-geninfo": "lcov",
    "solidity-coverage-lcov": "lcov",
    "jacoco": "jacoco",
    "coveragepy-json": "coveragepy-json",
}


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def totals(data: CoverageData) -> tuple[int, int, int, int]:
    files = data.files.values()
    return (
        sum(len(f.statements) for f in files),
        sum(len(f.executed & f.statements) for f in files),
        sum(f.branch_total for f in files),
        sum(f.branch_covered for f in files),
    )


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_every_corpus_file_is_read_or_rejected_naming_it(path: Path, tmp_path: Path) -> None:
    resolver = PathResolver(tmp_path)
    if path.name in REJECTED:
        with pytest.raises(InputError, match=REJECTED[path.name]) as info:
            read_coverage([path], resolver)
        assert str(path) in str(info.value)
        return
    data = read_coverage([path], resolver)
    statements, covered, branches, covered_branches = totals(data)
    assert statements > 0
    assert 0 <= covered <= statements and 0 <= covered_branches <= branches
    expected = EXPECTED_FORMAT.get(path.parent.name)
    if expected is not None:
        assert detect_coverage_format(path) == expected
        assert [i.format for i in data.inputs] == [expected]
    for f in data.files.values():
        assert "\\" not in f.path and not f.path.startswith("./")
        assert 0 not in f.statements


# --- LCOV: the producer's LF/LH/BRF/BRH, or an independent union of DA/BRDA ----------


LCOV = sorted(p for p in ALL if EXPECTED_FORMAT.get(p.parent.name) == "lcov")


@dataclass
class LcovRecord:
    sf: str
    hits: dict[int, int] = field(default_factory=dict)
    taken: dict[tuple[int, str, str], int] = field(default_factory=dict)
    declared: dict[str, int] = field(default_factory=dict)  # LF, LH, BRF, BRH


def lcov_records(path: Path) -> list[LcovRecord]:
    records: list[LcovRecord] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        tag, _, value = raw.strip().partition(":")
        if tag == "SF":
            records.append(LcovRecord(value.strip().replace("\\", "/")))
        elif tag == "DA":
            number, hits = (int(x) for x in value.split(",")[:2])
            if number > 0:
                records[-1].hits[number] = records[-1].hits.get(number, 0) + hits
        elif tag == "BRDA":
            fields = value.split(",")
            key = (int(fields[0]), fields[1], ",".join(fields[2:-1]))
            taken = 0 if fields[-1] == "-" else int(fields[-1])
            records[-1].taken[key] = records[-1].taken.get(key, 0) + taken
        elif tag in ("LF", "LH", "BRF", "BRH"):
            records[-1].declared[tag] = int(value)
    return records


def lcov_independent(path: Path) -> tuple[int, int, int, int]:
    """Totals from the file's own LF/LH/BRF/BRH where every SF is listed once,
    else from distinct (file, line) / (file, branch) keys, hits summed."""
    records = lcov_records(path)
    names = [r.sf for r in records]
    if len(names) == len(set(names)) and all("LF" in r.declared for r in records):
        lf, lh, brf, brh = (
            sum(r.declared.get(k, 0) for r in records) for k in ("LF", "LH", "BRF", "BRH")
        )
        return lf, lh, brf, brh
    lines: dict[tuple[str, int], int] = {}
    arms: dict[tuple[str, tuple[int, str, str]], int] = {}
    for r in records:
        for number, hits in r.hits.items():
            lines[r.sf, number] = lines.get((r.sf, number), 0) + hits
        for key, taken in r.taken.items():
            arms[r.sf, key] = arms.get((r.sf, key), 0) + taken
    return (
        len(lines),
        sum(1 for h in lines.values() if h > 0),
        len(arms),
        sum(1 for t in arms.values() if t > 0),
    )


@pytest.mark.parametrize("path", LCOV, ids=_id)
def test_lcov_totals_equal_the_producers_own(path: Path, tmp_path: Path) -> None:
    data = read_coverage([path], PathResolver(tmp_path))
    assert totals(data) == lcov_independent(path)
    has_branch_records = any(
        line.startswith(("BRDA:", "BRF:")) for line in path.read_text(errors="replace").splitlines()
    )
    assert data.has_branches == has_branch_records


# --- JaCoCo: the LINE and BRANCH counters of every <sourcefile> ----------------------


JACOCO = sorted(p for p in ALL if p.parent.name == "jacoco" and p.name not in REJECTED)


def jacoco_counters(path: Path) -> tuple[int, int, int, int]:
    """Sum of each sourcefile's own LINE and BRANCH counters (missed + covered)."""
    root = ET.parse(path).getroot()
    out = [0, 0, 0, 0]
    for sourcefile in root.iter("sourcefile"):
        for counter in sourcefile.findall("counter"):
            missed, covered = int(counter.get("missed", 0)), int(counter.get("covered", 0))
            if counter.get("type") == "LINE":
                out[0] += missed + covered
                out[1] += covered
            elif counter.get("type") == "BRANCH":
                out[2] += missed + covered
                out[3] += covered
    return out[0], out[1], out[2], out[3]


@pytest.mark.parametrize("path", JACOCO, ids=_id)
def test_jacoco_totals_equal_its_counters(path: Path, tmp_path: Path) -> None:
    data = read_coverage([path], PathResolver(tmp_path))
    assert totals(data) == jacoco_counters(path)


@pytest.mark.parametrize(
    "name",
    [
        "chess-gradle-jacocoTestReport.xml",
        "pureedgesim-jacoco.xml",
        "jacoco-gradle-android-kotlin.xml",
    ],
)
def test_jacoco_report_level_counters_agree_where_the_file_is_complete(
    name: str, tmp_path: Path
) -> None:
    path = COVERAGE / "jacoco" / name
    root = ET.parse(path).getroot()
    declared = {c.get("type"): c for c in root.findall("counter")}
    data = read_coverage([path], PathResolver(tmp_path))
    statements, covered, branches, covered_branches = totals(data)
    line, branch = declared["LINE"], declared["BRANCH"]
    assert statements == int(line.get("missed", 0)) + int(line.get("covered", 0))
    assert covered == int(line.get("covered", 0))
    assert branches == int(branch.get("missed", 0)) + int(branch.get("covered", 0))
    assert covered_branches == int(branch.get("covered", 0))


def test_jacoco_paths_are_package_plus_source_file(tmp_path: Path) -> None:
    data = read_coverage(
        [COVERAGE / "jacoco" / "jacoco-report-aggregate-groups.xml"], PathResolver(tmp_path)
    )
    assert "com/madrapps/text/StringOp.java" in data.files
    assert "com/madrapps/math/Math.kt" in data.files


# --- coverage.py JSON: the report's own per-file summary and totals -------------------


JSON = sorted(p for p in ALL if p.parent.name == "coveragepy-json")


@pytest.mark.parametrize("path", JSON, ids=_id)
def test_json_figures_equal_its_summary(path: Path, tmp_path: Path) -> None:
    doc = json.loads(path.read_text())
    data = read_coverage([path], PathResolver(tmp_path))
    t = doc["totals"]
    expected = (
        t["num_statements"],
        t["covered_lines"],
        t.get("num_branches", 0),
        t.get("covered_branches", 0),
    )
    assert totals(data) == expected
    assert data.has_branches == doc["meta"]["branch_coverage"]
    entries = {key.replace("\\", "/"): entry for key, entry in doc["files"].items()}
    for f in data.files.values():
        entry = entries[f.path]
        summary = entry["summary"]
        assert len(f.statements) == summary["num_statements"], f.path
        assert len(f.executed & f.statements) == summary["covered_lines"], f.path
        assert f.missing == sorted(entry["missing_lines"]), f.path
        if doc["meta"]["branch_coverage"]:
            assert f.branch_total == summary["num_branches"], f.path
            assert f.branch_covered == summary["covered_branches"], f.path


# --- read_coverage: every format in one call, and what is none of them ----------------


MIXED = {
    "coverage.xml": (
        '<?xml version="1.0" ?><coverage version="7.6.1"><sources><source>.</source></sources>'
        '<packages><package name="app"><classes>'
        '<class name="a" filename="app/a.py"><lines><line number="0" hits="1"/>'
        '<line number="1" hits="1"/></lines></class>'
        '<class name="x" filename="vendor/x.py"><lines><line number="1" hits="1"/></lines></class>'
        "</classes></package></packages></coverage>"
    ),
    "lcov.info": "SF:app/b.py\nDA:1,1\nend_of_record\nSF:vendor/y.py\nDA:1,0\nend_of_record\n",
    "jacoco.xml": (
        '<report name="r"><package name="app"><sourcefile name="C.java">'
        '<line nr="1" mi="0" ci="1" mb="0" cb="0"/></sourcefile></package>'
        '<package name="vendor"><sourcefile name="Z.java">'
        '<line nr="1" mi="1" ci="0" mb="0" cb="0"/></sourcefile></package></report>'
    ),
    "coverage.json": json.dumps(
        {
            "meta": {"version": "7.6.1", "branch_coverage": False},
            "files": {
                name: {"executed_lines": [1], "missing_lines": [], "excluded_lines": []}
                for name in ("app/d.py", "vendor/w.py")
            },
        }
    ),
}


def test_read_coverage_reads_each_format_keeps_what_keep_claims_and_names_each_input(
    tmp_path: Path,
) -> None:
    """One call reads a report of every format; `keep` is asked by each reader, what
    a reader read past is noted, and every input is recorded with its path, the
    SHA-256 of its bytes and its format."""
    paths = [tmp_path / name for name in MIXED]
    for path in paths:
        path.write_text(MIXED[path.name])
    resolver = PathResolver(tmp_path)
    everything = read_coverage(paths, resolver)
    assert sorted(everything.files) == [
        "app/C.java", "app/a.py", "app/b.py", "app/d.py",
        "vendor/Z.java", "vendor/w.py", "vendor/x.py", "vendor/y.py",
    ]  # fmt: skip
    claimed = read_coverage(paths, resolver, keep=lambda path: path.startswith("app/"))
    assert sorted(claimed.files) == ["app/C.java", "app/a.py", "app/b.py", "app/d.py"]
    assert claimed.inputs == tuple(
        InputFile(str(path), hashlib.sha256(path.read_bytes()).hexdigest(), fmt)
        for path, fmt in zip(paths, ["cobertura", "lcov", "jacoco", "coveragepy-json"], strict=True)
    )
    assert claimed.notes == (f"{paths[0]}: 1 <line> element with number 0 ignored",)
    assert claimed.contexts is None


def test_no_coverage_report_at_all_never_passes() -> None:
    with pytest.raises(InputError) as info:
        read_coverage([], PathResolver(Path("/nonexistent-root")))
    assert str(info.value) == "no coverage report given; a gate without coverage never passes"


HTML_PAGE = "an HTML page (an error page saved as a report?)"
NOT_COVERAGE = {
    "coverage.py-4": (
        b'!coverage.py: This is a private format, don\'t read it directly!{"lines": {}}',
        "a coverage.py 4.x data file, which coverage.py 5+ no longer reads\n"
        "hint: re-run the tests with coverage.py 5 or later, or export `coverage xml`",
    ),
    "html": (b"<!DOCTYPE html><html><body>502</body></html>", HTML_PAGE),
    # past the first 256 bytes only the parsed root tells an HTML page, in any case
    "html-root": (b"<!-- " + b"x" * 300 + b" -->\n<HTML><body/></HTML>", HTML_PAGE),
    "junit": (b"<testsuites/>", "a JUnit test report, not a coverage report"),
    "junit-suite": (b"<testsuite/>", "a JUnit test report, not a coverage report"),
    "other-xml": (
        b"<coverage-report/>",
        "XML with root <coverage-report> is not a coverage format signal-gate reads",
    ),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data, not a coverage report"),
    "text": (
        b"mode: set\n",
        "not a coverage report signal-gate can read "
        "(Cobertura XML, JaCoCo XML, LCOV, coverage.py JSON or data file)",
    ),
}


@pytest.mark.parametrize("kind", NOT_COVERAGE)
def test_a_file_of_no_coverage_format_is_refused_saying_what_it_is(
    tmp_path: Path, kind: str
) -> None:
    content, problem = NOT_COVERAGE[kind]
    path = tmp_path / "coverage.xml"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_coverage([path], PathResolver(tmp_path))
    assert str(info.value) == f"{show_path(path)}: {problem}"
