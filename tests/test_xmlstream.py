"""The one XML parser (`gate/readers/xmlstream.py`): what it hands out, what it
frees, and how a parse error reads.

Hostile documents (entities, depth, sizes) and the memory of a large report are
tested in test_hostile.py and test_hostile_bounds.py; here are the rules those
whole-report tests do not pin.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import read_coverage
from gate.readers.xmlstream import release, stream
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
