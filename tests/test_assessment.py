"""What the config says beyond numbers: owners, clients, risks, actions, the data
contract (documents and tests), `direction: unknown`, the review cycle, the
summary and next steps; validated at load, judged by the gate, rendered word
for word and escaped."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from support.reports import run_check

from gate.check import CheckOptions
from gate.config.load import config_from_data
from gate.config.schema import ActionSpec, ReviewSpec
from gate.core.assessment import action_infos, assessment_warnings, review_info
from gate.core.report import ActionInfo, InteractionResult, Report, Status, TestCounts
from gate.errors import ConfigError
from gate.render.document import render_document

TODAY = dt.date(2026, 11, 29)
STAMP = "2026-11-29T12:00:00Z"

ASSESSMENT_CONFIG = """
version: 1
id: shop
title: Shop integration gate
summary: |
  The shop talks to a payment gateway and an inventory service.

  Payments are *critical*: a lost charge is lost money; see @payments-team.
next_steps:
  - Cover the inventory stock endpoint's error path (#12)
  - Decide who owns the shipping integration
review: {cycle_days: 90, last_reviewed: 2026-06-01}
overall: {min_confidence: 50}
interactions:
  - id: payments
    name: Payment Gateway
    direction: bidirectional
    peer: payment_gateway
    critical: true
    owner: team-payments
    clients: [checkout web app, mobile app]
    modules: [shop.payments]
    evidence: [tests/integration/test_payments.py]
    contract:
      summary: 'JSON {"id": str, "amount": int}'
      docs: [docs/payments-api.md]
      tests: ["tests/integration/test_payments.py::TestCharge::test_created"]
    risks:
      - A declined card is retried and charged twice
      - "<img src=x onerror=alert(1)> in a gateway message"
    actions:
      - {text: Add an idempotency key to refunds, owner: team-payments, due: 2026-12-31}
      - {text: Rotate the PAYMENTS_API_KEY, owner: ops, due: 2026-10-01}
      - {text: Write the runbook}
  - id: inventory
    name: Inventory Service
    direction: unknown
    modules: ["shop/clients/inventory_client.py"]
    evidence: ["tests/integration/test_inventory.py::test_*"]
    threshold: {line: 80}
    contract: 'JSON {"sku": str}'
"""


@pytest.fixture
def project(fixture_run, tmp_path: Path) -> Path:
    import shutil

    root = shutil.copytree(fixture_run.root, tmp_path / "project")
    (root / "docs").mkdir()
    (root / "docs" / "payments-api.md").write_text("# Payments API\n")
    return root


def assessed(root: Path, config: str = ASSESSMENT_CONFIG, today: dt.date = TODAY) -> Report:
    (root / "gate.yml").write_text(config)
    return run_check(CheckOptions(root=root, config=str(root / "gate.yml"), today=today)).report


def stable(document: str) -> str:
    return re.sub(r"(\| `[^`]+` \| [\w-]+ \| `)[0-9a-f]{12}(` \|)", r"\1<sha256>\2", document)


# --- the document ---------------------------------------------------------------------


def test_assessment_document_golden(project: Path, golden) -> None:
    golden("document_assessment.md", stable(render_document(assessed(project), STAMP)))


def test_config_words_are_rendered_word_for_word_and_escaped(project: Path) -> None:
    document = render_document(assessed(project), STAMP)
    assert "The shop talks to a payment gateway and an inventory service.\n" in document
    assert r"Payments are \*critical\*" in document
    assert "@\u200bpayments-team" in document  # no mention
    assert "- A declined card is retried and charged twice" in document
    assert "&lt;img src=x onerror=alert(1)&gt;" in document and "<img" not in document
    assert "1. Cover the inventory stock endpoint's error path (#\u200b12)" in document
    assert "- **Owner:** team-payments" in document
    assert "- **Clients:** checkout web app, mobile app" in document
    assert "- **Direction:** unknown" in document
    assert "| Add an idempotency key to refunds | team-payments | 2026-12-31 |" in document
    assert r"| Rotate the PAYMENTS\_API\_KEY | ops | ⚠️ 2026-10-01 (overdue) |" in document
    assert "| Write the runbook | - | - |" in document


def test_overdue_items_are_warnings_that_do_not_fail_the_gate(project: Path) -> None:
    report = assessed(project)
    assert report.review is not None and report.review.due == "2026-08-30"
    assert report.warnings == [
        "the review was due on 2026-08-30 (90 days after 2026-06-01)",
        "payments: action due 2026-10-01 is overdue (ops): Rotate the PAYMENTS_API_KEY",
    ]
    assert not any("review" in reason for reason in report.reasons)
    document = render_document(report, STAMP)
    assert (
        "- **Review:** last reviewed 2026-06-01, every 90 days; review OVERDUE since 2026-08-30"
        in document
    )
    in_time = assessed(project, today=dt.date(2026, 8, 30))
    assert in_time.warnings == []
    assert "next review due 2026-08-30" in render_document(in_time, STAMP)


def test_an_overdue_review_fails_the_gate_when_configured(project: Path) -> None:
    config = ASSESSMENT_CONFIG.replace(
        "review: {cycle_days: 90, last_reviewed: 2026-06-01}",
        "review: {cycle_days: 90, last_reviewed: 2026-06-01, overdue: fail}",
    )
    report = assessed(project, config)
    assert "the assessment's review was due on 2026-08-30" in report.reasons
    assert not report.passed
    assert (
        assessed(project, config, dt.date(2026, 8, 1)).reasons
        == assessed(project, ASSESSMENT_CONFIG, dt.date(2026, 8, 1)).reasons
    )


# --- the contract ----------------------------------------------------------------------


def test_a_contract_needs_a_passing_contract_test(project: Path) -> None:
    payments = assessed(project).interaction("payments")
    assert payments is not None and payments.ready
    assert [t.id for t in payments.contract_results] == [
        "tests/integration/test_payments.py::TestCharge::test_created"
    ]
    failing = ASSESSMENT_CONFIG.replace(
        "TestCharge::test_created", "TestCharge::test_declined_nowhere"
    )
    payments = assessed(project, failing).interaction("payments")
    assert payments is not None and not payments.ready
    assert payments.gaps == [
        "no passing contract test (none matched: "
        "'tests/integration/test_payments.py::TestCharge::test_declined_nowhere')"
    ]


def test_a_failed_contract_test_is_a_gap(project: Path) -> None:
    config = ASSESSMENT_CONFIG.replace(
        '      tests: ["tests/integration/test_payments.py::TestCharge::test_created"]',
        '      tests: ["tests/integration/test_inventory.py::test_stock_missing_is_reported"]',
    )
    payments = assessed(project, config).interaction("payments")
    assert payments is not None
    assert "no passing contract test (1 matched, none passed: " in payments.gaps[0]
    assert payments.contract_results[0].outcome == "failed"


def test_a_missing_contract_document_is_a_gap(project: Path) -> None:
    (project / "docs" / "payments-api.md").unlink()
    payments = assessed(project).interaction("payments")
    assert payments is not None
    assert payments.gaps == ["contract document 'docs/payments-api.md' does not exist"]


def test_contract_results_list_the_problems_first_with_their_message(project: Path) -> None:
    both = (
        '      tests: ["tests/integration/test_payments.py::TestCharge::test_created",\n'
        '              "tests/integration/test_inventory.py::test_stock_missing_is_reported"]'
    )
    config = ASSESSMENT_CONFIG.replace(
        '      tests: ["tests/integration/test_payments.py::TestCharge::test_created"]', both
    )
    assert config != ASSESSMENT_CONFIG
    payments = assessed(project, config).interaction("payments")
    assert payments is not None
    failed, passed = payments.contract_results
    assert (failed.outcome, passed.outcome) == ("failed", "passed")
    assert failed.id.endswith("test_stock_missing_is_reported") and failed.message
    nowhere = config.replace("TestCharge::test_created", "TestCharge::test_nowhere")
    payments = assessed(project, nowhere).interaction("payments")
    assert payments is not None and payments.gaps[0] == (
        "no passing contract test (1 matched, none passed: "
        "'tests/integration/test_payments.py::TestCharge::test_nowhere', "
        "'tests/integration/test_inventory.py::test_stock_missing_is_reported')"
    )


@pytest.mark.parametrize("written", ["./docs/payments-api.md", "docs\\\\payments-api.md"])
def test_a_contract_document_is_found_however_its_path_is_written(
    project: Path, written: str
) -> None:
    config = ASSESSMENT_CONFIG.replace("docs: [docs/payments-api.md]", f'docs: ["{written}"]')
    assert config != ASSESSMENT_CONFIG
    payments = assessed(project, config).interaction("payments")
    assert payments is not None
    assert not [g for g in payments.gaps if g.startswith("contract document")]


def test_a_contract_string_is_its_summary(project: Path) -> None:
    inventory = assessed(project).interaction("inventory")
    assert inventory is not None
    assert inventory.contract == 'JSON {"sku": str}'
    assert (inventory.contract_docs, inventory.contract_tests) == ([], [])


# --- validation ----------------------------------------------------------------------------


def minimal(**interaction: object) -> dict[str, object]:
    base = {"id": "x", "name": "X", "direction": "outbound", "modules": ["x.py"]}
    return {"version": 1, "interactions": [{**base, **interaction}]}


@pytest.mark.parametrize(
    ("doc", "problem"),
    [
        ("/etc/passwd", "is absolute"),
        ("C:\\docs\\api.md", "is absolute"),
        ("docs/../../secret.md", "climbs out with '..'"),
        ("docs/*.md", "is a glob"),
    ],
)
def test_contract_documents_must_stay_inside_the_repository(doc: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"interactions[0].contract.docs[0]: {doc!r}")):
        config_from_data(minimal(contract={"docs": [doc]}), "gate.yml")
    with pytest.raises(ConfigError, match=problem):
        config_from_data(minimal(contract={"docs": [doc]}), "gate.yml")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (minimal(actions=[{"owner": "me"}]), "interactions[0].actions[0].text: required key"),
        (minimal(actions=[{"text": "x", "due": "soon"}]), "interactions[0].actions[0].due"),
        (minimal(direction="sideways"), "interactions[0].direction"),
        (minimal(contract={"summary": "x", "owner": "me"}), "contract.owner: unknown key"),
        ({**minimal(), "review": {"cycle_days": 0, "last_reviewed": "2026-01-01"}},
         "review.cycle_days"),
        ({**minimal(), "review": {"cycle_days": 30}}, "review.last_reviewed: required key"),
        ({**minimal(), "review": {"cycle_days": 30, "last_reviewed": "2026-01-01",
                                  "overdue": "panic"}}, "review.overdue"),
    ],
)  # fmt: skip
def test_assessment_keys_are_validated(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        config_from_data(data, "gate.yml")


def test_direction_unknown_is_allowed() -> None:
    config = config_from_data(minimal(direction="unknown"), "gate.yml")
    assert config.interactions[0].direction.value == "unknown"


def test_an_action_is_overdue_only_once_its_day_has_passed() -> None:
    due = dt.date(2026, 10, 1)
    actions = [ActionSpec("Rotate the key", owner="ops", due=due), ActionSpec("Write it down")]
    on_the_day = action_infos(actions, due)
    assert [a.overdue for a in on_the_day] == [False, False]
    day_after = action_infos(actions, due + dt.timedelta(days=1))
    assert [a.overdue for a in day_after] == [True, False]
    assert day_after[0] == ActionInfo("Rotate the key", "ops", "2026-10-01", overdue=True)


def test_an_overdue_action_names_its_owner_only_when_it_has_one() -> None:
    owned = ActionInfo("Rotate the key", "ops", "2026-10-01", overdue=True)
    unowned = ActionInfo("Write the runbook", None, "2026-10-02", overdue=True)
    result = InteractionResult(
        id="payments", name="Payments", direction="outbound", peer=None, critical=True,
        required=True, status=Status.READY, confidence=100.0, coverage_percent=100.0,
        line_percent=100.0, branch_percent=None, statements=1, covered_statements=1,
        branches=0, covered_branches=0, threshold={}, files=["pay.py"], tests=TestCounts(),
        pass_rate=1.0, gaps=[], actions=[owned, unowned],
    )  # fmt: skip
    assert assessment_warnings([result], None) == [
        "payments: action due 2026-10-01 is overdue (ops): Rotate the key",
        "payments: action due 2026-10-02 is overdue: Write the runbook",
    ]


@pytest.mark.parametrize(("cycle", "words"), [(1, "1 day"), (2, "2 days")])
def test_an_overdue_review_says_its_cycle_in_days(cycle: int, words: str) -> None:
    review = review_info(ReviewSpec(cycle, dt.date(2026, 6, 1)), dt.date(2026, 7, 1))
    assert review is not None and review.overdue
    due = (dt.date(2026, 6, 1) + dt.timedelta(days=cycle)).isoformat()
    assert assessment_warnings([], review) == [
        f"the review was due on {due} ({words} after 2026-06-01)"
    ]
