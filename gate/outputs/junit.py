"""The verdict as JUnit XML (`check --junit-out`), for CI systems that show test results.

GitLab (`artifacts:reports:junit`), Jenkins (the JUnit plugin) and Azure DevOps
(`PublishTestResults@2`) all read this format. One test case per interaction and per
safety check, and one for the gate's verdict; a failure carries the reasons. Pure: it
returns the XML, the CLI writes it. Built with junitparser, which escapes every text.
"""

from __future__ import annotations

import re

from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

from gate.core.report import InteractionResult, Report, SafetyCheckResult, WaiverInfo

# XML 1.0 allows tab, newline, carriage return and everything from U+0020 on, except
# surrogates and U+FFFE/U+FFFF (XML 1.0 §2.2): drop the rest rather than write bad XML.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def render_junit(report: Report) -> bytes:
    """Return the JUnit XML document of `report` (UTF-8, with an XML declaration)."""
    suite = TestSuite(_text(f"signal-gate {report.id}"))
    suite.add_testcase(_verdict_case(report))
    for interaction in report.interactions:
        suite.add_testcase(_interaction_case(report.id, interaction))
    for check in report.safety.checks:
        suite.add_testcase(_safety_case(report.id, check))
    xml = JUnitXml(_text(report.title))
    xml.add_testsuite(suite)
    xml.update_statistics()  # type: ignore[no-untyped-call]  # junitparser is untyped here
    body: bytes = xml.tostring()  # type: ignore[no-untyped-call]
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def _case(gate_id: str, group: str, name: str) -> TestCase:
    return TestCase(_text(name), classname=_text(f"signal-gate.{gate_id}.{group}"), time=0)


def _failure(message: str, details: list[str]) -> Failure:
    failure = Failure(_text(message), "signal-gate")
    failure.text = _text("\n".join(details))
    return failure


def _verdict_case(report: Report) -> TestCase:
    case = _case(report.id, "gate", "verdict")
    if not report.passed:
        case.result = [
            _failure(f"the gate failed: {len(report.reasons)} reason(s)", report.reasons)
        ]
    return case


def _waived(waiver: WaiverInfo) -> Skipped:
    return Skipped(_text(f"waived until {waiver.until}: {waiver.reason}"))


def _interaction_case(gate_id: str, r: InteractionResult) -> TestCase:
    case = _case(gate_id, "interactions", r.id)
    if r.ready:
        return case
    if r.waived and r.waiver is not None:
        case.result = [_waived(r.waiver)]
    elif not r.required:
        case.result = [Skipped(_text(f"not required: {r.status.value}"))]
    else:
        details = [f"{r.name}: {r.status.value}", *r.gaps, *(f"to pass: {t}" for t in r.to_pass)]
        case.result = [_failure(f"{r.id} is {r.status.value}", details)]
    return case


def _safety_case(gate_id: str, c: SafetyCheckResult) -> TestCase:
    case = _case(gate_id, "safety", c.id)
    if c.passed:
        return case
    if c.waived and c.waiver is not None:
        case.result = [_waived(c.waiver)]
    else:
        case.result = [_failure(f"{c.name}: failed", [c.detail])]
    return case
