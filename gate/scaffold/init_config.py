"""`signal-gate init`: a commented signal-gate.yml proposed from the repository itself.

Reads top to bottom in the order the data flows: the repository's files, what
each Python source imports and calls (parsed, never imported; bounded), the
interactions that makes (`gate.scaffold.discover`), the tests that prove each
(`gate.scaffold.evidence`), the YAML (`gate.scaffold.config_text`), validated
by the config loader before anyone sees it, and a summary of how each was found.
Only `scaffold`, `read_sources`, `existing_config` and `write_new` touch the disk.
"""

from __future__ import annotations

import os
import posixpath
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

import yaml

from gate import CONFIG_SCHEMA_URL
from gate.check import scan_repo
from gate.config.load import config_from_data, find_config
from gate.config.schema import Direction
from gate.core.model import ContextIndex
from gate.core.paths import PathResolver
from gate.core.patterns import matches_path
from gate.errors import ConfigError, InputError, UsageError
from gate.records import Record
from gate.scaffold.config_text import (
    Interaction,
    Proposal,
    humanise,
    kebab,
    render_config,
    unique_id,
)
from gate.scaffold.discover import Discovery, Unit, discover, is_test_file, sources_of
from gate.scaffold.evidence import by_imports, by_name, by_template, combined
from gate.scaffold.ran_by import ran_by
from gate.scaffold.sources import SourceFacts, module_names, source_facts
from gate.scaffold.summary import summary_lines
from gate.text import plural

MAX_PYTHON_FILES = 20_000  # parsed per run: sources and tests together
MAX_FILE_BYTES = 1024 * 1024  # a larger .py file is generated, not a client anyone wrote
MAX_TOTAL_BYTES = 256 * 1024 * 1024
NOTES_SHOWN = 5  # skipped files named, then "and N more"
# Where the parser gives up on hostile or broken input (deep nesting, NUL bytes).
_PARSE_ERRORS = (SyntaxError, ValueError, RecursionError, MemoryError)


class Hints(Record, frozen=True):
    """What the user tells init when the layout is unusual."""

    modules: tuple[str, ...] = ()  # globs: one interaction per matching module or package
    tests: str | None = None  # a test-file template with `{name}`: tests/test_plugin_{name}.py


class Scaffold(Record, frozen=True):
    """What init proposes, as values, as config text, and as a summary for stderr."""

    proposal: Proposal
    discovery: Discovery
    text: str
    summary: tuple[str, ...]


def scaffold(root: Path, hints: Hints | None = None) -> Scaffold:
    """Look at the repository under `root` and propose a validated config, its
    first line naming the config schema for editors."""
    hints = hints or Hints()
    files = frozenset(f for f in scan_repo(root) if f.isprintable())  # a newline ends a comment
    wanted = [*sources_of(files), *sorted(f for f in files if is_test_file(f))]
    facts, skipped = read_sources(root, wanted)
    found = discover(files, facts, hints.modules)
    index, coverage_note = contexts_index(root, files, [f for u in found.units for f in u.files])
    ran = None if index is None else ran_by(found.units, index, _bodies(facts))
    proposal = propose(project_title(root), found, files, facts, hints.tests, ran)
    text = render_config(proposal, CONFIG_SCHEMA_URL)
    config_from_data(yaml.safe_load(text), "the scaffolded config")  # init never proposes junk
    summary = summary_lines(proposal, found, [*skip_notes(skipped), *coverage_note])
    return Scaffold(proposal, found, text, tuple(summary))


def read_sources(root: Path, paths: Sequence[str]) -> tuple[dict[str, SourceFacts], list[str]]:
    """The facts of each Python file in `paths` (repository-relative), and each
    one skipped with why: too large, not a regular file inside the root, not
    parseable; past MAX_PYTHON_FILES or MAX_TOTAL_BYTES the rest are left unread."""
    packages = frozenset(posixpath.dirname(p) for p in paths if p.endswith("/__init__.py"))
    base = root.resolve()
    facts: dict[str, SourceFacts] = {}
    skipped: list[str] = []
    total = 0
    for count, rel in enumerate(paths):
        if count >= MAX_PYTHON_FILES or total >= MAX_TOTAL_BYTES:
            skipped.append(f"{len(paths) - count} more Python files left unread (bounds)")
            break
        path = base / rel
        try:
            if not path.resolve().is_relative_to(base) or not path.is_file():
                skipped.append(f"{rel} (not a regular file inside the repository)")
                continue
            with path.open("rb") as handle:
                source = handle.read(MAX_FILE_BYTES + 1)  # a file still growing stays bounded
            if len(source) > MAX_FILE_BYTES:
                skipped.append(f"{rel} (over {MAX_FILE_BYTES // 1024 // 1024} MiB)")
                continue
            total += len(source)
        except OSError as exc:
            skipped.append(f"{rel} (cannot read: {exc.strerror or exc})")
            continue
        try:
            name = next(iter(module_names(rel, packages)), "")
            facts[rel] = source_facts(source, name, package=rel.endswith("__init__.py"))
        except _PARSE_ERRORS as exc:
            skipped.append(f"{rel} (does not parse: {_parse_problem(exc)})")
    return facts, skipped


def contexts_index(
    root: Path, files: Collection[str], wanted: Collection[str]
) -> tuple[ContextIndex | None, list[str]]:
    """The per-test coverage of a `.coverage` (or `.coverage.*` shards) under the
    root, when there is one with test contexts; else None, with a note saying why
    when a data file was there but could not serve."""
    names = (
        [".coverage"]
        if ".coverage" in files
        else sorted(f for f in files if f.startswith(".coverage.") and "/" not in f)
    )
    if not names or not wanted:
        return None, []
    # Imports coverage.py (~80 ms): only when a data file is there.
    from gate.readers.coverage_data import read_coverage_data

    try:
        resolver = PathResolver(root, files=frozenset(files))
        data = read_coverage_data(
            [root / n for n in names], resolver, keep=set(wanted).__contains__
        )
    except InputError as exc:
        return None, [f"{names[0]} not used for evidence: {exc.message}"]
    if not data.contexts.has_test_contexts:
        return None, [
            f"{names[0]} has no per-test contexts, so evidence comes from test names "
            "(record them with pytest --cov-context=test)"
        ]
    return data.contexts, []


def _bodies(facts: Mapping[str, SourceFacts]) -> dict[str, tuple[int, ...]]:
    return {path: f.body_lines for path, f in facts.items()}


def _parse_problem(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        return f"{exc.msg}, line {exc.lineno}" if exc.lineno else str(exc.msg)
    return type(exc).__name__ if isinstance(exc, RecursionError | MemoryError) else str(exc)


def skip_notes(skipped: Sequence[str]) -> list[str]:
    """One line for the summary: how many files were skipped, the first few named."""
    if not skipped:
        return []
    shown = "; ".join(skipped[:NOTES_SHOWN])
    more = len(skipped) - NOTES_SHOWN
    n = len(skipped)
    tail = f"; and {more} more" if more > 0 else ""
    return [f"skipped {n} Python {plural('file', n)}: {shown}{tail}"]


# --- the proposal, pure --------------------------------------------------------------------


def propose(
    title: str,
    found: Discovery,
    files: Collection[str],
    facts: Mapping[str, SourceFacts],
    template: str | None = None,
    ran: Mapping[str, tuple[str, ...]] | None = None,
) -> Proposal:
    """Each unit as an interaction with its evidence, and the unmapped globs.

    `facts` are the parsed Python files, tests included; `ran` holds, per unit
    path, the tests per-test coverage says ran it, preferred when it names any."""
    test_files = sorted(f for f in files if is_test_file(f))
    packages = frozenset(posixpath.dirname(p) for p in files if p.endswith("/__init__.py"))
    dotted = {u.path: _dotted(u, packages) for u in found.units}
    tests = {p: f for p, f in facts.items() if p in set(test_files)}
    importing = by_imports(found.units, dotted, tests)
    taken: set[str] = set()
    interactions: list[Interaction] = []
    for u in found.units:
        if ran and ran.get(u.path):
            evidence, source = ran[u.path], "per-test coverage in .coverage"
        else:
            named = by_template(u, template, files) if template else by_name(u, test_files)
            evidence = combined(named, importing[u.path])
            source = _source(bool(named), len(evidence) > len(named), template)
        interactions.append(
            Interaction(
                id=unique_id(kebab(u.name), u.direction, taken),
                name=humanise(u.name, u.direction),
                direction=u.direction,
                path=u.path,
                peer=u.name if u.direction is Direction.OUTBOUND else None,
                evidence=evidence,
                found=u.found,
                evidence_from=source if evidence else "",
            )
        )
    globs = unmapped_globs(found)
    return Proposal(title, tuple(interactions), tuple(globs), unclaimed(found, files, facts, globs))


def unclaimed(
    found: Discovery, files: Collection[str], facts: Mapping[str, SourceFacts], globs: Sequence[str]
) -> tuple[str, ...]:
    """Files under the unmapped globs that no interaction claims and that hold
    code (a docstring-only `__init__.py` does not): with them, `policy: fail`
    would fail the first check."""
    claimed = {f for u in found.units for f in u.files}
    return tuple(
        f
        for f in sources_of(files)
        if f not in claimed
        and not (f in facts and facts[f].trivial)
        and any(matches_path(g, f) for g in globs)
    )


def _dotted(unit: Unit, packages: frozenset[str]) -> list[str]:
    names = [n for f in unit.files for n in module_names(f, packages)]
    if unit.path.endswith("/"):
        names.extend(module_names(unit.path.rstrip("/") + "/__init__.py", packages))
    return sorted(set(names))


def _source(named: bool, imported: bool, template: str | None) -> str:
    """Where the evidence came from; `imported`: importing test files added some."""
    how = "--tests" if template else "test file names"
    if named and imported:
        return f"{how} and imports"
    return how if named else "test files that import it"


def unmapped_globs(found: Discovery) -> list[str]:
    """Globs a new, undeclared client would fall under: every Python file of a
    plugin folder; `*_client.py` beside a client module; `*/client.py` beside a
    package proposed for its `client.py`."""
    globs = [f"{folder}/**/*.py" for folder in found.plugin_folders]
    for u in found.units:
        if u.direction is not Direction.OUTBOUND or _in_any(u.path, found.plugin_folders):
            continue
        folder, _, name = u.path.rstrip("/").rpartition("/")
        if u.path.endswith("/") and f"{u.path}client.py" in u.files:
            glob = f"{folder}/*/client.py" if folder else "*/client.py"
        elif name.endswith("_client.py"):
            glob = f"{folder}/*_client.py" if folder else "*_client.py"
        else:
            continue
        if glob not in globs:
            globs.append(glob)
    return globs


def _in_any(path: str, folders: Iterable[str]) -> bool:
    return any(path.startswith(f + "/") for f in folders)


# --- the edges -----------------------------------------------------------------------------


def project_title(root: Path) -> str:
    """'<project name> integration gate', the name from pyproject.toml or the folder."""
    name = root.resolve().name or "service"
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            project = {}
        if isinstance(project, dict) and isinstance(project.get("name"), str):
            name = project["name"]
    return f"{name} integration gate"


def existing_config(root: Path) -> Path | None:
    """The config signal-gate would use in `root`, if there is one."""
    try:
        return find_config(None, root)[0]
    except ConfigError:
        return None


def write_new(path: Path, text: str) -> None:
    """Create `path` whole, failing rather than replacing a file that appeared meanwhile:
    the text goes to a temporary file, which is hard-linked into place."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.link(tmp, path)
    except FileExistsError:
        raise UsageError(f"{path}: already exists; init never overwrites a config") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)
