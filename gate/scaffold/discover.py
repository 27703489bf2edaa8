"""Which parts of a repository are its external interactions, for `init`.

Outbound, found by what the code does (`gate.scaffold.sources`):

- a module that uses a network or service client library talks to a service;
  so does one that uses such a module of the project (`app/clients/x.py`
  calling out through `app/http.py`), not one that only imports it to re-export
  it (a package's `__init__.py`);
- a module of the project that several of those import is shared plumbing
  (`app/http.py`), and one that imports several of them is a composition root
  (`app/server.py`): neither is an interaction of its own;
- a folder where most sibling modules or packages talk to the network is a
  plugin folder (`notify/plugins/`): each of its modules and packages is one
  interaction, packages whole, support modules (`base.py`, `common.py`) aside;
- elsewhere a `client.py` stands for its package, proposed whole
  (`common/billing_service/`), and any other module for itself;
- files named like clients (`*_client.py`, `client.py`) count even when the
  transport is handed in from outside.

`--modules GLOB` replaces all of that: one interaction per matching module or
package. Inbound interactions are the public modules of `api/`, `routes/` and
`endpoints/` folders. Pure: paths and `SourceFacts` in, `Unit`s out.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence

from gate.config.schema import Direction
from gate.core.patterns import matches_path
from gate.records import Record
from gate.scaffold.sources import SourceFacts, module_names

TEST_DIRS = frozenset({"tests", "test", "testing"})
ENDPOINT_DIRS = frozenset({"api", "routes", "endpoints"})
NOT_ENDPOINTS = frozenset({"__init__", "deps", "dependencies", "schemas", "models", "utils"})
# Modules of a plugin folder that serve the plugins rather than being one.
SUPPORT = frozenset(
    {"base", "common", "utils", "util", "helpers", "helper", "exceptions", "errors",
     "types", "constants", "const", "consts", "enums", "version", "models", "schemas",
     "templates", "registry", "manager", "loader", "compat", "conftest", "__init__",
     "__main__"}
)  # fmt: skip
# Stems that say nothing alone: named with their folder (`config/http.py` -> config-http).
GENERIC = frozenset(
    {"http", "https", "api", "client", "rest", "rpc", "remote", "net", "network",
     "transport", "session", "connection", "adapter", "service", "core", "main"}
)  # fmt: skip
PLUGIN_MIN = 3  # sibling units that talk to the network before a folder is a plugin folder
SHARED_MIN = 2  # importers among the candidates that make a module shared plumbing
ROOT_MIN = 3  # candidates a module imports that make it a composition root
_TEST_FILE = re.compile(r"^(?:test_(?P<a>\w+)|(?P<b>\w+)_test)\.py$")


class Unit(Record, frozen=True):
    """The code of one proposed interaction."""

    name: str  # what it is called after: a module's stem, a package's folder
    path: str  # the module's file, or the package's folder ending in '/'
    files: tuple[str, ...]  # the Python files it covers
    direction: Direction
    found: str  # how it was found, for the config's comment and the summary


class Discovery(Record, frozen=True):
    units: tuple[Unit, ...]
    plugin_folders: tuple[str, ...]  # folders each of whose modules is an interaction
    shared: tuple[tuple[str, int], ...]  # (plumbing module, how many candidates import it)


def is_test_file(path: str) -> bool:
    """`test_*.py` or `*_test.py` inside a `tests`, `test` or `testing` folder."""
    parts = path.split("/")
    return any(p in TEST_DIRS for p in parts[:-1]) and _TEST_FILE.match(parts[-1]) is not None


def in_tests(path: str) -> bool:
    """Test code: anything under a test folder, a file named like a test, a conftest.py."""
    parts = path.split("/")
    if parts[-1] == "conftest.py" or any(p in TEST_DIRS for p in parts[:-1]):
        return True
    return _TEST_FILE.match(parts[-1]) is not None


def test_subject(test_path: str) -> str:
    """`tests/test_plugin_slack.py` -> `plugin_slack`: the name a test file is named after."""
    match = _TEST_FILE.match(test_path.rsplit("/", 1)[-1])
    return "" if match is None else match["a"] or match["b"]


def sources_of(files: Iterable[str]) -> list[str]:
    """The Python files that are the project's own code (not tests), sorted."""
    return sorted(f for f in files if f.endswith(".py") and not in_tests(f))


def discover(
    files: Collection[str], facts: Mapping[str, SourceFacts], modules: Sequence[str] = ()
) -> Discovery:
    """The interactions of a repository whose files are `files` and whose
    parsed sources are `facts`; `modules` globs, when given, name the outbound
    ones instead (one per matching module or package)."""
    sources = sources_of(files)
    folders: list[str] = []
    shared: list[tuple[str, int]] = []
    if modules:
        outbound = _by_globs(sources, modules)
    else:
        candidates, shared = _candidates(sources, facts)
        outbound, folders = _units(sources, candidates)
    taken = {f for u in outbound for f in u.files}
    inbound = [u for u in _endpoints(sources) if u.path not in taken]
    plumbing = tuple((p, n) for p, n in shared if p not in taken)
    return Discovery(tuple([*outbound, *inbound]), tuple(folders), plumbing)


# --- candidates: the modules that talk to another service ---------------------------------


def _candidates(
    sources: Sequence[str], facts: Mapping[str, SourceFacts]
) -> tuple[dict[str, str], list[tuple[str, int]]]:
    """{module: how it was found} for every module that talks to a service, and
    the shared plumbing left out (with its number of importers)."""
    packages = frozenset(posixpath.dirname(p) for p in sources if p.endswith("/__init__.py"))
    by_name = {name: p for p in sources for name in module_names(p, packages)}
    imports = {p: {by_name[n] for n in f.imports if n in by_name} - {p} for p, f in facts.items()}
    # Calling out through a module takes using it: importing it to re-export is not.
    uses = {p: {by_name[n] for n in f.referenced if n in by_name} - {p} for p, f in facts.items()}
    found: dict[str, str] = {}
    for path in sources:
        if path in facts and facts[path].network:
            found[path] = "uses " + ", ".join(facts[path].network)
    direct = set(found)
    for path in sources:
        through = sorted(uses.get(path, set()) & direct)
        if path not in found and through:
            found[path] = "calls out through " + ", ".join(through[:2])
    for path in sources:
        if path not in found and _client_name(path):
            found[path] = "named like a client"
    # Composition roots first, so that what they import is not counted as shared.
    roots = [
        p for p in found if p not in direct and len(imports.get(p, set()) & set(found)) >= ROOT_MIN
    ]
    for path in roots:
        del found[path]
    importers: dict[str, int] = defaultdict(int)
    for path in found:
        for target in imports.get(path, ()):
            importers[target] += 1
    shared = [(p, importers[p]) for p in sorted(direct) if importers[p] >= SHARED_MIN]
    for path, _ in shared:
        del found[path]
    return found, shared


def _client_name(path: str) -> bool:
    stem = posixpath.basename(path)[:-3]
    if stem.endswith("_client") and len(stem) > len("_client"):
        return True
    return stem == "client" and "/" in path


# --- units: candidates grouped into interactions ------------------------------------------


def _units(sources: Sequence[str], candidates: Mapping[str, str]) -> tuple[list[Unit], list[str]]:
    """Plugin folders first (each child one unit), then the other candidates."""
    children = _children(sources)
    left = dict(candidates)
    claimed: set[str] = set()
    units: list[Unit] = []
    folders: list[str] = []
    # Deepest folders first: `pkg/plugins/` is decided before `pkg/`.
    for folder in sorted(children, key=lambda d: (-d.count("/"), d)):
        kids = children[folder]
        plugins = [k for k in kids if _public(k) and claimed.isdisjoint(kids[k])]
        talking = [k for k in plugins if any(f in left for f in kids[k])]
        if len(talking) < PLUGIN_MIN or 2 * len(talking) < len(plugins):
            continue
        folders.append(folder)
        where = f"in the plugin folder {folder}/"
        units.extend(_unit(kid, kids[kid], where, _name_of(kid)) for kid in plugins)
        for kid_files in kids.values():  # support modules serve the plugins: not their own
            claimed.update(kid_files)
            for f in kid_files:
                left.pop(f, None)
    for path, how in sorted(left.items()):
        if posixpath.basename(path) == "client.py" and "/" in path:
            package = posixpath.dirname(path)
            members = tuple(f for f in sources if f.startswith(package + "/"))
            units.append(_unit(package + "/", members, how, posixpath.basename(package)))
        else:
            units.append(_unit(path, (path,), how, _name_of(path)))
    units.sort(key=lambda u: u.path)
    return _without_nested(units), folders


def _children(sources: Sequence[str]) -> dict[str, dict[str, tuple[str, ...]]]:
    """{folder: {child: its Python files}}: a child is a module (`dir/x.py`) or a
    folder below it holding Python files (`dir/pkg/`)."""
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sources:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            child = parts[depth] if depth == len(parts) - 1 else parts[depth] + "/"
            out[folder][f"{folder}/{child}"].append(path)
    return {d: {k: tuple(v) for k, v in kids.items()} for d, kids in out.items()}


def _public(child: str) -> bool:
    """Neither private (`_x.py`) nor a support module (`base.py`)."""
    stem = _stem(child)
    return stem not in SUPPORT and not stem.startswith("_")


def _stem(child: str) -> str:
    return posixpath.basename(child.rstrip("/")).removesuffix(".py")


def _name_of(path: str) -> str:
    """What a module or package is called after: its stem less `_client`, with
    its folder's name when that says nothing alone (`config/http.py` -> `config_http`);
    a package's `__init__.py` by its package (`billing/__init__.py` -> `billing`)."""
    if posixpath.basename(path) == "__init__.py" and "/" in path:
        return _name_of(posixpath.dirname(path) + "/")
    stem = _stem(path)
    if stem.endswith("_client") and stem != "_client":
        stem = stem.removesuffix("_client")
    parent = posixpath.basename(posixpath.dirname(path.rstrip("/")))
    if stem in GENERIC and parent:
        return f"{parent}_{stem}"
    return stem


def _unit(path: str, files: Sequence[str], how: str, name: str) -> Unit:
    return Unit(name, path, tuple(files), Direction.OUTBOUND, how)


def _without_nested(units: list[Unit]) -> list[Unit]:
    """Drop a unit whose files another unit (a package proposed whole) covers."""
    packages = [u.path for u in units if u.path.endswith("/")]
    return [u for u in units if not any(u.path != p and u.path.startswith(p) for p in packages)]


def _by_globs(sources: Sequence[str], globs: Sequence[str]) -> list[Unit]:
    """One unit per module or package folder a `--modules` glob matches."""
    folders = sorted({posixpath.dirname(p) for p in sources if "/" in p})
    units: list[Unit] = []
    for glob in globs:
        pattern = glob.strip().replace("\\", "/").removeprefix("./").rstrip("/")
        how = f"matches --modules {glob}"
        for folder in folders:
            if matches_path(pattern, folder):
                members = tuple(f for f in sources if f.startswith(folder + "/"))
                units.append(_unit(folder + "/", members, how, _name_of(folder + "/")))
        for path in sources:
            stem = _stem(path)
            if matches_path(pattern, path) and not stem.startswith("_"):
                units.append(_unit(path, (path,), how, _name_of(path)))
    unique = {u.path: u for u in reversed(units)}  # the first glob to match names it
    return _without_nested(sorted(unique.values(), key=lambda u: u.path))


# --- inbound ------------------------------------------------------------------------------


def _endpoints(sources: Sequence[str]) -> list[Unit]:
    """Public modules of `api/`, `routes/` and `endpoints/` folders."""
    units: list[Unit] = []
    for path in sources:
        parts = path.split("/")
        stem = parts[-1][:-3]
        if len(parts) < 2 or parts[-2] not in ENDPOINT_DIRS:
            continue
        if stem.startswith("_") or stem in NOT_ENDPOINTS:
            continue
        units.append(Unit(stem, path, (path,), Direction.INBOUND, f"in an {parts[-2]}/ folder"))
    return units
