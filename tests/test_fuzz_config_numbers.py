"""Config numbers can never open the gate (attack campaign, "NaN passes the gate").

Generated configs put any float at every number a gate compares (weights, thresholds,
`near`, `min_confidence`): infinities, NaN, 1e308, negatives, values just past the
bounds. Each config is either refused as a ConfigError naming the key, or evaluated
to a finite overall confidence whose verdict equals an independent exact computation
of the rule: the overall is the weighted mean of exact confidences, compared with
its target without rounding. Hypothesis, derandomized, 600 cases.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.reports import evaluate

from gate.config.load import config_from_data
from gate.core.evaluate import Evaluation
from gate.core.model import FileCoverage, Outcome, TestCase, TestResults
from gate.errors import ConfigError

TODAY = dt.date(2026, 12, 4)
# Two interactions, fully covered, their one evidence test passing: 100% confidence
# each, or 50% for the second, whose test half passes (one of two failed).
COVERAGE = {
    "app/a.py": FileCoverage("app/a.py", frozenset({1, 2}), frozenset({1, 2}), {}),
    "app/b.py": FileCoverage("app/b.py", frozenset({1, 2}), frozenset({1, 2}), {}),
}
TESTS = TestResults(
    cases={
        "tests/test_a.py::t": TestCase("tests/test_a.py::t", "tests/test_a.py", Outcome.PASSED),
        "tests/test_b.py::t": TestCase("tests/test_b.py::t", "tests/test_b.py", Outcome.PASSED),
        "tests/test_b.py::u": TestCase("tests/test_b.py::u", "tests/test_b.py", Outcome.FAILED),
    }
)
CONFIDENCE = {"a": Fraction(100), "b": Fraction(50)}

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 50.0, 95.0, 100.0, 100.0000001, -0.0, -1e-9, 1000.0, 1000.5, 1e308]),
    st.integers(min_value=-(10**30), max_value=10**30),
)


def interaction(name: str, weight: object) -> dict[str, object]:
    return {
        "id": name, "name": name.upper(), "direction": "outbound",
        "modules": [f"app/{name}.py"], "evidence": [f"tests/test_{name}.py"],
        "weight": weight, "threshold": {"line": 0, "branch": None},
    }  # fmt: skip


def exact(value: object) -> Fraction:
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)  # type: ignore[arg-type]


@settings(
    max_examples=600, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(wa=numbers, wb=numbers, target=numbers, near=numbers)
def test_no_number_in_a_config_opens_the_gate(
    wa: object, wb: object, target: object, near: object
) -> None:
    data = {
        "version": 1,
        "defaults": {"near": near},
        "overall": {"min_confidence": target},
        "interactions": [interaction("a", wa), interaction("b", wb)],
    }
    try:
        config = config_from_data(data, "signal-gate.yml")
    except ConfigError as error:
        assert "signal-gate.yml: " in str(error)
        return
    # Accepted: every number is finite and inside its documented range.
    for value, low, high in ((wa, 0, 1000), (wb, 0, 1000), (target, 0, 100), (near, 0, 100)):
        assert isinstance(value, int | float) and math.isfinite(value) and low <= value <= high
    report = evaluate(Evaluation(config, COVERAGE, TESTS, TODAY))
    assert math.isfinite(report.overall_confidence)
    assert 0 <= report.overall_confidence <= 100
    weights = {"a": exact(wa), "b": exact(wb)}
    total = sum(weights.values())
    overall = sum(weights[k] * CONFIDENCE[k] for k in weights) / total if total else Fraction(0)
    # b has a failing test, so the gate fails whatever the numbers; the overall's
    # own reason is present exactly when the exact overall is below its target.
    assert report.passed is False
    below = any(r.startswith("overall confidence") for r in report.reasons)
    assert below == (overall < exact(target))
