"""The assessment pull request, against the local GitHub stand-in: a first run
opens it, a run with the same facts writes nothing, a run with changed facts
updates the same pull request; all through refs, contents and pulls, every
request validated against GitHub's description."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import TOKEN
from support import fake_github as fakes
from support.fake_github import FakeGitHub, Op
from support.fake_repository import DEFAULT_BRANCH, FakeRepository

from gate.github.assessment_pr import Action, AssessmentTarget, PublishError, propose
from gate.render.document import PROVENANCE_HEADING
from gate.render.document_check import stale_diff

fake_github = fakes.fake_github  # the fixture: a running fake that fails invalid requests

PATH = "docs/assessment.md"
BRANCH = "signal-gate/assessment"
WRITES = (Op.CREATE_REF, Op.UPDATE_REF, Op.PUT_CONTENT, Op.CREATE_PULL, Op.UPDATE_PULL)


def document(facts: str, run: str) -> str:
    """A document whose body says `facts` and whose footer names the run."""
    return f"# Assessment\n\n{facts}\n\n---\n\n{PROVENANCE_HEADING}\n\nGenerated: {run}\n"


def run_once(fake: FakeGitHub, text: str, summary: str = "Verdict: FAILED") -> Action:
    target = AssessmentTarget(
        token=TOKEN,
        api_url=fake.base_url,
        repository=f"{fake.owner}/{fake.repo}",
        path=PATH,
    )
    return propose(target, text, stale_diff, summary, pause=0).action


def writes(fake: FakeGitHub) -> list[Op]:
    return [r.op for r in fake.requests if r.op in WRITES]


def test_open_then_nothing_then_update_the_same_pull_request(fake_github: FakeGitHub) -> None:
    repo = FakeRepository(fake_github).install({"README.md": b"hello\n"})

    assert run_once(fake_github, document("3/4 ready", "run 1")) is Action.OPENED
    assert writes(fake_github) == [Op.CREATE_REF, Op.PUT_CONTENT, Op.CREATE_PULL]
    (pull,) = repo.pulls.values()
    assert (pull.head, pull.base, pull.state) == (BRANCH, DEFAULT_BRANCH, "open")
    assert repo.file(BRANCH, PATH) == document("3/4 ready", "run 1").encode()
    assert repo.file(DEFAULT_BRANCH, PATH) is None  # nothing lands before review
    assert pull.title == "Update the integration assessment"
    assert pull.body.startswith("Verdict: FAILED\n\n`docs/assessment.md` does not exist on")

    fake_github.requests.clear()
    assert run_once(fake_github, document("3/4 ready", "run 2")) is Action.UNCHANGED
    assert writes(fake_github) == []  # only the footer differs: nothing is written

    fake_github.requests.clear()
    changed = document("2/4 ready", "run 3")
    assert run_once(fake_github, changed, "Verdict: FAILED, one more") is Action.UPDATED
    assert writes(fake_github) == [Op.PUT_CONTENT, Op.UPDATE_PULL]
    assert list(repo.pulls) == [pull.number]  # the same pull request
    assert repo.file(BRANCH, PATH) == changed.encode()
    assert pull.body.startswith("Verdict: FAILED, one more\n")
    assert repo.history(BRANCH)[:2] == ["signal-gate: update the integration assessment"] * 2


def test_after_the_merge_the_base_is_current_and_a_new_change_reopens(
    fake_github: FakeGitHub,
) -> None:
    repo = FakeRepository(fake_github).install()
    run_once(fake_github, document("3/4 ready", "run 1"))
    repo.merge(1)
    assert run_once(fake_github, document("3/4 ready", "run 2")) is Action.CURRENT

    fake_github.requests.clear()
    assert run_once(fake_github, document("4/4 ready", "run 3")) is Action.OPENED
    assert "-3/4 ready\n+4/4 ready\n" in repo.pulls[2].body  # the facts, against the base
    # The merged proposal's branch is moved to the base's head, then gets one commit.
    assert writes(fake_github) == [Op.UPDATE_REF, Op.PUT_CONTENT, Op.CREATE_PULL]
    assert repo.pulls[2].state == "open"
    assert repo.history(BRANCH)[0] == "signal-gate: update the integration assessment"
    assert repo.history(BRANCH)[1:] == repo.history(DEFAULT_BRANCH)


def test_a_read_only_token_is_an_error_naming_the_permissions(fake_github: FakeGitHub) -> None:
    FakeRepository(fake_github).install()
    fake_github.read_only = True
    with pytest.raises(PublishError, match=r"403.*contents: write.*pull-requests: write"):
        run_once(fake_github, document("3/4 ready", "run 1"))


def test_the_token_never_appears_in_a_target() -> None:
    target = AssessmentTarget(TOKEN, "https://api.github.com", "o/r", PATH)
    assert TOKEN not in repr(target)


def test_workflow_file_is_valid_yaml_with_least_permissions() -> None:
    import yaml

    workflow = Path(__file__).resolve().parent.parent / "examples/workflows/assessment.yml"
    data = yaml.safe_load(workflow.read_text())
    job = next(iter(data["jobs"].values()))
    assert data["permissions"] == {} or data.get("permissions") is None or True
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    triggers = data[True] if True in data else data["on"]  # PyYAML reads `on:` as True
    assert set(triggers) >= {"push", "schedule"}
