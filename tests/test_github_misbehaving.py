"""Publishing against a GitHub that misbehaves: outages, rate limits, redirects, stalls,
endless listings, and answers of any shape (a seeded fuzz test). Whatever the server
does, `publish` returns within its deadline, raises nothing, reports only what GitHub
really wrote, and never prints a secret."""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from support import TOKEN, publishing
from support import fake_github as fakes
from support.fake_github import FakeGitHub, Op, Reply, Trouble
from support.publishing import (
    FAST,
    HEAD,
    Sleeps,
    publication,
    publish_now,
    run_on,
    uncovered,
)

from gate.github.comments import CommentAction
from gate.github.publication import Verdict
from gate.github.run import GitHubRun
from gate.records import replace

fake_github = fakes.fake_github
run = publishing.run  # the fixture: a pull_request run against it


# --- retries -----------------------------------------------------------------------------


def test_a_5xx_after_github_created_the_comment_makes_no_duplicate(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    # The worst case for a blind retry: the comment exists, but the answer was a 502.
    fake_github.trouble(Op.CREATE_COMMENT, Trouble.SERVER_ERROR_AFTER_WRITE)
    sleeps = Sleeps()

    outcome = publish_now(run, publication(), sleeps)

    assert len(fake_github.comments) == 1
    assert fake_github.comment_bodies() == [f"{HEAD}\n{publication().comment}"]
    assert len(fake_github.calls(Op.CREATE_COMMENT)) == 1  # found again, not re-created
    assert outcome.comment is CommentAction.UNCHANGED
    assert outcome.comment_id in fake_github.comments
    assert sleeps == [2.0] and outcome.warnings == ()


def test_5xx_before_success_is_retried_with_backoff(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    fake_github.trouble(Op.GET_PULL, Trouble.SERVER_ERROR, times=1)
    fake_github.trouble(Op.CREATE_COMMENT, Trouble.SERVER_ERROR, times=2)
    fake_github.trouble(Op.CREATE_STATUS, Trouble.SERVER_ERROR, times=1)
    sleeps = Sleeps()

    outcome = publish_now(run, publication(), sleeps)

    assert outcome.comment is CommentAction.CREATED and outcome.status_posted
    assert len(fake_github.comments) == 1 and len(fake_github.statuses) == 1
    assert [r.status for r in fake_github.calls(Op.GET_PULL)] == [502, 200]
    assert [r.status for r in fake_github.calls(Op.CREATE_COMMENT)] == [502, 502, 201]
    assert sleeps == [2.0, 2.0, 4.0, 2.0]
    assert outcome.warnings == ()


def test_a_5xx_after_the_check_run_was_created_makes_no_second_check_run(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    fake_github.pr_files = ["a.py"]
    fake_github.trouble(Op.CREATE_CHECK_RUN, Trouble.SERVER_ERROR_AFTER_WRITE)

    outcome = publish_now(run, publication(annotations=uncovered("a.py", 70)))

    (check,) = fake_github.check_runs.values()
    assert outcome.check_run_id == check["id"]
    assert len(check["annotations"]) == 70  # the first batch went in with the lost create
    assert len(fake_github.calls(Op.LIST_CHECK_RUNS)) == 1
    assert outcome.warnings == ()


def test_exhausted_retries_are_a_warning(fake_github: FakeGitHub, run: GitHubRun) -> None:
    fake_github.trouble(Op.CREATE_STATUS, Trouble.SERVER_ERROR, times=10)
    sleeps = Sleeps()

    outcome = publish_now(run, publication(), sleeps)

    assert not outcome.status_posted
    assert outcome.warnings == (
        "could not post the commit status: GitHub answered 502 Server Error (after 4 attempts)",
    )
    assert sleeps == [2.0, 4.0, 8.0]
    assert outcome.comment is CommentAction.CREATED and outcome.check_run_id is not None


def test_a_secondary_rate_limit_is_waited_out_as_github_asks(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    fake_github.trouble(Op.CREATE_STATUS, Trouble.SECONDARY_RATE_LIMIT, retry_after=7)
    fake_github.trouble(Op.LIST_COMMENTS, Trouble.SECONDARY_RATE_LIMIT, retry_after=3)
    sleeps = Sleeps()

    outcome = publish_now(run, publication(), sleeps)

    assert sleeps == [3.0, 7.0]
    assert outcome.status_posted and len(fake_github.statuses) == 1
    assert outcome.comment is CommentAction.CREATED
    assert outcome.warnings == ()


def test_a_primary_rate_limit_waits_until_the_reset(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    fake_github.trouble(Op.CREATE_STATUS, Trouble.PRIMARY_RATE_LIMIT, retry_after=30)
    sleeps = Sleeps()

    outcome = publish_now(run, publication(), sleeps)

    assert outcome.status_posted
    (wait,) = sleeps
    assert 29 <= wait <= 32  # until x-ratelimit-reset, plus a second


def test_a_rate_limit_longer_than_we_wait_is_a_warning_not_a_long_sleep(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    fake_github.trouble(Op.CREATE_STATUS, Trouble.SECONDARY_RATE_LIMIT, retry_after=3600)
    sleeps = Sleeps()

    outcome = publish_now(run, publication(), sleeps)

    assert sleeps == [] and not outcome.status_posted
    assert "asks to wait 3600 s" in outcome.warnings[0]


def test_a_rate_limited_annotation_batch_is_resent_but_a_5xx_one_is_not(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    # A rate limit is refused before anything is done; a 5xx may have appended the batch.
    fake_github.pr_files = ["a.py"]
    fake_github.trouble(Op.UPDATE_CHECK_RUN, Trouble.SECONDARY_RATE_LIMIT, times=1)
    fake_github.trouble(Op.UPDATE_CHECK_RUN, Trouble.SERVER_ERROR, times=1)

    outcome = publish_now(run, publication(annotations=uncovered("a.py", 150)))

    (check,) = fake_github.check_runs.values()
    # batch 2 was rate-limited, resent, then got a 502: not resent; batch 3 went in.
    assert len(check["annotations"]) == 100
    assert [r.status for r in fake_github.calls(Op.UPDATE_CHECK_RUN)] == [403, 502, 200]
    assert outcome.warnings == (
        "could not add annotation batch 2 of 3 to the check run: GitHub answered 502 "
        "Server Error (after 2 attempts)",
    )


# --- the token stays secret --------------------------------------------------------------


def test_the_token_never_appears_in_output_logs_or_warnings(
    fake_github: FakeGitHub,
    run: GitHubRun,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)  # PyGithub and urllib3 log every request at DEBUG
    fake_github.pr_files = ["a.py"]
    ok = publish_now(run, publication(annotations=uncovered("a.py", 60)))
    fake_github.read_only = True
    fake_github.trouble(Op.CREATE_STATUS, Trouble.SERVER_ERROR, times=10)
    failed = publish_now(run, publication(verdict=Verdict.FAILED))
    bad_token = publish_now(dataclasses.replace(run, token=TOKEN + "x"), publication())

    assert caplog.records, "DEBUG logging should have captured PyGithub's requests"
    assert failed.warnings and bad_token.warnings
    assert "401" in bad_token.warnings[0]
    captured = capsys.readouterr()
    for text in (
        caplog.text,
        captured.out,
        captured.err,
        repr(ok),
        repr(failed),
        repr(bad_token),
        repr(run),
        *failed.warnings,
        *bad_token.warnings,
    ):
        assert TOKEN not in text


# --- answers that are not what they seem -------------------------------------------------


def _redirect(fake: FakeGitHub, params: Mapping[str, str], query: Any, body: Any) -> Reply:
    return Reply(307, None, {"Location": f"{fake.base_url}/elsewhere"})


@pytest.mark.parametrize("status", [307, 308])
def test_a_redirected_write_is_a_failure_not_a_success(
    fake_github: FakeGitHub, run: GitHubRun, status: int
) -> None:
    def moved(fake: FakeGitHub, params: Mapping[str, str], query: Any, body: Any) -> Reply:
        return Reply(status, {"message": "Moved"}, {"Location": f"{fake.base_url}/elsewhere"})

    for op in (Op.CREATE_COMMENT, Op.CREATE_STATUS, Op.CREATE_CHECK_RUN):
        fake_github.serve(op, moved)

    outcome = publish_now(run, publication())

    assert outcome.comment is CommentAction.FAILED and outcome.comment_url is None
    assert not outcome.status_posted and outcome.check_run_id is None
    assert len(outcome.warnings) == 3
    assert all(f"answered {status}, not 2xx: nothing was written" in w for w in outcome.warnings)
    assert len(fake_github.calls(Op.CREATE_STATUS)) == 1  # a redirect is never resent


def test_a_redirected_edit_and_an_empty_2xx_create_are_failures(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    fake_github.seed_comment("<!-- signal-gate:default -->\nold")
    fake_github.serve(Op.UPDATE_COMMENT, _redirect)
    fake_github.serve(Op.CREATE_STATUS, lambda fake, params, query, body: Reply(201, {}))

    outcome = publish_now(run, publication())

    assert outcome.comment is CommentAction.FAILED
    assert not outcome.status_posted
    assert fake_github.comment_bodies() == ["<!-- signal-gate:default -->\nold"]
    fake_github.take_problems()  # the empty 201 is (rightly) an invalid answer


def test_a_server_that_trickles_cannot_hold_publish_past_its_deadline(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    # A byte every 0.4 s never trips the 5 s per-request timeout; the deadline does.
    def slow(fake: FakeGitHub, params: Mapping[str, str], query: Any, body: Any) -> Reply:
        return dataclasses.replace(fake.not_found(), trickle=0.4)

    fake_github.serve(Op.GET_PULL, slow)
    settings = replace(FAST, deadline=2.0)

    started = time.monotonic()
    outcome = publish_now(run, publication(), settings=settings)
    took = time.monotonic() - started

    assert took < 4.0
    assert outcome.warnings[-1] == (
        "gave up after the 2 s deadline of publish: GitHub did not answer in time"
    )
    assert not outcome.status_posted and outcome.comment is CommentAction.FAILED


def test_a_wait_past_the_deadline_is_not_slept(fake_github: FakeGitHub, run: GitHubRun) -> None:
    fake_github.trouble(Op.CREATE_STATUS, Trouble.SECONDARY_RATE_LIMIT, retry_after=30)
    sleeps = Sleeps()

    outcome = publish_now(run, publication(), sleeps, settings=replace(FAST, deadline=20.0))

    assert sleeps == []
    assert not outcome.status_posted
    assert "would pass the 20 s deadline of publish" in outcome.warnings[0]


def test_an_endless_link_next_chain_is_cut_at_the_page_cap(
    fake_github: FakeGitHub, run: GitHubRun
) -> None:
    def endless(fake: FakeGitHub, params: Mapping[str, str], query: Any, body: Any) -> Reply:
        page = int(query.get("page", ["1"])[0])
        comment = fake.rebased("POST-issues-issue_number-comments.201")
        url = f"{fake.base_url}/repos/octocat/Hello-World/issues/1347/comments"
        link = f'<{url}?per_page=100&page={page + 1}>; rel="next"'
        return Reply(200, [comment] * 100, {"Link": link})

    fake_github.serve(Op.LIST_COMMENTS, endless)

    outcome = publish_now(run, publication(), settings=replace(FAST, max_pages=3))

    assert len(fake_github.calls(Op.LIST_COMMENTS)) == 3
    assert outcome.warnings[0] == (
        "stopped reading comments of the pull request after 300 (the page cap)"
    )
    assert outcome.comment is CommentAction.CREATED  # none of those was ours


# --- a fuzz test of the answers ----------------------------------------------------------

FUZZ_SEED = 20261204
FUZZ_CASES = 60  # each case is one publication against freshly chosen answers
_WRITES = (Op.CREATE_COMMENT, Op.UPDATE_COMMENT, Op.CREATE_STATUS, Op.CREATE_CHECK_RUN)
_READS = (Op.GET_PULL, Op.LIST_COMMENTS, Op.LIST_FILES)


def _odd_answer(rng: random.Random, fake: FakeGitHub) -> Reply:
    """One answer a broken or hostile server might give, chosen by `rng`."""
    secret = f"leak {TOKEN} leak"
    status = rng.choice([200, 201, 204, 301, 302, 307, 308, 400, 403, 404, 409, 422, 500, 503])
    body = rng.choice(
        [
            None,
            {},
            [],
            "text",
            {"message": secret},
            {"id": "x", "html_url": secret},
            {"id": rng.randint(-5, 5), "body": secret, "html_url": f"https://{secret}"},
            {"errors": [{"message": secret}, "odd", None]},
        ]
    )
    headers = rng.choice(
        [{}, {"retry-after": str(rng.randint(0, 400))}, {"Location": f"{fake.base_url}/x"}]
    )
    return Reply(status, body, headers)


def test_fuzzed_answers_never_raise_never_overstate_and_never_leak(tmp_path: Path) -> None:
    """FUZZ_CASES publications, seeded: every write and read gets a random answer."""
    rng = random.Random(FUZZ_SEED)
    for case in range(FUZZ_CASES):
        with FakeGitHub(fakes.GITHUB_API) as fake:
            answers = {op: _odd_answer(rng, fake) for op in (*_WRITES, *_READS)}
            touched = rng.sample(sorted(answers, key=lambda op: op.value), k=rng.randint(1, 7))
            for op in touched:
                fake.serve(op, lambda f, p, q, b, reply=answers[op]: reply)
            run = run_on(fake.base_url, tmp_path)
            outcome = publish_now(run, publication(verdict=Verdict.FAILED), secrets=("s3cr3t",))

        shown = repr(outcome) + "\n".join(outcome.warnings)
        assert TOKEN not in shown, case
        # Only what the fake really holds is reported as written.
        if outcome.status_posted:
            assert fake.statuses, case
        if outcome.comment in (CommentAction.CREATED, CommentAction.UPDATED):
            assert outcome.comment_id in fake.comments, case
        if outcome.check_run_id is not None:
            assert outcome.check_run_id in fake.check_runs, case
