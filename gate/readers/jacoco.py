"""JaCoCo XML (jacoco:report, Gradle `jacocoTestReport`, report-aggregate).

Follows JaCoCo's report.dtd: `report > (group >)* package > sourcefile > line`,
each `<line nr mi ci mb cb>` giving missed/covered instructions and branches.
As JaCoCo counts them, a line with instructions is a statement; it is covered when at least one of
its instructions ran (`ci > 0`); its branches are `mb + cb`, `cb` of them taken.
`<class>`, `<method>` and `<counter>` elements repeat the same facts and are
skipped. The source path is the package name (already '/'-separated) plus the
source file name, found under the usual source roots when the tree is present.

JaCoCo does not say which branch of a line was missed, so two shards of the same
line merge by their best count (`LineBranches.merged`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gate.core.model import FileBuilder, FileCoverage, LineBranches
from gate.core.paths import PathResolver, is_file
from gate.errors import InputError
from gate.readers.counts import MAX_COUNT, MAX_LINE, NotANumber, whole
from gate.readers.files import resolve_name
from gate.readers.xmlstream import local_name, release, stream
from gate.text import quoted, show_path

# Where Maven and Gradle keep sources, tried (only when the file exists there)
# before the bare package path.
SOURCE_ROOTS = ("src/main/java", "src/main/kotlin", "src/main/scala", "src/main/groovy")


def read_jacoco(
    path: Path, resolver: PathResolver, keep: Callable[[str], bool] | None = None
) -> Iterator[FileCoverage]:
    """Yield the coverage of each source file in a JaCoCo XML report that
    `keep(repo_path)` wants (default: all)."""
    root, elements = stream(path, ("sourcefile", "package"))
    if root.tag != "report":
        raise InputError(f"{show_path(path)}: root element <{root.tag}>, not a JaCoCo <report>")
    files: dict[str, FileBuilder] = {}
    saw_package = False
    for el in elements:
        if local_name(el.tag) == "package":
            saw_package = True
        else:
            _add_sourcefile(path, el, resolver, files)
        release(el)

    if not saw_package:
        raise InputError(
            f"{show_path(path)}: JaCoCo report lists no packages (an empty report); "
            "refusing to read it as 0 lines"
        )
    if not files:
        raise InputError(
            f"{show_path(path)}: JaCoCo report has no <sourcefile> line data "
            "(classes compiled without debug information?); refusing to read it as 0 lines"
        )
    for file_path, acc in files.items():
        if keep is None or keep(file_path):
            yield acc.build(file_path)


def _add_sourcefile(
    path: Path, el: Any, resolver: PathResolver, files: dict[str, FileBuilder]
) -> None:
    """Record one <sourcefile> (complete, with its lines) under its package."""
    package = el.getparent()
    if package is None or local_name(package.tag) != "package":
        raise InputError(
            f"{show_path(path)}: <sourcefile> outside a <package> (line {el.sourceline})"
        )
    name = el.get("name")
    if not name:
        raise InputError(f"{show_path(path)}: <sourcefile> without a name (line {el.sourceline})")
    prefix = (package.get("name") or "").strip("/")
    groups = [g.get("name") or "" for g in package.iterancestors() if local_name(g.tag) == "group"]
    rel = f"{prefix}/{name}" if prefix else name
    where = f"<sourcefile> in <package> (line {el.sourceline})"
    acc = files.setdefault(_resolve(resolver, path, rel, groups, where), FileBuilder())
    for child in el:
        if local_name(child.tag) == "line":
            _add_line(path, child, acc)


def _resolve(resolver: PathResolver, path: Path, rel: str, groups: list[str], where: str) -> str:
    """The repository path of `package/File.java`: under a source root (in the
    group's module directory first) when the file is there, else as written."""
    roots = [f"{g}/{r}" for g in groups if g for r in SOURCE_ROOTS]  # innermost first
    roots.extend(SOURCE_ROOTS)
    found = resolve_name(resolver, path, rel, where, roots)
    if is_file(resolver.root / found):
        return found
    return resolve_name(resolver, path, rel, where)


def _add_line(path: Path, el: Any, acc: FileBuilder) -> None:
    number = _int(path, el, "nr", MAX_LINE)
    mi, ci, mb, cb = (_int(path, el, a, MAX_COUNT) for a in ("mi", "ci", "mb", "cb"))
    if number < 1 or mi + ci == 0:  # JaCoCo's LINE counter skips lines without code
        return
    acc.statements.add(number)
    if ci > 0:
        acc.executed.add(number)
    if mb + cb > 0:
        acc.add_branches(number, LineBranches(mb + cb, cb))


def _int(path: Path, el: Any, attr: str, maximum: int) -> int:
    """A <line> counter (0 when absent, as JaCoCo's DTD implies) or its number
    (required), through the one number parser."""
    raw = el.get(attr)
    if raw is None and attr != "nr":
        return 0
    try:
        return whole(raw, maximum=maximum)
    except NotANumber as exc:
        raise InputError(
            f"{show_path(path)}: <line> {attr}={quoted(raw)} {exc.reason} (line {el.sourceline})"
        ) from None
