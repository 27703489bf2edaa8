"""The commands that reproduce an interaction's figures locally: pytest records
what the gate counts, `signal-gate explain` judges it the way the gate did.

pytest takes neither globs nor the gate's module patterns, so the evidence and
module patterns are turned into what pytest and pytest-cov accept, using what
the patterns selected in this run. Computed once, with the verdict; every
renderer prints the report's `reproduce` field as it is (one command a line).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Sequence

from gate.config.schema import Interaction, Scope
from gate.core.patterns import Kind, is_glob, matches_module, module_kind, tests_matcher
from gate.text import plain

_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")
REPRODUCE_JUNIT = "reproduce-junit.xml"  # beside the project's own reports, never over them


def reproduce_command(
    it: Interaction, selected_ids: Sequence[str], files: Sequence[str]
) -> str | None:
    """Two shell lines that reproduce the gate's figures for one interaction, or
    None when it declares no evidence.

    The first runs the tests the figure counts (under evidence scope its
    evidence, under scope `all` the whole suite) with branch coverage and
    per-test contexts; the second has the gate judge what they recorded, line
    and branch separately, exactly as it judged the interaction
    (`signal-gate explain` exits 0 only when it is PRODUCTION READY, and never
    runs `command` safety checks). `selected_ids` are the evidence
    tests this run found (node ids): they stand in for glob patterns, which
    pytest cannot take.
    """
    if not it.evidence:
        return None
    targets = _unique(t for m in it.modules for t in cov_targets(m, files))
    # Scope `all` runs the whole suite: its evidence (thousands of files) is not needed.
    tests = evidence_args(it.evidence, selected_ids) if it.coverage_scope is Scope.EVIDENCE else []
    run = ["pytest", *tests, *(f"--cov={t}" for t in targets)]
    run += ["--cov-branch", "--cov-context=test", f"--junitxml={REPRODUCE_JUNIT}"]
    judge = ["signal-gate", "explain", it.id]
    judge += ["--coverage", ".coverage", "--junit", REPRODUCE_JUNIT]
    return "\n".join(" ".join(shlex.quote(plain(a)) for a in line) for line in (run, judge))


def evidence_args(patterns: Sequence[str], test_ids: Sequence[str]) -> list[str]:
    """Evidence patterns as pytest arguments.

    A plain file or node id is passed as is. pytest takes no globs, so a glob is
    replaced by what it selected in the results: the test files for a file glob,
    the node ids for a node-id glob (kept as written when it selected nothing).
    A node id inside a file that is passed whole is dropped.
    """
    out: list[str] = []
    files = _unique(_file_of(i) for i in test_ids)  # a file glob sees only the file
    for pattern in patterns:
        if not is_glob(pattern):
            out.append(pattern)
            continue
        selects = tests_matcher((pattern,))
        if "::" in pattern:
            selected = [i for i in test_ids if selects(i, _file_of(i))]
        else:
            selected = [f for f in files if selects(f, f)]
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
    return nodeid.partition("::")[0]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
