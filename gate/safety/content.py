"""The kinds that look at the repository's files: `file_exists`, `require_pattern`
and `forbid_pattern`.

Every path glob must select at least one file: a glob that matches nothing is
a typo or a moved file, and a check over nothing proves nothing. Regexes are RE2
patterns (`gate.config.user_regex`: linear time, whatever the file holds) searched
in each file's whole text, `^` and `$` matching at every line, whether it ends in LF
or CRLF. A file that cannot
be read (over the size cap, unreadable, outside the root) never counts as "no
match".
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from gate.config.schema import FileExistsCheck, ForbidPatternCheck, RequirePatternCheck
from gate.config.user_regex import UserRegex, UserRegexError, compile_user_regex
from gate.records import Record
from gate.safety.context import Finding, SafetyContext, failed, passed
from gate.safety.tree import Selection, Unread, read_text, select
from gate.text import counted, every

LISTED = 10  # files or locations named in a detail before "and N more"
# Lines with a match counted in one file before the search stops. Each search is
# linear, but a pattern such as `a(?:[^z]*z)?` may read to the end of the file for
# every match: the cap keeps a hostile file from multiplying that by its lines.
LINE_LIMIT = 1_000
NOTHING_SELECTED = "`{key}` is empty: a check over no file proves nothing"


def check_file_exists(check: FileExistsCheck, ctx: SafetyContext) -> Finding:
    """Passes when every path glob matches at least one file (a literal path may
    also name a directory)."""
    if not check.paths:
        return failed(NOTHING_SELECTED.format(key="paths"))
    selection = select(ctx.root, check.paths, dirs=True)
    problems = _selection_problems(selection)
    if problems:
        return failed("; ".join(problems))
    n = len(check.paths)
    exist = f"{every(n, 'path')} {'exists' if n == 1 else 'exist'}"
    return passed(f"{exist} ({counted(len(selection.files), 'match')})")


def check_require_pattern(check: RequirePatternCheck, ctx: SafetyContext) -> Finding:
    """Passes when the regex matches in at least one (`in: any`) or in every
    (`in: all`) selected file."""
    scanned = _scan(check.files, check.pattern, ctx)
    if isinstance(scanned, Finding):
        return scanned
    found: list[str] = []
    missing: list[str] = []
    for path, lines in scanned.matches.items():
        line = next(lines, None)
        if line is None:
            missing.append(path)
        else:
            found.append(f"{path}:{line}")
    unread = scanned.unread
    total = len(scanned.matches) + len(unread)
    if check.in_ == "any":
        if found:
            return passed(f"found in {len(found)} of {counted(total, 'file')}, first at {found[0]}")
        problems = [
            f"/{check.pattern}/ found in none of {counted(total, 'file')}: {_listed(missing)}"
        ]
    else:
        if not missing and not unread:
            return passed(f"found in {every(total, 'file')}")
        problems = []
        if missing:
            count = f"{len(missing)} of {counted(total, 'file')}"
            problems.append(f"/{check.pattern}/ missing from {count}: {_listed(missing)}")
    if unread:
        problems.append(f"not read: {_listed(unread)}")
    return failed("; ".join(problems))


def check_forbid_pattern(check: ForbidPatternCheck, ctx: SafetyContext) -> Finding:
    """Passes when the regex matches in none of the selected files. The detail
    names each match as `file:line`, never the matched text (a forbidden pattern
    is often a secret)."""
    scanned = _scan(check.files, check.pattern, ctx)
    if isinstance(scanned, Finding):
        return scanned
    hits: list[str] = []
    capped = False
    for path, numbers in scanned.matches.items():
        found = [f"{path}:{line}" for line in numbers]
        capped |= len(found) >= LINE_LIMIT
        hits.extend(found)
    unread = scanned.unread
    problems = []
    if hits:
        lines = counted(len(hits), "line")
        if capped:
            lines = f"at least {lines} (the search stops at {LINE_LIMIT:,} lines a file)"
        problems.append(f"/{check.pattern}/ found on {lines}: {_listed(hits)}")
    if unread:
        problems.append(f"not read: {_listed(unread)}")
    if problems:
        return failed("; ".join(problems))
    return passed(f"not found in {counted(len(scanned.matches), 'file')}")


class _Scan(Record, frozen=True):
    """Where a regex matched in each readable selected file, and what was not read."""

    matches: dict[str, Iterator[int]]
    unread: list[str]


def _scan(files: Sequence[str], pattern: str, ctx: SafetyContext) -> _Scan | Finding:
    """Select the files of a pattern check and search each; a failed Finding when the
    selection itself is wrong (empty, refused, a glob matching nothing)."""
    if not files:
        return failed(NOTHING_SELECTED.format(key="files"))
    selection = select(ctx.root, files)
    if problems := _selection_problems(selection):
        return failed("; ".join(problems))
    try:
        regex = compile_user_regex(pattern)
    except UserRegexError as exc:  # config load refuses it first; never a silent pass
        return failed(f"invalid regex: {exc}")
    matches: dict[str, Iterator[int]] = {}
    unread: list[str] = []
    for path in selection.files:
        text = read_text(ctx.root, path)
        if isinstance(text, Unread):
            unread.append(text.reason)
        else:
            matches[path] = _match_lines(regex, text)
    return _Scan(matches, unread)


def _selection_problems(selection: Selection) -> list[str]:
    problems = list(selection.refused)
    if selection.unmatched:
        globs = ", ".join(repr(p) for p in selection.unmatched)
        problems.append(f"no file matches {globs}")
    return problems


def _match_lines(regex: UserRegex, text: str) -> Iterator[int]:
    """The distinct line numbers (1-based) where matches start, in order, at most
    LINE_LIMIT of them. After a match the search goes on at the next line (or at the
    match's end, when the match spans lines): one search per line found."""
    # A CRLF ends a line as LF does (a Windows checkout, git's autocrlf): RE2's `$` only
    # matches before LF, so `^DEBUG = True$` would miss every line of such a file.
    # Encoded once: RE2 searches UTF-8, and a str would be re-encoded each time.
    data = text.replace("\r\n", "\n").encode()
    line, scanned, start = 1, 0, 0
    for _ in range(LINE_LIMIT):
        span = regex.search(data, start)
        if span is None:
            return
        line += data.count(b"\n", scanned, span[0])
        scanned = span[0]
        yield line
        next_line = data.find(b"\n", span[0]) + 1
        if next_line == 0:
            return
        start = max(span[1], next_line)


def _listed(items: Sequence[str], limit: int = LISTED) -> str:
    shown = ", ".join(items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown
