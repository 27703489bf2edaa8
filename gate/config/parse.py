"""Config text to data: YAML or TOML, bounded in size, depth and expansion.

A config comes with the pull request, so it is hostile input. A signal-gate
config is a few kilobytes nested six levels deep; anything far beyond that is
refused with a named error before a parser can exhaust memory or the stack:
libyaml takes gigabytes for 100,000 nested `[` (its own limit is 10,000 deep),
and both parsers recurse. YAML aliases may share a value but not multiply it
(a "billion laughs" of nested aliases), and keys must be unique and hashable.
Merge keys (`<<: *base`) work: explicit keys override merged ones.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from gate.errors import ConfigError, InputError
from gate.regular_file import require_regular

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32  # levels of nested collections; a config needs six
MAX_VALUES = 1_000_000  # values after alias expansion; more than an alias-free 1 MiB holds
# A cheap bound on nesting taken before parsing: brackets, quoted or not, so it
# over-counts in strings; twice MAX_DEPTH leaves room for that.
_MAX_BRACKETS = 2 * MAX_DEPTH
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_MERGE_TAG = "tag:yaml.org,2002:merge"


def read_text(path: Path) -> tuple[bytes, str]:
    """The file's bytes (for its hash) and text; ConfigError when too big, not
    UTF-8 or not a regular file (a config from a pull request can be a symlink to
    a named pipe: reading it would block)."""
    try:
        require_regular(path)
    except InputError as exc:
        raise ConfigError(str(exc)) from None
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise ConfigError(f"{path}: over {MAX_BYTES // 1024} KiB; a config is a few KB")
    try:
        return raw, raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None


def parse(path: Path, text: str) -> Any:
    """The data of a YAML file, or of a TOML file by its suffix."""
    if _bracket_depth(text) > _MAX_BRACKETS:
        raise ConfigError(_too_deep(path))
    if path.suffix == ".toml":
        import tomllib  # not at module level: most configs are YAML, and start-up counts

        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_shape(node, path)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    except ValueError as exc:  # a scalar that looks like a date but is none: 2026-13-01
        raise ConfigError(f"{path}: invalid YAML value: {exc}") from None
    finally:
        loader.dispose()


def _too_deep(path: Path) -> str:
    return f"{path}: nested more than {MAX_DEPTH} levels deep; a config needs six"


def _bracket_depth(text: str) -> int:
    """The deepest nesting of [ and { in `text`, counting every bracket."""
    if text.count("[") + text.count("{") <= _MAX_BRACKETS:
        return 0
    depth = deepest = 0
    for char in _NOT_BRACKETS.sub("", text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1  # never below 0: a stray closer must not hide openers after it
    return deepest


def _check_shape(root: yaml.Node, path: Path) -> None:
    """Refuse a composed document nested deeper than MAX_DEPTH, with a cycle of
    aliases, or with more than MAX_VALUES values once aliases are expanded.

    Iterative, and each node is measured once however often aliases repeat it.
    """
    measured: dict[int, tuple[int, int]] = {}  # id(node) -> (depth, expanded values)
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        kids = _children(node)
        if children_done:
            open_nodes.discard(id(node))
            depth = 1 + max((measured[id(k)][0] for k in kids), default=0)
            values = 1 + sum(measured[id(k)][1] for k in kids)
            if depth > MAX_DEPTH:
                raise ConfigError(_too_deep(path))
            if values > MAX_VALUES:
                raise ConfigError(f"{path}: its aliases expand to over {MAX_VALUES:,} values")
            measured[id(node)] = (depth, values)
            continue
        if id(node) in measured:
            continue
        open_nodes.add(id(node))
        stack.append((node, True))
        for kid in kids:
            if id(kid) in open_nodes:
                raise ConfigError(f"{path}: an alias refers to a value that contains it")
            stack.append((kid, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that refuses duplicate keys instead of keeping the last one."""


def _mapping_without_duplicates(
    loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    """A mapping whose explicit keys are unique and hashable. Merged keys (`<<`)
    are left to SafeConstructor, which lets explicit keys override them."""
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue
        key = loader.construct_object(key_node, deep=deep)
        try:
            duplicate = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark,
                f"found an unhashable key ({type(key).__name__})", key_node.start_mark,
            ) from None  # fmt: skip
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _mapping_without_duplicates,
)
