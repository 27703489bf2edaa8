"""Untrusted text -> Markdown that renders as exactly that text.

Test names, failure messages and paths come from pull requests. On GitHub they
must not become HTML, images, links, @mentions or extra table cells. The rules
follow CommonMark (any ASCII punctuation may be backslash-escaped; entities for
`&`, `<`, `>`) and GitHub's extensions (autolinks on `www.`, `scheme://` and
e-mail addresses; mentions on `@name`; issue references on `#12` and `GH-12`),
which a zero-width space breaks. Control characters, C1 controls (an 8-bit
terminal reads U+009B as CSI) and bidirectional overrides are dropped.
"""

from __future__ import annotations

import re

from gate.text import CONTROL, plain

__all__ = ["CONTROL", "code", "md", "plain"]

ZWSP = "\u200b"
PIPE_IN_CELL = "\\|"  # a `|` inside a table cell, code spans included
# Only what can start markup anywhere in a line: code, emphasis, links and images
# (`[`), table cells, strikethrough, math. The rest of ASCII punctuation is left
# alone so escaped text still reads as itself in the raw Markdown.
_PUNCT = re.compile(r"([\\`*_\[\]|~$])")
# What starts a block when it opens a line (or a list item): headings, lists.
_LEADING = re.compile(r"^([#+\-]|\d+(?=[.)]))")
_AUTOLINK = re.compile(r"(?i)(www)(\.)|(:)(//)")
_ISSUE_REF = re.compile(r"(?i)(#|\bgh-)(?=\d)")


def md(text: str, limit: int | None = 300) -> str:
    """Escape untrusted text for a Markdown paragraph, list item or table cell."""
    out = _PUNCT.sub(r"\\\1", plain(text, limit))
    out = _LEADING.sub(lambda m: "\\" + m[1] if not m[1].isdigit() else m[1] + "\\", out)
    out = out.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace("@", "@" + ZWSP)
    out = _ISSUE_REF.sub(lambda m: m[1] + ZWSP, out)
    return _AUTOLINK.sub(lambda m: f"{m[1]}{ZWSP}{m[2]}" if m[1] else f"{m[3]}{ZWSP}{m[4]}", out)


def code(text: str, limit: int | None = 200, *, table: bool = True) -> str:
    """Untrusted text as inline code: a backtick fence longer than any run inside.

    In a table cell (`table=True`, the safe default) a `|` would end the cell even
    inside code, so it is written `\\|`: GFM's table parser takes that backslash
    out again before the code span is read, so the reader sees `|` (GFM spec,
    "Tables": "include a pipe in a cell's content by escaping it, including
    inside other inline spans"). Outside a table (`table=False`) the backslash
    would show, so the pipe is left as it is.
    """
    line = plain(text, limit)
    if table:
        line = line.replace("|", PIPE_IN_CELL)
    if not line:
        return ""
    longest = max((len(m) for m in re.findall(r"`+", line)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if line.startswith("`") or line.endswith("`") else ""
    return f"{fence}{pad}{line}{pad}{fence}"
