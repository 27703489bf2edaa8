"""The one place that parses XML: streaming, and safe against hostile reports.

Reports come from pull requests. lxml (libxml2) is asked never to load a DTD,
never to resolve an entity and never to touch the network, and keeps libxml2's
resource limits (`huge_tree=False`: 256 levels of nesting, 10 MB per text node
or attribute, 50,000 characters per name). Before any element is handed out,
the document's prolog is checked on its own short pass: a DOCTYPE that declares
entities (billion laughs, XXE, external parameter entities) is refused there,
and so is a prolog plus root start tag over MAX_PROLOG_BYTES or a root element
with more than MAX_ROOT_ATTRIBUTES attributes (libxml2's push parser looks for
the end of an unfinished start tag again at every chunk fed to it: unbounded,
that check is quadratic).

Only the elements a reader names are handed out, at their end tag, with their
subtree complete. The reader calls `release()` on each once it is done with it,
which frees it and every already-processed element before it, so memory stays
flat however large the report is.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lxml import etree

from gate.errors import InputError
from gate.records import Record
from gate.regular_file import require_regular
from gate.text import show_path

GZIP_MAGIC = b"\x1f\x8b"
LFS_POINTER = b"version https://git-lfs.github.com/spec/"
HEAD_BYTES = 4096
# Real prologs (declaration, a DOCTYPE naming the DTD, a comment) and root start
# tags take a few hundred bytes and a dozen attributes.
MAX_PROLOG_BYTES = 64 * 1024
MAX_ROOT_ATTRIBUTES = 256
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SAFE_OPTIONS: Mapping[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
# libxml2's resource-limit messages, said in terms of the report.
_LIMITS = {
    "Excessive depth": "elements nested deeper than 256 levels",
    "Text node too long": "a text node longer than 10 MB",
    "Buffer size limit": "an attribute value or text longer than 10 MB",
    "Name too long": "an element or attribute name longer than 50,000 characters",
}
_TEXT_HINT = (
    "a test printed more than 10 MB into one element of the report; keep the output "
    "out of it (Surefire: redirectTestOutputToFile; pytest: junit_logging=no)"
)


class Document(Record, frozen=True):
    """The document element of a report: its local name and its attributes."""

    tag: str
    attrs: Mapping[str, str]


def sniff(path: Path) -> bytes:
    """Return the first bytes of a report, or raise InputError for files that
    cannot be a report at all (missing, not a regular file, empty, compressed,
    LFS pointers). Every read of a report starts here."""
    require_regular(path)
    shown = show_path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror}") from None
    if not head.strip():
        raise InputError(f"{shown}: empty file, not a report")
    if head.startswith(GZIP_MAGIC):
        raise InputError(f"{shown}: gzip-compressed data; decompress it first")
    if head.startswith(LFS_POINTER):
        raise InputError(
            f"{shown}: a Git LFS pointer, not the report itself",
            hint="fetch the LFS objects (git lfs pull) or upload the report as an artifact",
        )
    return head


def text_head(head: bytes) -> bytes:
    """The first bytes of a report (`sniff`) as UTF-8 without a byte-order mark,
    leading whitespace stripped: what format detection looks at. A UTF-16 file
    with a BOM (PowerShell's `>` writes one) is decoded first; lxml reads it as is."""
    if head.startswith(UTF16_BOMS):
        head = head[: len(head) - len(head) % 2].decode("utf-16", errors="replace").encode()
    return head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")


def looks_like_html(head: bytes) -> bool:
    """An HTML page (a proxy's or CI server's error page saved as the report),
    including tag soup that is not XML at all."""
    start = head[:256].lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start


def document(path: Path) -> Document:
    """Check the prolog and return the document element, reading no further.

    Raises InputError for a DOCTYPE that declares entities, for a prolog and
    root start tag over MAX_PROLOG_BYTES, and for anything that is not XML up to
    its first element.
    """
    # Fed a few KB at a time: iterparse would parse a whole 32 KB buffer (a
    # thousand elements) before handing out the first, and this runs per read.
    parser = etree.XMLPullParser(events=("start",), **_SAFE_OPTIONS)
    fed = 0
    with _errors(path) as parse, path.open("rb") as handle:
        parse.parser = parser
        while chunk := handle.read(HEAD_BYTES):
            if fed >= MAX_PROLOG_BYTES:
                raise InputError(
                    f"{show_path(path)}: no root element within the first "
                    f"{MAX_PROLOG_BYTES // 1024} KB (prolog and root start tag); refused"
                )
            fed += len(chunk)
            try:
                parser.feed(chunk)
            except etree.XMLSyntaxError:
                # libxml2 may have read on into a hostile body (billion laughs
                # trips its amplification limit): the prolog is the clearer refusal.
                _first_element(path, parser)
                raise
            if (found := _first_element(path, parser)) is not None:
                return found
        parser.close()
    raise InputError(f"{show_path(path)}: no XML element found")


def _first_element(path: Path, parser: etree.XMLPullParser) -> Document | None:
    for _event, element in parser.read_events():
        if isinstance(element, etree._Element):
            _refuse_entities(path, element)
            if len(element.attrib) > MAX_ROOT_ATTRIBUTES:
                raise InputError(
                    f"{show_path(path)}: the root element has {len(element.attrib):,} "
                    f"attributes (more than {MAX_ROOT_ATTRIBUTES}); refused"
                )
            attrs = {str(k): str(v) for k, v in element.attrib.items()}
            return Document(local_name(element.tag), attrs)
    return None


def stream(path: Path, tags: tuple[str, ...]) -> tuple[Document, Iterator[Any]]:
    """The document element (its prolog checked, see `document`), and every
    element whose local name is in `tags`, each handed out at its end tag.

    Elements not named are never turned into Python objects; they are freed
    with the next `release()`. Parse errors become InputError naming the file
    and the line.
    """
    return document(path), _elements(path, tuple(f"{{*}}{tag}" for tag in tags))


def _elements(path: Path, wanted: tuple[str, ...]) -> Iterator[Any]:
    with _errors(path) as parse:
        parse.parser = etree.iterparse(str(path), events=("end",), tag=wanted, **_SAFE_OPTIONS)
        for _event, element in parse.parser:
            yield element


def release(element: Any) -> None:
    """Free an element that has been read, and the siblings before it (all read
    already, since elements arrive in document order)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def local_name(tag: object) -> str:
    """`{namespace}name` -> `name`; `prefix:name` (a prefix never declared, which
    libxml2 reads past with a warning) -> `name`; comments and processing
    instructions -> ''."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


class _Parse:
    """The parser a block of `_errors` runs: its own error log explains an error
    that lxml raises without a reason (lxml's global log also holds earlier reads')."""

    parser: Any = None


@contextmanager
def _errors(path: Path) -> Iterator[_Parse]:
    """Parse errors -> InputError naming the file, the line and the problem."""
    parse = _Parse()
    try:
        yield parse
    except etree.XMLSyntaxError as exc:
        message = _syntax_message(exc, parse.parser)
        hint = _TEXT_HINT if "text node longer" in message else None
        raise InputError(f"{show_path(path)}: not well-formed XML: {message}", hint=hint) from None
    except (OSError, etree.LxmlError) as exc:
        raise InputError(f"{show_path(path)}: cannot parse: {exc}") from None


def _refuse_entities(path: Path, element: Any) -> None:
    dtd = element.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(
            f"{show_path(path)}: declares XML entities in its DOCTYPE; refused "
            "(entity expansion and external entities are never processed)"
        )


def _syntax_message(exc: etree.XMLSyntaxError, parser: Any) -> str:
    """libxml2's reason for refusing the document, with the line it names, once."""
    reason, line = exc.msg, exc.lineno
    if not line and (errors := parser.error_log.filter_from_errors()):
        # lxml's own "no element found" (line 0) after libxml2 stopped at an error
        # lxml did not raise (an undefined entity: entities are never resolved).
        reason, line = errors[0].message, errors[0].line
    raw = str(reason or exc or "syntax error")
    msg = " ".join(raw.split()).removesuffix(",").strip()
    for needle, meaning in _LIMITS.items():
        if needle in msg:
            msg = f"{meaning}; refused ({msg})"
            break
    return f"{msg} (line {line})" if line and f"line {line}" not in msg else msg
