"""The one place that parses XML: streaming, and safe against hostile reports.

Reports come from pull requests. lxml is asked never to load a DTD, never to
resolve an entity and never to touch the network; a document that declares
entities at all (billion laughs, XXE) is refused before its body is read.
Elements are handed out one at a time and must be cleared by the caller, so
memory stays flat however large the report is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from gate.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
LFS_POINTER = b"version https://git-lfs.github.com/spec/"


def sniff(path: Path) -> bytes:
    """Return the first bytes of a report, or raise InputError for files that
    cannot be a report at all (missing, empty, compressed, LFS pointers, binary)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a report") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if not head.strip():
        raise InputError(f"{path}: empty file, not a report")
    if head.startswith(GZIP_MAGIC):
        raise InputError(f"{path}: gzip-compressed data; decompress it first")
    if head.startswith(LFS_POINTER):
        raise InputError(
            f"{path}: a Git LFS pointer, not the report itself",
            hint="fetch the LFS objects (git lfs pull) or upload the report as an artifact",
        )
    return head


def root_tag(path: Path) -> str:
    """The local name of the document element, read safely without reading on."""
    for _event, element in iterparse(path, events=("start",)):
        return _local(element.tag)
    raise InputError(f"{path}: no XML element found")


def iterparse(
    path: Path, events: tuple[str, ...] = ("end",), tag: Any = None
) -> Iterator[tuple[str, Any]]:
    """Yield (event, element) pairs from `path`, refusing DTD entity tricks.

    Parse errors become InputError naming the file and the line.
    """
    kwargs: dict[str, Any] = {
        "events": events,
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
    }
    if tag is not None:
        kwargs["tag"] = tag
    checked = False
    try:
        for event, element in etree.iterparse(str(path), **kwargs):
            if not checked:
                _refuse_entities(path, element)
                checked = True
            yield event, element
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: not well-formed XML: {_syntax_message(exc)}") from None
    except (OSError, etree.LxmlError) as exc:
        raise InputError(f"{path}: cannot parse: {exc}") from None


def _refuse_entities(path: Path, element: Any) -> None:
    dtd = element.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise InputError(
            f"{path}: declares XML entities in its DOCTYPE; refused "
            "(entity expansion and external entities are never processed)"
        )


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    msg = str(exc.msg or exc).splitlines()[0] if (exc.msg or str(exc)) else "syntax error"
    line = exc.lineno
    return f"{msg} (line {line})" if line and f"line {line}" not in msg else msg


def _local(tag: object) -> str:
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


local_name = _local
