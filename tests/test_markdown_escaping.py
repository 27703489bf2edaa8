"""Untrusted text in the PR comment renders as text, whatever it is.

Test names, failure messages and paths come from pull requests. For any string
used as any of them, the comment `gate.render.markdown` writes, parsed by
GitHub's own Markdown library (cmark-gfm, with the table and autolink
extensions and raw HTML let through, as GitHub's renderer does before it
sanitises), has exactly the structure it has for a harmless word: same
headings, same table rows and columns, same lists, no extra element (raw HTML,
image, link, emphasis), and no live @mention or issue reference (GitHub links
those after Markdown, so they are checked on the visible text).
"""

from __future__ import annotations

import html
import re

import cmarkgfm
from cmarkgfm.cmark import Options
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gate.core.report import (
    SCHEMA,
    Baseline,
    Delta,
    InteractionResult,
    PatchCoverage,
    PatchFile,
    PatchSummary,
    Provenance,
    Ratchet,
    RatchetState,
    Report,
    SafetyCheckResult,
    SafetyResult,
    Status,
    TestCounts,
    WaiverInfo,
)
from gate.render.escape import ZWSP, code, md, plain
from gate.render.markdown import render_markdown, render_summary

# Pieces that mean something to Markdown, HTML or GitHub, mixed with any text.
HOSTILE = [
    "|", "\\|", "\\", "`", "``", "```", "*", "_", "**", "~~", "[", "]", "(", ")", "!", "<", ">",
    "&", "&lt;", "&#60;", "&#x3C;", "&amp;", "#", "# ", "#12", "- ", "1. ", "> ", "---", "===",
    "\n", "\r\n", "\r", "\t", "    ", "\u2028", "\u0085", "\x0b", "\x00", "\x1b[31m", "\x9b",
    "\u202e", "\u200b", "@", "@octocat", "@org/team", "a@b.co", "user@example.com",
    "www.evil.com", "http://evil", "https://x.y/z?q=1", "HTTPS://X.Y", "ftp://a.b", "mailto:a@b.c",
    "<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "<!-- x -->", "<details>",
    "</details>", "</td>", "<br>", "<a href='//x'>", "![i](http://x/i.png)", "[l](http://x)",
    "[l]: http://x", "<http://x>", "<a@b.c>", ":smile:", "$x$", "^", "{", "}", "=", "+", "~",
]  # fmt: skip
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8)), min_size=1, max_size=12
).map("".join)

PROFILE = settings(max_examples=250, derandomize=True, deadline=None, database=None)


def report_with(text: str, checks: int) -> Report:
    """A failing report that carries `text` everywhere untrusted text can go:
    title, interaction names, gaps (test names and messages), safety check names,
    details and waiver reasons, unmapped paths, the verdict's reasons, and what a
    change did: changed paths, the diff's source, a baseline's (untrusted) ids,
    commit and timestamp."""
    waiver = WaiverInfo(reason=text, until="2030-01-01")
    changed = PatchFile(path=text, changed_lines=3, statements=2, covered_statements=1,
                        missing_lines=[4])  # fmt: skip
    patch = PatchCoverage(statements=2, covered_statements=1, line_percent=50.0,
                          files=[changed], missing={text: [4]},
                          threshold={"line": 95, "branch": None},
                          shortfall={"line": 1, "branch": None})  # fmt: skip
    result = InteractionResult(
        id="payments", name=text, direction="outbound", peer=text, critical=True,
        required=True, status=Status.ATTENTION, confidence=50.0, coverage_percent=50.0,
        line_percent=50.0, branch_percent=None, statements=2, covered_statements=1,
        branches=0, covered_branches=0, threshold={"line": 95, "branch": None},
        files=[text], tests=TestCounts(total=1, failed=1), pass_rate=0.0,
        gaps=[f"test {text} failed: {text}", f"{text}: missing lines 3-4"],
        to_pass=["1 more statement"], waiver=waiver, patch=patch,
        delta=Delta(status=Status.READY, line_percent=-50.0, base_line_percent=100.0),
        reasons=[f"payments: {text}"],
    )  # fmt: skip
    held = InteractionResult(
        id="ledger", name=text, direction="inbound", peer=None, critical=False,
        required=True, status=Status.NEAR, confidence=90.0, coverage_percent=90.0,
        line_percent=90.0, branch_percent=None, statements=10, covered_statements=9,
        branches=0, covered_branches=0, threshold={"line": 95, "branch": None},
        files=[text], tests=TestCounts(total=1, passed=1), pass_rate=1.0,
        gaps=[f"{text}: missing lines 3"], shortfall={"line": 1, "branch": None},
        delta=Delta(added=True), ratchet=Ratchet(RatchetState.HELD),
    )  # fmt: skip
    safety = [
        SafetyCheckResult(id=f"c{i}", name=text, kind="junit", passed=i % 2 == 0, detail=text,
                          waiver=waiver if i == 1 else None)
        for i in range(checks)
    ]  # fmt: skip
    return Report(
        schema=SCHEMA, passed=False, overall_confidence=50.0, min_confidence=95.0,
        interactions=[result, held], safety=SafetyResult(sum(c.passed for c in safety), checks,
                                                         checks, safety),
        unmapped=[text, f"app/{text}.py"], inputs={"coverage": [], "junit": []},
        provenance=Provenance(config_sha256="0" * 64, head_sha=text), title=text,
        reasons=[f"interaction payments: {text}"],
        patch=PatchSummary(source=text, base_sha=text, changed_files=2, statements=2,
                           covered_statements=1, branches=0, covered_branches=0,
                           line_percent=50.0, branch_percent=None, files=[changed],
                           unclaimed=[changed]),
        baseline=Baseline(path=text, head_sha=text, generated=None, removed=[text]),
    )  # fmt: skip


# GitHub turns these into links after rendering: @user, @org/team, #12, GH-12.
LIVE_REFERENCE = re.compile(r"@[A-Za-z0-9]|#[0-9]|\bGH-[0-9]", re.IGNORECASE)


def to_html(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def skeleton(page: str) -> list[str]:
    """Every tag, in order, with the attributes that make it a link or an image.
    Escaped text cannot contain '<', so each '<' here is markup."""
    return re.findall(r"<(/?[a-zA-Z][a-zA-Z0-9]*)(?:[^>]*?\b(href|src)=)?", page)


def visible_text(page: str) -> str:
    """The text a reader sees outside code spans (where GitHub links nothing)."""
    without_code = re.sub(r"<code>.*?</code>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", without_code))


def harmless(text: str) -> str:
    """A word that takes the same places as `text` (nothing, when it shows as nothing)."""
    return "x" if plain(text) else ""


def assert_renders_as_text(text: str, checks: int) -> None:
    for render in (render_markdown, render_summary):
        page = to_html(render(report_with(text, checks)))
        expected = to_html(render(report_with(harmless(text), checks)))
        assert skeleton(page) == skeleton(expected), render.__name__
        live = LIVE_REFERENCE.search(visible_text(page))
        assert live is None, f"live reference {live[0]!r} in {render.__name__}"


@PROFILE
@given(hostile_text, st.sampled_from([1, 9]))
@example("@octocat | <img src=x> ![i](http://x) www.evil.com", 1)
@example("a\nb\r\nc | d", 9)
@example("`code | with pipe` `` ` ``", 1)
def test_any_untrusted_text_renders_as_text(text: str, checks: int) -> None:
    assert_renders_as_text(text, checks)


@PROFILE
@given(st.text(max_size=40), st.sampled_from([1, 9]))
def test_any_unicode_text_renders_as_text(text: str, checks: int) -> None:
    assert_renders_as_text(text, checks)


@PROFILE
@given(hostile_text)
def test_md_is_one_line_without_raw_markup(text: str) -> None:
    out = md(text)
    assert "\n" not in out and "\r" not in out
    assert "<" not in out and ">" not in out
    assert not LIVE_REFERENCE.search(out.replace("\\", ""))
    assert "|" not in out.replace("\\|", "")


@PROFILE
@given(hostile_text)
@example("re: a|b")
@example("a\\|b \\\\| c |")
def test_code_span_in_a_table_cell_shows_the_text(text: str) -> None:
    """Inline code in a table cell shows exactly the plain text, pipes included
    (not a broken bar, which would corrupt a regex or a test id), and the row
    keeps its two cells."""
    shown = code(text)
    if not plain(text, 200):
        assert shown == ""
        return
    page = to_html(f"| a | b |\n|---|---|\n| {shown} | x |\n")
    cells = re.findall(r"<td>(.*?)</td>", page, flags=re.S)
    assert len(cells) == 2 and cells[1] == "x", page
    spans = re.findall(r"<code>(.*?)</code>", cells[0], flags=re.S)
    assert len(spans) == 1
    assert html.unescape(spans[0]) == plain(text, 200)


@PROFILE
@given(hostile_text)
@example("re: a|b")
def test_code_span_in_a_paragraph_shows_the_text(text: str) -> None:
    shown = code(text, table=False)
    if not plain(text, 200):
        assert shown == ""
        return
    spans = re.findall(r"<code>(.*?)</code>", to_html(shown), flags=re.S)
    assert len(spans) == 1
    assert html.unescape(spans[0]) == plain(text, 200)


def test_mentions_are_broken_with_a_zero_width_space() -> None:
    assert md("ping @octocat") == f"ping @{ZWSP}octocat"


def test_issue_references_are_broken_with_a_zero_width_space() -> None:
    assert md("fixes #12, GH-3") == f"fixes #{ZWSP}12, GH-{ZWSP}3"


def test_terminal_controls_never_reach_text() -> None:
    """ESC, 8-bit CSI (U+009B) and bidi overrides are dropped; NEL is a line break."""
    assert plain("a\x1b[31mred\x9b2J\u202eb\x85c") == "a[31mred2Jb c"
