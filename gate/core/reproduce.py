"""The one command that reproduces an interaction's figure locally.

pytest takes neither globs nor the gate's module patterns, so the evidence and
module patterns are turned into what pytest and pytest-cov accept, using what
the patterns selected in this run. Computed once, with the verdict; every
renderer prints the report's `reproduce` field as it is.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence

from gate.core.patterns import Kind, is_glob, matches_module, matches_test, module_kind
from gate.text import plain

_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")


def reproduce_command(
    evidence_patterns: Sequence[str],
    selected_ids: Sequence[str],
    modules: Sequence[str],
    files: Sequence[str],
    line_threshold: float | None,
) -> str | None:
    """`pytest <evidence> --cov=<module>... --cov-branch --cov-fail-under=<line>`,
    shell-quoted, or None when the interaction declares no evidence.

    `selected_ids` are the evidence tests this run found (node ids): they stand
    in for the glob patterns pytest cannot take."""
    evidence = evidence_args(evidence_patterns, selected_ids)
    if not evidence:
        return None
    targets = _unique(t for m in modules for t in cov_targets(m, files))
    args = ["pytest", *evidence, *(f"--cov={t}" for t in targets), "--cov-branch"]
    if line_threshold is not None:
        args.append(f"--cov-fail-under={line_threshold:g}")
    return " ".join(shlex.quote(plain(a)) for a in args)


def evidence_args(patterns: Sequence[str], test_ids: Sequence[str]) -> list[str]:
    """Evidence patterns as pytest arguments.

    A plain file or node id is passed as is. pytest takes no globs, so a glob is
    replaced by what it selected in the results: the test files for a file glob,
    the node ids for a node-id glob (kept as written when it selected nothing).
    A node id inside a file that is passed whole is dropped.
    """
    out: list[str] = []
    for pattern in patterns:
        if not is_glob(pattern):
            out.append(pattern)
            continue
        selected = [i for i in test_ids if matches_test(pattern, i, _file_of(i))]
        if "::" not in pattern:
            selected = [_file_of(i) for i in selected]
        out.extend(selected or [pattern])
    whole_files = {a for a in out if "::" not in a and not is_glob(a)}
    return _unique(a for a in out if "::" not in a or _file_of(a) not in whole_files)


def cov_targets(module: str, files: Sequence[str]) -> list[str]:
    """A module pattern as pytest-cov `--cov` sources: dotted names where possible.

    A dotted name is kept. A path becomes its dotted module name
    (`shop/clients/x_client.py` -> `shop.clients.x_client`), without a leading
    `src/` (the src layout imports below it). A glob becomes the modules of the
    files it matched, or the directory before its first wildcard.
    """
    kind, pattern = module_kind(module)
    if kind is Kind.DOTTED:
        return [pattern]
    if is_glob(pattern):
        matched = [path_to_module(f) for f in files if matches_module(pattern, f)]
        if matched:
            return _unique(matched)
        fixed = pattern.split("/")
        fixed = fixed[: next(i for i, part in enumerate(fixed) if is_glob(part))]
        return [path_to_module("/".join(fixed)) if fixed else "."]
    return [path_to_module(pattern)]


def path_to_module(path: str) -> str:
    """`src/shop/clients/x.py` -> `shop.clients.x`; a non-Python path stays a path."""
    parts = [p for p in path.split("/") if p]
    if parts and parts[-1].endswith(".py"):
        parts[-1] = parts[-1][:-3]
        if parts[-1] == "__init__":
            parts.pop()
    if len(parts) > 1 and parts[0] == "src":
        parts = parts[1:]
    if parts and all(_IDENTIFIER.match(p) for p in parts):
        return ".".join(parts)
    return path or "."


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
