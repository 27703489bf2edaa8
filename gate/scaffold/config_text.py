"""The config `init` proposes, as commented YAML. Pure: a `Proposal` in, text out.

Every scalar that comes from the repository (paths, names, the title) is
written as a JSON string, which YAML reads back verbatim: a file named
`x: {y}` or holding a newline can neither add keys nor end a comment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from gate.config.schema import Direction
from gate.records import Record

ACRONYMS = frozenset({"api", "sdk", "http", "acl", "id", "sms", "url", "ui", "io", "db", "s3"})
UNCLAIMED_SHOWN = 5  # unclaimed files named in the unmapped comment


class Interaction(Record, frozen=True):
    """One interaction as init proposes it."""

    id: str
    name: str
    direction: Direction
    path: str  # the module's file, or the package's folder ending in '/'
    peer: str | None
    evidence: tuple[str, ...]
    found: str  # how the code was found
    evidence_from: str  # where the evidence came from; "" when there is none


class Proposal(Record, frozen=True):
    """What init proposes: the interactions and the unmapped globs guarding them."""

    title: str
    interactions: tuple[Interaction, ...]
    unmapped: tuple[str, ...]  # globs under which every file must belong to an interaction
    unclaimed: tuple[str, ...] = ()  # files those globs match that no interaction claims


def kebab(text: str) -> str:
    """`sdk_streams` -> `sdk-streams`: the id schema is [a-z0-9-]+."""
    out = re.sub(r"[^a-z0-9]+", "-", re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text).lower())
    return out.strip("-") or "interaction"


def humanise(stem: str, direction: Direction) -> str:
    """`sdk_streams` -> `SDK Streams API` (inbound), `config` -> `Config` (outbound)."""
    words = [w.upper() if w in ACRONYMS else w.capitalize() for w in kebab(stem).split("-")]
    name = " ".join(words)
    return f"{name} API" if direction is Direction.INBOUND and not name.endswith("API") else name


def unique_id(ident: str, direction: Direction, taken: set[str]) -> str:
    """`ident`, or a variant no other interaction has taken (`config-api`, `config-2`)."""
    candidate = ident
    if candidate in taken:
        candidate = f"{ident}-{'api' if direction is Direction.INBOUND else 'client'}"
    n = 2
    while candidate in taken:
        candidate = f"{ident}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def render_config(found: Proposal, schema_url: str | None = None) -> str:
    """The config as commented YAML, with the schema modeline first when given."""
    modeline = [f"# yaml-language-server: $schema={schema_url}"] if schema_url else []
    lines = [*modeline, *_HEADER, f"title: {_q(found.title)}", *_SETTINGS]
    lines.extend(_unmapped(found.unmapped, found.unclaimed))
    lines.extend(_INTERACTIONS_INTRO)
    if not found.interactions:
        lines.append("interactions: []  # nothing found: declare each service this one talks to")
    else:
        lines.append("interactions:")
        for index, p in enumerate(found.interactions):
            lines.extend(_interaction(p, explained=index == 0))
    lines.extend(_SAFETY)
    return "\n".join(lines) + "\n"


def _q(value: str) -> str:
    return json.dumps(value)


def _comment(text: str) -> str:
    """Repository text inside a comment, on one line whatever it holds."""
    return json.dumps(text)[1:-1]


def _unmapped(globs: Sequence[str], unclaimed: Sequence[str]) -> list[str]:
    lines = [
        "",
        "# Source files that must each belong to an interaction: a client added later",
        "# and never declared shows up as unmapped. policy: fail | warn | ignore.",
        "unmapped:",
    ]
    if not globs:
        return [*lines, '  paths: []  # e.g. ["app/clients/*.py"]', "  policy: warn"]
    lines.append("  paths:")
    lines.extend(f"    - {_q(g)}" for g in globs)
    if not unclaimed:
        return [*lines, "  policy: fail"]
    shown = ", ".join(_comment(p) for p in unclaimed[:UNCLAIMED_SHOWN])
    more = len(unclaimed) - UNCLAIMED_SHOWN
    lines.append(
        f"  # claimed by no interaction: {shown}" + (f" and {more} more" if more > 0 else "")
    )
    lines.append("  # (support code?): declare them or narrow `paths`, then set `policy: fail`.")
    return [*lines, "  policy: warn"]


def _interaction(p: Interaction, *, explained: bool) -> list[str]:
    def note(text: str) -> str:
        return f"  # {text}" if explained else ""

    where = f"{p.found}; evidence from {p.evidence_from}" if p.evidence else p.found
    if p.evidence:
        evidence = ["    evidence:" + note("test files (globs) or pytest node ids that prove it")]
        evidence.extend(f"      - {_q(e)}" for e in p.evidence)
    else:
        evidence = ["    evidence: []  # TODO: no test found that runs it or is named after it"]
    lines = [
        "",
        f"  # {_comment(p.path)}: {_comment(where)}",
        f"  - id: {p.id}" + note("[a-z0-9-]+, unique; `signal-gate explain <id>`"),
        f"    name: {_q(p.name)}" + note("shown in the matrix and the document"),
        f"    direction: {p.direction.value}" + note("outbound | inbound | bidirectional"),
    ]
    if p.peer is not None:
        lines.append(f"    peer: {_q(p.peer)}" + note("the service on the other side"))
    lines.extend(
        [
            "    critical: false" + note("true: must be PRODUCTION READY for the gate to pass"),
            "    modules:" + note("path globs, folders or dotted module names"),
            f"      - {_q(p.path)}",
            *evidence,
        ]
    )
    if explained:
        lines.extend(_OPTIONAL_KEYS)
    return lines


_OPTIONAL_KEYS = [
    "    # threshold: {line: 95, branch: 95}  # overrides defaults.threshold",
    "    # skipped: block              # a skipped evidence test is a gap (default: allow)",
    "    # contract: 'JSON {\"value\": ...}'    # the data exchanged, free text",
    "    # details:                    # facts shown in the document and by explain",
    "    #   Endpoint: /path/{key}",
    "    #   Retry logic: 3 retries, 5 s timeout",
]
_HEADER = [
    "# signal-gate configuration, scaffolded by `signal-gate init` from what the code",
    "# imports and calls, the tests and their coverage. Names, peers and evidence are",
    "# guesses: review each interaction, then run `signal-gate validate` and",
    "# `signal-gate check`.",
    "version: 1",
    "",
    "# Names this gate's pull-request comment and commit status ([a-z0-9-]+).",
    "id: default",
    "# Shown at the top of comments and of the assessment document.",
]
_SETTINGS = [
    '# maintainer: "Your Team"   # shown in the assessment document',
    "",
    "defaults:",
    "  # Percent of its statements / branches an interaction must cover; null turns",
    "  # a side off. An interaction may override it with its own `threshold`.",
    "  threshold: {line: 95, branch: 95}",
    "  # Below its thresholds, an interaction at or above this confidence is",
    "  # NEAR PRODUCTION READY rather than REQUIRES ATTENTION.",
    "  near: 90",
    "  # all: coverage from the whole suite. evidence: only what each interaction's",
    "  # own evidence tests ran (needs a .coverage file from --cov-context=test).",
    "  coverage_scope: all",
    "  # allow: a skipped evidence test is listed, not counted, while one ran and all",
    "  # that ran passed. block: a skip keeps the interaction from PRODUCTION READY.",
    "  skipped: allow",
    "",
    "overall:",
    "  # The gate fails when the weighted mean confidence is below this.",
    "  min_confidence: 95",
    "",
    "# The reports CI already writes (files or globs); --coverage/--junit replace them.",
    "# With pytest: pytest --cov --cov-branch --cov-report=xml:coverage.xml --junitxml=junit.xml",
    "reports:",
    '  coverage: ["coverage.xml"]',
    '  junit: ["junit.xml"]',
]
_INTERACTIONS_INTRO = [
    "",
    "# One interaction per service this one talks to (outbound) or serves (inbound).",
    "# Required by default: each must reach its thresholds with passing evidence.",
]
_SAFETY = [
    "",
    "# Deployment safety checks, reported N/N; `required: all` or a number.",
    "# Kinds: command, junit, coverage, file_exists, require_pattern, forbid_pattern, results.",
    "safety:",
    "  required: all",
    "  checks: []",
    "  # checks:",
    "  #   - id: no-debug-print",
    "  #     name: No print() left in the clients",
    "  #     kind: forbid_pattern",
    '  #     files: ["app/clients/*.py"]',
    "  #     pattern: '\\bprint\\('",
]
