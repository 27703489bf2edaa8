"""Patterns from a config cannot hang the gate.

A glob that backtracks, such as `app/*a*a*a*a*a*a*a*a*b` compiled to a Python regex,
runs for hours against a 60-character name; here each hostile case runs in a child
process that must finish within a generous limit (tests/support/bounded.py).
"""

from __future__ import annotations

from support.bounded import finishes


def test_a_hostile_glob_against_long_names_finishes() -> None:
    out = finishes(
        """
        from gate.core.model import Outcome, TestCase
        from gate.core.patterns import CaseIndex, TestSelector, matches_path, paths_matcher
        hostile = "app/*a*a*a*a*a*a*a*a*b"
        names = ["app/" + "a" * n for n in range(40, 200)]
        names += ["app/" + "a" * 60 + "z", "app/" + "ab" * 60 + "z"]
        assert not any(matches_path(hostile, n) for n in names)
        assert matches_path(hostile, "app/" + "a" * 60 + "b")
        # The same inside a segment with `**` (the NFA), across directories.
        spanning = "**a**a**a**a**a**a**a**a**a**a**b"
        deep = "/".join(["a" * 30] * 60)
        assert not matches_path(spanning, deep) and matches_path(spanning, deep + "b")
        # Many of them at once: the selections a config's globs become.
        globs = tuple(hostile.replace("b", c) for c in "bcdefghijk")
        assert paths_matcher((), globs).pick(sorted(names)) == []
        cases = [TestCase(n + "::test_x", n, Outcome.PASSED) for n in names]
        selector = TestSelector([*globs, *(g + "::test_*" for g in globs)])
        assert selector.pick(CaseIndex(cases)) == []
        assert not any(selector(c.nodeid, c.file) for c in cases)
        print("done")
        """
    )
    assert out.strip() == "done"
