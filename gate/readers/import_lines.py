"""The lines of a Python module that run when it is imported, found from its
syntax tree with `ast` (the code is never imported or run).

Evidence scope counts these lines as covered whichever test's context recorded
them (`gate.core.scope`): a module is imported once per process, by whichever
test happens to touch it first, so the context its module-level lines land in
says nothing about which tests exercise it.

What runs at import: every statement outside a function body - imports,
assignments and other top-level statements, the bodies of top-level `if`,
`try`, `with`, `for` and `match` blocks, class bodies (`class` statements run
their bodies), and the header of every `def` and `class` (decorators, the
signature with its default values), but not what a function's body holds.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
MAX_SOURCE_BYTES = 16 * 1024 * 1024  # larger than any hand-written or generated module


def import_time_lines(source: str) -> frozenset[int]:
    """Line numbers of `source` that run when the module is imported; raises
    SyntaxError, ValueError, RecursionError or MemoryError as `ast.parse` does."""
    lines: set[int] = set()
    pending: list[ast.AST] = list(ast.parse(source).body)
    while pending:  # a stack, not recursion: the nesting is the source's choice
        node = pending.pop()
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            lines.update(_header(node))
            if isinstance(node, ast.ClassDef):
                pending.extend(node.body)
            continue
        if isinstance(node, ast.stmt) and not _compound(node):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
            continue
        if isinstance(node, (ast.stmt, ast.excepthandler, ast.match_case)):
            lines.add(_first_line(node))
        pending.extend(_blocks(node))
    return frozenset(lines)


def _header(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> Iterable[int]:
    """Decorators through the last line before the body (the signature, bases)."""
    first = min([d.lineno for d in node.decorator_list] + [node.lineno])
    last = max(node.lineno, node.body[0].lineno - 1)
    return range(first, last + 1)


def _compound(node: ast.stmt) -> bool:
    return any(isinstance(getattr(node, name, None), list) for name in _BLOCKS)


def _first_line(node: ast.stmt | ast.excepthandler | ast.match_case) -> int:
    return node.pattern.lineno if isinstance(node, ast.match_case) else node.lineno


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _blocks(node: ast.AST) -> Iterable[ast.AST]:
    """The statements, handlers and cases a compound statement holds."""
    for name in _BLOCKS:
        block = getattr(node, name, None)
        if isinstance(block, list):
            yield from block


def docstring_lines(source: str) -> frozenset[int]:
    """The lines where a module, class or function docstring starts: coverage.py
    before 7.4 listed the module's and classes' as executed lines. Raises as
    `ast.parse` does."""
    lines: set[int] = set()
    pending: list[ast.AST] = [ast.parse(source)]
    while pending:
        node = pending.pop()
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        first = body[0] if body else None
        if (
            isinstance(node, (ast.Module, ast.ClassDef, *_FUNCTIONS))
            and isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            lines.add(first.lineno)
        pending.extend(n for n in body if isinstance(n, ast.stmt))
    return frozenset(lines)
