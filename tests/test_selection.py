"""gate.core.patterns against reference rules written here, from README "The config".

The production matchers are fast (set, prefix and bisection lookups, globs matched
segment by segment, a bit-parallel NFA, an index of the test cases). The reference
rules below share no code with them: a glob is read character by character by a
plain recursion, module and evidence patterns are spelled out as the README says.
For any patterns and any paths or test ids, both must agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from gate.core.model import Outcome, TestCase
from gate.core.patterns import (
    MEMO_LIMIT,
    CaseIndex,
    TestSelector,
    matches_module,
    matches_path,
    matches_test,
    paths_matcher,
)

# --------------------------------------------------------------------------- the reference


def ref_glob(pattern: str, path: str) -> bool:
    """`**/` zero or more directories, `**` anything, `*` any run without `/`, `?` one
    character but `/`, anything else (`[` included) itself."""

    @cache
    def match(i: int, j: int) -> bool:
        if i == len(pattern):
            return j == len(path)
        if pattern.startswith("**/", i):
            rest = i + 3
            return match(rest, j) or any(
                path[k] == "/" and match(rest, k + 1) for k in range(j, len(path))
            )
        if pattern.startswith("**", i):
            return any(match(i + 2, k) for k in range(j, len(path) + 1))
        if pattern[i] == "*":
            return match(i + 1, j) or (j < len(path) and path[j] != "/" and match(i, j + 1))
        if pattern[i] == "?":
            return j < len(path) and path[j] != "/" and match(i + 1, j + 1)
        return j < len(path) and path[j] == pattern[i] and match(i + 1, j + 1)

    return match(0, 0)


def ref_clean(pattern: str) -> str:
    pattern = pattern.replace("\\", "/")
    return pattern[2:] if pattern.startswith("./") else pattern


def ref_module(pattern: str, path: str) -> bool:
    """A dotted name: the package's files or the module's .py; a path without a glob
    or suffix: a directory; anything else: a glob."""
    p = ref_clean(pattern.strip())
    if re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*", p) and not p.endswith(".py"):
        base = p.replace(".", "/")
        return path == base + ".py" or path.startswith(base + "/")
    if "*" not in p and "?" not in p and "." not in p.split("/")[-1]:
        return path.startswith(p.rstrip("/") + "/")
    return ref_glob(p, path)


def ref_test(pattern: str, nodeid: str, file: str | None) -> bool:
    """With `::`: the id itself or an id below it (`::` or `[` next). Without: a glob
    over the test's file, else the file part of its id."""
    if "::" in pattern:
        ends = [k for k in range(len(nodeid)) if nodeid[k] == "[" or nodeid[k : k + 2] == "::"]
        return any(ref_glob(pattern, nodeid[:k]) for k in [*ends, len(nodeid)])
    subject = file if file is not None else nodeid.split("::")[0]
    return ref_glob(ref_clean(pattern), subject)


# --------------------------------------------------------------------------- strategies

# A few names reused everywhere, so that patterns and subjects often meet.
NAMES = ["app", "clients", "a", "b", "a.py", "b.py", "test_a.py", "[id].tsx", "m.b", "a:b", ""]
WILD = ["*", "**", "?", "*.py", "a*", "[id]*", "?.py", "*a*b", "a**", "**.py", "*?*"]

segments = st.lists(st.sampled_from(NAMES), min_size=1, max_size=4)
paths = segments.map("/".join)
path_patterns = st.lists(st.sampled_from(NAMES + WILD), min_size=1, max_size=4).map("/".join)
# Anything built from the characters that mean something, to reach every odd corner.
raw_patterns = st.one_of(
    st.text("ab/*?[.:", max_size=10),
    st.lists(st.sampled_from(["a", "b", "/", "*", "**", "**/", "?", "[", "."]), max_size=6).map(
        "".join
    ),
)
raw_paths = st.text("ab/[.:", max_size=10)
dotted = st.lists(st.sampled_from(["app", "clients", "a", "b"]), min_size=1, max_size=3).map(
    ".".join
)
module_patterns = st.one_of(
    path_patterns,
    dotted,
    paths.map(lambda p: p + "/"),
    paths.map(lambda p: "./" + p),
    paths.map(lambda p: p.replace("/", "\\")),
)

TAILS = ["TestA", "test_a", "test_ab", "test_a[1]", "test_x[a-b]", "test_x[a/b]", ":x"]
tails = st.lists(st.sampled_from(TAILS), max_size=2)
some_tails = st.lists(st.sampled_from([*TAILS, "test_*", "*", "test_a?", "**"]), min_size=1)
nodeids = st.builds(lambda f, t: "::".join([f, *t]), paths, tails)
test_patterns = st.one_of(
    path_patterns,
    paths,
    st.builds(lambda f, t: "::".join([f, *t]), paths, some_tails.map(lambda t: t[:2])),
    st.builds(lambda f, t: "::".join([f, *t]), path_patterns, some_tails.map(lambda t: t[:2])),
    nodeids.map(lambda n: n.rsplit("[", 1)[0] if "[" in n else n + "*"),
    raw_patterns.map(lambda p: p + "::" + "test_a"),
)
files = st.one_of(st.none(), paths)


# --------------------------------------------------------------------------- agreement


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.one_of(path_patterns, raw_patterns), st.one_of(paths, raw_paths))
def test_globs_agree_with_the_reference(pattern: str, path: str) -> None:
    assert matches_path(pattern, path) == ref_glob(ref_clean(pattern), path), (pattern, path)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(module_patterns, min_size=1, max_size=4), st.lists(paths, max_size=8))
def test_paths_matcher_agrees_with_the_module_rules(
    patterns: list[str], subjects: list[str]
) -> None:
    keep = paths_matcher(tuple(patterns))
    for path in subjects:
        expected = any(ref_module(p, path) for p in patterns)
        assert keep(path) == expected, (patterns, path)
        assert any(matches_module(p, path) for p in patterns) == expected
    known = sorted(set(subjects))
    assert keep.pick(known) == [p for p in known if any(ref_module(m, p) for m in patterns)]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.lists(module_patterns, max_size=2),
    st.lists(st.one_of(path_patterns, raw_patterns), min_size=1, max_size=3),
    st.lists(st.one_of(paths, raw_paths), max_size=8),
)
def test_paths_matcher_globs_agree_with_the_reference(
    modules: list[str], globs: list[str], subjects: list[str]
) -> None:
    keep = paths_matcher(tuple(modules), tuple(globs))
    known = sorted(set(subjects))
    expected = [
        p
        for p in known
        if any(ref_module(m, p) for m in modules) or any(ref_glob(ref_clean(g), p) for g in globs)
    ]
    assert [p for p in known if keep(p)] == expected, (modules, globs)
    assert keep.pick(known) == expected, (modules, globs)


@settings(max_examples=600, deadline=None, derandomize=True)
@given(
    st.lists(test_patterns, min_size=1, max_size=4),
    st.lists(st.tuples(nodeids, files), max_size=12),
)
def test_selector_and_its_index_agree_with_the_reference(
    patterns: list[str], tests: list[tuple[str, str | None]]
) -> None:
    selector = TestSelector(patterns)
    cases = [TestCase(nodeid, file, Outcome.PASSED) for nodeid, file in tests]
    expected = [c for c in cases if any(ref_test(p, c.nodeid, c.file) for p in patterns)]
    assert [c for c in cases if selector(c.nodeid, c.file)] == expected, patterns
    assert selector.pick(CaseIndex(cases)) == expected, patterns
    for c in cases:
        assert any(matches_test(p, c.nodeid, c.file) for p in patterns) == (c in expected)


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


def spelled(
    alphabet: str | list[str], most: int, joiner: str = "", least: int = 0
) -> Iterator[str]:
    """Every string of `least` to `most` items of the alphabet, joined by `joiner`."""
    for size in range(least, most + 1):
        yield from map(joiner.join, product(alphabet, repeat=size))


def test_every_short_segment_glob_agrees_with_the_reference() -> None:
    """Each `*` piece is found leftmost in what the pieces before it left over and
    before the last piece (`a*a*b` needs two `a`s, `*a*b*` takes `aba`), with or
    without `?` in it: every glob of up to five of `ab?*` on every name of up to four."""
    names = list(spelled("ab", 4))
    for pattern in spelled("ab?*", 5):
        for name in names:
            assert matches_path(pattern, name) == ref_glob(pattern, name), (pattern, name)


def test_every_short_run_of_whole_segments_agrees_with_the_reference() -> None:
    """Each group of segments between two `**` is placed after the groups before it
    (`a/**/a/**` needs two `a` segments): every glob of up to five segments of `a`,
    `b`, `*`, `**` on every path of up to four segments of `a`, `b`."""
    paths = list(spelled("ab", 4, "/", least=1))
    for pattern in spelled(["a", "b", "*", "**"], 5, "/", least=1):
        for path in paths:
            assert matches_path(pattern, path) == ref_glob(pattern, path), (pattern, path)


def test_every_short_glob_with_a_double_star_in_a_segment_agrees_with_the_reference() -> None:
    """`**` inside a segment (the NFA): `*` and `?` still never take a `/`, empty
    segments (`//a` for `*/a**`) included: every glob of up to five of `a/*?` on every path of
    up to four of `ab/`."""
    paths = list(spelled("ab/", 4))
    for pattern in (p for p in spelled("a/*?", 5) if "**" in p):
        for path in paths:
            assert matches_path(pattern, path) == ref_glob(pattern, path), (pattern, path)


# --------------------------------------------------------------------------- each rule, named


def test_star_stays_inside_one_segment() -> None:
    assert matches_path("app/*.py", "app/x.py")
    assert not matches_path("app/*.py", "app/x/y.py")
    assert not matches_path("app/*", "app/x/y")
    assert not matches_path("a*b", "a/b")  # one segment, the whole-path matcher
    assert not matches_path("a*b**", "a/b/c")  # and the NFA for `**` inside a segment
    assert not matches_module("app/*.py", "app/x/y.py")
    assert not matches_test("tests/*.py", "tests/x/test_a.py::test_a", "tests/x/test_a.py")


def test_question_mark_is_one_character_never_a_slash() -> None:
    assert matches_path("a?b", "axb")
    assert not matches_path("a?b", "a/b")
    assert not matches_path("a?b**", "a/b/c")
    assert not matches_path("a?b", "ab")
    assert not matches_module("app?x.py", "app/x.py")


def test_question_mark_makes_a_glob() -> None:
    assert matches_path("test_?.py", "test_a.py")
    assert matches_module("app/clien?s", "app/clients")  # a glob, not a directory
    assert not matches_module("app/clien?s", "app/clients/x.py")
    selector = TestSelector(["tests/test_?.py"])
    case = TestCase("tests/test_a.py::test_x", "tests/test_a.py", Outcome.PASSED)
    assert selector(case.nodeid, case.file)
    assert selector.pick(CaseIndex([case])) == [case]


def test_double_star_slash_matches_zero_or_more_directories() -> None:
    for path in ("app/x.py", "app/a/x.py", "app/a/b/x.py"):
        assert matches_path("app/**/x.py", path), path
    assert matches_path("**/x.py", "x.py")
    assert matches_path("a**/x.py", "ax.py")  # `**` inside a segment too (the NFA)
    assert matches_path("a**/x.py", "ab/c/x.py")
    assert not matches_path("app/**/x.py", "appx.py")
    assert matches_path("app/**", "app/a/b")  # a final `**`: everything below
    assert not matches_path("XX**XX", "XXa")  # `**` in a segment: the rest still matches
    assert matches_path("XX**XX", "XXa/bXX")  # and it spans directories
    assert not matches_path("app/**", "app")


def test_bracket_is_literal_never_a_character_class() -> None:
    assert matches_path("pages/[id].tsx", "pages/[id].tsx")
    assert not matches_path("pages/[id].tsx", "pages/i.tsx")
    assert matches_path("pages/[id]*.tsx", "pages/[id]-x.tsx")
    assert not matches_path("pages/[id]*.tsx", "pages/d.tsx")
    assert matches_test("tests/x.py::test_a[1]", "tests/x.py::test_a[1]", None)
    assert not matches_test("tests/x.py::test_a[1]", "tests/x.py::test_a1", None)


def test_a_directory_pattern_is_that_directory_whatever_its_last_characters() -> None:
    """Only its trailing '/' is dropped (`ios/OSX/` is `ios/OSX`, never `ios/OS`)."""
    for pattern in ("ios/OSX", "ios/OSX/", "ios\\OSX\\"):
        keep = paths_matcher((pattern,))
        assert keep("ios/OSX/a.py") and keep("ios/OSX/X/b.py")
        assert not keep("ios/OS/a.py") and not keep("ios/OSXY/a.py") and not keep("ios/OSX")
        assert keep.pick(["ios/OS/a.py", "ios/OSX/a.py", "ios/OSXY/a.py"]) == ["ios/OSX/a.py"]


def test_node_id_selects_itself_and_below_never_a_longer_name() -> None:
    for pattern in ("tests/x.py::test_a", "tests/*.py::test_a", "tests/x.py::test_?"):
        selector = TestSelector([pattern])
        for below in ("test_a", "test_a[1]", "test_a::sub", "test_a[x]::y"):
            assert selector(f"tests/x.py::{below}", "tests/x.py"), (pattern, below)
        assert not selector("tests/x.py::test_ab", "tests/x.py"), pattern
        assert not selector("tests/x.py::test_ab[1]", "tests/x.py"), pattern


def test_a_node_id_glob_with_a_literal_file_part_picks_the_tests_of_that_file() -> None:
    """The file part is the pattern before its first `::` (a class and a wildcard may
    follow), whatever its characters."""
    cases = [
        TestCase("tests/x.py::TestA::test_a", "tests/x.py", Outcome.PASSED),
        TestCase("tests/x.py::TestB::test_a", "tests/x.py", Outcome.PASSED),
        TestCase("tests/XX::XX::test_b", None, Outcome.PASSED),
        TestCase("tests/XX::XY::test_b", None, Outcome.PASSED),
    ]
    index = CaseIndex(cases)
    for pattern, only in (("tests/x.py::TestA::test_*", 0), ("tests/XX::XX::test_?", 2)):
        expected = [c for c in cases if ref_test(pattern, c.nodeid, c.file)]
        assert expected == [cases[only]]
        assert TestSelector([pattern]).pick(index) == expected, pattern


def test_a_selector_remembers_at_most_memo_limit_subjects() -> None:
    """Hostile reports may name any number of test files: the verdicts remembered by
    subject stay within MEMO_LIMIT (they are forgotten all at once when it is reached),
    and a forgotten subject is judged again the same."""
    selector = TestSelector(["tests/a*.py"])
    most = 0
    for n in range(MEMO_LIMIT + 2):
        subject = f"tests/{'a' if n % 2 else 'b'}{n}.py"
        assert selector(f"{subject}::t", subject) == (n % 2 == 1)
        most = max(most, len(selector._memo))
    assert most == MEMO_LIMIT
    assert selector("tests/a1.py::t", "tests/a1.py") and not selector("tests/b0.py::t", None)


def test_a_glob_is_tried_on_paths_at_any_depth_below_its_literal_directory() -> None:
    """A selector looks a path's globs up by each directory the path starts with,
    not only its own: `app/*/x.py` (its literal directory `app/`) meets `app/a/x.py`."""
    keep = paths_matcher((), ("app/*/x.py", "app/**/y.py"))
    assert keep("app/a/x.py") and keep("app/a/b/y.py")
    assert not keep("app/a/b/x.py")
    selector = TestSelector(["tests/*/test_a.py", "tests/*/test_b.py::test_?"])
    assert selector("tests/x/test_a.py::test_one", "tests/x/test_a.py")
    assert selector("tests/x/test_b.py::test_1", None)


def test_a_file_glob_matches_the_classname_of_tests_from_other_languages() -> None:
    assert matches_test("com.example.*Test", "com.example.ClientTest::sends", None)
    assert not matches_test("com.example.*Test", "com.example.Client::sends", None)
