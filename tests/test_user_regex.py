"""User regexes (`require_pattern`, `forbid_pattern`) are RE2: linear, and refused
at config load when they need backtracking.

Under Python's `re`, `^(a|aa)+$` is exponential and the demo's former
`urlopen\\((?![^)]*timeout=)` quadratic in the text a pull request writes; each
hostile case runs in a child process that must finish within a generous limit
(tests/support/bounded.py).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from safety_fixtures import check, config_error, run_one
from support.bounded import finishes

from gate.config.user_regex import compile_user_regex

REGEX_RUN = """
import datetime as dt, sys
from pathlib import Path
from gate.config.load import config_from_data
from gate.core.model import TestResults
from gate.safety import SafetyContext, run_safety
root, kind, pattern = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
check = {"id": "c", "name": "c", "kind": kind, "files": ["*.txt"], "pattern": pattern}
config = config_from_data(
    {"version": 1, "interactions": [], "safety": {"checks": [check]}}, "signal-gate.yml"
)
ctx = SafetyContext(root=root, coverage={}, tests=TestResults(cases={}), allow_exec=False,
                    today=dt.date(2026, 1, 1), waivers={})
print(run_safety(config.safety, ctx).checks[0].detail)
"""


def run_regex(root: Path, kind: str, pattern: str, text: str) -> str:
    (root / "hostile.txt").write_text(text, encoding="utf-8")
    return finishes(REGEX_RUN, str(root), kind, pattern).strip()


def test_an_exponential_regex_over_a_large_file_finishes(tmp_path: Path) -> None:
    text = ("a" * 5_000 + "b\n") * 200  # `(a|aa)+` backtracks 2^n ways before each b
    detail = run_regex(tmp_path, "require_pattern", "^(a|aa)+$", text)
    assert detail.startswith("/^(a|aa)+$/ found in none of 1 file")
    assert run_regex(tmp_path, "require_pattern", "^(a|aa)+$", text + "aaaa\n").startswith(
        "found in 1 of 1 file, first at hostile.txt:201"
    )


def test_the_demo_timeout_check_over_a_hostile_file_finishes(tmp_path: Path) -> None:
    # `re` reads to the end of the text after each of the 200,000 `urlopen(`.
    pattern = demo_pattern("outbound-timeouts")
    detail = run_regex(tmp_path, "forbid_pattern", pattern, "urlopen(" * 200_000)
    assert detail.endswith("found on 1 line: hostile.txt:1")


def test_a_pattern_that_reads_to_the_end_at_every_line_is_capped(tmp_path: Path) -> None:
    # Each search for `a(?:[^z]*z)?` reads to the end of the file (RE2 has to look for
    # the longer match): one search per line would be quadratic in the file.
    detail = run_regex(tmp_path, "forbid_pattern", "a(?:[^z]*z)?", "a\n" * 150_000)
    assert detail.startswith(
        "/a(?:[^z]*z)?/ found on at least 1000 lines (the search stops at 1,000 lines a file): "
        "hostile.txt:1, hostile.txt:2,"
    )


def test_a_forbidden_match_is_counted_once_per_line(tmp_path: Path) -> None:
    detail = run_regex(tmp_path, "forbid_pattern", "x", "xx x\n\nx\n")
    assert detail == "/x/ found on 2 lines: hostile.txt:1, hostile.txt:3"
    # A match that spans lines hides the lines it covers, as a search over the text does.
    detail = run_regex(tmp_path, "forbid_pattern", "a\\nb", "a\nb\nb\n")
    assert detail == "/a\\nb/ found on 1 line: hostile.txt:1"


# --- RE2 refusals -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        (r"urlopen\((?![^)]*timeout=)", "a negative look-ahead `(?!...)`"),
        (r"secret(?=:)", "a look-ahead `(?=...)`"),
        (r"(?<=key=)\w+", "a look-behind `(?<=...)`"),
        (r"(?<!#)TODO", "a negative look-behind `(?<!...)`"),
        (r"(['\"]).*\1", "a back-reference"),
        (r"(?P<q>['\"]).*(?P=q)", "a named back-reference `(?P=name)`"),
        (r"(?>a+)b", "an atomic group `(?>...)`"),
        (r"a++b", "a possessive quantifier"),
        (r"end\Z", "`\\Z` (RE2 writes the end of the text `\\z`)"),
    ],
)
def test_a_regex_re2_refuses_is_a_config_error_naming_the_construct(
    pattern: str, construct: str
) -> None:
    for kind in ("require_pattern", "forbid_pattern"):
        message = config_error(check(kind, files=["x"], pattern=pattern))
        assert "safety.checks[0].pattern: invalid regex: RE2 syntax is required" in message
        assert f"RE2 refuses {construct}" in message


def test_a_broken_regex_is_a_config_error_quoting_re2() -> None:
    message = config_error(check("forbid_pattern", files=["x"], pattern="(unclosed"))
    assert message.splitlines()[0].endswith(
        "safety.checks[0].pattern: invalid regex: missing ): (unclosed"
    )


def test_re2_syntax_python_also_reads_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("DEBUG = False\nKEY = 'x'\n", encoding="utf-8")
    for pattern in (r"^DEBUG = False$", r"(?i)debug\s*=\s*false", r"(?P<name>KEY) = '\w'"):
        one = check("require_pattern", files=["app.py"], pattern=pattern)
        assert run_one(tmp_path, one).passed, pattern


# What a call's arguments are made of, for the demo pattern's equivalence test.
CALL_TOKENS = ["t", "i", "m", "e", "o", "u", "=", ")", "(", "x", "\n", " ", "timeout",
               "imeout", "timeou", "timeout=", "urlopen("]  # fmt: skip


@cache
def demo_pattern(check_id: str) -> str:
    import yaml

    config = Path(__file__).parents[1] / "examples" / "signal_service" / "signal-gate.yml"
    checks = yaml.safe_load(config.read_text(encoding="utf-8"))["safety"]["checks"]
    return str(next(c["pattern"] for c in checks if c["id"] == check_id))


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(CALL_TOKENS), max_size=12).map("".join))
def test_the_demo_timeout_pattern_flags_what_its_look_ahead_form_flagged(tail: str) -> None:
    text = "urlopen(" + tail
    flagged = re.compile(r"urlopen\((?![^)]*timeout=)").match(text) is not None
    span = compile_user_regex(demo_pattern("outbound-timeouts")).search(text.encode(), 0)
    assert (span is not None and span[0] == 0) == flagged, text
