"""Cobertura XML (coverage.py, pytest-cov, gcovr, Istanbul/Jest, coverlet, tarpaulin, ...).

Follows the coverage-04 DTD loosely, as producers do: a `<class filename>` holds
`<lines><line number hits [branch condition-coverage missing-branches]>`.
Lines inside `<methods>` repeat the class's lines and are skipped. A source file
listed several times (several classes, two packages) is merged, never counted
twice. Producers that write no branch data at all give `branches=None`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gate.errors import InputError
from gate.model import FileCoverage, LineBranches
from gate.paths import PathResolver
from gate.readers.xmlstream import iterparse, local_name

_CONDITION = re.compile(r"\(\s*(\d+)\s*/\s*(\d+)\s*\)")


class _FileAcc:
    __slots__ = ("branches", "executed", "statements")

    def __init__(self) -> None:
        self.statements: set[int] = set()
        self.executed: set[int] = set()
        self.branches: dict[int, LineBranches] = {}


def read_cobertura(path: Path, resolver: PathResolver) -> Iterator[FileCoverage]:
    """Yield the coverage of each source file in a Cobertura report."""
    files: dict[str, _FileAcc] = {}
    sources: list[str] = []
    in_method = 0
    current: _FileAcc | None = None
    saw_root = saw_class = False
    has_branch_data = False
    declared_branches = 0.0

    for event, el in iterparse(path, events=("start", "end")):
        tag = local_name(el.tag)
        if event == "start":
            if not saw_root:
                _check_root(path, el, tag)
                saw_root = True
                declared_branches = _number(el.get("branches-valid"))
            elif tag == "class":
                saw_class = True
                name = el.get("filename")
                if not name:
                    raise InputError(f"{path}: <class> without a filename attribute")
                current = files.setdefault(resolver.resolve(name, sources), _FileAcc())
            elif tag == "method":
                in_method += 1
            elif tag == "file":
                raise InputError(
                    f"{path}: SonarQube generic coverage (<coverage><file>), not Cobertura",
                    hint="ask the producer for Cobertura output (e.g. gcovr --cobertura)",
                )
            continue
        # end events
        if tag == "line":
            if current is not None and not in_method:
                has_branch_data |= _add_line(path, el, current)
            el.clear()
        elif tag == "method":
            in_method -= 1
            el.clear()
        elif tag == "class":
            current = None
            el.clear()
        elif tag == "source":
            text = (el.text or "").strip()
            if text and not text.startswith("--"):  # '--source' leaks from CLI args
                sources.append(text)
        elif tag == "package":
            el.clear()

    if not saw_class:
        raise InputError(
            f"{path}: Cobertura report lists no source files; refusing to read it as 0 lines"
        )
    with_branches = has_branch_data or declared_branches > 0
    for file_path, acc in files.items():
        yield FileCoverage(
            path=file_path,
            statements=frozenset(acc.statements),
            executed=frozenset(acc.executed),
            branches=acc.branches if with_branches else None,
        )


def _check_root(path: Path, el: Any, tag: str) -> None:
    if tag != "coverage":
        raise InputError(f"{path}: root element <{tag}>, not a Cobertura <coverage> report")


def _add_line(path: Path, el: Any, acc: _FileAcc) -> bool:
    """Record one <line>; return True when it carries branch data."""
    number = _int(path, el, "number")
    hits = _int(path, el, "hits")
    if number < 1:
        return False  # some producers write line 0 for empty modules; it is not a statement
    acc.statements.add(number)
    if hits > 0:
        acc.executed.add(number)
    if el.get("branch", "").lower() != "true":
        return False
    match = _CONDITION.search(el.get("condition-coverage") or "")
    if match is None:
        return False
    covered, total = int(match[1]), int(match[2])
    if covered > total:
        raise InputError(
            f"{path}: line {number}: condition-coverage {covered}/{total} covers more than all"
        )
    missing = tuple(m for m in (el.get("missing-branches") or "").split(",") if m)
    previous = acc.branches.get(number)
    branches = LineBranches(total, covered, missing)
    acc.branches[number] = branches if previous is None else previous.merged(branches)
    return True


def _int(path: Path, el: Any, attr: str) -> int:
    raw = el.get(attr)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        try:  # a few producers write hits as "1.0"
            as_float = float(raw)
        except (TypeError, ValueError):
            as_float = math.nan
        if not math.isfinite(as_float) or as_float != int(as_float):
            raise InputError(
                f"{path}: <line> {attr}={raw!r} is not a whole number (line {el.sourceline})"
            ) from None
        value = int(as_float)
    if value < 0:
        raise InputError(f"{path}: <line> {attr}={raw!r} is negative (line {el.sourceline})")
    return value


def _number(raw: str | None) -> float:
    try:
        value = float(raw) if raw is not None else 0.0
    except ValueError:
        return 0.0
    return value if math.isfinite(value) else 0.0
