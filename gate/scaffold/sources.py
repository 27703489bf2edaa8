"""What a Python source does, read from its syntax tree (never by importing it):
which network and service client libraries it uses, and which modules it imports.

`init` finds a repository's external interactions by what the code does, not by
what its files are called: a module that imports `requests`, or calls
`urllib.request.urlopen` after `import urllib`, talks to another service.
Pure: source text in, `SourceFacts` out; the caller bounds what it reads.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

from gate.records import Record

# Libraries whose use means "talks to another service", by the module name the
# code imports. A dotted entry counts for itself and its submodules, never for
# its parent: `urllib.parse` and `http.server` are not clients.
NETWORK_LIBRARIES = frozenset(
    {
        # standard library
        "urllib.request", "http.client", "smtplib", "socket", "ftplib", "imaplib",
        "poplib", "telnetlib", "nntplib", "xmlrpc.client", "asyncio.open_connection",
        # HTTP
        "requests", "httpx", "aiohttp", "urllib3", "httplib2", "pycurl", "treq",
        "tornado.httpclient", "websocket", "websockets", "zeep", "suds",
        # RPC and cloud SDKs
        "grpc", "thrift", "boto3", "botocore", "aiobotocore", "google.cloud",
        "googleapiclient", "azure", "paramiko", "ldap3", "hvac", "consul", "etcd3",
        "kazoo", "slack_sdk", "twilio", "stripe",
        # databases and caches
        "redis", "aioredis", "pymongo", "motor", "psycopg", "psycopg2", "asyncpg",
        "pymysql", "MySQLdb", "mysql.connector", "aiomysql", "cx_Oracle", "oracledb",
        "pyodbc", "cassandra", "neo4j", "elasticsearch", "opensearchpy",
        "influxdb_client", "pymemcache", "pylibmc", "clickhouse_driver",
        # message queues
        "pika", "aio_pika", "kombu", "celery", "kafka", "confluent_kafka", "aiokafka",
        "nats", "paho.mqtt", "zmq", "pulsar", "google.cloud.pubsub",
    }
)  # fmt: skip


# Modules that hold a client library without being one (`urllib`, `http`, `google`).
_PARENTS = frozenset(
    ".".join(lib.split(".")[:n]) for lib in NETWORK_LIBRARIES for n in range(1, lib.count(".") + 1)
)


class SourceFacts(Record, frozen=True):
    """What one module uses and imports."""

    network: tuple[str, ...]  # the NETWORK_LIBRARIES entries it uses, sorted
    imports: tuple[str, ...]  # absolute dotted names it imports (and `X.Y` of `from X import Y`)
    trivial: bool = False  # nothing but a docstring: no code anyone could forget to declare
    # Lines of the statements inside its functions: what runs when it is used, not imported.
    body_lines: tuple[int, ...] = ()
    # The `imports` its code refers to by name: a package's `__init__.py` that only
    # re-exports (`from .api import Client`, `__all__`) imports a client but uses none.
    referenced: tuple[str, ...] = ()


def network_library(dotted: str) -> str | None:
    """The NETWORK_LIBRARIES entry `dotted` is, or lies under; None for anything else."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in NETWORK_LIBRARIES:
            return prefix
    return None


def source_facts(text: str | bytes, module: str, *, package: bool = False) -> SourceFacts:
    """The facts of the source `text` (bytes honour a PEP 263 coding line) of the
    module named `module` (dotted; `package`: it is a package's `__init__.py`, so
    `from . import x` stays inside it). Raises SyntaxError, ValueError or
    RecursionError for what cannot be parsed; the caller notes and skips it."""
    tree = ast.parse(text)
    imports, body = _statements(tree)
    imported: set[str] = set()
    aliases: dict[str, str] = {}  # local name -> the module it names
    binds: dict[str, set[str]] = {}  # local name -> the imported names it stands for
    starred: set[str] = set()  # `from x import *`: whatever it brings may be used
    for node in imports:
        if isinstance(node, ast.Import):
            for name in node.names:
                imported.add(name.name)
                local = name.asname or name.name.split(".")[0]
                aliases[local] = name.name if name.asname else local
                binds.setdefault(local, set()).add(name.name)
        elif (base := _absolute(node, module, package)) is not None:
            imported.add(base)
            for name in node.names:
                if name.name == "*":
                    starred.add(base)
                    continue
                imported.add(f"{base}.{name.name}")
                aliases[name.asname or name.name] = f"{base}.{name.name}"
                binds.setdefault(name.asname or name.name, set()).update(
                    (base, f"{base}.{name.name}")
                )
    used = {lib for name in imported if (lib := network_library(name))}
    # `asyncio.open_connection(...)` after `import asyncio`: the expressions are
    # walked only when an imported name is a parent of a client library.
    parents = {local: name for local, name in aliases.items() if name in _PARENTS}
    if parents:
        used.update(lib for chain in _chains(tree, parents) if (lib := network_library(chain)))
    trivial = all(_docstring_or_pass(s) for s in tree.body)
    referenced = set(starred).union(*(binds[n] for n in _names_loaded(tree) if n in binds))
    return SourceFacts(
        tuple(sorted(used)), tuple(sorted(imported)), trivial, tuple(sorted(body)),
        tuple(sorted(referenced)),
    )  # fmt: skip


def _names_loaded(tree: ast.AST) -> set[str]:
    """Every name the code reads (`x` in `x.get()`, `f(x)`, `class A(x)`, `x: T`)."""
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and type(n.ctx) is ast.Load}


def _statements(tree: ast.Module) -> tuple[list[ast.Import | ast.ImportFrom], set[int]]:
    """The import statements anywhere, and the first line of every statement inside
    a function (which runs only when it is called), from one walk over statements
    alone: expressions, the bulk of a tree, are not visited."""
    imports: list[ast.Import | ast.ImportFrom] = []
    body: set[int] = set()
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:  # iterative: nesting is bounded by the parser, not the recursion limit
        node, in_function = stack.pop()
        if isinstance(node, ast.stmt):
            if in_function:
                body.add(node.lineno)
            if isinstance(node, ast.Import | ast.ImportFrom):
                imports.append(node)
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        stack.extend(
            (child, inside)
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case)
        )
    return imports, body


def _chains(tree: ast.AST, parents: Mapping[str, str]) -> Iterable[str]:
    """Each attribute chain on a name in `parents`, spelt from the module it names:
    `urllib.request.urlopen` for `urllib.request.urlopen(...)` after `import urllib`."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        names: list[str] = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            names.append(current.attr)
            current = current.value
        if isinstance(current, ast.Name) and current.id in parents:
            yield ".".join([parents[current.id], *reversed(names)])


def _docstring_or_pass(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Pass):
        return True
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def _absolute(node: ast.ImportFrom, module: str, package: bool) -> str | None:
    """The absolute module of `from <node.module> import ...`, relative ones resolved."""
    if not node.level:
        return node.module
    parts = module.split(".") if package else module.split(".")[:-1]
    if node.level - 1 > len(parts):
        return None  # climbs above the top package: nothing to resolve
    base = parts[: len(parts) - (node.level - 1)]
    if node.module:
        base.append(node.module)
    return ".".join(base) or None


def module_names(path: str, packages: frozenset[str]) -> tuple[str, ...]:
    """The dotted names `path` may be imported by, the first from the repository
    root (less a leading `src/`, as namespace packages and src layouts import
    it), then from its topmost package (folders with an `__init__.py`, given as
    `packages`) when that differs: `lib/pkg/x.py` -> (`lib.pkg.x`, `pkg.x`);
    `pkg/__init__.py` -> (`pkg`,)."""
    parts = path.removesuffix(".py").split("/")
    is_init = parts[-1] == "__init__"
    if is_init:
        parts.pop()
    if not parts:
        return ()
    full = parts[1:] if parts[0] == "src" and len(parts) > 1 else parts
    start = len(parts) - 1  # parts[start:] is the name from the topmost package
    while start > 0 and "/".join(parts[:start]) in packages:
        start -= 1
    names = [".".join(full)]
    in_a_package = is_init or start < len(parts) - 1
    if in_a_package and parts[start:] != full:
        names.append(".".join(parts[start:]))
    return tuple(names)
