"""What every reader does before and around reading an input: make sure it is
a regular file, and turn a path the report names into a repository path, with
refusals that name the report and the problem.
"""

from __future__ import annotations

import stat
from collections.abc import Iterable
from pathlib import Path

from gate.core.paths import PathResolver, UnusablePath
from gate.errors import InputError
from gate.text import quoted, show_path

_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def require_regular(path: Path) -> int:
    """The size of `path`, a regular file (symlinks followed); raises InputError
    for anything else before it is opened: reading a FIFO or a device given as
    a report would block or never end."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{show_path(path)}: file not found") from None
    except (OSError, ValueError) as exc:
        problem = getattr(exc, "strerror", None) or str(exc)
        raise InputError(f"{show_path(path)}: cannot read: {problem}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{show_path(path)}: is a directory, not a report")
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise InputError(f"{show_path(path)}: is {kind}, not a regular file; refused unread")
    return info.st_size


def resolve_name(
    resolver: PathResolver, report: Path, name: str, where: str, sources: Iterable[str] = ()
) -> str:
    """The repository path of a file the report names (see PathResolver.resolve);
    raises InputError, naming the report and `where` the name stood, for a name
    no file system could hold."""
    try:
        return resolver.resolve(name, sources)
    except UnusablePath as exc:
        raise InputError(
            f"{show_path(report)}: {where} {quoted(name)} is not a usable path: it {exc.reason}"
        ) from None
