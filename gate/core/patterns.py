"""Config patterns: what a module, evidence or path pattern selects, decided here only.

The kinds are README's ("The config"): a module pattern is a dotted name, a directory
or a path glob; an evidence pattern with `::` selects a node id or any id below it,
without `::` it is a glob over the test's file (or its classname). In globs `**/`
spans zero or more directories, a final `**` everything below, `*` and `?` stay in
one segment, `[` is literal (pytest ids, `pages/[id].tsx`).

Globs are matched without regexes, segment by segment (a `**` segment is a gap of
whole segments, `*` pieces are placed greedily); a `**` inside a segment (`**.py`,
any characters, `/` too) runs as a bit-parallel NFA. Either way the cost is at most
pattern x path, never exponential. Selections look literals up in sets, prefixes and
sorted lists; a glob is tried only on the keys under its literal prefix, and
`CaseIndex` groups the test cases once, so an interaction's tests cost their files.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from enum import Enum
from functools import cached_property, lru_cache, partial
from typing import TypeVar

from gate.core.case_store import CaseStore, Picked
from gate.core.model import TestCase

DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
_ID_BOUNDARY = re.compile(r"(?=::|\[)")  # where an id above another ends (fixed, linear)
MEMO_LIMIT = 1 << 16  # subjects whose file-glob verdict a TestSelector remembers
Group = tuple[tuple[str, ...], ...]  # segment patterns, each split on `*`
Piece = TypeVar("Piece", bound=Sized)


class Kind(Enum):
    """What a pattern is, and so how it matches."""

    DOTTED = "dotted module name"  # the package's files or the module's .py
    DIRECTORY = "directory"  # every path below it
    PATH = "path glob"  # the path itself (a literal path is a glob without wildcards)
    TEST_FILE = "test-file glob"  # the test's file, or its classname
    NODE_ID = "node-id pattern"  # the id itself or any id below it


def clean(pattern: str) -> str:
    """'/' separators, no leading './': the form every path pattern is matched in."""
    return pattern.replace("\\", "/").removeprefix("./")


def is_glob(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def module_kind(pattern: str) -> tuple[Kind, str]:
    """A module pattern's kind and its cleaned form (dotted names stay dotted)."""
    path = clean(pattern.strip())
    if DOTTED.match(path) and not path.endswith(".py"):
        return Kind.DOTTED, path
    if not is_glob(path) and "." not in path.rsplit("/", 1)[-1]:
        return Kind.DIRECTORY, path.rstrip("/")
    return Kind.PATH, path


def evidence_kind(pattern: str) -> tuple[Kind, str]:
    """An evidence pattern's kind and its matched form (node ids are taken as written)."""
    if "::" in pattern:
        return Kind.NODE_ID, pattern
    return Kind.TEST_FILE, clean(pattern)


def matches_path(pattern: str, path: str) -> bool:
    """Path glob (unmapped.paths, evidence files, safety `files`)."""
    return glob(clean(pattern))(path)


def matches_module(pattern: str, path: str) -> bool:
    return paths_matcher((pattern,))(path)


def matches_test(pattern: str, nodeid: str, file: str | None) -> bool:
    """Does an evidence pattern select this test?"""
    return tests_matcher((pattern,))(nodeid, file)


# --------------------------------------------------------------------------- globs


class Glob:
    """One '/'-separated glob, compiled. `prefix` is its literal start (every match
    starts with it); `base` is that prefix up to its last '/'."""

    __slots__ = ("_groups", "_nfa", "base", "literal", "prefix", "under")

    def __init__(self, pattern: str) -> None:
        wild = min((i for i in (pattern.find("*"), pattern.find("?")) if i >= 0), default=-1)
        self.literal = pattern if wild < 0 else None
        self.prefix = pattern if wild < 0 else pattern[:wild]
        self.base = self.prefix[: self.prefix.rfind("/") + 1]
        # `dir/**` (the only wildcard a final `**`): every path below, a prefix test.
        self.under = self.prefix if pattern == self.base + "**" else None
        self._groups: tuple[Group, ...] = ()
        self._nfa: _Nfa | None = None
        segments = pattern.split("/")
        if any("**" in s and s != "**" for s in segments):
            self._nfa = _Nfa(pattern)
            return
        if segments[-1] == "**":  # a final `**` is one segment or more: `**/*`
            segments.append("*")
        groups: list[Group] = [()]
        for segment in segments:
            if segment == "**":
                groups.append(())
            else:
                groups[-1] += (tuple(segment.split("*")),)
        self._groups = tuple(groups)

    def __call__(self, path: str) -> bool:
        if self.literal is not None:
            return path == self.literal
        if not path.startswith(self.prefix):
            return False
        if self.under is not None:
            return True
        if self._nfa is not None:
            return self._nfa.matches(path)
        return _segments_match(self._groups, path.split("/"))


@lru_cache(maxsize=1024)
def glob(pattern: str) -> Glob:
    return Glob(pattern)


def _stars_match(
    pieces: Sequence[Piece],
    size: int,
    fits: Callable[[Piece, int], bool],
    find: Callable[[Piece, int, int], int],
) -> bool:
    """Pieces with a star between each two, over `size` units (characters of a
    segment, or segments of a path): the first piece at the start, the last at the
    end, the others leftmost in between. The leftmost fit never loses a match, so
    each piece is looked for once: len(pieces) x size tries at most, however many stars.
    """
    first, last = pieces[0], pieces[-1]
    if len(pieces) == 1:
        return len(first) == size and fits(first, 0)
    end = size - len(last)
    if end < len(first) or not fits(first, 0) or not fits(last, end):
        return False
    at = len(first)
    for piece in pieces[1:-1]:
        at = find(piece, at, end)
        if at < 0:
            return False
        at += len(piece)
    return True


def _segments_match(groups: tuple[Group, ...], parts: list[str]) -> bool:
    """Groups of segment patterns with a `**` (any number of segments) between each two."""
    return _stars_match(groups, len(parts), partial(_run_fits, parts), partial(_run_find, parts))


def _run_fits(parts: list[str], group: Group, at: int) -> bool:
    return all(_segment_match(p, parts[at + i]) for i, p in enumerate(group))


def _run_find(parts: list[str], group: Group, start: int, end: int) -> int:
    fit = (at for at in range(start, end - len(group) + 1) if _run_fits(parts, group, at))
    return next(fit, -1)


def _segment_match(pieces: tuple[str, ...], name: str) -> bool:
    """One segment: `pieces` is its pattern split on `*`; `?` is any one character."""
    return _stars_match(pieces, len(name), partial(_fits, name), partial(_find, name))


def _fits(name: str, piece: str, at: int) -> bool:
    if "?" not in piece:
        return name.startswith(piece, at)
    if at + len(piece) > len(name):
        return False
    return all(c == "?" or c == name[at + i] for i, c in enumerate(piece))


def _find(name: str, piece: str, start: int, end: int) -> int:
    """The leftmost place of `piece` in name[start:end], or -1."""
    if "?" not in piece:
        return name.find(piece, start, end)
    fit = (at for at in range(start, end - len(piece) + 1) if _fits(name, piece, at))
    return next(fit, -1)


class _Nfa:
    """A glob with `**` inside a segment, as a bit-parallel NFA (bit i: before token i).

    Tokens as the shell reads them left to right: `**/` (zero or more directories:
    an entry that may skip, then a body that ends at a `/`), `**` (anything), `*`
    (anything but `/`), `?` (one character but `/`), any other character itself.
    """

    def __init__(self, pattern: str) -> None:
        lits: dict[str, int] = {}
        one = star = anything = body = skip1 = skip2 = 0
        i = n = 0
        while i < len(pattern):
            bit = 1 << n
            if pattern.startswith("**/", i):  # an entry (to the body or past it), a body
                skip1, skip2, body = skip1 | bit, skip2 | bit, body | bit << 1
                n, i = n + 2, i + 3
                continue
            if pattern.startswith("**", i):
                anything, skip1, i = anything | bit, skip1 | bit, i + 2
            elif pattern[i] == "*":
                star, skip1, i = star | bit, skip1 | bit, i + 1
            elif pattern[i] == "?":
                one, i = one | bit, i + 1
            else:
                lits[pattern[i]] = lits.get(pattern[i], 0) | bit
                i += 1
            n += 1
        self.lits, self.one, self.body, self.accept = lits, one, body, 1 << n
        self.stay_any, self.stay_name = anything | body, anything | body | star
        self.skip1, self.skip2 = skip1, skip2

    def _closure(self, states: int) -> int:
        while True:
            more = states | ((states & self.skip1) << 1) | ((states & self.skip2) << 2)
            if more == states:
                return states
            states = more

    def matches(self, path: str) -> bool:
        states = self._closure(1)
        for c in path:
            slash = c == "/"
            step = self.lits.get(c, 0) | (self.body if slash else self.one)
            stay = self.stay_any if slash else self.stay_name
            states = ((states & step) << 1) | (states & stay)
            if not states:
                return False
            states = self._closure(states)
        return bool(states & self.accept)


class IdGlob:
    """A node-id glob: the id itself or any id below it (`::` or `[` next)."""

    __slots__ = ("base", "glob", "head", "prefix")

    def __init__(self, pattern: str) -> None:
        self.glob = glob(pattern)
        self.prefix, self.base = self.glob.prefix, self.glob.base
        head = pattern.partition("::")[0]
        self.head = None if is_glob(head) else head  # the file part, when literal

    def __call__(self, nodeid: str) -> bool:
        if not nodeid.startswith(self.prefix):
            return False
        above = [m.start() for m in _ID_BOUNDARY.finditer(nodeid, len(self.prefix))]
        return any(self.glob(nodeid[:end]) for end in [*above, len(nodeid)])


def below_id(pattern: str, nodeid: str) -> bool:
    """A literal node-id pattern: the id itself or an id below it."""
    return nodeid == pattern or nodeid.startswith((pattern + "::", pattern + "["))


class GlobSet:
    """Globs by their literal directory: a key meets only the globs of its directories."""

    def __init__(self, globs: Iterable[Glob | IdGlob]) -> None:
        self.globs = list(globs)
        self.by_base: dict[str, list[Glob | IdGlob]] = {}
        for g in self.globs:
            self.by_base.setdefault(g.base, []).append(g)

    def any(self, key: str) -> bool:
        at = 0
        while at >= 0:
            if any(g(key) for g in self.by_base.get(key[:at], ())):
                return True
            at = key.find("/", at) + 1 or -1
        return False

    def select(self, ordered: Sequence[str]) -> Iterator[int]:
        """Indices of the sorted keys some glob matches, each tried under its prefix only."""
        for g in self.globs:
            yield from (at for at in _under(ordered, g.prefix) if g(ordered[at]))


def _under(ordered: Sequence[str], prefix: str) -> Iterator[int]:
    """The indices of the sorted keys that start with `prefix`, a bisection away."""
    at = bisect_left(ordered, prefix)
    while at < len(ordered) and ordered[at].startswith(prefix):
        yield at
        at += 1


# --------------------------------------------------------------------------- selections


class PathSelector:
    """True for a path any of the module patterns or path globs selects."""

    def __init__(self, modules: Iterable[str], globs: Iterable[str] = ()) -> None:
        self.exact: set[str] = set()
        prefixes: list[str] = []
        wild: list[Glob] = []
        for raw in modules:
            kind, path = module_kind(raw)
            if kind is Kind.DOTTED:
                base = path.replace(".", "/")
                self.exact.add(base + ".py")
                prefixes.append(base + "/")
            elif kind is Kind.DIRECTORY:
                prefixes.append(path + "/")
            else:
                wild.append(glob(path))
        wild += [glob(clean(p)) for p in globs]
        for g in wild:
            if g.literal is not None:
                self.exact.add(g.literal)
            elif g.under is not None:
                prefixes.append(g.under)
        self.prefixes = tuple(prefixes)
        self.globs = GlobSet(g for g in wild if g.literal is None and g.under is None)

    def __call__(self, path: str) -> bool:
        hit = path in self.exact or path.startswith(self.prefixes)
        return hit or (bool(self.globs.globs) and self.globs.any(path))

    def pick(self, ordered: Sequence[str]) -> list[str]:
        """The selected paths of a sorted sequence, in its order, each found by bisection."""
        found: set[int] = set(self.globs.select(ordered))
        for path in self.exact:
            at = bisect_left(ordered, path)
            if at < len(ordered) and ordered[at] == path:
                found.add(at)
        for prefix in self.prefixes:
            found.update(_under(ordered, prefix))
        return [ordered[at] for at in sorted(found)]


@lru_cache(maxsize=256)
def paths_matcher(modules: tuple[str, ...], globs: tuple[str, ...] = ()) -> PathSelector:
    return PathSelector(modules, globs)


class CaseIndex:
    """Test cases grouped once by what evidence patterns look up (file or classname; id's
    file part, sorted ids), so an interaction's tests cost the groups it touches."""

    def __init__(self, cases: CaseStore | Iterable[TestCase]) -> None:
        self.store = cases if isinstance(cases, CaseStore) else CaseStore.of(cases)
        self.by_subject: dict[str, array[int]] = {}  # case numbers: 4 bytes, not an int
        for subject, numbers in self.store.by_subject():
            self.by_subject.setdefault(subject, array("I")).extend(numbers)
        self.subjects = sorted(self.by_subject)

    @cached_property
    def by_head(self) -> dict[str, array[int]]:  # built for literal node-id patterns only
        heads: dict[str, array[int]] = {}
        for n in self.store.numbers():
            heads.setdefault(self.store.head(n), array("I")).append(n)
        return heads

    @cached_property
    def ids(self) -> tuple[list[str], list[int]]:
        order = sorted(self.store.numbers(), key=self.store.nodeid)  # and their cases
        return [self.store.nodeid(n) for n in order], order

    def candidates(self, g: IdGlob) -> Iterable[int]:
        """The cases a node-id glob may select: those of its file when its file part
        is literal, else those whose id starts with its literal prefix."""
        if g.head is not None:
            return self.by_head.get(g.head, ())
        keys, order = self.ids
        return [order[at] for at in _under(keys, g.prefix)]


class TestSelector:
    """True for a test any of the evidence patterns selects."""

    __test__ = False

    def __init__(self, patterns: Iterable[str]) -> None:
        self.files: set[str] = set()
        self.ids: dict[str, list[str]] = {}  # literal node ids by their file part
        file_globs: list[Glob] = []
        id_globs: list[IdGlob] = []
        for pattern in patterns:
            kind, form = evidence_kind(pattern)
            if kind is Kind.NODE_ID and is_glob(form):
                id_globs.append(IdGlob(form))
            elif kind is Kind.NODE_ID:
                self.ids.setdefault(form.partition("::")[0], []).append(form)
            elif is_glob(form):
                file_globs.append(glob(form))
            else:
                self.files.add(form)
        self.file_globs = GlobSet(file_globs)
        self.id_globs = GlobSet(id_globs)
        self._id_globs = id_globs
        self._by_id = bool(self.ids or id_globs)
        self.by_subject = not self._by_id  # only the test's file (or id's file part) decides
        self._memo: dict[str, bool] = {}  # subject -> a file pattern selects it

    def __call__(self, nodeid: str, file: str | None) -> bool:
        subject = file
        if subject is None or self._by_id:
            head = nodeid.partition("::")[0]
            ids = self.ids.get(head)
            if ids is not None and any(below_id(i, nodeid) for i in ids):
                return True
            if self._id_globs and self.id_globs.any(nodeid):
                return True
            subject = file if file is not None else head
        known = self._memo.get(subject)
        if known is None:
            known = subject in self.files or self.file_globs.any(subject)
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[subject] = known
        return known

    def pick(self, index: CaseIndex) -> Picked:
        """The selected cases, in the index's order."""
        store = index.store
        found: set[int] = set()
        for head, ids in self.ids.items():
            for n in index.by_head.get(head, ()):
                if any(below_id(i, store.nodeid(n)) for i in ids):
                    found.add(n)
        for subject in self.files:
            found.update(index.by_subject.get(subject, ()))
        for at in self.file_globs.select(index.subjects):
            found.update(index.by_subject[index.subjects[at]])
        for g in self._id_globs:
            found.update(n for n in index.candidates(g) if g(store.nodeid(n)))
        return Picked(store, sorted(found))


@lru_cache(maxsize=256)
def tests_matcher(patterns: tuple[str, ...]) -> TestSelector:
    return TestSelector(patterns)
