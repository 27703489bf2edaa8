"""One publication's session with GitHub: retries, the deadline, what may be resent, warnings.

Retries. PyGithub's default `GithubRetry` resends POST requests after a 5xx, and a 5xx can
come after GitHub did the work (a proxy timing out), so a blind retry can post a second
comment or check run (tests/data/github-api/LIMITS.md §5). The client is therefore built
without PyGithub's retry, and every call goes through `Session.call`, which decides by
what the call does:

- a call that cannot duplicate anything (a read, an edit, a delete, a commit status, which
  GitHub keeps as a history where the newest per context wins) is resent after a 5xx,
  a connection error and a rate limit;
- the sticky comment is found again before every create, so its create is resent safely;
- a check run create is resent only after looking for the check run that a lost response
  may have created, found by its `external_id`;
- appending annotations is resent only after a rate limit, which GitHub answers before
  doing anything, never after a 5xx, which could append the same batch twice.

Waits follow GitHub's rate-limit guidance ("Best practices for using the REST API"):
`retry-after` when given, else `x-ratelimit-reset` when `x-ratelimit-remaining` is 0,
else at least a minute, growing exponentially. The `sleep` function is injected, so tests
never wait. No wait goes past the publication's deadline.

A write must be answered with a 2xx: PyGithub reads a 3xx answer to a POST or PATCH as
success (it raises only from 400 up), so `AnswerCheck`, which urllib3 consults after every
response, turns a redirect of a write into `WriteNotDone`.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from typing import Any, TypeVar

from github import GithubException, RateLimitExceededException
from urllib3.util.retry import Retry

from gate.github.limits import PER_PAGE, clip
from gate.github.run import GitHubRun
from gate.records import Record
from gate.safety.masking import mask

_log = logging.getLogger(__name__)
_T = TypeVar("_T")


class Replay(Enum):
    """When a call that failed may be sent again."""

    SAFE = "safe"  # sending it twice cannot duplicate anything
    IF_REJECTED = "if-rejected"  # only when GitHub refused it before acting (a rate limit)


class PublishSettings(Record, frozen=True):
    """How hard to try, and as whom. The defaults suit a workflow; tests use no throttling."""

    timeout: int = 15  # seconds per HTTP request
    # PyGithub's throttling; GitHub asks for a pause between writes (rate-limit best practices).
    seconds_between_requests: float = 0.25
    seconds_between_writes: float = 1.0
    attempts: int = 4  # per call, the first one included
    first_backoff: float = 2.0  # seconds before the first resend after a 5xx; doubles each time
    max_wait: float = 120.0  # a rate limit asking for a longer wait is a failure, not a sleep
    annotation_cap: int = 500  # annotations per check run, so one run stays a few requests
    deadline: float = 120.0  # seconds for the whole publication, whatever the server does
    max_pages: int = 30  # of any listing (GitHub lists at most 3,000 files of a PR: 30 pages)
    # Whose comments are ours: GITHUB_TOKEN writes as github-actions[bot]; an app as
    # <app-slug>[bot]; a personal access token as its user.
    comment_author: str = "github-actions[bot]"


class GaveUp(Exception):
    """A call failed for good; the message is safe to show (it never holds the token)."""


class WriteNotDone(Exception):
    """GitHub answered a write with something other than a 2xx that PyGithub accepts."""

    def __init__(self, method: str, status: int) -> None:
        super().__init__(f"{method} answered {status}, not 2xx: nothing was written")
        self.status = status


class AnswerCheck(Retry):
    """urllib3's retry hook, used only to refuse a redirect answered to a write.

    It never retries (`Session.call` decides that); `total=0` and `redirect=False`
    keep urllib3 from acting on any answer itself.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("total", 0)
        kwargs.setdefault("redirect", False)
        kwargs.setdefault("raise_on_status", False)
        super().__init__(**kwargs)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() not in ("GET", "HEAD") and 300 <= status_code < 400:
            raise WriteNotDone(method.upper(), status_code)
        return False


def masked(text: str, secrets: Iterable[str]) -> str:
    """Return `text` on one line with every secret masked (gate.safety.masking's rule)."""
    return " ".join(mask(text, secrets).split())


class Session:
    """The state one publication shares: settings, sleep, deadline, warnings so far."""

    def __init__(
        self,
        run: GitHubRun,
        settings: PublishSettings,
        sleep: Callable[[float], None],
        secrets: Iterable[str] = (),
    ) -> None:
        self.run = run
        self.settings = settings
        self.sleep = sleep
        self.secrets = (run.token, *secrets)
        self.ends_at = time.monotonic() + settings.deadline
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        # One line, so it can become a `::warning::` workflow command. And defence in
        # depth: nothing GitHub sends back should hold a secret, but a message built
        # from an exception must never be the place one leaks.
        self.warnings.append(masked(message, self.secrets))

    def remaining(self) -> float:
        return self.ends_at - time.monotonic()

    def step(self, what: str, fn: Callable[[], _T]) -> _T | None:
        """Run one publishing step; a failure of any kind becomes a warning and None."""
        try:
            return fn()
        except GaveUp as exc:
            self.warn(f"could not {what}: {exc}")
        except Exception as exc:  # publishing must never break the gate
            self.warn(f"could not {what}: {describe(exc)}")
        return None

    def call(
        self,
        fn: Callable[[], _T],
        replay: Replay,
        *,
        recover: Callable[[], _T | None] | None = None,
    ) -> _T:
        """Return `fn()`, sending it again while GitHub's answer says that may help.

        `recover`, when given, runs before each resend and returns what a lost attempt
        created, if it did; `fn` is then not sent again. A failing `recover` counts as a
        failed attempt: without its answer, resending `fn` could duplicate.
        """
        for attempt in itertools.count(1):
            try:
                if attempt > 1 and recover is not None and (found := recover()) is not None:
                    return found
                return fn()
            except Exception as exc:
                delay = _retry_delay(exc, attempt, replay, self.settings)
                if delay is None or attempt >= self.settings.attempts:
                    raise GaveUp(describe(exc, attempts=attempt)) from None
                if delay > self.settings.max_wait:
                    raise GaveUp(
                        f"{describe(exc)}; GitHub asks to wait {delay:.0f} s, "
                        f"more than the {self.settings.max_wait:.0f} s publish waits"
                    ) from None
                if delay > self.remaining():
                    raise GaveUp(
                        f"{describe(exc)}; waiting {delay:.0f} s more would pass the "
                        f"{self.settings.deadline:.0f} s deadline of publish"
                    ) from None
            _log.info("GitHub call failed (attempt %d); retrying in %.1f s", attempt, delay)
            self.sleep(delay)
        raise AssertionError("unreachable")  # itertools.count never ends

    def capped(self, items: Iterable[_T], what: str) -> Iterator[_T]:
        """Yield at most `max_pages` pages of `items`, warning when the cap was reached.

        A server can answer every page with a `Link: next`; GitHub's own listings that
        we read end well before (3,000 files of a pull request is 30 pages). The cap
        stops before asking for one page more, so a listing of exactly the cap warns too.
        """
        cap = self.settings.max_pages * PER_PAGE
        for count, item in enumerate(items, start=1):
            yield item
            if count == cap:
                self.warn(f"stopped reading {what} after {cap:,} (the page cap)")
                return


def _retry_delay(
    exc: Exception, attempt: int, replay: Replay, settings: PublishSettings
) -> float | None:
    """Return the seconds to wait before sending a failed call again, or None for never."""
    if isinstance(exc, GithubException):
        limited = _rate_limit_delay(exc, attempt)
        if limited is not None:
            return limited
        if exc.status >= 500 and replay is Replay.SAFE:
            return _doubling(settings.first_backoff, attempt)
        return None
    # requests' ConnectionError and Timeout are OSErrors; the request may have arrived.
    if isinstance(exc, OSError) and replay is Replay.SAFE:
        return _doubling(settings.first_backoff, attempt)
    return None


def _rate_limit_delay(exc: GithubException, attempt: int) -> float | None:
    """Return how long GitHub asks us to wait, or None when `exc` is no rate limit.

    GitHub docs, "Rate limits for the REST API": over a primary or secondary limit the
    answer is 403 or 429; wait `retry-after` seconds if given, else until
    `x-ratelimit-reset` if `x-ratelimit-remaining` is 0, else at least one minute,
    increasing exponentially. A 403 without these signs is a permission error.
    """
    if exc.status not in (403, 429):
        return None
    headers = {key.lower(): value for key, value in (exc.headers or {}).items()}
    retry_after = _number(headers.get("retry-after"))
    if retry_after is not None:
        return max(retry_after, 0.0)
    reset = _number(headers.get("x-ratelimit-reset"))
    if headers.get("x-ratelimit-remaining") == "0" and reset is not None:
        return max(reset - time.time(), 0.0) + 1.0
    if isinstance(exc, RateLimitExceededException) or exc.status == 429:
        return _doubling(60.0, attempt)
    return None


def _doubling(first: float, attempt: int) -> float:
    return first * 2.0 ** (attempt - 1)


def _number(value: object) -> float | None:
    try:
        return float(str(value)) if value is not None else None
    except ValueError:
        return None


def describe(exc: BaseException, *, attempts: int = 1) -> str:
    """Return a one-line reason for a failed call, for a warning (no traceback, no token)."""
    tries = f" (after {attempts} attempts)" if attempts > 1 else ""
    if isinstance(exc, GithubException):
        message = _github_message(exc)
        if exc.status == 403 and "not accessible by integration" in message.lower():
            return (
                f"the token may not write here (403 {message}){tries}; a pull request from "
                "a fork gets a read-only GITHUB_TOKEN: publish from a workflow_run workflow, "
                "or grant `pull-requests: write`, `statuses: write` and `checks: write`"
            )
        if exc.status == 404:
            return (
                f"not found (404){tries}: check GITHUB_REPOSITORY and the pull request "
                "number, and that the token can read the repository"
            )
        if exc.status == 401:
            return f"GitHub rejected the token (401 {message}){tries}"
        return f"GitHub answered {exc.status} {message}{tries}".rstrip()
    if isinstance(exc, WriteNotDone):
        return f"{exc}{tries}"
    if isinstance(exc, OSError):
        return f"GitHub could not be reached ({type(exc).__name__}){tries}"
    return f"{type(exc).__name__}: {clip(str(exc), 300)}"


def _github_message(exc: GithubException) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    message = str(data.get("message") or exc.message or "").strip()
    details = [
        str(error.get("message"))
        for error in data.get("errors") or ()
        if isinstance(error, dict) and error.get("message")
    ]
    return clip(": ".join([message, *details]) if details else message, 300)
