"""The one XML parser (`gate/readers/xmlstream.py`): what it hands out, what it
frees, and how a parse error reads.

Hostile documents (entities, depth, sizes) and the memory of a large report are
tested in test_hostile.py and test_hostile_bounds.py; here are the rules those
whole-report tests do not pin.
"""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import pytest
from lxml import etree
from support.refused_files import unopenable

from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import read_coverage, read_tests
from gate.readers.xmlstream import (
    HEAD_BYTES,
    MAX_PROLOG_BYTES,
    MAX_ROOT_ATTRIBUTES,
    local_name,
    looks_like_html,
    release,
    stream,
)
from gate.text import show_path

COBERTURA = (
    '<?xml version="1.0" ?>\n<coverage version="7.6.1">\n'
    "<sources><source>{source}</source></sources>\n"
    '<packages><package name="p"><classes><class name="a" filename="a.py">'
    '<lines><line number="1" hits="1"/></lines></class></classes></package></packages>\n'
    "</coverage>\n"
)


@pytest.mark.parametrize("source", ["s<!-- a comment -->rc", "s<?producer x?>rc"])
def test_comments_and_processing_instructions_never_cut_a_text(tmp_path: Path, source: str) -> None:
    """The parser drops comments and processing instructions: the text around one is
    one text (a parser that kept them would read the source root as "s")."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("x = 1\n")
    path = tmp_path / "coverage.xml"
    path.write_text(COBERTURA.format(source=source))
    assert set(read_coverage([path], PathResolver(tmp_path)).files) == {"src/a.py"}


def test_release_frees_the_element_and_every_sibling_before_it(tmp_path: Path) -> None:
    """After release(element) its parent holds nothing before it, and the element
    itself keeps no child, attribute, text or tail: what a reader has read is gone."""
    path = tmp_path / "report.xml"
    items = "".join(f'<item n="{n}">text {n}<sub/></item>tail {n}' for n in range(5))
    path.write_text(f"<root><head/>{items}</root>")
    _root, elements = stream(path, ("item",))
    for n, element in enumerate(elements):
        parent = element.getparent()
        assert element.get("n") == str(n)
        release(element)
        assert parent[0] is element, f"item {n}: siblings before it are kept"
        assert (len(element), element.attrib, element.text, element.tail) == (0, {}, None, None)
    assert len(parent) == 1


# --------------------------------------------------------------------------- parse errors


def refusal(tmp_path: Path, content: bytes) -> str:
    path = tmp_path / "coverage.xml"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_coverage([path], PathResolver(tmp_path))
    return str(info.value).removeprefix(f"{show_path(path)}: ")


def test_a_parse_error_is_libxml2s_message_with_its_line_once(tmp_path: Path) -> None:
    """lxml's message already ends with the line and column: nothing is added to it,
    and the message is not lxml's str() of the error (which names the file again)."""
    assert refusal(tmp_path, b"<coverage>\n<class filename='a.py'>\n</coverage>\n") == (
        "not well-formed XML: Opening and ending tag mismatch: class line 2 and coverage, "
        "line 3, column 12"
    )


@pytest.mark.parametrize("where", ["<coverage>\n<a/>&foo;", "<coverage>\n\n<b>&foo;<a/></b>"])
def test_an_undefined_entity_is_named_with_its_line(tmp_path: Path, where: str) -> None:
    """libxml2 stops at an entity no DOCTYPE declares (entities are never resolved),
    and lxml reports "no element found" at line 0: the refusal says what and where
    from this parser's own log (a second file with another entity, read after the
    first, is not explained by the first one's error)."""
    line = where.count("\n") + 1
    first = refusal(tmp_path, f"{where}</coverage>".encode().replace(b"foo", b"other"))
    assert first == f"not well-formed XML: Entity 'other' not defined (line {line})"
    assert refusal(tmp_path, f"{where}</coverage>".encode()) == (
        f"not well-formed XML: Entity 'foo' not defined (line {line})"
    )


def test_an_undefined_entity_in_the_root_start_tag_is_refused(tmp_path: Path) -> None:
    """The first pass (prolog and root start tag) meets it: a refusal of the file as
    not well-formed XML. (lxml's pull parser keeps no log of it, so lxml's "no
    element found" is what there is to say.)"""
    assert refusal(tmp_path, b'<coverage a="&foo;">\n</coverage>\n').startswith(
        "not well-formed XML: "
    )


# --------------------------------------------------------------------------- what is no report


def read_refusal(path: Path, reader: str = "coverage") -> str:
    with pytest.raises(InputError) as info:
        if reader == "coverage":
            read_coverage([path], PathResolver(path.parent))
        else:
            read_tests([path], PathResolver(path.parent))
    return str(info.value)


@pytest.mark.parametrize("reader", ["coverage", "junit"])
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file, not a report"),
        (b" \n\t\r\n", "empty file, not a report"),
        (gzip.compress(b"<coverage/>", mtime=0), "gzip-compressed data; decompress it first"),
        (
            b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"0" * 64 + b"\nsize 9\n",
            "a Git LFS pointer, not the report itself\n"
            "hint: fetch the LFS objects (git lfs pull) or upload the report as an artifact",
        ),
    ],
    ids=["empty", "blank", "gzip", "lfs"],
)
def test_what_cannot_be_a_report_is_refused_before_parsing(
    tmp_path: Path, reader: str, content: bytes, problem: str
) -> None:
    path = tmp_path / "report.xml"
    path.write_bytes(content)
    assert read_refusal(path, reader) == f"{show_path(path)}: {problem}"


def test_a_root_with_too_many_attributes_is_refused_with_their_count(tmp_path: Path) -> None:
    path = tmp_path / "coverage.xml"
    attrs = " ".join(f'a{n}="1"' for n in range(1_000))
    path.write_text(f"<coverage {attrs}><packages/></coverage>")
    assert read_refusal(path) == (
        f"{show_path(path)}: the root element has 1,000 attributes (more than 256); refused"
    )


def test_a_root_of_exactly_max_root_attributes_is_read(tmp_path: Path) -> None:
    assert MAX_ROOT_ATTRIBUTES == 256
    path = tmp_path / "coverage.xml"
    attrs = " ".join(f'a{n}="1"' for n in range(MAX_ROOT_ATTRIBUTES - 1))  # and version=
    path.write_text(COBERTURA.format(source=".").replace("<coverage ", f"<coverage {attrs} "))
    assert set(read_coverage([path], PathResolver(tmp_path)).files) == {"a.py"}


def test_a_prolog_past_max_prolog_bytes_is_refused_with_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "coverage.xml"
    path.write_text(f"<!-- {'x' * MAX_PROLOG_BYTES} -->" + COBERTURA.format(source="."))
    assert read_refusal(path) == (
        f"{show_path(path)}: no root element within the first 64 KB (prolog and root start "
        "tag); refused"
    )


def test_a_doctype_declaring_an_entity_is_refused_saying_why(tmp_path: Path) -> None:
    path = tmp_path / "coverage.xml"
    doctype = '<!DOCTYPE coverage [<!ENTITY a "b">]>\n'
    path.write_text(COBERTURA.format(source=".").replace("?>\n", "?>\n" + doctype, 1))
    assert read_refusal(path) == (
        f"{show_path(path)}: declares XML entities in its DOCTYPE; refused "
        "(entity expansion and external entities are never processed)"
    )


@pytest.mark.parametrize(
    ("tag", "local"),
    [
        ("coverage", "coverage"),
        ("{http://example.com/ns}class", "class"),
        ("{urn:a:b}class", "class"),  # a namespace with colons
        ("p:class", "class"),  # a prefix never declared
        ("a:b:class", "class"),
        ("{urn:x}p:class", "class"),
    ],
)
def test_local_name_is_the_name_after_any_namespace_and_prefix(tag: str, local: str) -> None:
    assert local_name(tag) == local


def test_local_name_of_a_comment_or_processing_instruction_is_empty() -> None:
    assert local_name(etree.Comment("c").tag) == ""
    assert local_name(etree.ProcessingInstruction("pi").tag) == ""


JUNIT = (
    '<testsuites><testsuite name="s"><testcase classname="tests.test_a" name="test_one"/>'
    "</testsuite></testsuites>"
)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-8", codecs.BOM_UTF8),
    ],
)
def test_reports_with_a_byte_order_mark_are_read(tmp_path: Path, encoding: str, bom: bytes) -> None:
    """PowerShell's `>` writes UTF-16 with a BOM; some Windows tools a UTF-8 BOM."""
    coverage, junit = tmp_path / "coverage.xml", tmp_path / "junit.xml"
    declared = f'encoding="{encoding.upper()[:6]}"'
    coverage.write_bytes(
        bom + COBERTURA.format(source=".").replace("?>", f" {declared}?>", 1).encode(encoding)
    )
    junit.write_bytes(bom + JUNIT.encode(encoding))
    assert set(read_coverage([coverage], PathResolver(tmp_path)).files) == {"a.py"}
    assert list(read_tests([junit], PathResolver(tmp_path)).cases) == ["tests/test_a.py::test_one"]


def test_blank_lines_before_the_root_are_no_obstacle(tmp_path: Path) -> None:
    path = tmp_path / "coverage.xml"
    path.write_text(" \r\n\t\n" + COBERTURA.format(source=".").split("?>\n", 1)[1])
    assert set(read_coverage([path], PathResolver(tmp_path)).files) == {"a.py"}


@pytest.mark.parametrize("start", [b"X", b"\x0c"], ids=["letter", "form-feed"])
def test_text_that_does_not_start_with_a_tag_is_no_xml_report(tmp_path: Path, start: bytes) -> None:
    """Only blanks (space, tab, CR, LF) may come before the first tag."""
    path = tmp_path / "coverage.xml"
    path.write_bytes(start + b"<coverage/>")
    assert read_refusal(path) == (
        f"{show_path(path)}: not a coverage report signal-gate can read "
        "(Cobertura XML, JaCoCo XML, LCOV, coverage.py JSON or data file)"
    )


def test_a_utf16_head_cut_inside_a_surrogate_pair_is_read(tmp_path: Path) -> None:
    """Format detection decodes the first 4,096 bytes of a UTF-16 report: a character
    outside the BMP (two UTF-16 units) cut in half there is replaced, not an error."""
    start = '<testsuites><testsuite name="s"><testcase classname="tests.test_a" name="test_'
    pad = "x" * ((HEAD_BYTES - 2) // 2 - 1 - len(start))  # the pair's first unit ends the head
    text = f'{start}{pad}\U0001f600"/></testsuite></testsuites>'
    path = tmp_path / "junit.xml"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert path.read_bytes()[HEAD_BYTES - 2 : HEAD_BYTES + 2].decode("utf-16-le") == "\U0001f600"
    (nodeid,) = read_tests([path], PathResolver(tmp_path)).cases
    assert nodeid.endswith("\U0001f600")


def test_a_report_the_system_will_not_open_is_refused_with_its_reason(tmp_path: Path) -> None:
    path = unopenable(tmp_path, "<coverage/>")
    assert read_refusal(path) == f"{show_path(path)}: cannot read: Permission denied"


HTML_PAGE = "an HTML page (an error page saved as a report?)"


@pytest.mark.parametrize("reader", ["coverage", "junit"])
@pytest.mark.parametrize(
    "page",
    [
        b"<!DOCTYPE html>\n<title>502 Bad Gateway</title>\n<h1>502</h1>",  # <html> is optional
        b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
    ],
    ids=["html5-without-html-tag", "xhtml"],
)
def test_an_html_page_is_refused_as_one_before_parsing(
    tmp_path: Path, reader: str, page: bytes
) -> None:
    """A doctype alone says HTML, and so does `<html` after an XML declaration: both
    readers say so before any parse (the JUnit reader would only name the root)."""
    path = tmp_path / "report.xml"
    path.write_bytes(page)
    assert read_refusal(path, reader) == f"{show_path(path)}: {HTML_PAGE}"


def test_an_html_page_is_told_by_its_first_256_bytes() -> None:
    assert looks_like_html(b"<!-- " + b"x" * 246 + b"<html>")  # `<html` ends at byte 256
    assert not looks_like_html(b"<!-- " + b"x" * 247 + b"<html>")


def test_the_format_is_told_from_the_first_head_bytes_only(tmp_path: Path) -> None:
    """Detection reads HEAD_BYTES of a report however large it is: a NUL after them is
    never looked at (binary data is told by a NUL within them)."""
    path = tmp_path / "coverage.xml"
    path.write_bytes(b"x" * HEAD_BYTES + b"\x00")
    assert read_refusal(path) == (
        f"{show_path(path)}: not a coverage report signal-gate can read "
        "(Cobertura XML, JaCoCo XML, LCOV, coverage.py JSON or data file)"
    )


def test_a_utf16_head_is_decoded_in_whole_characters(tmp_path: Path) -> None:
    """The head of a UTF-16 report is cut to whole 2-byte units before decoding: an
    LCOV record whose `SF:` ends the first HEAD_BYTES bytes is still found."""
    blank = (HEAD_BYTES - len(codecs.BOM_UTF16_LE) - len("SF:".encode("utf-16-le"))) // 2
    text = "\n" * blank + "SF:a.py\nDA:1,1\nend_of_record\n"
    path = tmp_path / "coverage.info"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert path.read_bytes()[HEAD_BYTES - 6 : HEAD_BYTES].decode("utf-16-le") == "SF:"
    assert set(read_coverage([path], PathResolver(tmp_path)).files) == {"a.py"}
