"""Short forms of text for messages and one-line views."""

from __future__ import annotations

import os
import re

# Control characters, C1 controls (an 8-bit terminal reads U+009B as CSI) and
# bidirectional overrides: never shown, in any rendering or message.
CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(raw: str | None) -> str:
    """A value from a report as an error message quotes it: its first 40
    characters (a hostile value can be megabytes long), or "(missing)"."""
    if raw is None:
        return "(missing)"
    return repr(raw if len(raw) <= 40 else raw[:40] + "…")


def plural(noun: str, n: int) -> str:
    """The noun for n of it: statement -> statements, branch -> branches."""
    if n == 1:
        return noun
    return noun + ("es" if noun.endswith(("ch", "sh", "s", "x")) else "s")


def counted(n: int, noun: str) -> str:
    """'1 file', '3 files': a count with its noun."""
    return f"{n} {plural(noun, n)}"


def every(n: int, noun: str) -> str:
    """'all 3 files', or 'the 1 file': never 'all 1 files'."""
    return f"the 1 {noun}" if n == 1 else f"all {counted(n, noun)}"


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def plain(text: str, limit: int | None = None) -> str:
    """One line of untrusted text, control characters removed, shortened if asked."""
    line = " ".join(CONTROL.sub("", text).split())
    return line if limit is None else clip(line, limit)


def terminal_text(text: str) -> str:
    """`text` with its lines kept and every control character (a carriage return
    too) and bidirectional override removed: an error message can quote a report
    (a parser's message holds the bytes it choked on), and a terminal must show
    it as written, not obey it."""
    return "\n".join(CONTROL.sub("", line).replace("\r", "") for line in text.split("\n"))


def show_path(path: object, separator: str = os.sep) -> str:
    """A path as every message shows it: as is when it is plain printable text,
    else quoted the way `repr` quotes it, so a newline, a terminal escape or a
    bidirectional override in a file name can neither split nor disguise the
    message. Paths come from the command line, from reports and from the
    checkout's file names, all of which a pull request can choose.

    A quote or a backslash is quoted too (it could pass for `repr`'s own), except
    the system's own separator: every Windows path holds backslashes, and quoting
    them all would double each one in every message there."""
    text = str(path)
    ambiguous = _AMBIGUOUS - {separator}
    if text and text.isprintable() and text.strip() == text and not ambiguous & set(text):
        return text
    return repr(text)


_AMBIGUOUS = frozenset("'\"\\")
