"""coverage.py JSON reports, old and new schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate.core.model import LineBranches
from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import detect_coverage_format, read_coverage
from gate.readers.coverage_json import MAX_JSON_BYTES, read_coverage_json
from gate.readers.import_lines import MAX_SOURCE_BYTES


def entry(
    executed: list[int],
    missing: list[int],
    *,
    excluded: list[int] = (),  # type: ignore[assignment]
    statements: int | None = None,
    covered: int | None = None,
    branches: tuple[list[list[int]], list[list[int]]] | None = None,
) -> dict[str, Any]:
    ran = [n for n in executed if n not in excluded and n > 0]
    out: dict[str, Any] = {
        "executed_lines": executed,
        "missing_lines": missing,
        "excluded_lines": list(excluded),
        "summary": {
            "covered_lines": len(ran) if covered is None else covered,
            "num_statements": len(set(ran) | set(missing)) if statements is None else statements,
        },
    }
    if branches is not None:
        out["executed_branches"], out["missing_branches"] = branches
    return out


def report(
    tmp_path: Path, files: dict[str, Any], *, branch: bool = False, fmt: int | None = 3
) -> Path:
    meta: dict[str, Any] = {"version": "7.6.0", "branch_coverage": branch, "show_contexts": False}
    if fmt is not None:
        meta["format"] = fmt
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps({"meta": meta, "files": files, "totals": {}}))
    return path


def read(tmp_path: Path, path: Path):
    return read_coverage([path], PathResolver(tmp_path))


@pytest.mark.parametrize("fmt", [3, None], ids=["format-3", "no-format-key"])
def test_lines_with_and_without_meta_format(tmp_path: Path, fmt: int | None) -> None:
    path = report(tmp_path, {"src/a.py": entry([1, 2, 4], [5])}, fmt=fmt)
    assert detect_coverage_format(path) == "coveragepy-json"
    f = read(tmp_path, path).files["src/a.py"]
    assert f.statements == {1, 2, 4, 5} and f.executed == {1, 2, 4} and f.branches is None


def test_windows_backslash_keys(tmp_path: Path) -> None:
    path = report(tmp_path, {"pkg\\sub\\mod.py": entry([1], [])})
    assert list(read(tmp_path, path).files) == ["pkg/sub/mod.py"]


def test_line_zero_of_empty_modules_is_ignored(tmp_path: Path) -> None:
    path = report(tmp_path, {"admin/__init__.py": entry([0], [], statements=0, covered=0)})
    f = read(tmp_path, path).files["admin/__init__.py"]
    assert f.statements == frozenset() and f.executed == frozenset()


def test_executed_docstrings_and_excluded_lines_are_not_statements(tmp_path: Path) -> None:
    """coverage.py lists a module docstring (1) and excluded code that ran (9) as
    executed; the summary says 3 statements ran."""
    path = report(
        tmp_path, {"m.py": entry([1, 3, 4, 5, 9], [7], excluded=[9], statements=4, covered=3)}
    )
    f = read(tmp_path, path).files["m.py"]
    assert (len(f.statements), len(f.executed & f.statements)) == (4, 3)
    assert f.missing == [7]
    # which lines, not only how many: the docstring is the top line, 1
    assert f.statements == {3, 4, 5, 7} and f.executed == {3, 4, 5}


CLASS_DOCSTRING_SOURCE = '''"""Module docstring."""

import os

X = 1
class C:
    """Class docstring, below the first statements."""

    y = 2
    z = os.sep
'''


def test_a_class_docstring_below_the_first_statement_is_the_line_dropped(tmp_path: Path) -> None:
    """coverage.py < 7.4 lists module (1) and class (7) docstrings as executed: with
    the source under the root, the reader drops those two, not the lowest lines."""
    (tmp_path / "m.py").write_text(CLASS_DOCSTRING_SOURCE)
    path = report(tmp_path, {"m.py": entry([1, 3, 5, 6, 7, 9], [10], statements=5, covered=4)})
    f = read(tmp_path, path).files["m.py"]
    assert f.executed == {3, 5, 6, 9} and f.statements == {3, 5, 6, 9, 10}


def test_without_the_source_the_lowest_extra_lines_are_taken_as_docstrings(
    tmp_path: Path,
) -> None:
    """No source to read: the figures are still exact, the line set a best guess."""
    path = report(tmp_path, {"m.py": entry([1, 3, 5, 6, 7, 9], [10], statements=5, covered=4)})
    f = read(tmp_path, path).files["m.py"]
    assert f.executed == {5, 6, 7, 9} and len(f.statements) == 5


def test_branches_with_exits_named_as_coverage_py_does(tmp_path: Path) -> None:
    path = report(
        tmp_path,
        {"m.py": entry([1, 2, 3], [4], branches=([[2, 3], [3, -1]], [[2, 4], [3, 5]]))},
        branch=True,
    )
    f = read(tmp_path, path).files["m.py"]
    assert f.branches == {2: LineBranches(2, 1, ("4",)), 3: LineBranches(2, 1, ("5",))}
    exits = report(
        tmp_path, {"m.py": entry([1, 2], [], branches=([[2, 3]], [[2, -1]]))}, branch=True
    )
    assert read(tmp_path, exits).files["m.py"].branches == {2: LineBranches(2, 1, ("exit",))}


def test_branch_measurement_without_branches_is_zero_not_missing(tmp_path: Path) -> None:
    path = report(tmp_path, {"m.py": entry([1], [], branches=([], []))}, branch=True)
    assert read(tmp_path, path).files["m.py"].branches == {}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"meta": {}, "files": {}}, "lists no source files"),
        ({"a.ts": {"path": "a.ts", "statementMap": {}, "s": {}}}, "Istanbul JSON"),
        ({"total": {"lines": {"pct": 80}}}, "Istanbul summary JSON"),
        ({"hello": "world"}, "not a coverage.py JSON report"),
        ([1, 2], "not a coverage report signal-gate can read"),
    ],
)
def test_other_json_is_rejected_naming_the_file(tmp_path: Path, doc: object, message: str) -> None:
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(InputError, match=message) as info:
        read(tmp_path, path)
    assert str(path) in str(info.value)


def test_broken_json_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "coverage.json"
    path.write_text('{"meta": {"version": ')
    with pytest.raises(InputError, match="not valid JSON"):
        read(tmp_path, path)


def test_a_summary_that_contradicts_the_lines_is_rejected(tmp_path: Path) -> None:
    path = report(tmp_path, {"m.py": entry([1], [2], statements=5, covered=1)})
    with pytest.raises(InputError, match=r"m\.py: summary says 5 statements"):
        read(tmp_path, path)
    path = report(tmp_path, {"m.py": entry([1], [2], covered=4)})
    with pytest.raises(InputError, match=r"m\.py: summary says 4 statements ran"):
        read(tmp_path, path)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_byte_order_marks_and_utf16(tmp_path: Path, encoding: str) -> None:
    path = report(tmp_path, {"m.py": entry([1], [2])})
    path.write_text(path.read_text(), encoding=encoding)
    assert detect_coverage_format(path) == "coveragepy-json"
    assert read(tmp_path, path).files["m.py"].missing == [2]


def test_only_claimed_entries_are_decoded(tmp_path: Path) -> None:
    """With `keep=`, an entry the gate does not claim is never decoded: even a
    broken one costs nothing; without it, the same entry is refused."""
    broken: dict[str, Any] = {"executed_lines": "not a list", "missing_lines": []}
    path = report(tmp_path, {"app/a.py": entry([1], [2]), "vendor/b.py": broken})
    data = read_coverage([path], PathResolver(tmp_path), keep=lambda p: p.startswith("app/"))
    assert set(data.files) == {"app/a.py"} and data.files["app/a.py"].missing == [2]
    with pytest.raises(InputError, match=r"vendor/b\.py: not a coverage\.py JSON report"):
        read(tmp_path, path)


def refusal(tmp_path: Path, path: Path) -> str:
    """The whole message (and hint) of the InputError reading `path` raises."""
    with pytest.raises(InputError) as info:
        read(tmp_path, path)
    return str(info.value)


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        (
            {"meta": {}, "files": {}},
            "coverage.py JSON report lists no source files; refusing to read it as 0 lines",
        ),
        (
            {"a.ts": {"path": "a.ts", "statementMap": {}, "s": {}}},
            "Istanbul JSON (coverage-final.json), not coverage.py's; "
            "use Istanbul's lcov or cobertura reporter",
        ),
        (
            {"total": {"lines": {"pct": 80}}},
            "Istanbul summary JSON (coverage-summary.json) carries no lines; "
            "use Istanbul's lcov or cobertura reporter",
        ),
        ({}, "not a coverage.py JSON report: Object missing required field `meta`"),
    ],
)
def test_each_refusal_of_the_document_says_what_it_is(
    tmp_path: Path, doc: object, problem: str
) -> None:
    path = tmp_path / "coverage.json"
    path.write_text(json.dumps(doc))
    assert refusal(tmp_path, path) == f"{path}: {problem}"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (entry([1], [2], covered=4), "4 statements ran, but only 1 executed line is listed"),
        (entry([1, 3], [2], covered=3), "3 statements ran, but only 2 executed lines are listed"),
        (entry([1], [], statements=5), "5 statements, but 1 is listed as executed or missing"),
        (entry([1], [2], statements=1), "1 statement, but 2 are listed as executed or missing"),
    ],
)
def test_a_summary_that_contradicts_the_lines_is_refused_naming_the_entry(
    tmp_path: Path, lines: dict[str, Any], message: str
) -> None:
    path = report(tmp_path, {"m.py": lines})
    assert refusal(tmp_path, path) == f"{path}: m.py: summary says {message}"


def test_an_unusable_file_name_is_refused_as_a_file(tmp_path: Path) -> None:
    path = report(tmp_path, {"a\x00.py": entry([1], [])})
    assert refusal(tmp_path, path) == (
        f"{path}: file 'a\\x00.py' is not a usable path: it contains a NUL character"
    )


def test_a_document_too_large_to_read_whole_is_refused_with_a_way_out(tmp_path: Path) -> None:
    path = tmp_path / "coverage.json"
    with path.open("wb") as handle:  # sparse: the size is all that is looked at
        handle.truncate(MAX_JSON_BYTES + 1)
    with pytest.raises(InputError) as info:
        list(read_coverage_json(path, PathResolver(tmp_path)))
    assert str(info.value) == (
        f"{path}: {MAX_JSON_BYTES + 1:,} bytes is more than the 128 MB a coverage.py JSON "
        "report is read up to\nhint: pass the coverage.py data file (.coverage) or "
        "`coverage xml` output instead"
    )


def test_a_document_of_exactly_the_size_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "coverage.json"
    with path.open("wb") as handle:  # sparse zero bytes: read, then refused as JSON
        handle.truncate(MAX_JSON_BYTES)
    with pytest.raises(InputError, match=r"coverage\.json: not valid JSON"):
        list(read_coverage_json(path, PathResolver(tmp_path)))


def test_line_zero_is_never_a_statement(tmp_path: Path) -> None:
    raw = {"executed_lines": [0, 1], "missing_lines": [0, 2], "summary": {}}
    f = read(tmp_path, report(tmp_path, {"m.py": raw})).files["m.py"]
    assert f.statements == {1, 2} and f.executed == {1}


def test_a_destination_below_one_is_an_exit(tmp_path: Path) -> None:
    missed = [[3, 1], [4, 0], [5, -2]]
    path = report(tmp_path, {"m.py": entry([1, 3, 4, 5], [], branches=([], missed))}, branch=True)
    branches = read(tmp_path, path).files["m.py"].branches
    assert branches is not None
    assert {n: b.missing for n, b in branches.items()} == {3: ("1",), 4: ("exit",), 5: ("exit",)}


def test_a_utf16_report_with_a_broken_character_is_still_read(tmp_path: Path) -> None:
    # An unpaired surrogate in a file name: replaced, as a UTF-8 report's would be refused.
    doc = {"meta": {"version": "7.6.0"}, "files": {"a\udc00.py": entry([1], [])}}
    text = json.dumps(doc, ensure_ascii=False)
    path = tmp_path / "coverage.json"
    path.write_bytes(text.encode("utf-16", errors="surrogatepass"))
    assert list(read(tmp_path, path).files) == ["a\ufffd.py"]


def test_when_the_source_has_more_docstring_lines_than_extras_the_lowest_go(
    tmp_path: Path,
) -> None:
    """The source no longer matches the report (the docstrings moved): the reader
    falls back to the lowest-numbered extras, as without the source."""
    (tmp_path / "m.py").write_text(CLASS_DOCSTRING_SOURCE)
    path = report(tmp_path, {"m.py": entry([1, 3, 5, 6, 7, 9], [10], statements=6, covered=5)})
    f = read(tmp_path, path).files["m.py"]
    assert f.executed == {3, 5, 6, 7, 9}


def test_only_a_python_source_is_parsed_for_docstrings(tmp_path: Path) -> None:
    """A script coverage.py measured without a .py suffix (or a template a plugin
    measured) is not parsed: its extras are the lowest lines, as without a source."""
    (tmp_path / "tool").write_text(CLASS_DOCSTRING_SOURCE)
    path = report(tmp_path, {"tool": entry([1, 3, 5, 6, 7, 9], [10], statements=5, covered=4)})
    assert read(tmp_path, path).files["tool"].executed == {5, 6, 7, 9}


def test_a_source_of_exactly_the_size_limit_is_parsed(tmp_path: Path) -> None:
    padding = MAX_SOURCE_BYTES - len(CLASS_DOCSTRING_SOURCE.encode())
    (tmp_path / "m.py").write_text(CLASS_DOCSTRING_SOURCE + "#" * padding)
    assert (tmp_path / "m.py").stat().st_size == MAX_SOURCE_BYTES
    path = report(tmp_path, {"m.py": entry([1, 3, 5, 6, 7, 9], [10], statements=5, covered=4)})
    assert read(tmp_path, path).files["m.py"].executed == {3, 5, 6, 9}
