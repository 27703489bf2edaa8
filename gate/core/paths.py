"""Paths as reports write them -> paths relative to the repository root.

Reports carry absolute paths from other machines (`/home/runner/work/x/x/app`,
`C:\\src\\app`, `/app/src` inside a container), relative paths with `./`, `..`
or doubled slashes, and Windows separators. The gate keys everything by one
form: relative to `--root`, '/'-separated, no `.` or `..` segments.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

# Directories never scanned for source or test files: VCS, virtualenvs, caches, builds.
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".nox",
     ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist", "site-packages"}
)  # fmt: skip

# Longer than any path a file system accepts (Linux PATH_MAX is 4,096 bytes): a
# report naming one is hostile, not mistaken.
MAX_PATH = 4096
# Bytes in one path segment: NAME_MAX of Linux, macOS and Windows file systems.
MAX_SEGMENT = 255

_DRIVE = re.compile(r"^[A-Za-z]:/")


def normalise(path: str) -> str:
    """Separators to '/', no '.', no empty segments; '..' folded lexically."""
    path = path.strip().replace("\\", "/")
    if not path:
        return ""
    absolute = path.startswith("/")
    drive = ""
    if _DRIVE.match(path):
        drive, path, absolute = path[:2], path[2:], True
    folded = posixpath.normpath(path)
    if folded == ".":
        return drive + "/" if absolute else ""
    if absolute and not folded.startswith("/"):
        folded = "/" + folded
    folded = re.sub(r"^/{2,}", "/", folded)
    return drive + folded


class UnusablePath(ValueError):
    """A name no file system can hold; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def unusable(name: str) -> str | None:
    """Why no file system could hold a file named `name` (a NUL, a path over
    MAX_PATH, a segment over MAX_SEGMENT bytes), or None. Such a name from a
    report is refused before anything asks the file system about it."""
    if "\x00" in name:
        return "contains a NUL character"
    if len(name) > MAX_PATH:
        return f"is {len(name):,} characters long (no path is longer than {MAX_PATH:,})"
    longest = max(len(s.encode("utf-8", "surrogatepass")) for s in re.split(r"[/\\]", name))
    if longest > MAX_SEGMENT:
        return f"has a segment of {longest:,} bytes (no file name is longer than {MAX_SEGMENT})"
    return None


def is_absolute(path: str) -> bool:
    return path.startswith("/") or bool(_DRIVE.match(path))


def escapes(path: str) -> bool:
    """True for a relative path that climbs out of the root (`../x`)."""
    return path == ".." or path.startswith("../")


def is_file(path: Path) -> bool:
    """Is `path` a regular file (symlinks followed)? False, never an error, for
    anything that cannot be one: a symlink loop, an unreadable directory, a name
    too long. Report-named paths are probed only through here."""
    try:
        return path.is_file()
    except (OSError, ValueError, RuntimeError):
        return False


class PathResolver:
    """Resolves report paths against the root, the report's own source roots and
    the config's `paths` remapping; remembers what it resolved."""

    def __init__(
        self,
        root: Path,
        remap: Mapping[str, tuple[str, ...]] | None = None,
        *,
        files: frozenset[str] | None = None,
    ) -> None:
        self.root = root
        self.remap: Mapping[str, tuple[str, ...]] = remap or {}
        # The repository's files when already scanned: a set lookup instead of one
        # stat per candidate (10,000 classes in a report, most of them not checked out).
        self.files = files
        # As it is (resolved: absolute, no '.' or '..'): normalise would strip the spaces
        # a folder name may end with, and the paths under it would not be under it.
        self._root_posix = root.resolve().as_posix()
        self._cache: dict[tuple[str, tuple[str, ...]], str] = {}

    def resolve(self, name: str, sources: Iterable[str] = ()) -> str:
        """Return the repository-relative path for `name` as the report wrote it.

        Candidates are `source/name` for each source root, then `name`; the first
        that exists under the root wins. If none exists, the best guess is
        returned (a relative candidate, else the name itself), never a path that
        was opened outside the root.
        Raises UnusablePath for a name no file system could hold (`unusable`).
        """
        key = (name, tuple(sources))
        hit = self._cache.get(key)
        if hit is None:
            if (reason := unusable(name)) is not None:
                raise UnusablePath(reason)
            hit = self._cache[key] = self._resolve(name, key[1])
        return hit

    def _resolve(self, name: str, sources: tuple[str, ...]) -> str:
        name = normalise(name)
        candidates = [normalise(f"{s}/{name}") for s in sources if s and not is_absolute(name)]
        candidates.append(name)
        for candidate in candidates:
            for rel in self._relative_forms(candidate):
                if rel and not escapes(rel) and not is_absolute(rel) and self._exists(rel):
                    return rel
        # Nothing on disk (the source tree is not checked out here): the best guess
        # is a candidate inside the root, else the path relative to its source root
        # as the report wrote it, else the name itself.
        for candidate in candidates:
            forms = self._relative_forms(candidate)
            if len(forms) == 1 and not is_absolute(forms[0]):
                return forms[0]
        return name

    def _exists(self, rel: str) -> bool:
        if self.files is not None:
            return rel in self.files
        return is_file(self.root / rel)

    def _relative_forms(self, path: str) -> list[str]:
        """The forms of `path` that could be a repository path, most likely first."""
        path = self._remapped(path)
        if not is_absolute(path):
            return [path]
        root = self._root_posix.rstrip("/") + "/"
        if path.startswith(root):
            return [path[len(root) :]]
        # An absolute path from another machine: try its suffixes, longest first
        # (/home/runner/work/repo/repo/app/x.py -> app/x.py; /app/x.py, from a
        # checkout at a container's root, -> app/x.py).
        parts = path.split("/")[1:]
        if _DRIVE.match(path):
            parts = parts[1:] if parts and parts[0] == "" else parts
        forms = ["/".join(parts[i:]) for i in range(len(parts))]
        return [*forms, path]

    def _remapped(self, path: str) -> str:
        for canonical, aliases in self.remap.items():
            for alias in aliases:
                prefix = normalise(alias).rstrip("/") + "/"
                if path.startswith(prefix):
                    return normalise(canonical).rstrip("/") + "/" + path[len(prefix) :]
        return path
