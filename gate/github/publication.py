"""What the gate wants GitHub to show, independent of how it gets there.

Built from a finished report (or an error report) by `gate.github.content`; handed
to the publisher, which is the only code that talks to GitHub. The rules that map a
verdict to GitHub's states live here, once: advisory mode turns a failure into a
`success` status and a `neutral` check run; an error is an `error` status whatever
the mode, so a required check never stays pending on a gate that could not run.
"""

from __future__ import annotations

from enum import Enum

from gate.records import Record

BOT_LOGIN = "github-actions[bot]"  # the author of everything GITHUB_TOKEN writes


class CommentMode(Enum):
    """When `publish` writes the sticky comment."""

    ALWAYS = "always"  # create it, and edit it whenever its text differs
    ON_CHANGE = "on-change"  # create it, and edit it only when what it says changed
    ON_FAILURE = "on-failure"  # create it only for a failure or an error; edit as on-change
    NEVER = "never"


class Verdict(Enum):
    """What `check` concluded."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the gate could not be evaluated (exit 2)


class StatusState(Enum):
    """A commit status's `state` (repos/create-commit-status)."""

    SUCCESS = "success"
    FAILURE = "failure"
    ERROR = "error"


class CheckConclusion(Enum):
    """A completed check run's `conclusion` (checks/create)."""

    SUCCESS = "success"
    FAILURE = "failure"
    NEUTRAL = "neutral"


ADVISORY_PREFIX = "advisory: "


def status_context_for(gate_id: str) -> str:
    """Return the default commit status context of a gate: `signal-gate/<id>`.

    One context per gate, so two gates in one repository never overwrite each
    other's status; this is the check to mark as required in branch protection.
    """
    return f"signal-gate/{gate_id}"


def check_name_for(status_context: str) -> str:
    """Return the check run's name: never the status context itself, so the PR's
    checks list shows two distinguishable entries and nobody requires the wrong one."""
    return f"{status_context} details"


def status_state(verdict: Verdict, *, advisory: bool) -> StatusState:
    """Return the commit status state for a verdict (advisory never blocks a merge)."""
    if verdict is Verdict.ERROR:
        return StatusState.ERROR
    if verdict is Verdict.PASSED or advisory:
        return StatusState.SUCCESS
    return StatusState.FAILURE


def check_conclusion(verdict: Verdict, *, advisory: bool) -> CheckConclusion:
    """Return the check run conclusion for a verdict: `neutral` when advisory."""
    if verdict is Verdict.PASSED:
        return CheckConclusion.SUCCESS
    return CheckConclusion.NEUTRAL if advisory else CheckConclusion.FAILURE


class Annotation(Record, frozen=True):
    """An uncovered line range of one file, for a check run annotation."""

    path: str  # repository-relative, '/'-separated
    start_line: int
    end_line: int
    message: str
    title: str = "Not covered"


class Publication(Record, frozen=True):
    """Everything one gate publishes for one commit."""

    gate_id: str  # names the sticky comment marker <!-- signal-gate:<id> -->
    verdict: Verdict
    comment: str  # full Markdown comment, without the marker
    comment_summary: str  # shorter form used when `comment` is too long for GitHub
    # A digest of what the comment says, without the run link or any time: two runs
    # with the same key say the same thing (comment mode on-change).
    comment_key: str
    status_context: str  # commit status context, `signal-gate/<id>` by default
    status_description: str  # <= 140 characters, e.g. "passed: 96.8% confidence · ..."
    check_title: str
    check_summary: str
    annotations: tuple[Annotation, ...] = ()
    comment_mode: CommentMode = CommentMode.ON_CHANGE
    advisory: bool = False  # report, never block: a success status, a neutral check run

    @property
    def check_name(self) -> str:
        return check_name_for(self.status_context)

    @property
    def state(self) -> StatusState:
        return status_state(self.verdict, advisory=self.advisory)

    @property
    def conclusion(self) -> CheckConclusion:
        return check_conclusion(self.verdict, advisory=self.advisory)

    @property
    def wants_new_comment(self) -> bool:
        """Whether the comment mode asks to create a comment where there is none."""
        if self.comment_mode is CommentMode.NEVER:
            return False
        return self.comment_mode is not CommentMode.ON_FAILURE or self.verdict is not Verdict.PASSED
