"""gate.core.selection's fast matchers against gate.core.patterns, the reference rules.

The readers and the evaluator use the fast forms (set and prefix lookups, one
combined regex, an index of the test cases); gate.core.patterns states the rules
plainly. For any patterns and any paths or test ids, both must agree.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gate.core.model import Outcome, TestCase
from gate.core.patterns import matches_path, matches_test, module_regex
from gate.core.selection import CaseIndex, TestSelector, paths_matcher

# A few names reused everywhere, so that patterns and subjects often meet.
NAMES = ["app", "clients", "a", "b", "a.py", "b.py", "test_a.py", "[id].tsx", "m.b"]
WILD = ["*", "**", "?", "*.py", "a*", "[id]*"]

segments = st.lists(st.sampled_from(NAMES), min_size=1, max_size=4)
paths = segments.map("/".join)
path_patterns = st.lists(st.sampled_from(NAMES + WILD), min_size=1, max_size=4).map("/".join)
dotted = st.lists(st.sampled_from(["app", "clients", "a", "b"]), min_size=1, max_size=3).map(
    ".".join
)
module_patterns = st.one_of(
    path_patterns,
    dotted,
    paths.map(lambda p: p + "/"),
    paths.map(lambda p: "./" + p),
)

TAILS = ["TestA", "test_x", "test_x[1]", "test_x[a-b]"]
tails = st.lists(st.sampled_from(TAILS), max_size=2)
some_tails = st.lists(st.sampled_from(TAILS), min_size=1, max_size=2)
nodeids = st.builds(lambda f, t: "::".join([f, *t]), paths, tails)
test_patterns = st.one_of(
    path_patterns,
    paths,
    st.builds(lambda f, t: "::".join([f, *t]), paths, some_tails),
    st.builds(lambda f, t: "::".join([f, *t]), path_patterns, some_tails),
    nodeids.map(lambda n: n.rsplit("[", 1)[0] if "[" in n else n + "*"),
)
files = st.one_of(st.none(), paths)


@settings(max_examples=400, deadline=None)
@given(st.lists(module_patterns, min_size=1, max_size=4), st.lists(paths, max_size=8))
def test_paths_matcher_agrees_with_module_regex(patterns: list[str], subjects: list[str]) -> None:
    keep = paths_matcher(tuple(patterns))
    for path in subjects:
        expected = any(module_regex(p).match(path) for p in patterns)
        assert keep(path) == expected, (patterns, path)
    known = sorted(set(subjects))
    assert keep.pick(known) == [p for p in known if any(module_regex(m).match(p) for m in patterns)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(module_patterns, max_size=2),
    st.lists(path_patterns, min_size=1, max_size=3),
    st.lists(paths, max_size=8),
)
def test_paths_matcher_globs_agree_with_matches_path(
    modules: list[str], globs: list[str], subjects: list[str]
) -> None:
    keep = paths_matcher(tuple(modules), tuple(globs))
    for path in subjects:
        expected = any(module_regex(m).match(path) for m in modules) or any(
            matches_path(g, path) for g in globs
        )
        assert keep(path) == expected, (modules, globs, path)
    known = sorted(set(subjects))
    assert keep.pick(known) == [p for p in known if keep(p)]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(test_patterns, min_size=1, max_size=4),
    st.lists(st.tuples(nodeids, files), max_size=12),
)
def test_selector_and_its_index_agree_with_matches_test(
    patterns: list[str], tests: list[tuple[str, str | None]]
) -> None:
    selector = TestSelector(patterns)
    cases = [TestCase(nodeid, file, Outcome.PASSED) for nodeid, file in tests]
    expected = [c for c in cases if any(matches_test(p, c.nodeid, c.file) for p in patterns)]
    assert [c for c in cases if selector(c.nodeid, c.file)] == expected
    assert selector.pick(CaseIndex(cases)) == expected


def test_literal_patterns_pick_from_the_index_only() -> None:
    cases = [
        TestCase("tests/a.py::test_one", "tests/a.py", Outcome.PASSED),
        TestCase("tests/a.py::TestB::test_two[x]", "tests/a.py", Outcome.FAILED),
        TestCase("tests/b.py::test_three", "tests/b.py", Outcome.PASSED),
        TestCase("com.example.ClientTest::sends", None, Outcome.PASSED),
    ]
    index = CaseIndex(cases)
    assert TestSelector(["tests/a.py::TestB"]).pick(index) == [cases[1]]
    assert TestSelector(["tests/b.py", "com.example.ClientTest"]).pick(index) == [
        cases[2],
        cases[3],
    ]
    assert TestSelector(["tests/c.py"]).pick(index) == []
