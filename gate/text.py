"""Short forms of text for messages and one-line views."""

from __future__ import annotations


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


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def show_path(path: object) -> str:
    """A path as every message shows it: as is when it is plain printable text,
    else quoted the way `repr` quotes it, so a newline, a terminal escape or a
    bidirectional override in a file name can neither split nor disguise the
    message. Paths come from the command line, from reports and from the
    checkout's file names, all of which a pull request can choose."""
    text = str(path)
    if text and text.isprintable() and text.strip() == text and not _AMBIGUOUS & set(text):
        return text
    return repr(text)


_AMBIGUOUS = frozenset("'\"\\")
