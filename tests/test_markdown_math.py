"""`$…$` and `$$…$$` are math on GitHub: an untrusted name with two dollar signs would
render as a formula, its text gone. GitHub reads math from the raw Markdown only
where a `$` is not backslash-escaped (docs.github.com, "Writing mathematical
expressions"); cmark-gfm, which renders the rest, shows an escaped `\\$` as `$`.

So the rule has two halves, each checked on what the comment renderer writes: in
the raw Markdown no `$` of untrusted text is unescaped, and in cmark-gfm's HTML
every dollar sign is still there, as text.
"""

from __future__ import annotations

import html
import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from gate.render.escape import md

MATH = [
    "costs $5 and $10",
    "$x^2$ in a test name",
    "$$\\sum_i x_i$$",
    "test_price[$-1]",
    "a $`b`$ c",
    "ends with $",
]


def unescaped_dollars(markdown: str) -> list[int]:
    """Positions of `$` not preceded by an odd number of backslashes."""
    found = []
    for m in re.finditer(r"\$", markdown):
        backslashes = len(markdown[: m.start()]) - len(markdown[: m.start()].rstrip("\\"))
        if backslashes % 2 == 0:
            found.append(m.start())
    return found


@pytest.mark.parametrize("text", MATH)
def test_no_dollar_of_untrusted_text_is_left_for_math(text: str) -> None:
    escaped = md(text)
    assert escaped.count("$") == text.count("$")
    assert unescaped_dollars(escaped) == []


@pytest.mark.parametrize("text", MATH)
def test_cmark_gfm_shows_every_dollar_sign_as_text(text: str) -> None:
    page = cmarkgfm.github_flavored_markdown_to_html(
        f"Test {md(text)} failed\n", options=Options.CMARK_OPT_UNSAFE
    )
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "math" not in page
    assert shown.count("$") == text.count("$")
    assert shown.strip() == f"Test {text} failed"
