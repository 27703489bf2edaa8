"""Which tests prove each proposed interaction, for `init`, best first.

1. Per-test coverage (`gate.scaffold.ran_by`): the tests that ran the
   interaction's function bodies, when a `.coverage` with contexts is present.
2. Otherwise, test files named after it in the usual conventions
   (`test_<name>.py`, `test_plugin_<name>.py`, `<name>_test.py`, a `tests/<name>/`
   folder; `--tests` replaces them with one template), and test files that import
   its modules (unless they import many interactions: those test the whole).

Pure: paths and `SourceFacts` in, evidence patterns out.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Iterable, Mapping, Sequence

from gate.core.patterns import is_glob, matches_path
from gate.scaffold.discover import TEST_DIRS, Unit, test_subject
from gate.scaffold.sources import SourceFacts

EVIDENCE_LIMIT = 20  # patterns proposed per interaction; more is a hint it is too broad
IMPORTS_MANY = 3  # a test file importing this many interactions tests the whole
_PREFIXES = ("plugin_", "plugins_")  # `test_plugin_slack.py` is named after `slack`


def names_of(unit: Unit) -> list[str]:
    """The names a test may be called after: the unit's name, and its file's stem
    when that differs (`alert_client.py`: `alert`, `alert_client`)."""
    stem = posixpath.basename(unit.path.rstrip("/")).removesuffix(".py")
    return sorted({unit.name, stem})


def by_name(unit: Unit, tests: Sequence[str]) -> list[str]:
    """Test files named after the unit, `s` for a plural allowed, on a word
    boundary (`alert` -> `test_alerts.py`, `test_alert_rules.py`, not
    `test_alerting.py`), and test folders named after it (`tests/email/**`)."""
    names = names_of(unit)
    pattern = re.compile(rf"^(?:{'|'.join(map(re.escape, names))})s?(?:_|$)")
    folders = sorted({f for t in tests if (f := _named_folder(t, names)) is not None})
    files = [t for t in tests if pattern.match(_subject(t)) and not _under(t, folders)]
    return [*(f"{f}/**" for f in folders), *files]


def _subject(test_path: str) -> str:
    subject = test_subject(test_path)
    for prefix in _PREFIXES:
        if subject.startswith(prefix) and len(subject) > len(prefix):
            return subject[len(prefix) :]
    return subject


def _named_folder(test_path: str, names: Collection[str]) -> str | None:
    """The folder below a test folder named after the unit, holding `test_path`."""
    parts = test_path.split("/")[:-1]
    for depth, part in enumerate(parts):
        if part in names and any(p in TEST_DIRS for p in parts[:depth]):
            return "/".join(parts[: depth + 1])
    return None


def _under(path: str, folders: Iterable[str]) -> bool:
    return any(path.startswith(f + "/") for f in folders)


def by_template(unit: Unit, template: str, files: Collection[str]) -> list[str]:
    """`--tests tests/test_plugin_{name}.py` for the unit, when it names a file
    (or, as a glob, matches one)."""
    out: list[str] = []
    for name in names_of(unit):
        pattern = template.replace("{name}", name).removeprefix("./")
        if pattern in files or (is_glob(pattern) and any(matches_path(pattern, f) for f in files)):
            out.append(pattern)
    return out


def by_imports(
    units: Sequence[Unit],
    module_names: Mapping[str, Sequence[str]],
    tests: Mapping[str, SourceFacts],
) -> dict[str, list[str]]:
    """{unit path: test files importing one of its modules}, leaving out test
    files that import IMPORTS_MANY interactions or more.

    `module_names` gives each unit path's dotted names (a package's and every
    module's in it)."""
    importers: dict[str, list[str]] = {u.path: [] for u in units}
    for test, facts in sorted(tests.items()):
        hits = [u.path for u in units if _imports_any(facts.imports, module_names[u.path])]
        if len(hits) >= IMPORTS_MANY:
            continue
        for path in hits:
            importers[path].append(test)
    return importers


def _imports_any(imported: Sequence[str], names: Sequence[str]) -> bool:
    return any(i == n or i.startswith(n + ".") for i in imported for n in names)


def combined(*lists: Iterable[str]) -> tuple[str, ...]:
    """The patterns of several sources, in order, each once, at most EVIDENCE_LIMIT."""
    out: dict[str, None] = {}
    for patterns in lists:
        out.update(dict.fromkeys(patterns))
    return tuple(list(out)[:EVIDENCE_LIMIT])
