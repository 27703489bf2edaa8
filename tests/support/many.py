"""A service with many interactions, for the comment at scale: 50 clients, each
with its module, its evidence tests and realistic names, a Cobertura report,
a JUnit report, a base report and a change touching three of them.

Everything goes through the real pipeline (readers, evaluation) when the test
runs `check` on the project this writes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

PEERS = (
    "Market Data Aggregator (Realtime Quotes/Level2/Depth)", "Reference Data Service",
    "Payment Gateway (Cards/SEPA/Instant)", "Identity Provider (OIDC/SAML)",
    "Notification Fan-out (E-mail/SMS/Push)", "Ledger", "Risk Engine (Pre-trade Limits)",
    "Document Store", "Search Index (OpenSearch)", "Feature Flags",
)  # fmt: skip
COUNT = 50
STATEMENTS = 40


def interaction_id(index: int) -> str:
    return f"downstream-integration-{index:02d}-{PEERS[index % len(PEERS)].split()[0].lower()}"


def covered(index: int, *, base: bool) -> int:
    """Statements its tests run: most clients complete, some short of 95%, and in
    the head one client (3) loses coverage to the change."""
    if index == 3:
        return STATEMENTS - (6 if base else 9)
    if index % 7 == 3:
        return STATEMENTS - 6
    return STATEMENTS


def config() -> str:
    lines = [
        "version: 1",
        "id: many",
        "title: Trading Platform integration gate (50 interactions)",
        "defaults: {threshold: {line: 95, branch: null}}",
        "overall: {min_confidence: 80}",
        "unmapped: {paths: ['svc/clients/*.py']}",
        "interactions:",
    ]
    for i in range(COUNT):
        direction = ("outbound", "inbound", "bidirectional")[i % 3]
        lines += [
            f"  - id: {interaction_id(i)}",
            f"    name: '{PEERS[i % len(PEERS)]} #{i}'",
            f"    direction: {direction}",
            f"    critical: {'true' if i % 10 == 0 else 'false'}",
            f"    modules: [svc/clients/client_{i:02d}.py]",
            f"    evidence: [tests/test_client_{i:02d}.py]",
        ]
    return "\n".join(lines) + "\n"


def cobertura(dest: Path, *, base: bool) -> None:
    root = ET.Element("coverage", version="7.6", timestamp="1")
    ET.SubElement(ET.SubElement(root, "sources"), "source").text = str(dest.parent)
    classes = ET.SubElement(ET.SubElement(ET.SubElement(root, "packages"), "package"), "classes")
    for i in range(COUNT):
        cls = ET.SubElement(classes, "class", name=f"client_{i:02d}",
                            filename=f"svc/clients/client_{i:02d}.py")  # fmt: skip
        lines = ET.SubElement(cls, "lines")
        done = covered(i, base=base)
        for n in range(1, STATEMENTS + 1):
            ET.SubElement(lines, "line", number=str(n), hits="1" if n <= done else "0")
    ET.ElementTree(root).write(dest, encoding="utf-8", xml_declaration=True)


def junit(dest: Path) -> None:
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", name="many")
    for i in range(COUNT):
        for t in range(3):
            name, file = f"test_call_{t}", f"tests/test_client_{i:02d}.py"
            case = ET.SubElement(
                suite, "testcase", classname=f"tests.test_client_{i:02d}", name=name, file=file
            )
            if i % 11 == 5 and t == 0:
                ET.SubElement(case, "failure", message=f"AssertionError: status 503 from peer {i}")
    ET.ElementTree(suites).write(dest, encoding="utf-8", xml_declaration=True)


def change() -> str:
    """Lines 30-40 of client 3 (which loses coverage), 1-2 of clients 10 and 20."""
    parts = []
    for index, (start, count) in ((3, (30, 11)), (10, (1, 2)), (20, (1, 2))):
        path = f"svc/clients/client_{index:02d}.py"
        added = "".join(f"+x{n} = {n}\n" for n in range(count))
        parts.append(
            f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
            f"@@ -{start - 1},0 +{start},{count} @@\n{added}"
        )
    return "".join(parts)


def write_project(root: Path) -> Path:
    """The project: config, source files, base and head reports, the change."""
    (root / "svc" / "clients").mkdir(parents=True)
    (root / "tests").mkdir()
    for i in range(COUNT):
        source = "".join(f"x{n} = {n}\n" for n in range(STATEMENTS))
        (root / "svc" / "clients" / f"client_{i:02d}.py").write_text(source)
        (root / "tests" / f"test_client_{i:02d}.py").write_text("def test_call_0(): pass\n")
    (root / "signal-gate.yml").write_text(config())
    cobertura(root / "base-coverage.xml", base=True)
    cobertura(root / "coverage.xml", base=False)
    junit(root / "junit.xml")
    (root / "change.diff").write_text(change())
    return root
