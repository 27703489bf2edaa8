"""The repository tree as the file-based checks see it: globs under the root, read
bounded, never a path outside the root.

Paths in checks are repository-relative globs (`gate.core.patterns`). A pattern that is
absolute or climbs out with `..` is refused, and a symlink whose target lies
outside the root is never read: a check config from a pull request must not be
able to make the gate read (and report on) files of the machine it runs on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from gate.core.paths import SKIP_DIRS, escapes, is_absolute, normalise
from gate.core.patterns import is_glob, matches_path
from gate.records import Record

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Files larger than this are not read; a check over them fails, saying so."""

# A `**` never descends into gate.core.paths.SKIP_DIRS (the set the repository scan
# skips); a pattern that names one literally (`dist/*.whl`) still reaches it.


class Selection(Record, frozen=True):
    """What a list of globs selects under the root.

    `files` are repository-relative, '/'-separated, sorted and readable in
    principle; `refused` says why a pattern or a match was not used; `unmatched`
    lists the patterns that selected nothing.
    """

    files: tuple[str, ...]
    refused: tuple[str, ...] = ()
    unmatched: tuple[str, ...] = ()


class Unread(Record, frozen=True):
    """Why a file was not read (too large, unreadable, outside the root)."""

    reason: str


def outside_reason(pattern: str) -> str | None:
    """Why `pattern` may not be used (absolute, or climbing out with `..`), or None."""
    path = pattern.strip().replace("\\", "/")
    if is_absolute(path) or path.startswith("~"):
        return f"{pattern!r} is an absolute path; paths are relative to the repository root"
    if ".." in path.split("/"):
        return f"{pattern!r} climbs out of the repository root ('..')"
    return None


def select(root: Path, patterns: Sequence[str], *, dirs: bool = False) -> Selection:
    """The files under `root` that `patterns` match. With `dirs`, a literal path
    naming a directory counts too (file_exists over `docs/adr`)."""
    base = root.resolve()
    found: dict[str, None] = {}
    refused: list[str] = []
    unmatched: list[str] = []
    for pattern in patterns:
        reason = outside_reason(pattern)
        if reason is not None:
            refused.append(reason)
            continue
        clean = normalise(pattern).removeprefix("./")
        hits, outside = _matches(base, clean, dirs=dirs)
        refused.extend(f"{p}: links outside the repository root, not read" for p in outside)
        if not hits and not outside:
            unmatched.append(pattern)
        found.update(dict.fromkeys(hits))
    return Selection(tuple(sorted(found)), tuple(refused), tuple(unmatched))


def _matches(base: Path, pattern: str, *, dirs: bool) -> tuple[list[str], list[str]]:
    """(matches inside the root, matches whose real path is outside it)."""
    if not is_glob(pattern):
        candidate = base / pattern
        if not (candidate.is_file() or (dirs and candidate.is_dir())):
            return [], []
        return ([pattern], []) if inside_root(base, candidate) else ([], [pattern])
    start = _literal_prefix(pattern)
    if start and (base / start).is_dir() and not inside_root(base, base / start):
        return [], [start]
    hits: list[str] = []
    outside: list[str] = []
    for rel in _walk(base, start):
        if matches_path(pattern, rel):
            (hits if inside_root(base, base / rel) else outside).append(rel)
    return hits, outside


def _literal_prefix(pattern: str) -> str:
    """The directories before the first wildcard: where walking starts."""
    parts: list[str] = []
    for part in pattern.split("/")[:-1]:
        if is_glob(part):
            break
        parts.append(part)
    return "/".join(parts)


def _walk(base: Path, start: str) -> Iterable[str]:
    """Repository-relative paths of the files below `start`, symlinked directories
    not followed, SKIP_DIRS pruned."""
    top = base / start if start else base
    if not top.is_dir():
        return
    prefix = len(str(base)) + 1
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        rel = dirpath[prefix:].replace(os.sep, "/")
        for name in sorted(filenames):
            path = f"{rel}/{name}" if rel else name
            if (base / path).is_file():
                yield path


def inside_root(base: Path, path: Path) -> bool:
    """Is the real path (symlinks resolved) of `path` inside `base`?"""
    try:
        return path.resolve().is_relative_to(base)
    except (OSError, RuntimeError):  # a symlink loop
        return False


def read_text(root: Path, rel: str, limit: int = MAX_FILE_BYTES) -> str | Unread:
    """The file's text (UTF-8, undecodable bytes replaced), or why it was not read."""
    base = root.resolve()
    path = base / rel
    if outside_reason(rel) is not None or escapes(normalise(rel)) or not inside_root(base, path):
        return Unread(f"{rel}: outside the repository root, not read")
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return Unread(f"{rel}: cannot read ({exc.strerror or exc})")
    if len(data) > limit:
        return Unread(f"{rel}: larger than {_mb(limit)}, not read")
    return data.decode("utf-8", errors="replace")


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
