"""The pull-request comment as GitHub renders it, for reports full of hostile text.

Test names, failure messages, file paths and safety-check results come from the pull
request, so from anyone. The report here is built by the real pipeline (readers,
evaluation) from the corpus's awkward files: Playwright names with `@smoke` tags and
`›`, jest-junit's 2,000-character names, a Gradle failure message full of brackets and
quotes, Windows paths, plus a JUnit file and a Cobertura file of our own that try
every Markdown and HTML trick. Every test case fails, so every name and message is in
the comment.

The Markdown goes through cmark-gfm (`cmarkgfm`, the C library GitHub's renderer is
built on) with the table and autolink extensions and raw HTML allowed, so anything
that would become an element shows up as one. The checks: the matrix and the safety
table are real tables with one row per interaction or check; every gap reads back as
exactly its text; no element, link, image or @mention appears that the renderer did not
write on purpose. (GitHub's own sanitiser would remove some HTML afterwards; we do not
rely on it.)
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from support.reports import run_check

from gate.check import CheckOptions
from gate.core.report import Report
from gate.render.escape import ZWSP, plain
from gate.render.markdown import render_markdown, render_summary

RUN_URL = "https://github.com/octocat/Hello-World/actions/runs/4242"
CORPUS_JUNIT = (
    "junit/playwright/playwright-junit.xml",  # `@smoke` tags, '›'
    "junit/jest-junit/jest-junit-very-long-names.xml",  # ~2,000-character names
    "junit/gradle/gradle-springboot-failure.xml",  # a 2 KB message: [] = "" and more
)
CORPUS_COVERAGE = "coverage/istanbul-cobertura/jest-windows-cobertura.xml"  # src\app\*.tsx
HOSTILE_NAMES = (
    "renders <img src=x onerror=alert(1)> and <b>bold</b>",
    "closes </details><script>alert(1)</script><details>",
    "pings @octocat and @github/security-team, mails ops@example.com",
    "links [here](https://evil.example) ![pixel](https://evil.example/p.png) <https://evil.example>",
    "autolinks www.evil.example and https://evil.example/path?q=1",
    "| breaks | the | table |",
    "`code` **bold** _it_ ~~gone~~ <!-- hidden --> &lt;entity&gt; &amp;",
    "line one\nline two\r\n\ttabbed \\ backslash",
    "[ref]: https://evil.example 'title'",
    "fixes #123, GH-7 and octo/repo#9",  # issue references GitHub links after rendering
)
HOSTILE_PATHS = (
    "app/<img src=x onerror=alert(1)>.py",
    "app/@octocat/client.py",
    "app/www.evil.example/client.py",
    "app/[x](https:/evil.example)/client.py",
    "app/pipe|cell/client.py",
    "app/`tick`/client.py",
)
# What render_markdown writes on purpose (headings, emphasis, tables, <details>, lists,
# inline code, the one link to the run).
OUR_ELEMENTS = frozenset(
    {"h2", "h3", "p", "strong", "em", "table", "thead", "tbody", "tr", "th", "td"}
    | {"details", "summary", "ul", "li", "code", "a", "br"}
)
MATRIX_HEADER = ["Status", "Interaction", "Line", "Branch", "Tests", "Confidence"]
CHANGE_HEADER = ["", "Interaction", "Changed statements", "Changed branches", "Line"]


# --- a small DOM of the rendered HTML ----------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def find_all(self, tag: str) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag:
                    yield child
                yield from child.find_all(tag)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def texts_outside(self, skip: frozenset[str], inside: bool = False) -> Iterator[str]:
        """The text nodes not below an element in `skip` (e.g. code)."""
        for child in self.children:
            if isinstance(child, str):
                if not inside:
                    yield child
            else:
                yield from child.texts_outside(skip, inside or child.tag in skip)


class _TreeBuilder(HTMLParser):
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        self.tags.append("<!--comment-->")


@dataclass(frozen=True)
class Rendered:
    markdown: str
    root: Node
    tags: tuple[str, ...]


def render_html(markdown: str, *, gfm: bool = False) -> Rendered:
    """cmark-gfm's HTML with raw HTML kept (CMARK_OPT_UNSAFE).

    `gfm=False` leaves out the `tagfilter` extension, which would turn a raw `<script>`
    into text and so hide it from these checks; `gfm=True` is GitHub's full set.
    """
    if gfm:
        html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    else:
        html = cmarkgfm.markdown_to_html_with_extensions(
            markdown,
            options=Options.CMARK_OPT_UNSAFE,
            extensions=["table", "autolink", "strikethrough", "tasklist"],
        )
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return Rendered(markdown, builder.root, tuple(builder.tags))


def readable(text: str) -> str:
    """Text as a reader sees it: the zero-width spaces that break mentions removed."""
    return text.replace(ZWSP, "")


# --- the hostile project -----------------------------------------------------------------


def _failing_junit(corpus: Path, dest: Path) -> None:
    """Every corpus test case, and each hostile name, as a failing test."""
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", name="hostile")
    for relative in CORPUS_JUNIT:
        for case in ET.parse(corpus / relative).iter("testcase"):
            message = next((k.get("message") for k in case if k.tag == "failure"), None)
            new = ET.SubElement(suite, "testcase", classname=case.get("classname", ""))
            new.set("name", case.get("name", ""))
            ET.SubElement(new, "failure", message=message or case.get("name", ""))
    for name in HOSTILE_NAMES:
        case = ET.SubElement(suite, "testcase", classname="hostile.spec.ts", name=name)
        ET.SubElement(case, "failure", message=f"expected {name!r} | got <nothing>")
    ET.ElementTree(suites).write(dest, encoding="utf-8", xml_declaration=True)


def _hostile_cobertura(dest: Path) -> None:
    coverage = ET.Element("coverage", version="7", timestamp="1")
    ET.SubElement(ET.SubElement(coverage, "sources"), "source").text = str(dest.parent)
    classes = ET.SubElement(
        ET.SubElement(ET.SubElement(coverage, "packages"), "package"), "classes"
    )
    for path in HOSTILE_PATHS:
        cls = ET.SubElement(classes, "class", name="c", filename=path)
        lines = ET.SubElement(cls, "lines")
        for number, hits in ((1, "1"), (2, "0"), (3, "0")):
            ET.SubElement(lines, "line", number=str(number), hits=hits)
    ET.ElementTree(coverage).write(dest, encoding="utf-8", xml_declaration=True)


def _config() -> dict[str, object]:
    """The gate config; names are PR content too (a PR can edit the config)."""
    return {
        "version": 1,
        "id": "hostile",
        "title": "Gate <b>title</b> @octocat [x](https://evil.example)",
        "unmapped": {"paths": ["app/**"], "policy": "warn"},
        "interactions": [
            {
                "id": "playwright",
                "name": "Web | <img src=x onerror=alert(1)> @octocat ![i](https://evil.example/i.png)",
                "direction": "inbound",
                "modules": ["app/<img*.py", "app/@octocat/*.py"],
                "evidence": ["optimized-auth.spec.ts"],
            },
            {
                "id": "jest",
                "name": "Jest `names` www.evil.example",
                "direction": "outbound",
                "modules": ["src/app/*.tsx"],
                "evidence": ["class names", "Really really*"],
            },
            {
                "id": "gradle",
                "name": "Gradle </details> <!-- x -->",
                "direction": "outbound",
                "modules": ["app/www.evil.example/*.py"],
                "evidence": ["com.example.demo.DemoApplicationTests"],
            },
            {
                "id": "hostile",
                "name": "Hostile names [x](https://evil.example)",
                "direction": "bidirectional",
                "modules": ["app/pipe*/*.py"],
                "evidence": ["hostile.spec.ts"],
            },
        ],
        "safety": {
            "checks": [
                {"id": "imported", "name": "Imported", "kind": "results", "path": "results.json"},
                {"id": "no-todo", "name": "No TODO", "kind": "forbid_pattern",
                 "files": ["app/**/*.py"], "pattern": "TODO"},
            ]
        },
    }  # fmt: skip


def _results() -> list[dict[str, object]]:
    return [
        {"id": "pixel", "name": "<script>alert(1)</script> @everyone", "passed": False,
         "detail": "[pwn](https://evil.example) | extra | cells ![i](https://evil.example/i.png)"},
        {"id": "mention", "name": "ok @octocat", "passed": True, "detail": "www.evil.example"},
    ]  # fmt: skip


def _change(dest: Path) -> None:
    """A diff that adds lines 2-3 to every hostile path, as git writes it: quoted
    (C-style) where the path needs it, a tab after a name with spaces."""
    chunks = []
    for path in HOSTILE_PATHS:
        quoted = any(c in path for c in '"\\') or not path.isascii()
        a, b = (f'"a/{path}"', f'"b/{path}"') if quoted else (f"a/{path}", f"b/{path}")
        tab = "\t" if " " in path else ""
        chunks.append(
            f"diff --git {a} {b}\n--- {a}{tab}\n+++ {b}{tab}\n@@ -1,0 +2,2 @@\n+y = 2\n+z = 3\n"
        )
    dest.write_text("".join(chunks), encoding="utf-8")


def build_project(corpus: Path, root: Path) -> Path:
    root.mkdir(parents=True)
    _failing_junit(corpus, root / "junit.xml")
    _hostile_cobertura(root / "coverage.xml")
    (root / "windows-cobertura.xml").write_bytes((corpus / CORPUS_COVERAGE).read_bytes())
    for path in HOSTILE_PATHS:  # the files exist, with something for the pattern check
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("x = 1  # TODO <img src=x> @octocat\n", encoding="utf-8")
    (root / "signal-gate.yml").write_text(json.dumps(_config()), encoding="utf-8")
    (root / "results.json").write_text(json.dumps(_results()), encoding="utf-8")
    _change(root / "change.diff")
    return root


@pytest.fixture(scope="module")
def report(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    root = build_project(corpus, tmp_path_factory.mktemp("hostile") / "project")
    options = CheckOptions(
        root=root,
        coverage=("coverage.xml", "windows-cobertura.xml"),
        junit=("junit.xml",),
        allow_exec=False,
        today=dt.date(2026, 1, 1),
        head_sha="6dcb09b5b57875f334f61aebed695e2e4193db5e",
        pull_request=1347,
        diff="change.diff",
    )
    return run_check(options).report


RENDERERS: dict[str, Callable[[Report], str]] = {
    "comment": lambda r: render_markdown(r, RUN_URL),
    "summary": lambda r: render_summary(r, RUN_URL),
}


@pytest.fixture(params=sorted(RENDERERS))
def rendered(request: pytest.FixtureRequest, report: Report) -> Rendered:
    return render_html(RENDERERS[request.param](report))


# --- the report really is hostile ---------------------------------------------------------


def test_the_hostile_text_reaches_the_report(report: Report) -> None:
    gaps = "\n".join(g for r in report.interactions for g in r.gaps)
    assert "@smoke" in gaps and "›" in gaps  # Playwright
    assert "Really really really" in gaps  # jest-junit's long names
    assert "IllegalStateException" in gaps  # Gradle's message
    assert "<img src=x onerror=alert(1)>" in gaps and "</details><script>" in gaps
    assert "app/<img src=x onerror=alert(1)>.py: missing lines 2-3" in gaps
    assert [r.status.value for r in report.interactions] == ["REQUIRES ATTENTION"] * 4
    assert report.unmapped, "a hostile path is listed as unclaimed"
    assert report.safety.total == 3
    assert report.patch is not None
    changed = {f.path for f in report.patch.files} | {f.path for f in report.patch.unclaimed}
    assert changed == set(HOSTILE_PATHS), "every hostile path reached the change"


def table_with_header(rendered: Rendered, header: list[str]) -> Node:
    for table in rendered.root.find_all("table"):
        if [readable(th.text()) for th in table.find_all("th")] == header:
            return table
    raise AssertionError(f"no table with header {header}")


# --- structure -----------------------------------------------------------------------------


def test_the_matrix_is_a_table_with_one_row_per_interaction(
    rendered: Rendered, report: Report
) -> None:
    matrix = table_with_header(rendered, MATRIX_HEADER)
    rows = list(next(matrix.find_all("tbody")).find_all("tr"))
    assert len(rows) == len(report.interactions)
    glyphs = {"outbound": "→", "inbound": "←", "bidirectional": "↔"}
    for row, result in zip(rows, report.interactions, strict=True):
        cells = [readable(td.text()) for td in row.find_all("td")]
        assert len(cells) == len(MATRIX_HEADER), cells
        assert cells[0] == "🔴 attention"
        assert cells[1] == f"{glyphs[result.direction]} {plain(result.name, 80)} {result.id}"


def test_the_change_table_has_one_row_per_touched_interaction(
    rendered: Rendered, report: Report
) -> None:
    table = table_with_header(rendered, CHANGE_HEADER)
    rows = list(next(table.find_all("tbody")).find_all("tr"))
    touched = [r for r in report.interactions if r.patch is not None and r.patch.touched]
    assert [r.id for r in touched] == ["playwright", "gradle", "hostile"]
    assert len(rows) == len(touched)
    for row, result in zip(rows, touched, strict=True):
        cells = [readable(td.text()) for td in row.find_all("td")]
        assert len(cells) == len(CHANGE_HEADER), cells
        assert plain(result.name, 80) in cells[1]
        changed = 2 * len(result.patch.files)  # lines 2-3 of each file, never covered
        assert cells[2] == f"❌ 0/{changed} (0.0%)"


def test_a_changed_path_no_interaction_claims_reads_back_as_itself(report: Report) -> None:
    rendered = render_html(render_markdown(report, RUN_URL))
    paragraph = next(
        p for p in rendered.root.find_all("p") if p.text().startswith("Changed code no interaction")
    )
    shown = [readable(c.text()) for c in paragraph.find_all("code")]
    unclaimed = [f.path for f in report.patch.unclaimed]
    assert shown == unclaimed
    assert set(unclaimed) == {"app/[x](https:/evil.example)/client.py", "app/`tick`/client.py"}


def test_the_safety_table_has_one_row_per_check(report: Report) -> None:
    rendered = render_html(render_markdown(report, RUN_URL))
    tables = list(rendered.root.find_all("table"))
    assert len(tables) == 3
    rows = list(
        next(table_with_header(rendered, ["", "Check", "Detail"]).find_all("tbody")).find_all("tr")
    )
    assert len(rows) == report.safety.total
    names = {plain(c.name, 80) for c in report.safety.checks}
    for row in rows:
        cells = [readable(td.text()) for td in row.find_all("td")]
        assert len(cells) == 3, cells
        assert any(cells[1].startswith(name) for name in names), cells[1]


def test_every_gap_reads_back_as_exactly_its_text(report: Report) -> None:
    rendered = render_html(render_markdown(report, RUN_URL))
    items = {readable(li.text()) for li in rendered.root.find_all("li")}
    for result in report.interactions:
        for gap in result.gaps:
            assert plain(gap, 300) in items, gap


def test_githubs_full_extension_set_gives_the_same_tables(report: Report) -> None:
    """github_flavored_markdown_to_html: GFM as GitHub enables it (with tagfilter)."""
    markdown = render_markdown(report, RUN_URL)
    plain_tables = list(render_html(markdown).root.find_all("tr"))
    gfm = render_html(markdown, gfm=True)
    assert len(list(gfm.root.find_all("tr"))) == len(plain_tables) == (1 + 3) + (1 + 4) + (1 + 3)


# --- nothing we did not write -----------------------------------------------------------


def test_no_element_appears_that_the_renderer_did_not_write(rendered: Rendered) -> None:
    unexpected = sorted(set(rendered.tags) - OUR_ELEMENTS)
    assert unexpected == [], f"elements from report text: {unexpected}"


def test_the_only_link_is_ours_and_there_are_no_images(rendered: Rendered) -> None:
    links = [a.attrs.get("href") for a in rendered.root.find_all("a")]
    assert links == [RUN_URL]
    assert list(rendered.root.find_all("img")) == []
    for node in rendered.root.find_all("code"):
        assert not list(node.find_all("a")), "inline code cannot hold a link"


def test_no_mention_issue_reference_or_autolink_survives_in_the_text(rendered: Rendered) -> None:
    """GitHub links `@name`, `#12` and `GH-12` after rendering; a zero-width space stops it."""
    text = "".join(rendered.root.texts_outside(frozenset({"code"})))
    assert not re.search(r"(?<![\w`])@[A-Za-z0-9]", text), "a mention"
    assert not re.search(r"(?i)(#|\bGH-)\d", text), "an issue reference"
    assert not re.search(r"(?i)\bwww\.|https?://(?!github\.com/octocat/Hello-World/)", text)


# --- ids from a results file are untrusted too ---------------------------------------------


def test_an_imported_check_id_cannot_leave_its_code_span(corpus: Path, tmp_path: Path) -> None:
    root = build_project(corpus, tmp_path / "project")
    hostile_id = "x` <img src=x onerror=alert(1)> | `y"
    (root / "results.json").write_text(
        json.dumps([{"id": hostile_id, "name": "n", "passed": False}]), encoding="utf-8"
    )
    options = CheckOptions(root=root, coverage=("coverage.xml",), junit=("junit.xml",),
                           allow_exec=False, today=dt.date(2026, 1, 1))  # fmt: skip
    rendered = render_html(render_markdown(run_check(options).report, RUN_URL))
    assert "img" not in rendered.tags
    safety = next(table_with_header(rendered, ["", "Check", "Detail"]).find_all("tbody"))
    rows = list(safety.find_all("tr"))
    assert len(rows) == 2  # the hostile imported entry and no-todo
    assert all(len(list(row.find_all("td"))) == 3 for row in rows)
