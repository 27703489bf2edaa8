"""Hostile and broken reports: every one is refused quickly with exit code 2 and a
message naming the file and the problem; never a traceback, a hang or a pass.

Reports come from pull requests, so anything in them may be an attack. The
files live in tests/hostile/ (small ones; `*.in` are templates filled with this
run's trap URLs); big ones are generated here. A representative subset goes
through the real `signal-gate check` process, the rest through the readers.

XXE traps: a secret file (its content must never appear in any output) and an
HTTP server on 127.0.0.1 (it must receive no request).
"""

from __future__ import annotations

import gzip
import http.server
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import assert_error_report_only
from support.portable import console_script, symlink
from support.reports import report_json

from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import read_coverage, read_tests
from gate.readers.cobertura import read_cobertura

HOSTILE = Path(__file__).parent / "hostile"
QUICK = 10.0  # seconds; a refusal takes milliseconds, this only catches hangs

CONFIG = """\
version: 1
id: hostile
defaults:
  threshold: {line: 50, branch: null}
overall:
  min_confidence: 0
interactions:
  - id: app
    name: App
    direction: outbound
    modules: ["app/**"]
    evidence: ["tests/test_a.py"]
"""
COVERAGE = """\
<?xml version="1.0" ?>
<coverage version="7.17.5" branches-valid="0" branch-rate="0">
\t<sources>
\t\t<source>.</source>
\t</sources>
\t<packages>
\t\t<package name="app">
\t\t\t<classes>
\t\t\t\t<class name="a.py" filename="app/a.py" complexity="0">
\t\t\t\t\t<methods/>
\t\t\t\t\t<lines>
\t\t\t\t\t\t<line number="1" hits="1"/>
\t\t\t\t\t\t<line number="2" hits="1"/>
\t\t\t\t\t\t<line number="3" hits="0"/>
\t\t\t\t\t</lines>
\t\t\t\t</class>
\t\t\t</classes>
\t\t</package>
\t</packages>
</coverage>
"""
JUNIT = (
    '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
    '<testsuite name="pytest"><testcase classname="tests.test_a" name="test_one" time="0.1" />'
    '<testcase classname="tests.test_a" name="test_two" time="0.1" /></testsuite></testsuites>'
)


# --------------------------------------------------------------------------- traps


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY leak "NETWORK-WAS-USED">')

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Traps:
    """A secret on disk and a listening HTTP server, with the templates filled in."""

    secret: str
    secret_file: Path
    http_url: str
    hits: list[str]
    dir: Path

    def fill(self, template: str) -> Path:
        dtd = self.dir / "external.dtd"
        if not dtd.exists():
            dtd.write_text(self._subst((HOSTILE / "external.dtd.in").read_text()))
        out = self.dir / template.removesuffix(".in")
        out.write_text(self._subst((HOSTILE / template).read_text()))
        return out

    def _subst(self, text: str) -> str:
        return (
            text.replace("@SECRET_URL@", self.secret_file.as_uri())
            .replace("@HTTP_URL@", self.http_url)
            .replace("@DTD_URL@", (self.dir / "external.dtd").as_uri())
        )

    def assert_untouched(self, *outputs: str) -> None:
        assert self.hits == [], f"the parser went to the network: {self.hits}"
        for text in outputs:
            assert self.secret not in text, "a file outside the report was read"
            assert "NETWORK-WAS-USED" not in text


@pytest.fixture
def traps(tmp_path: Path) -> Iterator[Traps]:
    secret = f"TOP-SECRET-{random.Random(6).getrandbits(64):x}"
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(secret)
    hits: list[str] = []
    handler = type("Handler", (_Recorder,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    traps_dir = tmp_path / "traps"
    traps_dir.mkdir()
    try:
        yield Traps(secret, secret_file, f"http://127.0.0.1:{server.server_port}", hits, traps_dir)
    finally:
        server.shutdown()
        server.server_close()


# --------------------------------------------------------------------------- the gate


@dataclass
class Project:
    root: Path

    def run(self, *args: str, coverage: Path | None = None, junit: Path | None = None,
            command: str = "check") -> subprocess.CompletedProcess[str]:  # fmt: skip
        """The real `signal-gate` process, as CI runs it."""
        argv = [
            console_script("signal-gate"), command, *args,
            "--config", str(self.root / "signal-gate.yml"),
            "--coverage", str(coverage or self.root / "coverage.xml"),
            "--junit", str(junit or self.root / "junit.xml"), "--root", str(self.root),
        ]  # fmt: skip
        return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "app" / "a.py").write_text("x = 1\ny = 2\nz = 3\n")
    (root / "tests" / "test_a.py").write_text("def test_one(): pass\n")
    (root / "signal-gate.yml").write_text(CONFIG)
    (root / "coverage.xml").write_text(COVERAGE)
    (root / "junit.xml").write_text(JUNIT)
    return Project(root)


def assert_rejected(done: subprocess.CompletedProcess[str], path: Path, problem: str) -> None:
    """Exit 2, one clean message that names the file and says what is wrong."""
    assert done.returncode == 2, (done.returncode, done.stdout[-500:], done.stderr[-500:])
    assert str(path) in done.stderr or path.name in done.stderr, done.stderr
    assert problem in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert done.stdout == ""


# --------------------------------------------------------------------------- generated inputs


def deep_nesting(path: Path, depth: int = 100_000) -> Path:
    path.write_text(
        "<testsuites>" + "<testsuite>" * depth + "</testsuite>" * depth + "</testsuites>"
    )
    return path


def megabyte_attribute(path: Path) -> Path:
    path.write_text(COVERAGE.replace('filename="app/a.py"', f'filename="{"a/" * 500_000}x.py"'))
    return path


def megabyte_element_name(path: Path) -> Path:
    path.write_text(JUNIT.replace("<testsuite ", f"<{'t' * 1_000_000}/><testsuite ", 1))
    return path


def megabyte_test_name(path: Path) -> Path:
    path.write_text(JUNIT.replace('name="test_one"', f'name="test_{"x" * 1_000_000}"'))
    return path


def gzipped(path: Path) -> Path:
    path.write_bytes(gzip.compress(COVERAGE.encode(), mtime=0))
    return path


def binary(path: Path) -> Path:
    path.write_bytes(random.Random(7).randbytes(8192))
    return path


def utf16(path: Path, text: str) -> Path:
    declared = text.replace('<?xml version="1.0" ?>', '<?xml version="1.0" encoding="UTF-16"?>')
    path.write_bytes(declared.encode("utf-16"))
    return path


def huge_text_node(path: Path) -> Path:
    out = "x" * 11_000_000
    path.write_text(
        JUNIT.replace('time="0.1" />', f'time="0.1"><system-out>{out}</system-out></testcase>', 1)
    )
    return path


# --------------------------------------------------------------------------- the real process


def test_billion_laughs_is_refused_by_the_gate(project: Project) -> None:
    path = HOSTILE / "billion-laughs.cobertura.xml"
    start = time.monotonic()
    done = project.run(coverage=path)
    assert time.monotonic() - start < 2 * QUICK  # the interpreter's start included
    assert_rejected(done, path, "declares XML entities")


def test_xxe_in_junit_reads_no_file_and_opens_no_connection(
    project: Project, traps: Traps, tmp_path: Path
) -> None:
    path = traps.fill("xxe.junit.xml.in")
    out = tmp_path / "out.json"
    done = project.run("--json-out", str(out), junit=path)
    assert_rejected(done, path, "declares XML entities")
    traps.assert_untouched(done.stdout, done.stderr)
    assert_error_report_only(out)  # nothing half-written: only why there is no verdict


def test_external_parameter_entities_are_never_fetched(project: Project, traps: Traps) -> None:
    path = traps.fill("parameter-entities.cobertura.xml.in")
    done = project.run(coverage=path)
    assert_rejected(done, path, "declares XML entities")
    traps.assert_untouched(done.stdout, done.stderr)


def test_deep_nesting_is_refused(project: Project, tmp_path: Path) -> None:
    path = deep_nesting(tmp_path / "junit.xml")
    assert_rejected(project.run(junit=path), path, "nested deeper than 256 levels")


def test_gzip_named_xml_is_refused(project: Project, tmp_path: Path) -> None:
    path = gzipped(tmp_path / "coverage.xml")
    assert_rejected(project.run(coverage=path), path, "gzip-compressed")


def test_html_error_page_saved_as_junit_is_refused(project: Project) -> None:
    path = HOSTILE / "error-page.tag-soup.xml"
    assert_rejected(project.run(junit=path), path, "an HTML page")


def test_truncated_report_is_refused(project: Project) -> None:
    path = HOSTILE / "truncated.cobertura.xml"
    assert_rejected(project.run(coverage=path), path, "not well-formed XML")


def test_a_message_quoting_a_report_carries_no_control_or_bidi_character(
    project: Project, tmp_path: Path
) -> None:
    # libxml2's message quotes the bytes it choked on: a right-to-left override, a
    # carriage return or a C1 CSI there would reorder, overwrite or restyle the line.
    path = tmp_path / "junit.xml"
    path.write_bytes(
        b'<testsuite><testcase name="a"><system-out><![CDATA[ \xe2\x80\xae fake\rOK \xc2\x9b2J'
    )
    done = project.run(junit=path)
    assert_rejected(done, path, "not well-formed XML")
    assert "fake" in done.stderr  # the quote is kept, only its controls go
    for char in ("\u202e", "\r", "\x9b"):
        assert char not in done.stderr, repr(done.stderr)


def test_impossible_numbers_are_refused(project: Project) -> None:
    path = HOSTILE / "hits-negative.cobertura.xml"
    assert_rejected(project.run(coverage=path), path, "hits='-1' is negative")


def test_megabyte_attribute_is_refused(project: Project, tmp_path: Path) -> None:
    path = megabyte_attribute(tmp_path / "coverage.xml")
    assert_rejected(
        project.run(coverage=path), path, "is not a usable path: it is 1,000,004 characters long"
    )


def test_path_outside_the_root_is_never_opened(project: Project) -> None:
    path = HOSTILE / "outside-root.cobertura.xml"
    done = project.run(coverage=path)
    assert_rejected(done, path, "outside the repository root")
    assert "root:x:0:0" not in done.stderr


def test_explain_never_shows_a_file_outside_the_root(project: Project, traps: Traps) -> None:
    """A report naming `../secret` and a symlink out of the root, both with
    missing lines: `explain` prints source lines, but never theirs."""
    outside = f"../{traps.secret_file.name}"  # root is tmp_path/repo, the secret beside it
    assert (project.root / outside).resolve() == traps.secret_file.resolve()
    symlink(project.root / "app" / "link.py", traps.secret_file)
    extra = "".join(
        f'\t\t\t\t<class name="x" filename="{name}"><methods/><lines>'
        '<line number="1" hits="0"/></lines></class>\n'
        for name in (outside, "app/link.py")
    )
    report = project.root / "coverage.xml"
    report.write_text(COVERAGE.replace("\t\t\t</classes>", extra + "\t\t\t</classes>"))
    done = project.run("app", command="explain")
    assert done.returncode == 0, done.stderr
    assert "      3 > z = 3" in done.stdout  # source inside the root is shown
    traps.assert_untouched(done.stdout, done.stderr)


@pytest.mark.parametrize("encode", ["utf-16", "utf-8-bom"])
def test_utf16_and_bom_reports_are_read_correctly(
    project: Project, tmp_path: Path, encode: str
) -> None:
    coverage, junit = tmp_path / "coverage.xml", tmp_path / "junit.xml"
    if encode == "utf-16":
        utf16(coverage, COVERAGE)
        junit.write_bytes(JUNIT.replace('encoding="utf-8"', 'encoding="UTF-16"').encode("utf-16"))
    else:
        coverage.write_bytes(b"\xef\xbb\xbf" + COVERAGE.encode())
        junit.write_bytes(b"\xef\xbb\xbf" + JUNIT.encode())
    done = project.run("--format", "json", coverage=coverage, junit=junit)
    assert done.returncode == 0, done.stderr
    (app,) = report_json(done.stdout)["interactions"]
    assert (app["statements"], app["covered_statements"]) == (3, 2)
    assert app["tests"]["passed"] == 2


# --------------------------------------------------------------------------- the readers

Reader = Callable[[Path, Path], object]


def coverage_reader(path: Path, root: Path) -> object:
    return read_coverage([path], PathResolver(root))


def junit_reader(path: Path, root: Path) -> object:
    return read_tests([path], PathResolver(root))


STATIC = [
    ("billion-laughs.cobertura.xml", coverage_reader, "declares XML entities"),
    ("billion-laughs.junit.xml", junit_reader, "declares XML entities"),
    ("billion-laughs.cobertura.xml", junit_reader, "declares XML entities"),
    ("billion-laughs.junit.xml", coverage_reader, "declares XML entities"),
    ("error-page.xhtml.xml", coverage_reader, "an HTML page"),
    ("error-page.xhtml.xml", junit_reader, "an HTML page"),
    ("error-page.tag-soup.xml", coverage_reader, "an HTML page"),
    ("truncated.junit.xml", junit_reader, "not well-formed XML"),
    ("control-character.cobertura.xml", coverage_reader, "invalid character"),
    ("control-character-reference.junit.xml", junit_reader, "invalid xmlChar value 27"),
    ("hits-nan.cobertura.xml", coverage_reader, "hits='NaN' is not a whole number"),
    ("hits-1e400.cobertura.xml", coverage_reader, "hits='1e400' is not a whole number"),
    ("hits-missing.cobertura.xml", coverage_reader, "hits=(missing) is missing"),
    ("line-negative.cobertura.xml", coverage_reader, "number='-3' is negative"),
    ("line-huge.cobertura.xml", coverage_reader, "is out of range (at most 2,147,483,647)"),
    ("line-1e300.cobertura.xml", coverage_reader, "number='1e300' is not a whole number"),
    ("condition-over-total.cobertura.xml", coverage_reader, "(3/2)' is impossible"),
    ("condition-negative.cobertura.xml", coverage_reader, "is negative"),
    ("condition-huge.cobertura.xml", coverage_reader, "is out of range"),
    ("rate-over-one.cobertura.xml", coverage_reader, "line-rate='1.5' is not a rate from 0 to 1"),
    ("rate-negative.cobertura.xml", coverage_reader, "branch-rate='-0.2' is not a rate"),
    ("outside-root.cobertura.xml", coverage_reader, "outside the repository root"),
]


@pytest.mark.parametrize(
    ("name", "reader", "problem"), STATIC, ids=lambda v: getattr(v, "__name__", v)
)
def test_hostile_file_is_rejected(name: str, reader: Reader, problem: str, tmp_path: Path) -> None:
    path = HOSTILE / name
    start = time.monotonic()
    with pytest.raises(InputError) as info:
        reader(path, tmp_path)
    assert time.monotonic() - start < QUICK
    assert str(path) in str(info.value)
    assert problem in str(info.value)


def deep_cobertura(path: Path) -> Path:
    path.write_text("<coverage>" + "<p>" * 100_000 + "</p>" * 100_000 + "</coverage>")
    return path


def megabyte_source(path: Path) -> Path:
    path.write_text(COVERAGE.replace(">.<", f">{'s' * 1_000_000}<"))
    return path


def long_path_segment(path: Path) -> Path:
    path.write_text(COVERAGE.replace("app/a.py", "a" * 300 + ".py"))
    return path


def empty(path: Path) -> Path:
    path.write_text("")
    return path


def junit_file(path: Path) -> Path:
    path.write_text(JUNIT)
    return path


def coverage_file(path: Path) -> Path:
    path.write_text(COVERAGE)
    return path


GENERATED: list[tuple[str, Callable[[Path], Path], Reader, str]] = [
    ("deep-cobertura", deep_cobertura, coverage_reader, "nested deeper than 256 levels"),
    ("megabyte-element-name", megabyte_element_name, junit_reader, "longer than 50,000 characters"),
    ("megabyte-test-name", megabyte_test_name, junit_reader, "is not a test name"),
    ("megabyte-source", megabyte_source, coverage_reader, "is 1,000,000 characters long"),
    ("long-path-segment", long_path_segment, coverage_reader, "is not a usable path"),
    ("gzip-junit", gzipped, junit_reader, "gzip-compressed"),
    ("binary-coverage", binary, coverage_reader, "binary data"),
    ("binary-junit", binary, junit_reader, "not XML"),
    ("huge-text-node", huge_text_node, junit_reader, "a text node longer than 10 MB"),
    ("empty", empty, coverage_reader, "empty file"),
    ("junit-as-coverage", junit_file, coverage_reader, "a JUnit test report"),
    ("coverage-as-junit", coverage_file, junit_reader, "a coverage report"),
]


@pytest.mark.parametrize(
    ("name", "make", "reader", "problem"), GENERATED, ids=[g[0] for g in GENERATED]
)
def test_generated_hostile_file_is_rejected(
    name: str, make: Callable[[Path], Path], reader: Reader, problem: str, tmp_path: Path
) -> None:
    path = make(tmp_path / f"{name}.xml")
    start = time.monotonic()
    with pytest.raises(InputError) as info:
        reader(path, tmp_path)
    assert time.monotonic() - start < QUICK
    assert str(path) in str(info.value)
    assert problem in str(info.value)


@pytest.mark.parametrize("template", ["xxe.cobertura.xml.in", "parameter-entities.junit.xml.in"])
def test_entity_tricks_touch_nothing_through_the_readers(traps: Traps, template: str) -> None:
    path = traps.fill(template)
    reader = junit_reader if ".junit." in template else coverage_reader
    with pytest.raises(InputError, match="declares XML entities") as info:
        reader(path, traps.dir)
    traps.assert_untouched(str(info.value))


def test_an_external_dtd_alone_is_read_without_fetching_it(traps: Traps) -> None:
    """Old Cobertura writes `<!DOCTYPE coverage SYSTEM "http://...dtd">`: fine, never loaded."""
    path = traps.fill("external-dtd-only.cobertura.xml.in")
    (a,) = read_coverage([path], PathResolver(traps.dir)).files.values()
    assert (sorted(a.statements), sorted(a.executed)) == ([1, 2], [1])
    traps.assert_untouched()


def test_line_zero_is_skipped_and_noted(tmp_path: Path) -> None:
    path = HOSTILE / "line-zero.cobertura.xml"
    notes: list[str] = []
    (a,) = read_cobertura(path, PathResolver(tmp_path), notes=notes)
    assert sorted(a.statements) == [2]
    assert notes == [f"{path}: 1 <line> element with number 0 ignored"]


def test_a_file_outside_the_root_beside_real_ones_is_noted_not_read(tmp_path: Path) -> None:
    path = tmp_path / "coverage.xml"
    extra = (
        '<class name="p" filename="../../etc/passwd">'
        '<lines><line number="1" hits="0"/></lines></class>'
    )
    path.write_text(COVERAGE.replace("\t\t\t</classes>", extra + "\t\t\t</classes>"))
    notes: list[str] = []
    files = [f.path for f in read_cobertura(path, PathResolver(tmp_path), notes=notes)]
    assert files == ["app/a.py"]
    assert notes == [
        f"{path}: 1 source file outside the repository root ignored (never opened): "
        "../../etc/passwd"
    ]


def test_megabyte_failure_message_is_cut_to_its_first_line(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    message = "AssertionError: " + "y" * 1_000_000
    path.write_text(
        JUNIT.replace('time="0.1" />', f'time="0.1"><failure message="{message}"/></testcase>', 1)
    )
    case = next(iter(read_tests([path], PathResolver(tmp_path)).cases.values()))
    assert case.outcome.value == "failed" and len(case.message) == 300


@pytest.mark.skipif(sys.platform == "win32", reason="getrusage (the resource module) is POSIX")
def test_memory_stays_flat_on_a_large_report(tmp_path: Path) -> None:
    """40k test cases with captured output (~20 MB), read in a fresh process: the
    reader holds one case at a time (holding the tree would take ~100 MB). The peak
    resident size is ru_maxrss: in kB on Linux, in bytes on macOS."""
    path = tmp_path / "junit.xml"
    case = (
        '<testcase classname="tests.test_a.TestA" name="test_{n}">'
        "<system-out>{out}</system-out></testcase>"
    )
    out = "captured output line\n" * 20
    with path.open("w") as handle:
        handle.write('<testsuites><testsuite name="big">')
        handle.writelines(case.format(n=n, out=out) for n in range(40_000))
        handle.write("</testsuite></testsuites>")
    probe = (
        "import resource, sys\nfrom pathlib import Path\n"
        "from gate.core.paths import PathResolver\nfrom gate.readers.junit import read_junit\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "n = sum(1 for _ in read_junit(Path(sys.argv[1]), PathResolver(Path(sys.argv[2])),"
        " keep=lambda nodeid, file: nodeid.endswith('::test_39999')))\n"
        "grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
        "print(n, grew // 1024 if sys.platform == 'darwin' else grew)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, str(path), str(tmp_path)],
                          capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    count, grew_kb = map(int, done.stdout.split())
    assert path.stat().st_size > 15_000_000
    assert count == 1 and grew_kb < 16 * 1024, f"grew by {grew_kb} kB"
