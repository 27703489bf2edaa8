"""Cobertura XML: coverage > sources, packages > package > classes > class > lines > line.

The rules of `gate/readers/cobertura.py` that whole reports from the corpus do not
pin (test_readers_corpus.py, test_reader_details.py): each refusal's words, the
file and the line it names; which elements are read and which are not; how the
declared figures decide "no branch data"; the notes about what was left out.
Each report is written here, one element a line, so the line a message names is
the line of a marker in the text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.core.model import FileCoverage
from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import read_coverage
from gate.readers.cobertura import NOTE_NAMES, read_cobertura
from gate.text import show_path


def line(number: int | str, hits: int | str = 1, extra: str = "") -> str:
    return f'<line number="{number}" hits="{hits}"{extra}/>'


def cls(filename: str | None, *lines: str, attrs: str = "", body: str = "") -> str:
    name = "" if filename is None else f' filename="{filename}"'
    rows = "\n".join(lines)
    return f'<class name="c"{name}{attrs}>\n<methods/>\n{body}<lines>\n{rows}\n</lines>\n</class>'


def report(
    tmp_path: Path, *classes: str, attrs: str = "", sources: str = "<source>.</source>"
) -> Path:
    path = tmp_path / "coverage.xml"
    body = "\n".join(classes)
    path.write_text(
        f'<?xml version="1.0" ?>\n<coverage version="7.6.1"{attrs}>\n'
        f"<sources>\n{sources}\n</sources>\n"
        f'<packages>\n<package name="p">\n<classes>\n{body}\n</classes>\n</package>\n'
        "</packages>\n</coverage>\n",
        encoding="utf-8",
    )
    return path


def line_of(path: Path, marker: str) -> int:
    """The line of the report that holds `marker` (counted here, not by lxml)."""
    (number,) = [n for n, text in enumerate(path.read_text().splitlines(), 1) if marker in text]
    return number


def read(path: Path, root: Path) -> dict[str, FileCoverage]:
    return read_coverage([path], PathResolver(root)).files


def refusal(path: Path, root: Path) -> str:
    with pytest.raises(InputError) as info:
        read(path, root)
    return str(info.value)


# --------------------------------------------------------------------------- refusals


def test_a_condition_coverage_of_another_shape_is_refused_with_the_shape_it_needs(
    tmp_path: Path,
) -> None:
    path = report(tmp_path, cls("a.py", line(3, extra=' branch="true" condition-coverage="50%"')))
    where = line_of(path, 'condition-coverage="50%"')
    assert refusal(path, tmp_path) == (
        f"{show_path(path)}: line 3: condition-coverage='50%' is not 'N% (covered/total)' "
        f"(line {where})"
    )


def test_a_branch_total_past_the_largest_line_number_is_refused(tmp_path: Path) -> None:
    """A line cannot have more branches than a source has lines (2**31 - 1); a
    64-bit count (the bound of hit counts) is no branch total."""
    huge = f"50% (1/{2**32})"
    path = report(
        tmp_path, cls("a.py", line(3, extra=f' branch="true" condition-coverage="{huge}"'))
    )
    where = line_of(path, huge)
    assert refusal(path, tmp_path) == (
        f"{show_path(path)}: line 3: condition-coverage='{huge}' is out of range "
        f"(at most 2,147,483,647) (line {where})"
    )


@pytest.mark.parametrize("attr", ["line-rate", "branch-rate"])
def test_a_class_rate_outside_0_to_1_is_refused_naming_the_class(tmp_path: Path, attr: str) -> None:
    path = report(tmp_path, cls("a.py", line(1), attrs=f' {attr}="2"'))
    assert refusal(path, tmp_path) == (
        f"{show_path(path)}: <class> {attr}='2' is not a rate from 0 to 1"
    )


@pytest.mark.parametrize("filename", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_a_class_without_a_filename_is_refused_with_its_line(
    tmp_path: Path, filename: str | None
) -> None:
    path = report(tmp_path, cls("a.py", line(1)), cls(filename, line(2)))
    where = line_of(path, 'name="c">' if filename is None else f'filename="{filename}"')
    assert refusal(path, tmp_path) == (
        f"{show_path(path)}: <class> without a filename attribute (line {where})"
    )


def test_an_unusable_class_filename_is_refused_with_its_line(tmp_path: Path) -> None:
    name = "s" * 300 + ".py"
    path = report(tmp_path, cls(name, line(1)))
    assert refusal(path, tmp_path) == (
        f"{show_path(path)}: <class> filename (line {line_of(path, name)}) "
        f"'{'s' * 40}…' is not a usable path: it has a segment of 303 bytes "
        "(no file name is longer than 255)"
    )


def test_an_unusable_source_is_refused_quoting_it_with_its_line(tmp_path: Path) -> None:
    source = "r" * 300
    path = report(tmp_path, cls("a.py", line(1)), sources=f"<source>{source}</source>")
    assert refusal(path, tmp_path) == (
        f"{show_path(path)}: <source> '{'r' * 40}…' is not a usable path: it has a segment "
        f"of 300 bytes (no file name is longer than 255) (line {line_of(path, source)})"
    )


@pytest.mark.parametrize("attr", ["line-rate", "branch-rate"])
@pytest.mark.parametrize("element", ["coverage", "package"])
def test_a_report_or_package_rate_outside_0_to_1_is_refused_naming_the_element(
    tmp_path: Path, element: str, attr: str
) -> None:
    path = report(tmp_path, cls("a.py", line(1)))
    start = {"coverage": '<coverage version="7.6.1"', "package": '<package name="p"'}[element]
    path.write_text(path.read_text().replace(start, f'{start} {attr}="2"'))
    assert refusal(path, tmp_path) == (
        f"{show_path(path)}: <{element}> {attr}='2' is not a rate from 0 to 1"
    )


@pytest.mark.parametrize("rate", ["-0.000000001", "0", "1", "1.000000001", "NaN"])
def test_a_rate_from_0_to_1_give_or_take_1e_9_is_accepted(tmp_path: Path, rate: str) -> None:
    """Producers round: a rate 1e-9 past a bound is still a rate; "NaN" is what several
    write for a class without branches."""
    path = report(tmp_path, cls("a.py", line(1), attrs=f' line-rate="{rate}"'))
    assert set(read(path, tmp_path)) == {"a.py"}


@pytest.mark.parametrize("rate", ["-0.0000001", "-0.2", "1.0000001"])
def test_a_rate_further_past_0_or_1_is_refused(tmp_path: Path, rate: str) -> None:
    path = report(tmp_path, cls("a.py", line(1), attrs=f' line-rate="{rate}"'))
    assert refusal(path, tmp_path) == (
        f"{show_path(path)}: <class> line-rate='{rate}' is not a rate from 0 to 1"
    )


def test_another_document_is_refused_naming_its_root(tmp_path: Path) -> None:
    path = tmp_path / "coverage.xml"
    path.write_text('<testsuites><testsuite name="s"/></testsuites>')
    with pytest.raises(InputError) as info:
        list(read_cobertura(path, PathResolver(tmp_path)))
    assert str(info.value) == (
        f"{show_path(path)}: root element <testsuites>, not a Cobertura <coverage> report"
    )


def test_sonarqube_generic_coverage_is_refused_with_what_to_ask_for(tmp_path: Path) -> None:
    """SonarQube's generic format also has a <coverage> root, with <file> children."""
    path = tmp_path / "coverage.xml"
    path.write_text(
        '<coverage version="1"><file path="a.py">'
        '<lineToCover lineNumber="1" covered="true"/></file></coverage>'
    )
    assert refusal(path, tmp_path) == (
        f"{show_path(path)}: SonarQube generic coverage (<coverage><file>), not Cobertura\n"
        "hint: ask the producer for Cobertura output (e.g. gcovr --cobertura)"
    )


def test_a_report_without_classes_is_refused_not_read_as_0_lines(tmp_path: Path) -> None:
    path = report(tmp_path)
    assert refusal(path, tmp_path) == (
        f"{show_path(path)}: Cobertura report lists no source files; refusing to read it as 0 lines"
    )


def test_a_report_whose_classes_are_all_outside_the_root_is_refused(tmp_path: Path) -> None:
    """Every class counts, not only the first: two outside the root and none inside
    is a report of nothing here."""
    path = report(tmp_path, cls("../x/a.py", line(1)), cls("../x/b.py", line(1)))
    assert refusal(path, tmp_path) == (
        f"{show_path(path)}: every source file of the report is outside the repository root "
        "(e.g. ../x/a.py); refusing to read it as 0 lines\n"
        "hint: run the gate with --root set to the directory the report was measured in"
    )


# --------------------------------------------------------------------------- what is read


def test_only_line_elements_of_lines_are_lines(tmp_path: Path) -> None:
    """A <line> in another child of <class>, or an element of another name in
    <lines>, is not a line of the file (the DTD's <class> holds <methods> and
    <lines>, <lines> only <line>)."""
    path = report(
        tmp_path,
        cls(
            "a.py",
            line(1),
            '<cond number="2" hits="1"/>',
            body='<extra>\n<line number="3" hits="1"/>\n</extra>\n',
        ),
    )
    assert read(path, tmp_path)["a.py"].statements == {1}


def test_branches_are_read_from_branch_true_lines_only(tmp_path: Path) -> None:
    counts = ' condition-coverage="50% (1/2)"'
    path = report(
        tmp_path,
        cls(
            "a.py",
            line(1, extra=f' branch="false"{counts}'),
            line(2, extra=f' branch="TRUE"{counts}'),
        ),
    )
    f = read(path, tmp_path)["a.py"]
    assert f.branches is not None and set(f.branches) == {2}


def test_a_branch_line_without_counts_is_no_branch_data(tmp_path: Path) -> None:
    """`branch="true"` without condition-coverage says nothing about branches: a report
    that declares no branch measurement and has only such lines has no branch data."""
    path = report(tmp_path, cls("a.py", line(1, extra=' branch="true"')))
    assert read(path, tmp_path)["a.py"].branches is None


@pytest.mark.parametrize(
    "attrs",
    [
        ' branches-valid="0"',  # no branch-rate: read as 0
        ' branches-valid="0" branch-rate="NaN"',  # not finite: read as 0
        ' branches-valid="0" branch-rate="n/a"',  # not a number: read as 0
        ' branches-valid="NaN" branch-rate="0"',
    ],
)
def test_declared_figures_that_are_absent_or_not_numbers_declare_no_branches(
    tmp_path: Path, attrs: str
) -> None:
    """Only `branches-valid` > 0, or a branch-rate of exactly 1, says branches were
    measured; an absent, unparsable or non-finite figure counts as 0."""
    path = report(tmp_path, cls("a.py", line(1)), attrs=attrs)
    assert read(path, tmp_path)["a.py"].branches is None


@pytest.mark.parametrize(
    "attrs", [' branches-valid="0" branch-rate="1"', ' branches-valid="1" branch-rate="0"']
)
def test_a_branch_rate_of_1_or_a_valid_branch_declares_branches_measured(
    tmp_path: Path, attrs: str
) -> None:
    """The report measured branches though the file read has none: 0 branches ({}),
    not "no branch data"."""
    path = report(tmp_path, cls("a.py", line(1)), attrs=attrs)
    assert read(path, tmp_path)["a.py"].branches == {}


# --------------------------------------------------------------------------- source roots


def with_file(tmp_path: Path, rel: str) -> None:
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / rel).write_text("x = 1\n")


def test_a_source_root_is_where_a_class_filename_is_found(tmp_path: Path) -> None:
    with_file(tmp_path, "src/a.py")
    path = report(tmp_path, cls("a.py", line(1)), sources="<source>src</source>")
    assert set(read(path, tmp_path)) == {"src/a.py"}


@pytest.mark.parametrize(
    ("sources", "decoy"),
    [
        ("<source>--src</source>", "--src/a.py"),  # a producer's CLI option, leaked
        ("<source>.</source><root>src</root>", "src/a.py"),  # not a <source>
        ("<source/><source>   </source>", "XXXX/a.py"),  # mutation testing's stand-in text
    ],
    ids=["option", "other-element", "empty"],
)
def test_what_is_no_source_root(tmp_path: Path, sources: str, decoy: str) -> None:
    """A `<source>` that starts with `--`, a child of <sources> of another name and an
    empty `<source>` add no root: a file under the directory they would name is never
    taken for the class's file."""
    with_file(tmp_path, decoy)
    path = report(tmp_path, cls("a.py", line(1)), sources=sources)
    assert set(read(path, tmp_path)) == {"a.py"}


# --------------------------------------------------------------------------- notes


def outside_notes(tmp_path: Path, count: int) -> list[str]:
    outside = [cls(f"../x/o{n}.py", line(1)) for n in range(count)]
    path = report(tmp_path, cls("a.py", line(1)), *outside)
    notes: list[str] = []
    assert [f.path for f in read_cobertura(path, PathResolver(tmp_path), notes=notes)] == ["a.py"]
    return [note.removeprefix(f"{show_path(path)}: ") for note in notes]


def test_files_outside_the_root_are_named_up_to_note_names(tmp_path: Path) -> None:
    assert NOTE_NAMES == 5
    names = ", ".join(f"../x/o{n}.py" for n in range(5))
    assert outside_notes(tmp_path, 5) == [
        f"5 source files outside the repository root ignored (never opened): {names}"
    ]


def test_files_outside_the_root_past_note_names_are_counted(tmp_path: Path) -> None:
    names = ", ".join(f"../x/o{n}.py" for n in range(5))
    assert outside_notes(tmp_path, 7) == [
        f"7 source files outside the repository root ignored (never opened): {names} and 2 more"
    ]


def test_every_line_number_0_is_counted_in_the_note(tmp_path: Path) -> None:
    path = report(tmp_path, cls("a.py", line(0), line(1), line(0, hits=0)))
    notes: list[str] = []
    (f,) = read_cobertura(path, PathResolver(tmp_path), notes=notes)
    assert f.statements == {1}
    assert notes == [f"{show_path(path)}: 2 <line> elements with number 0 ignored"]
