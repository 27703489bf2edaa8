"""An HTML coverage page of one interaction's files, for the evidence package.

Where the coverage came from coverage.py data files, coverage.py's own HTML
reporter writes it, restricted to the interaction's files; under evidence scope
it counts only the contexts of the interaction's evidence tests (and code run
outside any test: imports during collection) and shows, line by line, which
tests ran it. For every other format, or when coverage.py cannot report (the
data names paths that are not under the root), `source_page` writes one plain
page: the source of each file with its missing lines and partial branches
marked, from the gate's own figures. Everything from the inputs is escaped; the
plain page carries no script at all.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from gate.core.model import FileCoverage
from gate.core.report import FileSummary, InteractionResult
from gate.render.explain import branch_notes, read_source
from gate.text import CONTROL

PAGE_FILE_LIMIT = 200  # files shown on one interaction's page
PAGE_LINE_LIMIT = 20_000  # source lines of one file shown
# coverage.py's output that is no part of the page: a .gitignore of "*" would
# hide the package from git, status.json is its incremental-build cache.
_NOT_PAGES = frozenset({".gitignore", "status.json"})


def coveragepy_pages(
    data_files: Sequence[Path],
    root: Path,
    files: Sequence[str],
    contexts: Sequence[str] | None,
    title: str,
) -> dict[str, bytes] | str:
    """coverage.py's HTML report of `files` (repository paths) as name -> bytes,
    or why there is none. `contexts` (exact context names) limits the figures to
    what those contexts ran and shows contexts per line; None: everything."""
    import coverage  # only when a package is written: it costs start-up time
    from coverage.exceptions import CoverageException

    if not files:
        return "no file to show"
    base = root.resolve()
    with tempfile.TemporaryDirectory(prefix="signal-gate-html-") as tmp:
        combined = coverage.CoverageData(basename=str(Path(tmp) / ".coverage"))
        try:
            for path in data_files:
                shard = coverage.CoverageData(basename=str(path))
                shard.read()
                combined.update(shard, map_path=lambda p: _local(p, base, files))
            combined.write()
            cov = coverage.Coverage(data_file=combined.base_filename(), config_file=False)
            cov.load()
            out = Path(tmp) / "html"
            cov.html_report(
                directory=str(out),
                include=[str(base / f) for f in files[:PAGE_FILE_LIMIT]],
                contexts=None if contexts is None else [_exactly(contexts)],
                show_contexts=contexts is not None,
                title=title,
            )
        except (CoverageException, OSError) as exc:
            return f"coverage.py could not write the page: {exc}"
        return {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and p.name not in _NOT_PAGES
        }


def _local(recorded: str, base: Path, files: Sequence[str]) -> str:
    """A path as the data file recorded it, as the file under the root it names:
    relative paths (`relative_files = true`) are relative to the root, and an
    absolute path from another machine ends with the file's repository path."""
    posix = recorded.replace("\\", "/")
    if not posix.startswith("/") and not re.match(r"^[A-Za-z]:/", posix):
        return str(base / posix)
    for f in files:
        if posix == f or posix.endswith("/" + f):
            return str(base / f)
    return recorded


def _exactly(names: Sequence[str]) -> str:
    """One regex matching exactly these context names (coverage.py searches with
    each regex it is given; one keeps the SQL query to one parameter)."""
    return "^(?:" + "|".join(re.escape(n) for n in names) + ")$"


# --- the plain page ------------------------------------------------------------------

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 2em; }
table.src { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 13px; }
table.src td { padding: 0 0.6em; white-space: pre; vertical-align: top; }
td.n { color: #888; text-align: right; user-select: none; }
tr.run { background: #dfd; } tr.miss { background: #fdd; } tr.part { background: #ffd; }
td.note { color: #a60; }
""".strip()


def source_page(r: InteractionResult, root: Path, coverage: Mapping[str, FileCoverage]) -> bytes:
    """One self-contained page: the interaction's figures, then each file's source
    with its lines marked run, missing or partly run (branches not taken)."""
    e = html.escape
    title = f"{r.name} ({r.id}): coverage"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # No script, no remote content: whatever the source holds stays text.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        f"<p>Status {e(r.status.value)}; coverage scope {e(r.coverage_scope)}; "
        f"{r.covered_statements}/{r.statements} statements, "
        f"{r.covered_branches}/{r.branches} branches.</p>",
        '<p>Legend: <span style="background:#dfd">ran</span> '
        '<span style="background:#fdd">never ran</span> '
        '<span style="background:#ffd">a branch not taken</span></p>',
        "<ul>",
        *(f'<li><a href="#f{n}">{e(f.path)}</a></li>' for n, f in enumerate(r.file_details)),
        "</ul>",
    ]
    for n, f in enumerate(r.file_details[:PAGE_FILE_LIMIT]):
        parts.extend(_file_section(n, f, root, coverage.get(f.path)))
    if len(r.file_details) > PAGE_FILE_LIMIT:
        parts.append(f"<p>... and {len(r.file_details) - PAGE_FILE_LIMIT} more files.</p>")
    parts.append("</body></html>")
    return ("\n".join(parts) + "\n").encode("utf-8")


def _file_section(n: int, f: FileSummary, root: Path, fc: FileCoverage | None) -> list[str]:
    e = html.escape
    head = [
        f'<h2 id="f{n}">{e(f.path)}</h2>',
        f"<p>{f.covered_statements}/{f.statements} statements, "
        f"{f.covered_branches}/{f.branches} branches.</p>",
    ]
    source = read_source(root, f.path)
    if source is None:
        return [*head, "<p>The source is not available under the root.</p>"]
    missing = set(f.missing_lines)
    partial = branch_notes(f.missing_branches)
    statements = fc.statements if fc is not None else frozenset()
    rows = ['<table class="src">']
    for number, raw in enumerate(source[:PAGE_LINE_LIMIT], 1):
        line = CONTROL.sub("", raw)
        kind = _line_kind(number, missing, partial, statements)
        note = f"not taken: {', '.join(partial[number])}" if number in partial else ""
        rows.append(
            f'<tr class="{kind}"><td class="n">{number}</td><td>{e(line)}</td>'
            f'<td class="note">{e(note)}</td></tr>'
        )
    rows.append("</table>")
    if len(source) > PAGE_LINE_LIMIT:
        rows.append(f"<p>... and {len(source) - PAGE_LINE_LIMIT} more lines.</p>")
    return head + rows


def _line_kind(
    number: int, missing: set[int], partial: Mapping[int, object], statements: frozenset[int]
) -> str:
    """The row's class: never ran, a branch not taken, ran, or not a statement."""
    if number in missing:
        return "miss"
    if number in partial:
        return "part"
    return "run" if number in statements else ""
