"""A unified diff -> the lines it adds or modifies, per file of the new version.

The parsing is unidiff's (git's extended headers, renames, binary markers,
"\\ No newline at end of file", `--- /dev/null`). A diff comes from the pull
request, so around it: a size bound, regular files only, a linear check of the
header lines unidiff's regular expressions would take quadratic time over,
git's C-style quoted paths decoded, and paths that would leave the repository
refused.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchSet

from gate.core.model import Diff
from gate.errors import InputError
from gate.regular_file import require_regular
from gate.text import quoted, show_path

MAX_DIFF_BYTES = 32 * 1024 * 1024
# A `diff --git` or `Binary files` line longer than this is no header git writes:
# two paths of PATH_MAX (4096) bytes fit, every byte quoted as git quotes a
# non-ASCII one (`\303`, four characters). unidiff's patterns read such lines in
# linear time.
MAX_HEADER_CHARS = 2 * (4 * 4096 + len('"a/"')) + len("Binary files  and  differ")
# A `diff --git` line naming URLs (`://`: git's paths hold no "//") is held to
# this: unidiff's pattern for those backtracks quadratically over the line.
MAX_URL_HEADER_CHARS = 8192
_NEW_SIDE_PREFIX = re.compile(r"^[abciow12]/")  # git's prefixes, as unidiff strips them
_C_ESCAPE = re.compile(rb'\\([0-7]{1,3}|[abfnrtv"\\])')
_C_CHARS = {b"a": 7, b"b": 8, b"f": 12, b"n": 10, b"r": 13, b"t": 9, b"v": 11, b'"': 34, b"\\": 92}

KeepPath = Callable[[str], bool]
_FILE_HEADER = re.compile(r"^(?:diff --git |--- )", re.MULTILINE)


def read_diff(path: Path, keep: KeepPath | None = None, present: KeepPath | None = None) -> Diff:
    """The changed lines of the unified diff in `path` (a regular file of at most
    MAX_DIFF_BYTES); `keep(path)` limits what is kept to the files the config
    looks at; `present(path)`, when given, says whether the checkout has the file
    (see parse_diff)."""
    shown = show_path(path)
    size = require_regular(path)  # a FIFO or a device would block or never end
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_DIFF_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    if max(size, len(data)) > MAX_DIFF_BYTES:
        raise InputError(f"{shown}: larger than {MAX_DIFF_BYTES // 2**20} MiB; refused as a diff")
    return parse_diff(data, str(path), keep=keep, present=present)


def parse_diff(
    data: bytes,
    source: str,
    *,
    keep: KeepPath | None = None,
    base_sha: str | None = None,
    present: KeepPath | None = None,
) -> Diff:
    """The changed lines of a unified diff (git's or plain `diff -u`'s): for every
    file of the new version, the numbers of its added or modified lines. Deleted
    files, binary files and pure renames change no line.

    `present(path)`: whether the checkout holds a file of the new version. When
    the diff adds lines to files and the checkout holds none of them, it is a diff
    of another tree (another repository, the top of a monorepo, paths with another
    prefix): InputError, for read as a change of nothing it would pass any patch
    threshold."""
    text = data.decode("utf-8", errors="replace")
    if _crlf_converted(text):
        # The whole diff went through a CRLF conversion (saved on Windows, sent by
        # an API): unidiff would read "x.py\r" as the file's name and every file
        # would match nothing. One level of CRLF comes off; a line of a CRLF file
        # ("+x\r\r\n" after the conversion) keeps its own "\r".
        text = text.replace("\r\n", "\n")
    _check_headers(text, source)
    try:
        patch = PatchSet(io.StringIO(text))
    except UnidiffParseError as exc:
        raise InputError(f"{source}: not a unified diff: {quoted(str(exc))}") from None
    if text.strip() and not patch:
        raise InputError(f"{source}: no file header (`--- a/...`, `+++ b/...`); not a unified diff")
    files: dict[str, set[int]] = {}
    changed: list[str] = []  # every file the diff adds lines to, kept or not
    for patched in patch:
        if patched.is_binary_file or patched.is_removed_file:
            continue
        name = new_side_path(patched.target_file, source)
        added = {line.target_line_no for hunk in patched for line in hunk if line.is_added}
        if added:
            changed.append(name)
        if added and (keep is None or keep(name)):
            files.setdefault(name, set()).update(n for n in added if n is not None)
    if present is not None and changed and not any(present(name) for name in changed):
        raise InputError(
            f"{source}: changes {len(changed)} file(s), none of them in the checkout "
            f"(first: {quoted(changed[0])}); a diff of another tree?",
            hint="make the diff in --root: `git diff --relative BASE...HEAD > change.diff`",
        )
    return Diff(
        files={name: frozenset(lines) for name, lines in sorted(files.items())},
        source=source,
        base_sha=base_sha,
    )


def new_side_path(raw: str, source: str) -> str:
    """The repository path of a diff's `+++` name: git's C-style quoting undone
    (`"b/t\\303\\251st.py"`), its `b/` prefix dropped. Raises InputError for a
    path that would leave the repository."""
    name = raw
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        name = unquote_c(name[1:-1])
    name = _NEW_SIDE_PREFIX.sub("", name, count=1)
    parts = name.split("/")
    if not name or name.startswith("/") or ".." in parts or "\x00" in name:
        raise InputError(f"{source}: file {quoted(raw)} is not a path inside the repository")
    return "/".join(p for p in parts if p not in ("", "."))


def unquote_c(text: str) -> str:
    """git's quoting of an unusual path (core.quotePath): backslash escapes and
    octal bytes, decoded as UTF-8."""
    raw = text.encode("utf-8", errors="surrogateescape")

    def byte(m: re.Match[bytes]) -> bytes:
        code = m[1]
        return bytes([int(code, 8) & 0xFF]) if code[:1].isdigit() else bytes([_C_CHARS[code]])

    return _C_ESCAPE.sub(byte, raw).decode("utf-8", errors="replace")


def _crlf_converted(text: str) -> bool:
    """Does the diff's first file header end in CRLF?"""
    header = _FILE_HEADER.search(text)
    end = -1 if header is None else text.find("\n", header.start())
    return end > 0 and text[end - 1] == "\r"


def _check_headers(text: str, source: str) -> None:
    """Refuse the header lines git never writes and unidiff's patterns cannot read
    in linear time: a `diff --git` line over MAX_HEADER_CHARS, or naming URLs and
    over MAX_URL_HEADER_CHARS or naming more than two, a `Binary files` line over
    MAX_HEADER_CHARS or not ending as git ends it."""
    # Lines as unidiff reads them: split at "\n" only.
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("diff --git "):
            urls = line.count("://")
            bad = len(line) > (MAX_URL_HEADER_CHARS if urls else MAX_HEADER_CHARS) or urls > 2
        elif line.startswith("Binary file"):
            bad = len(line) > MAX_HEADER_CHARS or not line.rstrip().endswith(
                (" differ", " has changed")
            )
        else:
            continue
        if bad:
            raise InputError(
                f"{source}: line {number} is no diff header git writes "
                f"({len(line):,} characters: {quoted(line)}); refused"
            )
