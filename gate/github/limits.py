"""GitHub's size limits, and the one way we measure text against them.

Sources: tests/data/github-api/LIMITS.md §1 and the REST docs of each endpoint.
"""

from __future__ import annotations

COMMENT_LIMIT = 65_536  # issue comment body: 422 "Body is too long (maximum is 65536 characters)"
STATUS_DESCRIPTION_LIMIT = 140  # 422 "description is too long (maximum is 140 characters)"
CHECK_OUTPUT_LIMIT = 65_535  # checks/create, checks/update: output.summary maxLength
CHECK_TITLE_LIMIT = 1_000  # not documented; a title is one line, keep it short
ANNOTATIONS_PER_REQUEST = 50  # checks/create, checks/update: output.annotations maxItems
ANNOTATION_TITLE_LIMIT = 255  # characters
# An annotation message may hold 64 KB: 16,384 UTF-16 units are at most 48 KB of UTF-8.
ANNOTATION_MESSAGE_LIMIT = 64 * 1024 // 4
PER_PAGE = 100  # the largest page GitHub serves ("Using pagination in the REST API")


def length(text: str) -> int:
    """Return the length of `text` as GitHub's limits are checked here: in UTF-16 units.

    GitHub states its limits in "characters" without saying which. UTF-16 code units are
    never fewer than code points, so text that fits here fits whatever GitHub counts,
    even when a matrix is full of emoji (two units each).
    """
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int) -> str:
    """Return `text` cut to at most `limit` (UTF-16 units), ending in "…" when cut."""
    if length(text) <= limit:
        return text
    kept = text.encode("utf-16-le")[: 2 * (limit - 1)]
    return kept.decode("utf-16-le", errors="ignore") + "…"  # drops a split surrogate pair
