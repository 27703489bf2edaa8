"""What the gate wants GitHub to show, independent of how it gets there.

Built from a finished report by the CLI; handed to the publisher, which is the
only code that talks to GitHub.
"""

from __future__ import annotations

from enum import Enum

from gate.records import Record


class CommentMode(Enum):
    ALWAYS = "always"
    ON_FAILURE = "on-failure"
    NEVER = "never"


class Annotation(Record, frozen=True):
    """An uncovered line range of one file, for a check run annotation."""

    path: str  # repository-relative, '/'-separated
    start_line: int
    end_line: int
    message: str
    title: str = "Not covered"


class Publication(Record, frozen=True):
    """Everything one gate publishes for one pull request."""

    gate_id: str  # names the sticky comment marker <!-- signal-gate:<id> -->
    passed: bool
    comment: str  # full Markdown comment, without the marker
    comment_summary: str  # shorter form used when `comment` is too long for GitHub
    status_context: str  # commit status context, default "signal-gate"
    status_description: str  # <= 140 characters, e.g. "96.8% confidence · 22/22 safety"
    check_title: str
    check_summary: str
    annotations: tuple[Annotation, ...] = ()
    comment_mode: CommentMode = CommentMode.ALWAYS
