"""JaCoCo XML: report > (group >)* package > sourcefile > line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.core.model import LineBranches
from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import detect_coverage_format, read_coverage
from gate.readers.jacoco import read_jacoco
from gate.text import quoted

DOCTYPE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">'
)


def line(nr: int, mi: int = 0, ci: int = 0, mb: int = 0, cb: int = 0) -> str:
    return f'<line nr="{nr}" mi="{mi}" ci="{ci}" mb="{mb}" cb="{cb}"/>'


def sourcefile(name: str, *lines: str) -> str:
    counter = '<counter type="LINE" missed="0" covered="0"/>'
    return f'<sourcefile name="{name}">{"".join(lines)}{counter}</sourcefile>'


def package(name: str, *sourcefiles: str) -> str:
    method = '<method name="&lt;init&gt;" desc="()V" line="3"/>'
    cls = f'<class name="{name}/X" sourcefilename="X.java">{method}</class>'
    return f'<package name="{name}">{cls}{"".join(sourcefiles)}</package>'


def report(tmp_path: Path, *body: str, name: str = "jacoco.xml") -> Path:
    path = tmp_path / name
    session = '<sessioninfo id="s" start="1" dump="2"/>'
    path.write_text(f'{DOCTYPE}<report name="app">{session}{"".join(body)}</report>')
    return path


def read(tmp_path: Path, *paths: Path):
    return read_coverage(list(paths), PathResolver(tmp_path))


def test_lines_instructions_and_branches(tmp_path: Path) -> None:
    path = report(
        tmp_path,
        package(
            "com/acme",
            sourcefile(
                "Client.java", line(3, ci=3), line(5, mi=2), line(8, mi=1, ci=4, mb=1, cb=3)
            ),
        ),
    )
    assert detect_coverage_format(path) == "jacoco"
    f = read(tmp_path, path).files["com/acme/Client.java"]
    assert f.statements == {3, 5, 8}
    assert f.executed == {3, 8}  # partly covered counts as covered, as JaCoCo's LINE counter
    assert f.branches == {8: LineBranches(4, 3)}


def test_a_line_without_instructions_is_no_statement(tmp_path: Path) -> None:
    path = report(tmp_path, package("p", sourcefile("A.kt", line(1), line(2, ci=1))))
    assert read(tmp_path, path).files["p/A.kt"].statements == {2}


def test_groups_of_an_aggregate_report_and_the_default_package(tmp_path: Path) -> None:
    path = report(
        tmp_path,
        '<group name="module-1">',
        package("com/a", sourcefile("A.java", line(1, ci=1))),
        "</group>",
        '<group name="outer"><group name="module-2">',
        package("", sourcefile("Main.java", line(2, mi=1))),
        "</group></group>",
    )
    assert set(read(tmp_path, path).files) == {"com/a/A.java", "Main.java"}


def test_source_roots_are_used_when_the_source_is_there(tmp_path: Path) -> None:
    (tmp_path / "module-1" / "src" / "main" / "java" / "com" / "a").mkdir(parents=True)
    (tmp_path / "module-1" / "src" / "main" / "java" / "com" / "a" / "A.java").write_text(
        "class A {}"
    )
    (tmp_path / "src" / "main" / "kotlin" / "com" / "b").mkdir(parents=True)
    (tmp_path / "src" / "main" / "kotlin" / "com" / "b" / "B.kt").write_text("class B")
    path = report(
        tmp_path,
        '<group name="module-1">',
        package("com/a", sourcefile("A.java", line(1, ci=1))),
        "</group>",
        package("com/b", sourcefile("B.kt", line(1, ci=1))),
    )
    assert set(read(tmp_path, path).files) == {
        "module-1/src/main/java/com/a/A.java",
        "src/main/kotlin/com/b/B.kt",
    }


def test_the_empty_report_is_rejected_never_read_as_zero_lines(tmp_path: Path) -> None:
    path = tmp_path / "jacoco.xml"
    path.write_text(f'{DOCTYPE}\n<report name="jacoco-playground" />\n')
    with pytest.raises(InputError, match="lists no packages") as info:
        read(tmp_path, path)
    assert str(path) in str(info.value)


def test_classes_without_line_data_are_rejected(tmp_path: Path) -> None:
    path = report(
        tmp_path, '<package name="p"><class name="p/A" sourcefilename="A.java"/></package>'
    )
    with pytest.raises(InputError, match="no <sourcefile> line data"):
        read(tmp_path, path)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ('<line mi="1" ci="0"/>', r"nr=\(missing\) is missing"),
        ('<line nr="1" mi="x" ci="0"/>', "mi='x' is not a whole number"),
        ('<line nr="1" mi="0" ci="-1"/>', "ci='-1' is negative"),
    ],
)
def test_malformed_lines_are_rejected(tmp_path: Path, bad: str, message: str) -> None:
    path = report(tmp_path, package("p", sourcefile("A.java", bad)))
    with pytest.raises(InputError, match=message):
        read(tmp_path, path)


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "jacoco.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE report [<!ENTITY x "yy">]>'
        '<report name="a"><package name="p">'
        + sourcefile("A.java", line(1, ci=1))
        + "</package></report>"
    )
    with pytest.raises(InputError, match="entities"):
        read(tmp_path, path)


def test_shards_merge_lines_by_any_shard(tmp_path: Path) -> None:
    one = report(
        tmp_path, package("p", sourcefile("A.java", line(1, ci=1), line(2, mi=1))), name="1.xml"
    )
    two = report(
        tmp_path, package("p", sourcefile("A.java", line(1, mi=1), line(2, ci=1))), name="2.xml"
    )
    f = read(tmp_path, one, two).files["p/A.java"]
    assert f.executed == {1, 2}


def refusal(path: Path, tmp_path: Path) -> str:
    """The message of the InputError reading `path` raises."""
    with pytest.raises(InputError) as info:
        list(read_jacoco(path, PathResolver(tmp_path)))
    return str(info.value)


def test_every_refusal_names_the_file_and_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "jacoco.xml"
    path.write_text('<coverage version="1"/>')
    assert refusal(path, tmp_path) == f"{path}: root element <coverage>, not a JaCoCo <report>"
    path.write_text('<report name="a"/>')
    assert refusal(path, tmp_path) == (
        f"{path}: JaCoCo report lists no packages (an empty report); refusing to read it as 0 lines"
    )
    path = report(tmp_path, '<package name="p"/>')
    assert refusal(path, tmp_path) == (
        f"{path}: JaCoCo report has no <sourcefile> line data "
        "(classes compiled without debug information?); refusing to read it as 0 lines"
    )


def test_a_sourcefile_outside_a_package_or_without_a_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jacoco.xml"
    path.write_text('<report name="a">\n<sourcefile name="A.java"/></report>')
    assert refusal(path, tmp_path) == f"{path}: <sourcefile> outside a <package> (line 2)"
    path.write_text('<report name="a"><package name="p">\n<sourcefile/></package></report>')
    assert refusal(path, tmp_path) == f"{path}: <sourcefile> without a name (line 2)"


def test_an_unusable_source_name_is_refused_where_it_stands(tmp_path: Path) -> None:
    long_name = "A" * 256 + ".java"
    path = tmp_path / "jacoco.xml"
    path.write_text(f'<report name="a"><package name="p">\n<sourcefile name="{long_name}"/>')
    assert refusal(path, tmp_path) == (
        f"{path}: <sourcefile> in <package> (line 2) {quoted('p/' + long_name)} is not a "
        "usable path: it has a segment of 261 bytes (no file name is longer than 255)"
    )


def test_slashes_around_a_package_name_are_dropped(tmp_path: Path) -> None:
    path = report(tmp_path, package("/Xray/", sourcefile("A.java", line(1, ci=1))))
    assert set(read(tmp_path, path).files) == {"Xray/A.java"}


def test_absent_counters_count_as_zero(tmp_path: Path) -> None:
    path = report(tmp_path, package("p", sourcefile("A.java", '<line nr="4" ci="2"/>')))
    f = read(tmp_path, path).files["p/A.java"]
    assert (f.statements, f.executed, f.branches) == ({4}, {4}, {})


def test_a_line_with_a_single_branch_has_it_counted(tmp_path: Path) -> None:
    path = report(tmp_path, package("p", sourcefile("A.java", line(2, ci=1, cb=1))))
    assert read(tmp_path, path).files["p/A.java"].branches == {2: LineBranches(1, 1)}
