"""The readers' bounds, one test per class of attack an outside campaign found.

Each class was an internal error, a hang or a lenient read; each must now be a
refusal (InputError: exit 2, naming the file and the problem) or a correct read,
in every reader that can meet it:

1. a root start tag or prolog too large to look for its end in;
2. inputs that reached Python's or the OS's limits (deep JSON, broken coverage.py
   data, names no file system holds, symlink loops);
3. numbers `int()` takes but a report never means (`1_0`, `٣`, `1e300`, 4,000 digits);
4. inputs that are not regular files, paths that would split a message, and
   JSON too large to read whole.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import coverage
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.portable import symlink

from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import expand, read_coverage, read_tests
from gate.readers.counts import MAX_COUNT, MAX_LINE, NotANumber, plain, whole
from gate.readers.coverage_json import MAX_JSON_BYTES
from gate.readers.coverage_records import MAX_LINES, MAX_NUMBITS
from gate.readers.report_file import read_report
from gate.readers.xmlstream import MAX_PROLOG_BYTES, MAX_ROOT_ATTRIBUTES
from gate.regular_file import require_regular
from gate.text import show_path

QUICK = 5.0  # seconds: a refusal takes milliseconds; this only catches hangs

COBERTURA = (
    '<?xml version="1.0" ?><coverage version="7.6.1"><sources><source>.</source></sources>'
    '<packages><package name="app"><classes><class name="a.py" filename="{name}">'
    '<methods/><lines><line number="{number}" hits="{hits}"/><line number="2" hits="0"/>'
    "</lines></class></classes></package></packages></coverage>"
)
JACOCO = (
    '<report name="app"><package name="{package}"><sourcefile name="A.java">'
    '<line nr="{number}" mi="0" ci="{hits}" mb="0" cb="0"/></sourcefile></package></report>'
)
LCOV = "SF:{name}\nDA:{number},{hits}\nDA:2,0\nend_of_record\n"
JSON = (
    '{{"meta": {{"version": "7.6.1", "branch_coverage": false}}, "files": {{"{name}": '
    '{{"executed_lines": [{number}], "missing_lines": [2], "excluded_lines": []}}}}}}'
)
JUNIT = (
    '<testsuites><testsuite name="pytest"><testcase classname="tests.test_a" '
    'name="test_one" file="{name}"/></testsuite></testsuites>'
)


def read(path: Path, root: Path) -> object:
    if "junit" in path.name:
        return read_tests([path], PathResolver(root))
    return read_coverage([path], PathResolver(root))


def refused(path: Path, root: Path, problem: str) -> str:
    """Read `path`; assert a quick InputError naming the file and the problem."""
    start = time.monotonic()
    with pytest.raises(InputError) as info:
        read(path, root)
    assert time.monotonic() - start < QUICK
    message = str(info.value)
    assert show_path(path) in message and problem in message, message
    return message


def write(tmp_path: Path, filename: str, template: str, **values: str) -> Path:
    defaults = {"name": "app/a.py", "number": "1", "hits": "1", "package": "app"}
    path = tmp_path / filename
    path.write_text(template.format(**{**defaults, **values}), encoding="utf-8")
    return path


FORMATS = {
    "cobertura.xml": COBERTURA,
    "jacoco.xml": JACOCO,
    "lcov.info": LCOV,
    "coverage.json": JSON,
}


# --------------------------------------------------------------------------- 1. the prolog


@pytest.mark.parametrize("report", ["coverage.xml", "junit.xml"])
def test_a_root_with_100k_attributes_is_refused_at_once(tmp_path: Path, report: str) -> None:
    """1.5 MB of root start tag took 24 s (libxml2's push parser looks for the
    end of the tag again at every chunk); the prolog read is now bounded."""
    root = "coverage" if report == "coverage.xml" else "testsuites"
    attrs = " ".join(f'a{i}="1"' for i in range(100_000))
    path = tmp_path / report
    path.write_text(f"<{root} {attrs}></{root}>")
    refused(path, tmp_path, f"no root element within the first {MAX_PROLOG_BYTES // 1024} KB")


def test_a_root_with_too_many_attributes_is_refused(tmp_path: Path) -> None:
    attrs = " ".join(f'a{i}="1"' for i in range(MAX_ROOT_ATTRIBUTES + 1))
    path = write(tmp_path, "coverage.xml", COBERTURA.replace("<coverage ", f"<coverage {attrs} "))
    refused(path, tmp_path, f"attributes (more than {MAX_ROOT_ATTRIBUTES}); refused")


def test_a_long_comment_before_the_root_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "coverage.xml"
    path.write_text(f"<!-- {'x' * MAX_PROLOG_BYTES} -->" + COBERTURA.format(
        name="app/a.py", number=1, hits=1))  # fmt: skip
    refused(path, tmp_path, "no root element within the first")


def test_an_ordinary_prolog_and_root_still_read(tmp_path: Path) -> None:
    attrs = " ".join(f'a{i}="1"' for i in range(MAX_ROOT_ATTRIBUTES - 1))  # and version=
    comment = f"<!-- {'x' * 30_000} -->"
    body = COBERTURA.replace("<coverage ", f"<coverage {attrs} ").replace("?>", "?>" + comment)
    path = write(tmp_path, "coverage.xml", body)
    data = read_coverage([path], PathResolver(tmp_path))
    assert data.files["app/a.py"].executed == {1}


# --------------------------------------------------------------------------- 2. no internal errors


@pytest.mark.parametrize("where", ["files", "totals"])
def test_deeply_nested_json_is_refused(tmp_path: Path, where: str) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    body = f'"files": {{"a.py": {deep}}}' if where == "files" else f'"files": {{}}, "x": {deep}'
    path = tmp_path / "coverage.json"
    path.write_text(f'{{"meta": {{"version": "7"}}, {body}}}')
    refused(path, tmp_path, "nested too deeply")


@pytest.fixture
def data_file(tmp_path: Path) -> Callable[..., Path]:
    """A real coverage.py data file (written by coverage.py's CoverageData) over a
    real source file in tmp_path."""
    (tmp_path / "app").mkdir(exist_ok=True)
    (tmp_path / "app" / "a.py").write_text("import os\n\n\ndef f(x):\n    return x\n")

    def make(name: str = ".coverage", measured: str = "app/a.py", arcs: bool = True) -> Path:
        path = tmp_path / name
        data = coverage.CoverageData(basename=str(path))
        data.set_context("tests/test_a.py::test_one|run")
        if arcs:
            data.add_arcs({measured: [(-1, 1), (1, 4), (4, -1)]})
        else:
            data.add_lines({measured: [1, 4]})
        data.write()
        return path

    return make


def sql(path: Path, statement: str, *args: object) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(statement, args)


def test_a_data_file_whose_has_arcs_is_not_a_number(data_file: Callable[..., Path]) -> None:
    path = data_file()
    sql(path, "update meta set value = 'yes' where key = 'has_arcs'")
    refused(path, path.parent, "not a readable coverage.py data file")


@pytest.mark.parametrize("per_context", [True, False], ids=["per-context", "merged"])
@pytest.mark.parametrize(
    ("statement", "arcs", "problem"),
    [
        ("update arc set context_id = 99", True, "context id 99, which the context table does not"),
        ("update arc set context_id = null", True, "context id None, which the context table"),
        ("update line_bits set context_id = 7", False, "context id 7, which the context table"),
        ("update arc set file_id = 42", True, "file id 42, which the file table does not list"),
        ("update arc set file_id = null", True, "file id None, which the file table does not"),
    ],
)
def test_records_of_rows_that_do_not_exist(
    data_file: Callable[..., Path], statement: str, arcs: bool, problem: str, per_context: bool
) -> None:
    """Refused whether the file is read per context or merged (scope all)."""
    path = data_file(arcs=arcs)
    sql(path, "pragma foreign_keys = off")
    sql(path, statement)
    with pytest.raises(InputError) as info:
        read_coverage([path], PathResolver(path.parent), per_context=lambda _: per_context)
    assert f"{show_path(path)}: data recorded for {problem}" in str(info.value)


def test_a_context_named_by_a_blob_is_refused_and_an_unnamed_one_is_the_empty_context(
    data_file: Callable[..., Path],
) -> None:
    """coverage.py names a context by text, or by NULL for none (read as the empty
    context); SQLite would store a blob too (a text column turns only numbers to text)."""
    path = data_file()
    sql(path, "update context set context = x'2a'")
    assert refused(path, path.parent, "named by text") == (
        f"{show_path(path)}: context id 1 is not named by text"
    )
    sql(path, "update context set context = null")
    data = read_coverage([path], PathResolver(path.parent))
    assert data.contexts is not None and data.contexts.names == ("",)
    assert data.files["app/a.py"].executed == {1, 4}


@pytest.mark.parametrize("per_context", [True, False], ids=["per-context", "merged"])
def test_records_of_a_file_the_gate_does_not_claim_are_not_read(
    data_file: Callable[..., Path], per_context: bool
) -> None:
    """`keep=` leaves a file's records unread, so even a context id no row lists, in
    app/b.py's records only, refuses nothing when only app/a.py is claimed."""
    path = data_file()
    sql(path, "insert into file (id, path) values (2, 'app/b.py')")
    sql(path, "insert into arc (file_id, context_id, fromno, tono) values (2, 99, -1, 1)")
    data = read_coverage(
        [path], PathResolver(path.parent), keep="app/a.py".__eq__, per_context=lambda _: per_context
    )
    assert list(data.files) == ["app/a.py"] and data.files["app/a.py"].executed == {1, 4}


@pytest.mark.parametrize("per_context", [True, False], ids=["per-context", "merged"])
@pytest.mark.parametrize("file_id", [-1, -2, 0])
def test_a_file_id_of_any_integer_reads_as_any_other(
    data_file: Callable[..., Path], file_id: int, per_context: bool
) -> None:
    """coverage.py numbers files from 1, but a file id is any SQLite integer: -1 (the
    reader's "no file yet" once) lost its records, read as a file nothing ran."""
    path = data_file()
    sql(path, "pragma foreign_keys = off")
    sql(path, "update file set id = ?", file_id)
    sql(path, "update arc set file_id = ?", file_id)
    data = read_coverage([path], PathResolver(path.parent), per_context=lambda _: per_context)
    assert data.files["app/a.py"].executed == {1, 4}


def test_the_file_tables_problems_are_named_in_full(data_file: Callable[..., Path]) -> None:
    """A path that is no text, files a plugin measured (each noted, the rest read),
    and absent sources (listed by comma)."""
    path = data_file()
    sql(path, "update file set path = x'2a'")
    assert refused(path, path.parent, "named by text") == (
        f"{show_path(path)}: file id 1 is not named by text"
    )
    path = data_file()
    sql(path, "insert into file (id, path) values (2, 'app/p.html'), (3, 'app/q.html')")
    sql(path, "insert into tracer (file_id, tracer) values (2, 'plug.in'), (3, 'plug.in')")
    notes = read_coverage([path], PathResolver(path.parent)).notes
    assert [n for n in notes if "plugin" in n] == [
        f"{show_path(path)}: {name} was measured by a coverage.py plugin; its statements "
        "cannot be analysed here, so it is left out"
        for name in ("app/p.html", "app/q.html")
    ]
    sql(path, "delete from tracer")
    assert f"{show_path(path)}: the source of 2 measured files is not under" in refused(
        path, path.parent, "app/p.html, app/q.html; statements and branches come from"
    )
    sql(path, "update file set path = 'app/a' || char(0) || '.py' where id = 1")
    assert refused(path, path.parent, "NUL").startswith(f"{show_path(path)}: measured file ")


def test_line_numbers_no_source_has(data_file: Callable[..., Path]) -> None:
    arcs = data_file(".coverage.arcs")
    sql(arcs, "update arc set tono = 10000000 where tono = 4")
    refused(arcs, arcs.parent, "an arc names line 10,000,000")
    lines = data_file(".coverage.lines", arcs=False)
    sql(lines, "update line_bits set numbits = zeroblob(50000000)")
    refused(lines, lines.parent, "a line_bits row of 50,000,000 bytes")


def test_an_arc_to_the_largest_line_reads_and_one_more_is_refused(
    data_file: Callable[..., Path],
) -> None:
    """An arc may name line MAX_LINES (app/a.py has no such line: it is no branch of
    it); MAX_LINES + 1 has no valid code point in the arc encoding and is refused."""
    largest = data_file(".coverage.largest")
    sql(largest, "update arc set tono = ? where tono = 4", MAX_LINES)
    (a,) = read_coverage([largest], PathResolver(largest.parent)).files.values()
    assert 1 in a.executed
    over = data_file(".coverage.over")
    sql(over, "update arc set tono = ? where tono = 4", MAX_LINES + 1)
    assert refused(over, over.parent, "an arc names") == (
        f"{show_path(over)}: an arc names line 524,288; "
        "no source analysed here has more than 524,287 lines"
    )


def test_an_arc_whose_line_is_not_an_integer_is_refused_naming_the_file(
    data_file: Callable[..., Path],
) -> None:
    path = data_file()
    sql(path, "update arc set tono = 'four' where tono = 4")  # text: no integer affinity
    assert refused(path, path.parent, "not integers") == (
        f"{show_path(path)}: an arc whose line numbers are not integers"
    )


@pytest.mark.parametrize("value", ["NULL", "'1,4'", "2"], ids=["null", "text", "integer"])
def test_a_numbits_value_that_is_not_a_blob_is_refused_as_such(
    data_file: Callable[..., Path], value: str
) -> None:
    """SQLite keeps any type in any column: a numbits that is not a blob is named
    for what it is, not as a row of 0 bytes (which said nothing of the problem)."""
    path = data_file(arcs=False)
    sql(path, f"update line_bits set numbits = {value}")
    assert refused(path, path.parent, "numbits") == (
        f"{show_path(path)}: a line_bits row whose numbits is not a blob"
    )


def test_the_largest_numbits_blob_reads_and_one_byte_more_is_refused(
    data_file: Callable[..., Path],
) -> None:
    """A numbits blob of MAX_NUMBITS bytes holds lines up to MAX_LINES, the last one
    in the top bit of its last byte: it is read (line 1 ran; the last line, which
    app/a.py does not have, is no statement). One byte more is refused."""
    assert (MAX_NUMBITS, MAX_LINES) == (65_536, 524_287)
    largest = data_file(".coverage.largest", arcs=False)
    sql(largest, "update line_bits set numbits = ?", b"\x02" + bytes(MAX_NUMBITS - 2) + b"\x80")
    (a,) = read_coverage([largest], PathResolver(largest.parent)).files.values()
    assert (sorted(a.statements), sorted(a.executed)) == ([1, 4, 5], [1])
    over = data_file(".coverage.over", arcs=False)
    sql(over, "update line_bits set numbits = zeroblob(?)", MAX_NUMBITS + 1)
    message = refused(over, over.parent, "a line_bits row of 65,537 bytes")
    assert message == (
        f"{show_path(over)}: a line_bits row of 65,537 bytes; "
        "no source analysed here has more than 524,287 lines"
    )


NAMES = {
    "segment": ("a" * 300 + "/a.py", "has a segment of 300 bytes"),
    "nul": ("app/a\x00.py", "contains a NUL character"),
    "length": ("a/" * 3000 + "a.py", "characters long (no path is longer than 4,096)"),
}


@pytest.mark.parametrize("kind", NAMES)
@pytest.mark.parametrize("report", [*FORMATS, "junit.xml"])
def test_names_no_file_system_holds_are_refused(tmp_path: Path, kind: str, report: str) -> None:
    """ENAMETOOLONG (and ValueError for a NUL) when checking whether the file
    exists; refused by the one name check before the file system is asked."""
    name, problem = NAMES[kind]
    template = FORMATS.get(report, JUNIT)
    if report == "jacoco.xml":
        path = write(tmp_path, report, template, package=name.removesuffix("/a.py"))
    else:
        escaped = name.replace("\x00", "\\u0000") if report.endswith(".json") else name
        path = write(tmp_path, report, template, name=escaped)
    if kind == "nul" and report.endswith(".xml"):
        path.write_text(path.read_text().replace("\x00", "&#0;"))
        refused(path, tmp_path, "not well-formed XML")  # XML 1.0 has no NUL, even escaped
        return
    if kind == "length" and report == "junit.xml":  # JUnit's own bound on names comes first
        problem = "characters is not a test name"
    message = refused(path, tmp_path, problem)
    assert "is not a usable path: it " in message or "not a test name" in message


@pytest.mark.parametrize("kind", NAMES)
def test_names_no_file_system_holds_in_a_data_file(
    data_file: Callable[..., Path], kind: str
) -> None:
    name, problem = NAMES[kind]
    path = data_file()
    sql(path, "update file set path = ?", name)
    message = refused(path, path.parent, problem)
    assert "measured file" in message and "is not a usable path: it " in message


@pytest.mark.skipif(os.name == "nt", reason="the length the system refuses is POSIX's PATH_MAX")
def test_a_name_too_long_under_the_root_is_no_source(data_file: Callable[..., Path]) -> None:
    """A measured name of 4,090 characters passes the name check, but under the root
    it is longer than any path the system takes (ENAMETOOLONG): an absent source, as
    any other, never an OSError."""
    name = "d/" * 2043 + "a.py"
    path = data_file(measured=name)
    message = refused(path, path.parent, "the source of 1 measured file is not under")
    assert "must be present" in message


@pytest.mark.skipif(os.name == "nt", reason="ELOOP is POSIX: Windows names a loop otherwise")
def test_symlink_loops_are_no_source_and_no_report(
    data_file: Callable[..., Path], tmp_path: Path
) -> None:
    symlink(tmp_path / "loop1", "loop2")
    symlink(tmp_path / "loop2", "loop1")
    for measured in ("loop1/a.py", "loop1"):
        path = data_file(measured=measured)
        refused(path, tmp_path, "is not under")
    refused(tmp_path / "loop1", tmp_path, "Too many levels of symbolic links")


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("x = " + "(" * 5000 + ")" * 5000 + "\n", "cannot analyse the source"),
        ("x = 1\x00\n", "cannot analyse the source"),
    ],
)
def test_sources_coverage_py_cannot_parse(
    data_file: Callable[..., Path], tmp_path: Path, source: str, problem: str
) -> None:
    path = data_file()
    (tmp_path / "app" / "a.py").write_text(source)
    with pytest.raises(InputError) as info:
        read(path, tmp_path)
    assert str(info.value).startswith(f"app/a.py: {problem}")


# --------------------------------------------------------------------------- 3. one number parser

LENIENT = ["1_0", "\u0663", "1e300", "9" * 4000, "+5", "0x10", "", "NaN", "2.5", "1 0"]


# In a JSON report most of these are not JSON at all (a syntax error, tested
# elsewhere): only the ones that are JSON numbers are cases for the JSON reader.
NOT_JSON = {"", "1 0", "NaN", "0x10", "+5", "\u0663", "1_0"}
NUMBER_CASES = [
    (report, raw)
    for report in FORMATS
    for raw in LENIENT
    if not (report.endswith(".json") and raw in NOT_JSON)
]


@pytest.mark.parametrize(("report", "raw"), NUMBER_CASES)
def test_numbers_int_would_take_are_refused_by_every_reader(
    tmp_path: Path, report: str, raw: str
) -> None:
    path = write(tmp_path, report, FORMATS[report], number=raw)
    message = refused(path, tmp_path, "")
    assert any(
        reason in message
        for reason in ("is not a whole number", "is out of range", "<= 2147483647", "got `float`")
    ), message


@pytest.mark.parametrize("report", ["cobertura.xml", "jacoco.xml", "lcov.info"])
def test_hit_counts_past_64_bits_are_refused(tmp_path: Path, report: str) -> None:
    path = write(tmp_path, report, FORMATS[report], hits=str(MAX_COUNT + 1))
    refused(path, tmp_path, "is out of range (at most 9,223,372,036,854,775,807)")


@pytest.mark.parametrize("report", [*FORMATS])
def test_the_largest_line_number_reads_and_one_more_is_refused(tmp_path: Path, report: str) -> None:
    ok = write(tmp_path, f"ok-{report}", FORMATS[report], number=str(MAX_LINE))
    files = read_coverage([ok], PathResolver(tmp_path)).files
    assert any(MAX_LINE in f.statements for f in files.values())
    bad = write(tmp_path, report, FORMATS[report], number=str(MAX_LINE + 1))
    refused(bad, tmp_path, "")


@given(st.integers(0, MAX_COUNT), st.sampled_from(["", ".0", ".000"]), st.sampled_from(["", " "]))
@settings(max_examples=200, derandomize=True, database=None, deadline=None)
def test_whole_reads_every_number_it_should(value: int, fraction: str, pad: str) -> None:
    assert whole(f"{pad}{value}{fraction}{pad}") == value
    assert whole(f"-{value}", negative=True) == -value


@given(st.text(max_size=12))
@settings(max_examples=500, derandomize=True, database=None, deadline=None)
def test_whole_takes_ascii_digits_only(raw: str) -> None:
    """Against an independent statement of the rule: optional blanks, ASCII
    digits, an optional fraction of zeros; and `plain` is a strict subset."""
    core = raw.strip(" \t")
    digits, _, fraction = core.partition(".")
    expected = (
        digits != ""
        and all(c in "0123456789" for c in digits)
        and all(c == "0" for c in fraction)
        and len(digits) <= 32
    )
    try:
        value = whole(raw)
    except NotANumber:
        assert not expected or int(digits) > MAX_COUNT
        assert not plain(raw)
    else:
        assert expected and value == int(digits)
        if plain(raw):
            assert int(raw) == value


# --------------------------------------------------------------------------- 4. files and paths


def fifo(tmp_path: Path, name: str) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes (FIFOs) are POSIX: Windows has none to refuse")
    path = tmp_path / name
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("name", ["coverage.xml", "junit.xml"])
def test_a_fifo_is_refused_without_being_opened(tmp_path: Path, name: str) -> None:
    path = fifo(tmp_path, name)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            read(path, tmp_path)
        except BaseException as exc:  # handed to the main thread
            outcome.append(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(QUICK)
    if worker.is_alive():  # unblock the reader that opened the FIFO, then fail
        with open(path, "wb"):
            pass
        pytest.fail("the reader blocked on a FIFO")
    assert isinstance(outcome[0], InputError)
    assert "is a named pipe (FIFO), not a regular file" in str(outcome[0])


def test_a_fifo_given_to_publish_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"named pipe \(FIFO\)"):
        read_report(fifo(tmp_path, "report.json"))


def test_the_gate_refuses_a_fifo_and_exits_2(tmp_path: Path) -> None:
    """The real process, with a timeout: before the fix it never returned."""
    path = fifo(tmp_path, "coverage.xml")
    (tmp_path / "junit.xml").write_text(JUNIT.format(name="tests/test_a.py"))
    (tmp_path / "gate.yml").write_text(
        "version: 1\nid: x\ninteractions:\n  - {id: a, name: A, direction: outbound, "
        "modules: [app/**], evidence: [tests/test_a.py]}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "gate", "check", "--config", "gate.yml", "--coverage",
         str(path), "--junit", "junit.xml", "--root", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "named pipe (FIFO)" in done.stderr and str(path) in done.stderr


@pytest.mark.parametrize("name", ["cov\nerage.xml", "cov\x1b[2Jerage.xml", "cov\u202eerage.xml"])
def test_a_path_never_splits_or_disguises_a_message(tmp_path: Path, name: str) -> None:
    if os.name == "nt" and any(c < " " for c in name):
        pytest.skip("Windows file names cannot hold control characters")
    path = tmp_path / name
    path.write_text("<coverage><packages/></coverage>")
    with pytest.raises(InputError) as info:
        read(path, tmp_path)
    message = str(info.value)
    assert "\n" not in message and "\x1b" not in message and "\u202e" not in message
    assert repr(str(path)) in message


def test_measured_paths_are_quoted_in_messages_too(data_file: Callable[..., Path]) -> None:
    path = data_file(measured="app/gone\n.py")
    message = refused(path, path.parent, "is not under")
    assert "'app/gone\\n.py'" in message and "\n" not in message.split("\nhint:")[0]


def test_show_path_leaves_plain_paths_alone() -> None:
    assert show_path("reports/coverage.xml") == "reports/coverage.xml"
    assert show_path(Path("src code/é.py")) == "src code/é.py"
    assert show_path("a\tb") == "'a\\tb'"
    assert show_path(" lead") == "' lead'"


def test_a_backslash_is_shown_as_is_only_where_it_is_the_separator() -> None:
    """Every Windows path holds backslashes: quoting them would double each one in
    every message there. Elsewhere a backslash in a name could pass for repr's own."""
    windows = r"C:\work\coverage.xml"
    assert show_path(windows, separator="\\") == windows
    assert show_path(windows, separator="/") == repr(windows) == "'C:\\\\work\\\\coverage.xml'"
    assert show_path("it's.xml", separator="\\") == repr("it's.xml")  # quotes stay quoted
    assert show_path("a\nb", separator="\\") == repr("a\nb")  # a real newline too
    assert show_path(windows) == (windows if os.sep == "\\" else repr(windows))


def test_json_over_the_cap_is_refused_unread(tmp_path: Path) -> None:
    """A sparse file: its size says it all, and reading it would take seconds."""
    path = tmp_path / "coverage.json"
    with path.open("wb") as handle:
        handle.write(b'{"meta": {}, "files": {}}')
        handle.truncate(MAX_JSON_BYTES + 1)
    refused(path, tmp_path, f"is more than the {MAX_JSON_BYTES // 2**20} MB")


def test_an_undeclared_namespace_prefix_is_refused(tmp_path: Path) -> None:
    """`<x:failure>` with `x` never declared: libxml2 hands the element out as
    `x:failure` and complains at the end; found by the fuzzer as a KeyError."""
    path = tmp_path / "junit.xml"
    path.write_text(
        '<testsuites><testsuite name="s"><x:testcase classname="tests.test_a" name="t">'
        "<x:failure message='boom'/></x:testcase></testsuite></testsuites>"
    )
    refused(path, tmp_path, "Namespace prefix x on testcase is not defined")


def test_a_fifo_among_the_files_a_glob_matches_is_refused_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "shards").mkdir()
    write(tmp_path, "shards/coverage-1.xml", COBERTURA)
    pipe = fifo(tmp_path / "shards", "coverage-2.xml")
    paths = expand(["shards/coverage-*.xml"], tmp_path, "coverage")
    assert pipe in paths
    with pytest.raises(InputError, match=r"coverage-2\.xml: is a named pipe"):
        read_coverage(paths, PathResolver(tmp_path))


def refused_before_reading(path: Path) -> str:
    with pytest.raises(InputError) as info:
        require_regular(path)
    return str(info.value)


@pytest.mark.skipif(
    os.name == "nt", reason="ENOTDIR and ELOOP are POSIX: Windows says the path is not found"
)
def test_what_stat_refuses_is_named_with_the_systems_reason(tmp_path: Path) -> None:
    missing = tmp_path / "coverage.xml"
    assert refused_before_reading(missing) == f"{missing}: file not found"
    missing.write_text("<coverage/>")
    under_a_file = missing / "x.xml"
    assert refused_before_reading(under_a_file) == f"{under_a_file}: cannot read: Not a directory"
    symlink(tmp_path / "loop", tmp_path / "loop")
    assert refused_before_reading(tmp_path / "loop") == (
        f"{tmp_path / 'loop'}: cannot read: Too many levels of symbolic links"
    )


def test_a_name_with_a_nul_is_refused_with_pythons_reason(tmp_path: Path) -> None:
    path = tmp_path / "a\x00.xml"
    assert refused_before_reading(path) == f"{show_path(path)}: cannot read: embedded null byte"


def test_a_directory_is_no_report(tmp_path: Path) -> None:
    assert refused_before_reading(tmp_path) == f"{tmp_path}: is a directory, not a file"


def test_paths_and_globs_name_files_under_the_root_each_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative path or glob is read under the root, wherever the gate runs from; an
    absolute one as it is; a directory a glob matches is no report; a file named
    twice (a path and a glob) is one input."""
    root, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    (root / "shards" / "3.xml").mkdir(parents=True)
    one = write(root, "shards/1.xml", COBERTURA)
    two = write(root, "shards/2.xml", COBERTURA)
    single = write(root, "coverage.xml", COBERTURA)
    (elsewhere / "shards").mkdir(parents=True)
    write(elsewhere, "coverage.xml", COBERTURA)  # what the current directory would offer
    write(elsewhere, "shards/9.xml", COBERTURA)
    monkeypatch.chdir(elsewhere)
    assert expand(["shards/*.xml", "coverage.xml", "shards/1.xml"], root, "coverage") == [
        one, two, single,
    ]  # fmt: skip
    assert expand([str(root / "shards" / "2*"), str(single)], tmp_path / "x", "JUnit") == [
        two, single,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "what", "problem"),
    [
        ("shards/*.xml", "coverage",
         "coverage pattern 'shards/*.xml' matches no file under {root}"),
        ("junit-*.xml", "JUnit", "JUnit pattern 'junit-*.xml' matches no file under {root}"),
        ("coverage.xml", "coverage", "{path}: coverage file not found"),
        ("junit.xml", "JUnit", "{path}: JUnit file not found"),
        ("XML/X.xml", "coverage", "{path}: coverage file not found"),  # no wildcard in it
    ],
)  # fmt: skip
def test_a_path_or_glob_naming_no_file_says_how_to_produce_the_report(
    tmp_path: Path, pattern: str, what: str, problem: str
) -> None:
    (tmp_path / "shards" / "a.xml").mkdir(parents=True)  # a directory is no report
    with pytest.raises(InputError) as info:
        expand([pattern], tmp_path, what)
    produce = {
        "coverage": "produce it with `pytest --cov --cov-branch --cov-report=xml:coverage.xml`, "
        "or point --coverage (or reports.coverage) at yours",
        "JUnit": "produce it with `pytest --junitxml=junit.xml`, "
        "or point --junit (or reports.junit) at yours",
    }[what]
    shown = problem.format(root=show_path(tmp_path), path=show_path(tmp_path / pattern))
    assert str(info.value) == f"{shown}\nhint: {produce}"
