"""One identity for a test, whichever report it comes from.

JUnit files name a test by `classname` + `name` (+ `file` in pytest's xunit1
family); coverage.py's per-test contexts name it by pytest node id plus a phase
(`tests/x.py::TestY::test_z|run`, pytest-cov's format). Evidence patterns and
shard merging both need the same key, so it is made in exactly one place.
"""

from __future__ import annotations

import re

from gate.core.paths import normalise
from gate.records import Record

# pytest's default `python_files`: test_*.py and *_test.py.
_TEST_MODULE = re.compile(r"^(test_\w*|\w+_test)$")
_PHASE = re.compile(r"\|(setup|run|teardown)$")
_QUALNAME = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")


class TestIdentity(Record, frozen=True):
    __test__ = False

    nodeid: str  # pytest-style: tests/x/test_y.py::TestY::test_z[param]
    file: str | None  # the test file, when the report says or the classname shows it


def junit_identity(classname: str, name: str, file: str | None = None) -> TestIdentity:
    """Build the identity of a JUnit test case.

    The file comes from the `file` attribute when it names a real file, else from
    a pytest-shaped classname (`tests.integration.test_x.TestY`: module segments
    up to the first capitalised one, the last of them a pytest test module).
    """
    classname = classname.strip()
    name = name.strip()
    path = _usable_file(file)
    module, classes = _split_classname(classname)
    if path is None and module and _TEST_MODULE.match(module[-1]):
        path = "/".join(module) + ".py"
    if path is not None:
        if path.endswith(".py"):
            parts = classes
        else:
            parts = [classname] if classname and classname != path else []
        nodeid = "::".join([path, *parts, name] if name else [path, *parts])
        return TestIdentity(nodeid, path)
    if classname:
        return TestIdentity(f"{classname}::{name}", None)
    return TestIdentity(name, None)


def context_nodeid(context: str) -> str:
    """coverage.py context -> node id.

    pytest-cov (`--cov-context=test`): `tests/x.py::test_y|run` -> `tests/x.py::test_y`.
    coverage.py (`[run] dynamic_context = test_function`) names the test function by
    its qualified name: `tests.x.TestY.test_z` -> `tests/x.py::TestY::test_z`.
    """
    if _QUALNAME.match(context):
        classname, _, name = context.rpartition(".")
        return junit_identity(classname, name).nodeid
    return _PHASE.sub("", context)


def _usable_file(file: str | None) -> str | None:
    if not file:
        return None
    path = normalise(file)  # "." and "./" normalise to ""
    # unittest-xml-reporting writes file=".py" when it cannot tell.
    if path in ("", ".py") or path.endswith("/.py"):
        return None
    return path


def _split_classname(classname: str) -> tuple[list[str], list[str]]:
    """`tests.integration.test_x.TestY` -> (['tests', 'integration', 'test_x'], ['TestY'])."""
    if not classname or any(c in classname for c in "/\\ :()[]<>$"):
        return [], []
    segments = classname.split(".")
    for index, segment in enumerate(segments):
        if segment[:1].isupper():
            return segments[:index], segments[index:]
    return segments, []
