"""A path given as input is a regular file before anything opens it: reading a
named pipe or a device given as a report, a diff, a config or an event payload
would block or never end. One rule for every reader of the gate's inputs.
"""

from __future__ import annotations

import stat
from pathlib import Path

from gate.errors import InputError
from gate.text import show_path

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
        raise InputError(f"{show_path(path)}: is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise InputError(f"{show_path(path)}: is {kind}, not a regular file; refused unread")
    return info.st_size
