"""What an interaction's evidence tests say (gate/core/evidence_tests.py): one gap per
pattern that selected no test, saying why, and the `skipped` rule."""

from __future__ import annotations

from fractions import Fraction

from gate.config.load import config_from_data
from gate.config.schema import Interaction
from gate.core.evidence_tests import judge_tests, pass_fraction
from gate.core.model import Outcome, TestCase
from gate.core.report import TestCounts


def interaction(*evidence: str) -> Interaction:
    spec = {"id": "a", "name": "A", "direction": "outbound", "modules": ["app/a.py"],
            "evidence": list(evidence)}  # fmt: skip
    return config_from_data({"version": 1, "interactions": [spec]}, "test.yml").interactions[0]


def case(nodeid: str, outcome: Outcome = Outcome.PASSED, file: str | None = None) -> TestCase:
    return TestCase(nodeid, file or nodeid.split("::")[0], outcome)


REPO = {"tests/test_a.py", "tests/test_b.py", "tests/test_c1.py", "tests/acme_test.rb"}
PATTERNS = (
    "tests/test_a.py",  # selected a test
    "tests/test_gone.py",  # names no file
    "tests/contract_*.py",  # a glob matching no file
    "tests/test_b.py",  # a file that ran no test
    "tests/test_c*.py",  # a glob whose files ran no test
    "tests/test_b.py::test_x",  # a node id: no file to look for
    "tests/acme_test.rb",  # the test's file attribute, not in its node id
)
EVIDENCE = [case("tests/test_a.py::test_1"), case("AcmeTests::test_ok", file="tests/acme_test.rb")]


def test_each_pattern_that_selected_no_test_says_why() -> None:
    verdict = judge_tests(interaction(*PATTERNS), EVIDENCE, REPO)
    assert verdict.gaps == [
        "evidence file 'tests/test_gone.py' does not exist",
        "evidence glob 'tests/contract_*.py' matches no file",
        "evidence 'tests/test_b.py' matched no test in the JUnit results",
        "evidence 'tests/test_c*.py' matched no test in the JUnit results",
        "evidence 'tests/test_b.py::test_x' matched no test in the JUnit results",
    ]


def test_without_the_source_a_pattern_can_only_have_matched_no_test() -> None:
    verdict = judge_tests(interaction(*PATTERNS), EVIDENCE, None)
    assert verdict.gaps == [
        f"evidence {p!r} matched no test in the JUnit results" for p in PATTERNS[1:6]
    ]


def test_a_single_skipped_test_means_none_ran_said_first() -> None:
    verdict = judge_tests(
        interaction("tests/test_a.py", "tests/test_b.py"),
        [case("tests/test_a.py::test_1", Outcome.SKIPPED)],
        REPO,
    )
    assert verdict.none_ran
    assert verdict.gaps == [
        "every evidence test skipped (1 test): none ran",
        "evidence 'tests/test_b.py' matched no test in the JUnit results",
    ]
    assert verdict.notes == ["test tests/test_a.py::test_1 skipped (skip allowed)"]


def test_an_errored_test_counts_as_an_error_and_against_the_pass_rate() -> None:
    each = [Outcome.PASSED, Outcome.ERROR, Outcome.FAILED, Outcome.ERROR, Outcome.SKIPPED]
    evidence = [case(f"tests/test_a.py::test_{i}", o) for i, o in enumerate(each)]
    verdict = judge_tests(interaction("tests/test_a.py"), evidence, REPO)
    assert verdict.counts == TestCounts(total=5, passed=1, failed=1, errors=2, skipped=1)
    assert pass_fraction(verdict.counts) == Fraction(1, 4)  # the skip did not run
    assert verdict.gaps == [
        "test tests/test_a.py::test_1 errored",
        "test tests/test_a.py::test_2 failed",
        "test tests/test_a.py::test_3 errored",
    ]


def test_no_test_selected_is_not_every_test_skipped() -> None:
    """Nothing selected is a pattern's gap, not "none ran" (which makes it UNKNOWN)."""
    verdict = judge_tests(interaction("tests/test_b.py"), [], REPO)
    assert not verdict.none_ran
    assert verdict.counts == TestCounts()
    assert verdict.gaps == ["evidence 'tests/test_b.py' matched no test in the JUnit results"]
