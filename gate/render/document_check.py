"""`report --check`: is a committed assessment document still what the facts say?

Only the body is compared: the provenance footer (from the last
`PROVENANCE_HEADING` line on: timestamp, commit, input hashes) changes with
every run and is ignored, and so are line endings. What changed is shown as a
short diff without context, each hunk named by the section it falls in
(`@@ Alert Service (alert-service) @@`), so a reviewer sees which facts moved.
"""

from __future__ import annotations

import difflib

from gate.render.document import PROVENANCE_HEADING

DIFF_LINES_SHOWN = 60


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
    empty when the bodies agree; hunks named by section; long diffs cut short."""
    old, new = comparable_lines(committed), comparable_lines(fresh)
    if old == new:
        return []
    out = [f"--- {name} (committed)", f"+++ {name} (fresh)"]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        section = _section(new, j1) if new else _section(old, i1)
        out.append(f"@@ {section} @@")
        out.extend(f"-{line}" for line in old[i1:i2])
        out.extend(f"+{line}" for line in new[j1:j2])
    if len(out) > DIFF_LINES_SHOWN:
        hidden = len(out) - DIFF_LINES_SHOWN
        out = [*out[:DIFF_LINES_SHOWN], f"... ({hidden} more diff lines)"]
    return out


def _section(lines: list[str], index: int) -> str:
    """The heading above line `index` (without its #s and status icon), for a hunk."""
    for line in reversed(lines[: index + 1]):
        if line.startswith("#"):
            title = line.lstrip("#").strip()
            head, _, rest = title.partition(" ")
            return rest if rest and not head.isascii() else title
    return "top of the document"
