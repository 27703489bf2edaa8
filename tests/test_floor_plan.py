"""The floor plan holds: modules and functions small enough to read in one sitting.

The layers themselves are import-linter's contract ([tool.importlinter] in
pyproject.toml, run by `python3 dev.py test`); this checks the sizes.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "gate"
MODULE_LINES = 450
FUNCTION_LINES = 60


def oversized(source: str, name: str) -> list[str]:
    """What in one module's source is over the limits, as `name: what`."""
    found = []
    if (lines := source.count("\n")) > MODULE_LINES:
        found.append(f"{name}: {lines} lines")
    functions = [
        n
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    for node in functions:
        if (length := (node.end_lineno or node.lineno) - node.lineno + 1) > FUNCTION_LINES:
            found.append(f"{name}: {node.name}() is {length} lines")
    return found


def test_no_module_or_function_is_too_long() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50  # the walk found the package
    offenders = [
        problem
        for path in modules
        for problem in oversized(path.read_text(encoding="utf-8"), path.name)
    ]
    assert not offenders, f"limits: {MODULE_LINES} lines a module, {FUNCTION_LINES} a function"


def test_the_limits_are_seen() -> None:
    """The check itself: one line over either limit is caught, at the limit is not."""
    body = "\n".join(f"    x = {n}" for n in range(FUNCTION_LINES - 1))
    at_limit = f"def f():\n{body}\n"
    assert oversized(at_limit + "\n" * (MODULE_LINES - FUNCTION_LINES), "m.py") == []
    over = f"def f():\n{body}\n    x = 0\n" + "\n" * (MODULE_LINES - FUNCTION_LINES)
    assert oversized(over, "m.py") == [
        f"m.py: {MODULE_LINES + 1} lines",
        f"m.py: f() is {FUNCTION_LINES + 1} lines",
    ]
