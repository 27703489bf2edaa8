"""User regexes (`require_pattern`, `forbid_pattern`) in RE2 syntax, searched in time
linear in the text.

The files they search come from pull requests. Python's backtracking `re` needs
exponential time for `^(a|aa)+$` and quadratic time for `urlopen\\((?![^)]*timeout=)`
on text an attacker writes; RE2 (google-re2, the only module that imports it)
guarantees each search linear time, and refuses at config load the constructs that
would need backtracking: look-ahead, look-behind, back-references, atomic groups,
possessive quantifiers, conditionals.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import re2

# (how RE2's error names it, what the user wrote): the constructs RE2 refuses.
REFUSED = (
    ("(?=", "a look-ahead `(?=...)`"),
    ("(?!", "a negative look-ahead `(?!...)`"),
    ("(?<=", "a look-behind `(?<=...)`"),
    ("(?<!", "a negative look-behind `(?<!...)`"),
    ("(?P=", "a named back-reference `(?P=name)`"),
    ("(?>", "an atomic group `(?>...)`"),
    ("(?(", "a conditional `(?(1)...)`"),
    ("(?#", "a comment `(?#...)`"),
    ("(?x", "verbose mode `(?x)`"),
    ("++", "a possessive quantifier"),
    ("*+", "a possessive quantifier"),
    ("?+", "a possessive quantifier"),
    ("}+", "a possessive quantifier"),
    ("\\Z", "`\\Z` (RE2 writes the end of the text `\\z`)"),
)
BACK_REFERENCE = tuple(f"invalid escape sequence: \\{d}" for d in range(1, 10))


class UserRegexError(ValueError):
    """A pattern RE2 cannot compile; the message says what and why."""


class UserRegex:
    """A compiled user regex, `^` and `$` matching at every line (multi-line)."""

    __slots__ = ("_regex", "pattern")

    def __init__(self, pattern: str) -> None:
        import re2  # 5 ms and 3 MB: only for a config that has pattern checks

        options = re2.Options()
        options.log_errors = False  # the error is ours to report, not RE2's to print
        self.pattern = pattern
        try:
            re2.compile(pattern, options)  # alone first, so that errors quote it as written
        except re2.error as exc:
            raise UserRegexError(_explain(pattern, exc)) from None
        self._regex = re2.compile("(?m)" + pattern, options)

    def search(self, data: bytes, start: int) -> tuple[int, int] | None:
        """(start, end) of the leftmost match in the UTF-8 `data` from byte `start`."""
        found = self._regex.search(data, start)
        return None if found is None else found.span()


@lru_cache(maxsize=128)
def compile_user_regex(pattern: str) -> UserRegex:
    """The compiled regex; UserRegexError when RE2 refuses it."""
    return UserRegex(pattern)


def _explain(pattern: str, exc: re2.error) -> str:
    """RE2's message, with the refused construct named when it is one."""
    detail = exc.args[0] if exc.args else str(exc)
    message = detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)
    refused = "a back-reference" if message.startswith(BACK_REFERENCE) else None
    for shown, construct in REFUSED:
        # RE2 quotes `(?P=x)` as `(?P`: look for the construct in the pattern too.
        if refused is None and (f": {shown}" in message or shown in pattern):
            refused = construct
    if refused is None:
        return message
    return f"RE2 syntax is required, and RE2 refuses {refused} ({message})"
