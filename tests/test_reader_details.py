"""Reader details that whole-file counts miss, each against an independent reading of
the same bytes (xml.etree, plain string splitting, coverage.py itself):

- Cobertura branch totals, exact, for every producer in the corpus, `branch="True"`
  (coverlet) included;
- branch data that only a file the gate does not keep carries still says the
  report measured branches;
- LCOV `BRDA` on line 0 (a producer bug) is dropped with its line, never a line 0.

(Which docstring lines coverage.py JSON's reader drops: test_formats_coverage_json.py.)
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support import CORPUS

from gate.core.paths import PathResolver
from gate.readers import read_coverage
from gate.readers.cobertura import read_cobertura

NOT_COBERTURA = {"gcov_demo-coverage.xml"}
COBERTURA = sorted(
    p
    for p in CORPUS.glob("coverage/*/*.xml")
    if p.name not in NOT_COBERTURA and ET.parse(p).getroot().tag == "coverage"
)


def independent_branch_counts(path: Path) -> tuple[int, int]:
    """(branches, covered) over distinct (file, line) pairs of class-level lines
    with branch="true" in any case and a condition-coverage "N% (covered/total)".
    A line listed twice (two classes of one file) is one line: the larger total,
    and the better coverage (destinations missing from both, when both name them)."""
    root = ET.parse(path).getroot()
    seen: dict[tuple[str, int], tuple[int, int, set[str] | None]] = {}
    for cls in root.iter("class"):
        block = cls.find("lines")
        for line in block.findall("line") if block is not None else []:
            number = int(line.get("number", "0"))
            condition = line.get("condition-coverage")
            if number < 1 or (line.get("branch") or "").lower() != "true" or not condition:
                continue
            covered, total = (int(x) for x in condition.split("(")[1].rstrip(")").split("/"))
            raw = line.get("missing-branches")
            missing = set(filter(None, raw.split(","))) if raw else None
            key = (cls.get("filename", "").replace("\\", "/").lstrip("./"), number)
            if key in seen:
                total0, covered0, missing0 = seen[key]
                total = max(total, total0)
                if missing is not None and missing0 is not None:
                    missing = missing & missing0
                    covered = total - len(missing)
                else:
                    covered, missing = max(covered, covered0), None
            seen[key] = (total, covered, missing)
    return sum(t for t, _, _ in seen.values()), sum(c for _, c, _ in seen.values())


@pytest.mark.parametrize("path", COBERTURA, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cobertura_branch_totals_equal_an_independent_count(path: Path, tmp_path: Path) -> None:
    data = read_coverage([path], PathResolver(tmp_path))
    ours = (
        sum(f.branch_total for f in data.files.values()),
        sum(f.branch_covered for f in data.files.values()),
    )
    assert ours == independent_branch_counts(path)


def test_coverlets_capitalised_branch_true_is_read() -> None:
    """coverlet writes branch="True"; its branches are counted, not dropped."""
    path = CORPUS / "coverage/coverlet/edlib-coverlet.xml"
    assert 'branch="True"' in path.read_text(encoding="utf-8-sig")
    total, covered = independent_branch_counts(path)
    assert total > 0
    data = read_coverage([path], PathResolver(Path("/nonexistent-root")))
    assert sum(f.branch_total for f in data.files.values()) == total
    assert sum(f.branch_covered for f in data.files.values()) == covered


# --- branch data only in a file the gate skips -----------------------------------------

ONLY_B_BRANCHES = """<?xml version="1.0"?>
<coverage line-rate="0.75" version="1">
  <sources><source>.</source></sources>
  <packages><package name="p"><classes>
    <class name="a" filename="app/a.py"><lines>
      <line number="1" hits="1"/><line number="2" hits="1"/>
    </lines></class>
    <class name="b" filename="app/b.py"><lines>
      <line number="1" hits="1" branch="True" condition-coverage="50% (1/2)"/>
      <line number="2" hits="0"/>
    </lines></class>
  </classes></package></packages>
</coverage>
"""


def test_branch_data_in_a_skipped_file_still_marks_the_report_as_branch_measured(
    tmp_path: Path,
) -> None:
    """A report whose only branch lines are in a file no interaction claims still
    measured branches: the straight-line file kept has 0 branches (`{}`), as when
    every file is read, not "no branch data" (None)."""
    report = tmp_path / "coverage.xml"
    report.write_text(ONLY_B_BRANCHES)
    resolver = PathResolver(tmp_path)
    everything = {f.path: f for f in read_cobertura(report, resolver)}
    assert everything["app/b.py"].branches is not None
    assert everything["app/a.py"].branches == {}
    (kept,) = read_cobertura(report, resolver, keep=lambda p: p == "app/a.py")
    assert kept == everything["app/a.py"]


# --- LCOV BRDA on line 0 -----------------------------------------------------------------

LCOV_LINE_ZERO = """TN:
SF:app/a.py
DA:1,1
DA:2,0
BRDA:0,0,0,1
BRDA:0,0,1,-
BRDA:1,0,0,1
BRDA:1,0,1,0
LF:2
LH:1
end_of_record
"""


def test_lcov_brda_on_line_0_is_not_a_line(tmp_path: Path) -> None:
    """Line 0 does not exist; its BRDA records are dropped, the others kept."""
    report = tmp_path / "coverage.lcov"
    report.write_text(LCOV_LINE_ZERO)
    (f,) = read_coverage([report], PathResolver(tmp_path)).files.values()
    assert 0 not in f.statements and 0 not in (f.branches or {})
    assert f.statements == {1, 2} and f.executed == {1}
    assert f.branches is not None and set(f.branches) == {1}
    assert (f.branch_total, f.branch_covered) == (2, 1)
