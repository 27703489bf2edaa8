"""Config patterns -> matchers: module patterns, evidence patterns, path globs.

Globs follow the shell with `**` for any number of directories. `[` is taken
literally, never as a character class: pytest parameter ids (`test_x[a-b]`) and
framework routes (`pages/[id].tsx`) are far more common than ranges.
"""

from __future__ import annotations

import re
from functools import lru_cache

DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


@lru_cache(maxsize=1024)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """Compile a '/'-separated glob; `**/` spans directories, `*` stays inside one."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def is_glob(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def module_regex(pattern: str) -> re.Pattern[str]:
    """A module pattern as a regex over repository paths.

    `common.config_service` is a dotted name: the package's files or the module's
    .py. `app/clients/` or `app/clients` (no glob, no suffix) is a directory.
    Anything else is a path glob.
    """
    pattern = pattern.strip().replace("\\", "/").removeprefix("./")
    if DOTTED.match(pattern) and not pattern.endswith(".py"):
        base = re.escape(pattern.replace(".", "/"))
        return re.compile(rf"{base}(?:/.*|\.py)\Z")
    if not is_glob(pattern) and "." not in pattern.rsplit("/", 1)[-1]:
        return re.compile(re.escape(pattern.rstrip("/")) + r"/.*\Z")
    return glob_regex(pattern)


def matches_path(pattern: str, path: str) -> bool:
    """Path glob (unmapped.paths, evidence files, safety `files`)."""
    return glob_regex(pattern.replace("\\", "/").removeprefix("./")).match(path) is not None


def matches_test(pattern: str, nodeid: str, file: str | None) -> bool:
    """Does an evidence pattern select this test?

    With `::` it is a pytest node-id pattern: it matches the id itself or any
    test below it (`tests/x.py::TestY` selects every test of TestY). Without, it
    is a test-file glob, compared with the test's file (or, for tests from other
    languages, with its classname).
    """
    if "::" in pattern:
        if glob_regex(pattern).match(nodeid):
            return True
        return any(glob_regex(pattern).match(nodeid[:i]) for i in _id_boundaries(nodeid))
    subject = file if file is not None else nodeid.split("::", 1)[0]
    return matches_path(pattern, subject)


def _id_boundaries(nodeid: str) -> list[int]:
    return [m.start() for m in re.finditer(r"::|\[", nodeid)]
