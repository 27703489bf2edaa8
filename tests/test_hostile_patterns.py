"""Patterns from a config cannot hang the gate: globs, and how many and how long.

A glob that backtracks, such as `app/*a*a*a*a*a*a*a*a*b` compiled to a Python regex,
runs for hours against a 60-character name; here each hostile case runs in a child
process that must finish within a generous limit (tests/support/bounded.py).
"""

from __future__ import annotations

import pytest
from safety_fixtures import check, config_data, config_error
from support.bounded import finishes

from gate.config.load import config_from_data
from gate.config.rules import MAX_PATTERN_CHARS, MAX_PATTERNS, MAX_PATTERNS_TOTAL
from gate.errors import ConfigError


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


# --- bounds on config patterns -------------------------------------------------------


def test_a_pattern_longer_than_the_bound_is_a_config_error() -> None:
    long = "a" * (MAX_PATTERN_CHARS + 1)
    message = config_error(check("file_exists", paths=["ok", long]))
    assert message.splitlines()[0].endswith(
        f"safety.checks[0].paths[1]: {MAX_PATTERN_CHARS + 1:,} characters long; "
        f"at most {MAX_PATTERN_CHARS:,} are allowed"
    )
    message = config_error(check("forbid_pattern", files=["x"], pattern=long))
    assert "safety.checks[0].pattern: 1,001 characters long" in message
    at_the_bound = check("file_exists", paths=["a" * MAX_PATTERN_CHARS])
    assert config_from_data(config_data(at_the_bound), "signal-gate.yml").safety.checks


def test_more_patterns_than_the_bounds_is_a_config_error() -> None:
    many = [f"tests/test_{n}.py" for n in range(MAX_PATTERNS + 1)]
    message = config_error(check("junit", tests=many))
    assert message.splitlines()[0].endswith(
        f"safety.checks[0].tests: {MAX_PATTERNS + 1:,} patterns; at most 1,000 are allowed"
    )
    full = [f"tests/test_{n}.py" for n in range(MAX_PATTERNS)]
    checks = [check("junit", id=f"c{n}", tests=full) for n in range(11)]
    with pytest.raises(ConfigError) as info:
        config_from_data(config_data(*checks), "signal-gate.yml")
    # The fixture's interaction holds a few patterns too: the tenth check crosses the bound.
    assert "safety.checks[9].tests: 10,0" in str(info.value)
    assert (
        str(info.value)
        .splitlines()[0]
        .endswith(f"patterns so far; a config holds {MAX_PATTERNS_TOTAL:,} at most")
    )
