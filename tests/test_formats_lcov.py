"""LCOV: geninfo records as producers really write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.core.model import LineBranches
from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import detect_coverage_format, read_coverage
from gate.readers.lcov import MAX_RECORD_CHARS


def lcov(tmp_path: Path, *records: str, name: str = "lcov.info", eol: str = "\n") -> Path:
    """Write an LCOV file from records given as lines joined by '|'."""
    path = tmp_path / name
    lines = [line for record in records for line in record.split("|")]
    path.write_bytes(eol.join(lines).encode() + eol.encode())
    return path


def read(tmp_path: Path, *paths: Path):
    return read_coverage(list(paths), PathResolver(tmp_path))


def test_statements_hits_and_branches(tmp_path: Path) -> None:
    path = lcov(
        tmp_path,
        "TN:|SF:src/a.py|DA:1,1|DA:2,0|DA:3,5|BRDA:3,0,0,2|BRDA:3,0,1,-"
        "|LF:3|LH:2|BRF:2|BRH:1|end_of_record",
    )
    assert detect_coverage_format(path) == "lcov"
    f = read(tmp_path, path).files["src/a.py"]
    assert f.statements == {1, 2, 3} and f.executed == {1, 3}
    assert f.branches == {3: LineBranches(2, 1, ("#0/1",))}


def test_end_of_record_with_trailing_blanks_and_crlf(tmp_path: Path) -> None:
    path = lcov(
        tmp_path,
        "SF:a.ts|DA:1,1|end_of_record  ",
        "SF:b.ts|DA:2,0|end_of_record \t",
        eol="\r\n",
    )
    files = read(tmp_path, path).files
    assert set(files) == {"a.ts", "b.ts"}
    assert files["b.ts"].missing == [2]


def test_windows_paths_with_spaces_resolve_against_the_root(tmp_path: Path) -> None:
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts" / "Fund Me.sol").write_text("contract X {}\n")
    path = lcov(
        tmp_path,
        r"SF:C:\Users\dev\blockchain dev\proj\contracts\Fund Me.sol|DA:3,1|end_of_record",
    )
    assert list(read(tmp_path, path).files) == ["contracts/Fund Me.sol"]


def test_function_records_of_lcov_1_and_2_are_ignored(tmp_path: Path) -> None:
    path = lcov(
        tmp_path,
        "VER:2.0|SF:calc.cpp|FNL:0,14,16|FNA:0,2,_ZN4Calc3addEdd|FN:3,4,Calc.add"
        "|FNDA:1,Calc.add|FNF:1|FNH:1|DA:3,1|DA:4,0|end_of_record",
    )
    f = read(tmp_path, path).files["calc.cpp"]
    assert (len(f.statements), len(f.executed), f.branches) == (2, 1, None)


def test_lcov2_branch_expressions_may_contain_commas(tmp_path: Path) -> None:
    path = lcov(
        tmp_path,
        "SF:a.c|DA:7,1|BRDA:7,e0,(a, b) == True,1|BRDA:7,e0,(a, b) == False,0|end_of_record",
    )
    assert read(tmp_path, path).files["a.c"].branches == {
        7: LineBranches(2, 1, ("#e0/(a, b) == False",))
    }


def test_the_same_file_in_several_records_is_one_file(tmp_path: Path) -> None:
    """A C++ header compiled into two units: hits add up, nothing counts twice."""
    path = lcov(
        tmp_path,
        "SF:/usr/include/move.h|DA:104,0|DA:105,0|BRDA:104,0,0,-|end_of_record",
        "SF:/usr/include/move.h|DA:104,3|DA:104,0|BRDA:104,0,0,1|end_of_record",
    )
    f = read(tmp_path, path).files["/usr/include/move.h"]
    assert f.statements == {104, 105} and f.executed == {104}
    assert f.branches == {104: LineBranches(1, 1)}


def test_shards_merge_branch_by_branch(tmp_path: Path) -> None:
    """Shard 1 took one arm, shard 2 the other: the line is fully covered."""
    one = lcov(tmp_path, "SF:a.js|DA:1,1|BRDA:1,0,0,1|BRDA:1,0,1,0|end_of_record", name="1.info")
    two = lcov(tmp_path, "SF:a.js|DA:1,1|BRDA:1,0,0,0|BRDA:1,0,1,4|end_of_record", name="2.info")
    f = read(tmp_path, one, two).files["a.js"]
    assert (f.branch_total, f.branch_covered) == (2, 2)


def test_line_zero_is_no_statement(tmp_path: Path) -> None:
    path = lcov(tmp_path, "SF:a.py|DA:0,1|DA:1,1|end_of_record")
    assert read(tmp_path, path).files["a.py"].statements == {1}


def test_branch_totals_without_branch_records_mean_zero_branches(tmp_path: Path) -> None:
    """BRF:0 says branches were measured and there are none: 0, not 'no data'."""
    path = lcov(tmp_path, "SF:a.py|DA:1,1|BRF:0|BRH:0|end_of_record")
    assert read(tmp_path, path).files["a.py"].branches == {}


NOT_A_NUMBER = "is not a whole number (ASCII digits)"


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (["TN:", "LF:0"], "LCOV report lists no source files (no SF: record); "
                          "refusing to read it as 0 lines"),
        (["DA:1,1"], "line 1: data outside an SF: ... end_of_record block"),
        (["BRDA:1,0,0,1"], "line 1: data outside an SF: ... end_of_record block"),
        (["SF:a.py", "DA:1"], "line 2: DA:'1' needs <line>,<hits>"),
        (["SF:a.py", "DA:x,1"], f"line 2: line 'x' {NOT_A_NUMBER}"),
        (["SF:a.py", "DA:1,-3"], "line 2: hits '-3' is negative"),
        (["SF:a.py", "BRDA:1,0,1"], "line 2: BRDA:'1,0,1' needs <line>,<block>,<branch>,<taken>"),
        (["SF:a.py", "BRDA:,0,1,1"], "line 2: BRDA:',0,1,1' needs <line>,<block>,<branch>,<taken>"),
        (["SF:a.py", "BRDA:y,0,1,1"], f"line 2: line 'y' {NOT_A_NUMBER}"),
        (["SF:a.py", "BRDA:1,0,1,z"], f"line 2: taken 'z' {NOT_A_NUMBER}"),
        (["SF:a.py", "WAT:1"], "line 2: unknown LCOV record 'WAT'"),
        (["SF:a.py", "no colon"], "line 2: 'no colon' is not an LCOV record"),
        (["SF:"], "line 1: SF: without a file name"),
        (["SF:a\x00.py"], "line 1: SF: 'a\\x00.py' is not a usable path: it contains a NUL "
                           "character"),
    ],
)  # fmt: skip
def test_malformed_files_are_rejected_naming_file_and_line(
    tmp_path: Path, records: list[str], message: str
) -> None:
    path = lcov(tmp_path, "|".join(records))
    with pytest.raises(InputError) as info:
        read(tmp_path, path)
    assert str(info.value) == f"{path}: {message}"


def test_a_line_of_up_to_the_record_bound_is_read_a_longer_one_refused(tmp_path: Path) -> None:
    # The bound counts the line's end: a text of MAX_RECORD_CHARS with its newline is read.
    longest = "TN:" + "x" * (MAX_RECORD_CHARS - 4)
    path = lcov(tmp_path, f"{longest}|SF:a.py|DA:1,1|end_of_record")
    assert list(read(tmp_path, path).files) == ["a.py"]
    path = lcov(tmp_path, f"SF:a.py|{longest}x|DA:1,1|end_of_record")
    with pytest.raises(InputError) as info:
        read(tmp_path, path)
    too_long = "line 2: longer than 1,048,576 characters; not an LCOV record"
    assert str(info.value) == f"{path}: {too_long}"


@pytest.mark.parametrize("total", ["BRF:0", "BRH:0"])
def test_either_branch_total_alone_says_branches_were_measured(tmp_path: Path, total: str) -> None:
    path = lcov(tmp_path, f"SF:a.py|DA:1,1|{total}|end_of_record")
    assert read(tmp_path, path).files["a.py"].branches == {}


def test_a_branch_in_several_records_of_one_file_adds_up(tmp_path: Path) -> None:
    path = lcov(
        tmp_path,
        "SF:h.hpp|DA:3,1|BRDA:3,0,0,2|BRDA:3,0,1,0|end_of_record",
        "SF:h.hpp|DA:3,1|BRDA:3,0,0,0|BRDA:3,0,1,-|end_of_record",
    )
    assert read(tmp_path, path).files["h.hpp"].branches == {3: LineBranches(2, 1, ("#0/1",))}


def test_float_hit_counts_are_accepted(tmp_path: Path) -> None:
    path = lcov(tmp_path, "SF:a.py|DA:1,2.0|DA:2,0.0|end_of_record")
    assert read(tmp_path, path).files["a.py"].executed == {1}


def test_coverage_py_lcov_names_arms_by_destination(tmp_path: Path) -> None:
    """`coverage lcov` describes each arm; they become the destinations its XML
    names, so an LCOV shard and an XML shard of the same file merge exactly."""
    path = lcov(
        tmp_path,
        "SF:m.py|DA:5,1|BRDA:5,0,jump to line 6,0|BRDA:5,0,jump to line 7,1"
        "|DA:9,1|BRDA:9,0,jump to line 10,1|BRDA:9,0,return from function 'f',0"
        "|DA:12,1|BRDA:12,0,jump to the function exit,0|BRDA:12,0,jump to line 13,1|end_of_record",
    )
    assert read(tmp_path, path).files["m.py"].branches == {
        5: LineBranches(2, 1, ("6",)),
        9: LineBranches(2, 1, ("exit",)),
        12: LineBranches(2, 1, ("exit",)),
    }


def test_arm_ids_and_destinations_never_merge_into_full_coverage() -> None:
    """Two shards naming their missed branches in different vocabularies cannot
    be intersected; the merge keeps the better count instead of claiming 2/2."""
    lcov_side = LineBranches(2, 1, ("#0/1",))
    xml_side = LineBranches(2, 1, ("7",))
    assert lcov_side.merged(xml_side).covered == 1
    assert xml_side.merged(lcov_side).covered == 1
    assert LineBranches(2, 1, ("7",)).merged(LineBranches(2, 1, ("6",))).covered == 2


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_byte_order_marks_and_utf16(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "lcov.info"
    path.write_text("SF:src/é.ts\nDA:1,1\nDA:2,0\nend_of_record\n", encoding=encoding)
    assert detect_coverage_format(path) == "lcov"
    assert read(tmp_path, path).files["src/é.ts"].missing == [2]
