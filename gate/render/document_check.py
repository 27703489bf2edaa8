"""`report --check`: is a committed assessment document still what the facts say?

Only the body is compared: the provenance footer (from the last
`PROVENANCE_HEADING` line on: timestamp, commit, input hashes) changes with
every run and is ignored, and so are line endings. What changed is shown as a
short diff without context, section by section (`@@ Alert Service (Price
Alerts) (`alert-service`) @@`): sections are matched by their heading, not by
their place, so an interaction that moves up the document because its status
changed shows only the lines that changed in it.
"""

from __future__ import annotations

import difflib

from gate.render.document import PROVENANCE_HEADING

DIFF_LINES_SHOWN = 60
TOP = "top of the document"


def comparable_lines(document: str) -> list[str]:
    """The document's body: its lines before the provenance footer (all of them
    when there is none), without the separator rule and blank lines that end it."""
    lines = document.splitlines()
    if PROVENANCE_HEADING in lines:
        cut = len(lines) - 1 - lines[::-1].index(PROVENANCE_HEADING)
        lines = lines[:cut]
        while lines and lines[-1] in ("", "---"):
            lines.pop()
    return lines


def stale_diff(committed: str, fresh: str, name: str) -> list[str]:
    """What changed in the facts from the committed document to a fresh one:
    empty when the bodies agree; one hunk per changed section; cut when long."""
    old, new = comparable_lines(committed), comparable_lines(fresh)
    if old == new:
        return []
    out = [f"--- {name} (committed)", f"+++ {name} (fresh)"]
    before, after = sections(old), sections(new)
    for key in [*after, *(k for k in before if k not in after)]:
        was, now = before.get(key, []), after.get(key, [])
        if was != now:
            out.append(f"@@ {key} @@")
            out.extend(_changes(was, now))
    if len(out) == 2:  # the same sections in another order
        out.extend(["@@ order @@", "the sections are the same, in another order"])
    if len(out) > DIFF_LINES_SHOWN:
        hidden = len(out) - DIFF_LINES_SHOWN
        out = [*out[:DIFF_LINES_SHOWN], f"... ({hidden} more diff lines)"]
    return out


def sections(lines: list[str]) -> dict[str, list[str]]:
    """The lines of each section by its title (a heading without its #s and status
    icon); the lines before the first heading are TOP's."""
    out: dict[str, list[str]] = {}
    key = TOP
    for line in lines:
        if line.startswith("#"):
            key = _title(line)
            while key in out:  # a title used twice stays two sections
                key += " (again)"
        out.setdefault(key, []).append(line)
    return out


def _title(heading: str) -> str:
    title = heading.lstrip("#").strip()
    icon, _, rest = title.partition(" ")
    return rest if rest and not icon.isascii() else title


def _changes(was: list[str], now: list[str]) -> list[str]:
    """The removed and added lines of one section, without context."""
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, was, now, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            out.extend(f"-{line}" for line in was[i1:i2])
            out.extend(f"+{line}" for line in now[j1:j2])
    return out
