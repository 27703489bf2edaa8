"""What a config will look at, as predicates the readers use to skip the rest.

A 45 MB coverage report and an 85 MB JUnit file hold far more than a gate looks
at: only the files some interaction, `coverage` check or `unmapped` glob claims,
and the tests some evidence pattern or `junit` check selects, are ever used.
Same rules as gate.core.patterns (module_regex, matches_path, matches_test); literal
patterns (most of them) are set or prefix lookups, the globs one combined regex.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from gate.config.schema import Config, CoverageCheck, JunitCheck
from gate.core.model import TestCase
from gate.core.patterns import DOTTED, glob_regex, is_glob, module_regex

PathTest = Callable[[str], bool]
CaseTest = Callable[[str, "str | None"], bool]


def wanted_paths(config: Config) -> PathTest:
    """True for a repository path an interaction, a `coverage` check or
    `unmapped.paths` claims."""
    modules = [m for it in config.interactions for m in it.modules]
    modules += [m for c in config.safety.checks if isinstance(c, CoverageCheck) for m in c.modules]
    return paths_matcher(tuple(modules), tuple(config.unmapped.paths))


def wanted_tests(config: Config) -> CaseTest:
    """True for a test an evidence pattern, a contract test pattern or a `junit`
    check selects."""
    patterns = [p for it in config.interactions for p in (*it.evidence, *it.contract.tests)]
    patterns += [p for c in config.safety.checks if isinstance(c, JunitCheck) for p in c.tests]
    return tests_matcher(tuple(patterns))


class PathSelector:
    """module_regex(m) for any m, or glob_regex(g) for any g, as one test."""

    def __init__(self, modules: Iterable[str], globs: Iterable[str] = ()) -> None:
        self.exact: set[str] = set()
        prefixes: list[str] = []
        regexes = [glob_regex(g.replace("\\", "/").removeprefix("./")).pattern for g in globs]
        for raw in modules:
            pattern = raw.strip().replace("\\", "/").removeprefix("./")
            if DOTTED.match(pattern) and not pattern.endswith(".py"):
                base = pattern.replace(".", "/")
                self.exact.add(base + ".py")
                prefixes.append(base + "/")
            elif is_glob(pattern):
                regexes.append(module_regex(pattern).pattern)
            elif "." not in pattern.rsplit("/", 1)[-1]:
                prefixes.append(pattern.rstrip("/") + "/")
            else:
                self.exact.add(pattern)
        self.prefixes = tuple(prefixes)
        self.regex = _either(regexes) if regexes else None

    def __call__(self, path: str) -> bool:
        return (
            path in self.exact
            or path.startswith(self.prefixes)
            or (self.regex is not None and self.regex.match(path) is not None)
        )

    def pick(self, ordered: Sequence[str]) -> list[str]:
        """The selected paths of a sorted sequence, in its order."""
        if self.regex is not None:
            return [p for p in ordered if self(p)]
        # Literal patterns only: each exact path or prefix is a bisection away.
        found: set[int] = set()
        for path in self.exact:
            i = bisect_left(ordered, path)
            if i < len(ordered) and ordered[i] == path:
                found.add(i)
        for prefix in self.prefixes:
            i = bisect_left(ordered, prefix)
            while i < len(ordered) and ordered[i].startswith(prefix):
                found.add(i)
                i += 1
        return [ordered[i] for i in sorted(found)]


@lru_cache(maxsize=256)
def paths_matcher(modules: tuple[str, ...], globs: tuple[str, ...] = ()) -> PathSelector:
    return PathSelector(modules, globs)


class CaseIndex:
    """Test cases grouped by what literal evidence patterns look up, so that
    selecting an interaction's tests costs its matches, not the whole suite."""

    def __init__(self, cases: Iterable[TestCase]) -> None:
        self.cases = list(cases)
        self.by_head: dict[str, list[int]] = {}
        self.by_subject: dict[str, list[int]] = {}
        for n, case in enumerate(self.cases):
            head = case.nodeid.partition("::")[0]
            self.by_head.setdefault(head, []).append(n)
            subject = case.file if case.file is not None else head
            self.by_subject.setdefault(subject, []).append(n)


class TestSelector:
    """True for a test any of `patterns` selects (gate.core.patterns.matches_test)."""

    __test__ = False

    def __init__(self, patterns: Iterable[str]) -> None:
        self.files: set[str] = set()
        ids: list[str] = []
        file_globs: list[str] = []
        id_globs: list[str] = []
        for pattern in patterns:
            if "::" in pattern:
                (id_globs if is_glob(pattern) else ids).append(pattern)
            else:
                path = pattern.replace("\\", "/").removeprefix("./")
                if is_glob(path):
                    file_globs.append(path)
                else:
                    self.files.add(path)
        # A node-id pattern selects the id itself or any id below it (`::` or `[`
        # next); literal ones are looked up by their file part, globs are one regex.
        self.by_head: dict[str, list[str]] = {}
        for i in ids:
            self.by_head.setdefault(i.partition("::")[0], []).append(i)
        self.has_globs = bool(id_globs or file_globs)
        self.id_regex = _either(
            glob_regex(p).pattern.removesuffix(r"\Z") + r"(?:(?:::|\[)(?s:.*))?\Z" for p in id_globs
        )
        self.file_regex = _either(glob_regex(p).pattern for p in file_globs)

    def __call__(self, nodeid: str, file: str | None) -> bool:
        head = nodeid.partition("::")[0]
        for i in self.by_head.get(head, ()):
            if nodeid == i or nodeid.startswith((i + "::", i + "[")):
                return True
        if self.has_globs and self.id_regex.match(nodeid):
            return True
        subject = file if file is not None else head
        return subject in self.files or (
            self.has_globs and self.file_regex.match(subject) is not None
        )

    def pick(self, index: CaseIndex) -> list[TestCase]:
        """The selected cases, in the index's order."""
        if self.has_globs:
            return [c for c in index.cases if self(c.nodeid, c.file)]
        # Literal patterns only: a selected case has one of their heads or subjects.
        candidates: set[int] = set()
        for head in self.by_head:
            candidates.update(index.by_head.get(head, ()))
        for subject in self.files:
            candidates.update(index.by_subject.get(subject, ()))
        cases = index.cases
        return [cases[n] for n in sorted(candidates) if self(cases[n].nodeid, cases[n].file)]


@lru_cache(maxsize=256)
def tests_matcher(patterns: tuple[str, ...]) -> TestSelector:
    return TestSelector(patterns)


def _either(patterns: Iterable[str]) -> re.Pattern[str]:
    alternatives = [f"(?:{p})" for p in patterns]
    return re.compile("|".join(alternatives) if alternatives else r"(?!)")
