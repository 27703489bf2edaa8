"""The coverage.py version that wrote a data file is visible: in the provenance,
and as a note when its major.minor differs from the coverage.py analysing it."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import coverage
import pytest
from conftest import TESTS, signal_gate
from support.reports import report_json

from gate.core.paths import PathResolver
from gate.readers import read_coverage

OLD = TESTS / "data" / "coverage-7.6.1"  # shapes.coverage, written by coverage.py 7.6.1


def data_file(root: Path) -> Path:
    """A data file written by the coverage.py running these tests."""
    (root / "m.py").write_text("def f(x):\n    if x:\n        return 1\n    return 2\n")
    path = root / "m.coverage"
    data = coverage.CoverageData(basename=str(path))
    data.set_context("tests/test_m.py::test_f|run")
    data.add_arcs({"m.py": [(-1, 1), (1, -1), (-1, 2), (2, 3), (3, -1)]})
    data.write()
    return path


def set_version(path: Path, version: str | None) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("delete from meta where key = 'version'")
        if version is not None:
            db.execute("insert into meta (key, value) values ('version', ?)", (version,))


def notes_of(path: Path) -> list[str]:
    return [n for n in read_coverage([path], PathResolver(path.parent)).notes if "versions" in n]


def test_a_file_written_by_another_coverage_py_is_noted(tmp_path: Path) -> None:
    """A real data file written by coverage.py 7.6.1 (tests/data/coverage-7.6.1,
    made by its record.py in a throwaway virtualenv); this suite runs a later
    coverage.py."""
    root = tmp_path / "old"
    shutil.copytree(OLD, root)
    data = read_coverage([root / "shapes.coverage"], PathResolver(root))
    (note,) = [n for n in data.notes if "versions differ" in n]
    assert note.startswith("coverage.py versions differ, so branch counts can differ: ")
    assert (
        f"written by coverage.py 7.6.1 and is analysed with coverage.py {coverage.__version__}"
        in note
    )
    assert "Pin the same coverage.py" in note and "Cobertura or JSON report" in note
    assert data.inputs[0].writer == "coverage.py 7.6.1"
    shapes = data.files["shapes.py"]
    assert shapes.missing == [12]  # the circle branch never ran
    assert data.contexts is not None and len(data.contexts.names) == 3


@pytest.mark.parametrize("version", ["6.5.0", "7.0.0", "8.18.0", "not a version"])
def test_another_major_minor_is_noted(tmp_path: Path, version: str) -> None:
    """The `meta` version row of a data file written here, rewritten with sqlite3
    (no other coverage.py needs installing for these)."""
    path = data_file(tmp_path)
    set_version(path, version)
    (note,) = notes_of(path)
    ours = coverage.__version__
    assert f"written by coverage.py {version} and is analysed with coverage.py {ours}" in note


def test_the_note_names_the_data_file_and_says_what_to_do(tmp_path: Path) -> None:
    path = data_file(tmp_path)
    set_version(path, "6.5.0")
    assert notes_of(path) == [
        f"coverage.py versions differ, so branch counts can differ: {path} was written by "
        f"coverage.py 6.5.0 and is analysed with coverage.py {coverage.__version__}. Pin the "
        "same coverage.py where the tests run and where the gate runs, or, where evidence "
        "scope is not needed, pass the Cobertura or JSON report the project's own coverage.py "
        "wrote"
    ]


def test_the_same_major_minor_is_not_noted(tmp_path: Path) -> None:
    path = data_file(tmp_path)
    major, minor, *_ = coverage.__version__.split(".")
    set_version(path, f"{major}.{minor}.99")
    assert notes_of(path) == []
    assert read_coverage([path], PathResolver(tmp_path)).inputs[0].writer == (
        f"coverage.py {major}.{minor}.99"
    )


def test_a_file_that_does_not_say_is_noted_as_unknown(tmp_path: Path) -> None:
    path = data_file(tmp_path)
    set_version(path, None)
    (note,) = notes_of(path)
    assert "written by an unknown coverage.py version" in note
    assert read_coverage([path], PathResolver(tmp_path)).inputs[0].writer is None


def test_the_note_reaches_the_report_and_the_terminal(tmp_path: Path) -> None:
    root = tmp_path / "old"
    shutil.copytree(OLD, root)
    (root / "gate.yml").write_text(
        "version: 1\nid: shapes\noverall: {min_confidence: 0}\ninteractions:\n"
        "  - {id: shapes, name: Shapes, direction: inbound, modules: [shapes.py],\n"
        "     evidence: [tests/test_shapes.py], coverage_scope: evidence}\n"
    )
    (root / "junit.xml").write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_shapes" name="test_square"/>'
        '<testcase classname="tests.test_shapes" name="test_unknown"/>'
        "</testsuite></testsuites>"
    )
    args = ("check", "--config", "gate.yml", "--coverage", "shapes.coverage", "--junit",
            "junit.xml", "--no-exec")  # fmt: skip
    as_json = signal_gate(*args, "--format", "json", cwd=root)
    assert as_json.returncode in (0, 1), as_json.stderr
    report = report_json(as_json.stdout)
    assert any("written by coverage.py 7.6.1" in n for n in report["notes"])
    text = signal_gate(*args, cwd=root)
    assert "coverage.py versions differ" in text.stdout
