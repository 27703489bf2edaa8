"""A PR comment as GitHub shows it, measured in a real browser.

The Markdown becomes HTML with cmark-gfm (`cmarkgfm`, GitHub's own renderer,
GFM extensions, raw HTML kept: <details> is ours), is styled with GitHub's
Markdown CSS (tests/data/github-markdown-css, vendored) inside a column as
wide as a PR comment, and is loaded by headless Chromium (Debian's package;
no browser is downloaded). A script in the page measures the layout and writes
the figures into the DOM, which `--dump-dom` prints once the page has loaded.

What is measured, in CSS pixels: every table's scrollWidth and clientWidth
(GitHub makes a table a block that scrolls instead of overflowing: content wider
than the column is cut off at its right edge), the bottom of the first heading
(the verdict line) and the column's height, once with every <details> closed
and once with all of them open; and the text of every code span in a table
cell, as the reader sees it.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import cmarkgfm
from cmarkgfm.cmark import Options

from . import DATA

CSS = DATA / "github-markdown-css" / "github-markdown-light.css"
COLUMN_PX = 880  # GitHub's PR conversation column
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--window-size=1280,2000", "--virtual-time-budget=5000",
)  # fmt: skip
_MEASURE = """
function measure(label) {
  const column = document.querySelector('.markdown-body');
  const top = column.getBoundingClientRect().top;
  const tables = [...column.querySelectorAll('table')].map((t) => ({
    scrollWidth: t.scrollWidth, clientWidth: t.clientWidth,
    header: [...t.querySelectorAll('th')].map((th) => th.textContent.trim()),
  }));
  const heading = column.querySelector('h2');
  const cellCode = [...column.querySelectorAll('td code')].map((c) => c.textContent);
  return {
    label, tables, cellCode, columnWidth: column.clientWidth, height: column.scrollHeight,
    verdictBottom: heading ? heading.getBoundingClientRect().bottom - top : null,
  };
}
const closed = measure('closed');
document.querySelectorAll('details').forEach((d) => { d.open = true; });
const opened = measure('open');
document.getElementById('measurements').textContent = JSON.stringify([closed, opened]);
"""


def chromium() -> str | None:
    """The Chromium binary, when installed (`.ci/run` installs Debian's package;
    GitHub's Ubuntu runners have Google Chrome)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    return None


def page(markdown: str) -> str:
    """The comment as a page: GitHub's renderer, GitHub's CSS, a PR-wide column."""
    body = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<style>{CSS.read_text(encoding='utf-8')}</style>"
        f"<style>.markdown-body {{ box-sizing: border-box; width: {COLUMN_PX}px; "
        "padding: 16px; }}</style></head><body>"
        f"<article class='markdown-body'>{body}</article>"
        f"<pre id='measurements'></pre><script>{_MEASURE}</script></body></html>"
    )


def measure(markdown: str) -> list[dict[str, Any]]:
    """[closed, open]: the layout figures with every <details> closed, then open."""
    binary = chromium()
    assert binary is not None, "chromium is not installed"
    with tempfile.TemporaryDirectory() as scratch:
        index = Path(scratch) / "comment.html"
        index.write_text(page(markdown), encoding="utf-8")
        profile = Path(scratch) / "profile"
        done = subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", index.as_uri()],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "HOME": scratch},
        )  # fmt: skip
    found = re.search(r"<pre id=\"measurements\">(.*?)</pre>", done.stdout, re.S)
    assert found and found.group(1), f"no measurements from chromium:\n{done.stderr[-2000:]}"
    measured: list[dict[str, Any]] = json.loads(html.unescape(found.group(1)))
    return measured
