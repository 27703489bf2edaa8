"""gate.text: the one plural helper and the short forms of untrusted text."""

from __future__ import annotations

import pytest

from gate.text import clip, counted, every, plain, plural, terminal_text


@pytest.mark.parametrize(
    ("noun", "n", "expected"),
    [
        ("interaction", 1, "interaction"),
        ("interaction", 0, "interactions"),
        ("interaction", 2, "interactions"),
        ("file", 168, "files"),
        ("statement", 1, "statement"),
        ("branch", 2, "branches"),
        ("safety check", 3, "safety checks"),
        ("test", 1, "test"),
        ("pass", 2, "passes"),
        ("box", 2, "boxes"),
        ("crash", 2, "crashes"),
    ],
)
def test_plural(noun: str, n: int, expected: str) -> None:
    assert plural(noun, n) == expected


def test_plain_and_clip() -> None:
    assert plain("a\x1b[31m\n b\u202e") == "a[31m b"
    assert clip("abcdef", 4) == "abc…" and clip("abc", 4) == "abc"


def test_counted_and_every() -> None:
    assert counted(1, "file") == "1 file" and counted(3, "match") == "3 matches"
    assert every(1, "matching test") == "the 1 matching test"
    assert every(2, "file") == "all 2 files"


def test_terminal_text_keeps_the_lines_and_drops_what_a_terminal_would_obey() -> None:
    # A carriage return would let the rest of a line overwrite its start; ESC, the
    # C1 CSI and a right-to-left override would restyle or reorder it.
    hostile = "report.xml: bad\r ok   \nsecond \u202eline\x1b[31m\x9b2J end"
    assert terminal_text(hostile) == "report.xml: bad ok   \nsecond line[31m2J end"
