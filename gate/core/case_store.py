"""Every test case of a run, by identity, in little memory.

A run of 200,000 tests keeps each of them (evidence patterns, `junit` safety checks
and reruns across files need them all), and as objects they cost about 220 bytes
each: a node-id string, a `TestCase` record and a dictionary slot. Here a case is a
number. Its node id is its group's prefix (the id up to the last `::`, shared by a
class's tests) and its own name, kept in one text with the other names; its outcome
is a byte. Only cases that carry more (a message, a duration, a failure text,
captured output) keep their `TestCase`. A plain case costs its name's characters
and 9 bytes, and becomes a `TestCase` again when someone asks for it.

The merge rule of `read_tests` lives here too: one case per identity, the last
outcome wins, and within one report a repeated identity is a second test, told apart
as `id #2`, `id #3`, ...
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, ItemsView, Iterable, Iterator, Mapping, Sequence, ValuesView
from itertools import accumulate, compress, count, islice
from operator import eq
from typing import overload

from gate.core.model import Outcome, TestCase

_OUTCOMES = tuple(Outcome)
CODE = {outcome: code for code, outcome in enumerate(_OUTCOMES)}  # an outcome's byte
_GONE = 255  # replaced by a later report's outcome of the same test
_CHUNK = 4096  # names joined into one string at a time: no str object per name


def _repeats(hashes: array[int]) -> bool:
    """Does any value occur twice? Sorted in C, the negative values and the others
    apart: an int object each for a moment, for half of them (a set of them all
    would take four times the memory)."""
    return any(_adjacent(sorted(filter(half, hashes))) for half in ((0).__gt__, (0).__le__))


def _adjacent(values: list[int]) -> bool:
    return any(map(eq, values, islice(values, 1, None)))


class CaseStore(Mapping[str, TestCase]):
    """Test cases by node id, in the order they were added (a replaced case's
    successor takes its place at the end). Add with `add`, then `seal` once."""

    def __init__(self, *, merge: bool = True) -> None:
        self._merging = merge  # one case per identity (see seal)
        self._groups: list[tuple[str, str | None, str]] = []  # (id prefix, file, report)
        self._group_at: dict[tuple[str, str | None, str], int] = {}
        self._group = array("I")  # each case's group
        self._chunks: list[str] = []  # names, _CHUNK cases' to a string
        self._pending: list[str] = []
        self._ends = array("I")  # where each case's name ends in its chunk
        self._state = bytearray()  # each case's outcome code, or _GONE
        self._full: dict[int, TestCase] = {}  # the case itself when it carries more
        self._hashes = array("q")  # of each node id, until sealed
        self._new_groups: list[int] = []  # the cases added since the last chunk
        self._new_ids: list[str] = []
        self._new_codes: list[int] = []
        self._sealed = False
        self._flushed = 0  # cases stored; the gathered ones are in _pending
        self._add = self.adder()
        self._keys: dict[int, str] = {}  # a repeat's key, `id #2`, when not its id
        self._live = 0  # set by seal
        self._lookup: dict[str, int] | None = None

    @classmethod
    def of(cls, cases: Iterable[TestCase]) -> CaseStore:
        """The cases as given, in order, each kept (no merging by identity)."""
        store = cls(merge=False)
        for case in cases:
            store.add(case)
        store.seal()
        return store

    def add(self, case: TestCase) -> None:
        """Any case: one that carries more than its identity and outcome is kept whole."""
        if self._sealed:
            raise RuntimeError("CaseStore.add after seal")
        nodeid = case.nodeid
        cut = nodeid.rfind("::") + 2 if "::" in nodeid else 0
        group = self.group(nodeid[:cut], case.file, case.report)
        self._add(group, nodeid[cut:], nodeid, CODE[case.outcome])
        if case.message or case.duration is not None or case.details or case.output:
            self._full[self._flushed + len(self._pending) - 1] = case

    def group(self, prefix: str, file: str | None, report: str) -> int:
        """The number of the cases' group whose ids start with `prefix` (up to a `::`
        or empty), in `file` (or none), from `report`: for `adder`."""
        key = (prefix, file, report)
        group = self._group_at.setdefault(key, len(self._groups))
        if group == len(self._groups):
            self._groups.append(key)
        return group

    def adder(self) -> Callable[[int, str, str, int], None]:
        """`add(group, name, node id, outcome code)` for a reader's plain cases (no
        message, no details): a few appends a case, cheap enough for 200,000."""
        if self._sealed:
            raise RuntimeError("CaseStore.adder after seal")
        groups, names = self._new_groups.append, self._pending.append
        ids, codes = self._new_ids.append, self._new_codes.append
        pending, flush = self._pending, self._flush

        def add(group: int, name: str, nodeid: str, code: int) -> None:
            groups(group)
            names(name)
            ids(nodeid)
            codes(code)
            if len(pending) == _CHUNK:
                flush()

        return add

    def _flush(self) -> None:
        """Store the cases gathered, with C loops: a chunk of names becomes one string."""
        names = self._pending
        self._flushed += len(names)
        self._group.extend(self._new_groups)
        self._state.extend(self._new_codes)
        self._ends.extend(accumulate(map(len, names)))
        self._chunks.append("".join(names))
        if self._merging:
            self._hashes.extend(map(hash, self._new_ids))
        for new in (names, self._new_groups, self._new_ids, self._new_codes):
            new.clear()

    def seal(self) -> None:
        """Done adding: apply the merge rule to repeated identities, if merging."""
        if self._sealed:
            return
        self._flush()
        self._sealed = True
        hashes, self._hashes = self._hashes, array("q")
        self._live = len(self._state)
        if self._merging and _repeats(hashes):  # the usual run repeats no identity
            self._merge(hashes)

    def _merge(self, hashes: array[int]) -> None:
        """The rule on the cases whose identity hash is shared (by a repeat, or by
        chance): a dictionary by node id, as if every case went through one. A key a
        repeat is given (`id #2`) may be another test's id: that test takes part too."""
        taking_part = {h for h, seen in Counter(hashes).items() if seen > 1}
        while True:
            gone, keys = self._replay([n for n, h in enumerate(hashes) if h in taking_part])
            more = {hash(key) for key in keys.values()} - taking_part
            if not more:
                break
            taking_part |= more
        for n in gone:
            self._state[n] = _GONE
        self._live -= len(gone)
        self._keys = keys

    def _replay(self, involved: list[int]) -> tuple[list[int], dict[int, str]]:
        """The cases a dictionary by node id drops, and the keys of the repeats."""
        kept: dict[str, int] = {}
        repeats: dict[str, int] = {}
        gone: list[int] = []
        keys: dict[int, str] = {}
        report = None
        for n in involved:
            key = self.nodeid(n)
            if self.report(n) != report:
                report, repeats = self.report(n), {}  # repeats count within one report
            earlier = kept.get(key)
            if earlier is not None:
                if self.report(earlier) == report:
                    repeats[key] = repeats.get(key, 1) + 1
                    key = keys[n] = f"{key} #{repeats[key]}"
                dropped = kept.pop(key, None)
                if dropped is not None:
                    gone.append(dropped)
            kept[key] = n
        return gone, keys

    # ------------------------------------------------------------------ one case

    def numbers(self) -> Iterator[int]:
        """The numbers of the cases kept, in order."""
        state = self._state
        return (n for n in range(len(state)) if state[n] != _GONE)

    def _name(self, n: int) -> str:
        start = self._ends[n - 1] if n % _CHUNK else 0
        return self._chunks[n // _CHUNK][start : self._ends[n]]

    def by_subject(self) -> Iterator[tuple[str, array[int]]]:
        """The cases kept by subject (their file, else their node id's file part),
        in order within each; a subject may come more than once."""
        groups: list[array[int]] = [array("I") for _ in self._groups]
        for n in compress(count(), map(_GONE.__ne__, self._state)):
            groups[self._group[n]].append(n)
        for (prefix, file, _), numbers in zip(self._groups, groups, strict=True):
            if file is not None or "::" in prefix:
                yield (file if file is not None else prefix.partition("::")[0]), numbers
            else:  # ids without `::`: each case's own
                yield from ((self.head(n), array("I", [n])) for n in numbers)

    def nodeid(self, n: int) -> str:
        return self._groups[self._group[n]][0] + self._name(n)

    def key(self, n: int) -> str:
        """The case's key in the mapping: its node id, or `id #k` for a repeat."""
        return self._keys.get(n) or self.nodeid(n)

    def report(self, n: int) -> str:
        return self._groups[self._group[n]][2]

    def head(self, n: int) -> str:
        """The node id's file part (before its first `::`)."""
        prefix = self._groups[self._group[n]][0]
        head, cut, _ = prefix.partition("::")
        return head if cut else self.nodeid(n).partition("::")[0]

    def case(self, n: int) -> TestCase:
        full = self._full.get(n)
        if full is not None:
            return full
        prefix, file, report = self._groups[self._group[n]]
        return TestCase(prefix + self._name(n), file, _OUTCOMES[self._state[n]], "", report)

    # ------------------------------------------------------------------ the mapping

    def __len__(self) -> int:
        return self._live

    def __iter__(self) -> Iterator[str]:
        return (self.key(n) for n in self.numbers())

    def __getitem__(self, key: str) -> TestCase:
        if self._lookup is None:  # built on first use: the evidence package, tests
            self._lookup = {self.key(n): n for n in self.numbers()}
        return self.case(self._lookup[key])

    def values(self) -> ValuesView[TestCase]:
        return _Values(self)

    def items(self) -> ItemsView[str, TestCase]:
        return _Items(self)


class _Values(ValuesView[TestCase]):
    _mapping: CaseStore

    def __iter__(self) -> Iterator[TestCase]:
        store = self._mapping
        return (store.case(n) for n in store.numbers())


class _Items(ItemsView[str, TestCase]):
    _mapping: CaseStore

    def __iter__(self) -> Iterator[tuple[str, TestCase]]:
        store = self._mapping
        return ((store.key(n), store.case(n)) for n in store.numbers())


class Picked(Sequence[TestCase]):
    """Cases a selection picked, in the store's order: numbers into the store, each
    made a `TestCase` only when read. Their outcomes and ids are read without that
    (an interaction's 4,000 passing tests are counted, not built)."""

    __slots__ = ("_numbers", "_store")

    def __init__(self, store: CaseStore, numbers: list[int]) -> None:
        self._store, self._numbers = store, numbers

    def __len__(self) -> int:
        return len(self._numbers)

    @overload
    def __getitem__(self, at: int) -> TestCase: ...
    @overload
    def __getitem__(self, at: slice) -> Picked: ...
    def __getitem__(self, at: int | slice) -> TestCase | Picked:
        if isinstance(at, slice):
            return Picked(self._store, self._numbers[at])
        return self._store.case(self._numbers[at])

    def __iter__(self) -> Iterator[TestCase]:
        return map(self._store.case, self._numbers)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # equal to a list: unhashable as one

    def outcomes(self) -> Iterator[Outcome]:
        return map(_OUTCOMES.__getitem__, map(self._store._state.__getitem__, self._numbers))

    def nodeid(self, at: int) -> str:
        return self._store.nodeid(self._numbers[at])

    @property
    def nodeids(self) -> Sequence[str]:
        return _Ids(self)


class _Ids(Sequence[str]):
    """The node ids of picked cases, each built when read."""

    __slots__ = ("_picked",)

    def __init__(self, picked: Picked) -> None:
        self._picked = picked

    def __len__(self) -> int:
        return len(self._picked)

    @overload
    def __getitem__(self, at: int) -> str: ...
    @overload
    def __getitem__(self, at: slice) -> list[str]: ...
    def __getitem__(self, at: int | slice) -> str | list[str]:
        if isinstance(at, slice):
            return [self._picked.nodeid(i) for i in range(len(self))[at]]
        return self._picked.nodeid(at)


def outcomes(cases: Sequence[TestCase]) -> Iterator[Outcome]:
    """Each case's outcome, without building the cases a `Picked` holds."""
    return cases.outcomes() if isinstance(cases, Picked) else (c.outcome for c in cases)
