"""coverage.py data files: read with coverage.py's own analysis, figures equal to
`coverage json` on the same data, file by file."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import coverage
import pytest
from conftest import TESTS
from coverage.numbits import nums_to_numbits
from support.cache import built_once
from support.portable import symlink

from gate.core.contexts import contexts_running
from gate.core.model import CoverageData
from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import detect_coverage_format, read_coverage
from gate.readers.import_lines import MAX_SOURCE_BYTES

pytestmark = pytest.mark.slow


def project(
    dest: Path, *pytest_args: str, replace: tuple[str, str] = ("", ""), append: str = ""
) -> Path:
    """A copy of the fixture project after `pytest <pytest_args>`, its coverage.py
    settings (pyproject.toml) edited by `replace` and `append` first."""
    shutil.copytree(TESTS / "fixture_project", dest, ignore=shutil.ignore_patterns("__pycache__"))
    settings = dest / "pyproject.toml"
    settings.write_text(settings.read_text().replace(*replace) + append)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *pytest_args],
        cwd=dest, capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert (dest / ".coverage").is_file(), done.stdout + done.stderr
    return dest


def coverage_json(root: Path, *args: str, data_file: str = ".coverage") -> dict:
    out = root / "independent.json"
    subprocess.run(
        [sys.executable, "-m", "coverage", "json", "-q", f"--data-file={data_file}",
         "-o", str(out), *args],
        cwd=root, check=True, capture_output=True,
    )  # fmt: skip
    return json.loads(out.read_text())


def assert_same_as_coverage_py(root: Path, data_file: str = ".coverage") -> None:
    """Read per context (what evidence scope counts) and merged (the rest), the
    figures are coverage.py's, file by file."""
    theirs = coverage_json(root, data_file=data_file)
    for per_context in (True, False):
        data = read_coverage(
            [root / data_file], PathResolver(root), per_context=lambda _, p=per_context: p
        )
        assert_same_files(data, theirs)


def assert_same_files(data: CoverageData, theirs: dict) -> None:
    assert set(data.files) == set(theirs["files"])
    for path, f in data.files.items():
        entry = theirs["files"][path]
        summary = entry["summary"]
        assert len(f.statements) == summary["num_statements"], path
        assert len(f.executed & f.statements) == summary["covered_lines"], path
        assert f.missing == entry["missing_lines"], path
        if "num_branches" not in summary:
            assert f.branches is None
            continue
        assert (f.branch_total, f.branch_covered) == (
            summary["num_branches"],
            summary["covered_branches"],
        ), path
        ours = sorted(
            (line, int(dest) if dest != "exit" else -1)
            for line, b in (f.branches or {}).items()
            for dest in b.missing
        )
        expected = sorted((a, b if b > 0 else -1) for a, b in entry["missing_branches"])
        assert ours == expected, path


@pytest.fixture(scope="module")
def branch_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_once(
        "data-branch",
        lambda dest: project(dest, "--cov", "--cov-branch", "--cov-context=test"),
        tmp_path_factory,
    )


def test_figures_equal_coverage_json_file_by_file(branch_run: Path) -> None:
    assert detect_coverage_format(branch_run / ".coverage") == "coveragepy-data"
    assert_same_as_coverage_py(branch_run)


def test_provenance_names_the_format(branch_run: Path) -> None:
    data = read_coverage([branch_run / ".coverage"], PathResolver(branch_run))
    assert [(Path(i.path).name, i.format) for i in data.inputs] == [
        (".coverage", "coveragepy-data")
    ]
    assert data.contexts is not None and data.contexts.has_test_contexts
    assert "" in data.contexts.names
    assert "tests/unit/test_retry.py::test_first_try" in data.contexts.nodeids


def test_line_data_without_branches(tmp_path: Path) -> None:
    root = project(
        tmp_path / "p", "--cov", "--cov-context=test", replace=("branch = true", "branch = false")
    )
    data = read_coverage([root / ".coverage"], PathResolver(root))
    assert all(f.branches is None for f in data.files.values())
    assert data.contexts is not None and data.contexts.has_test_contexts
    assert_same_as_coverage_py(root)


def test_the_projects_exclusion_settings_are_honoured(tmp_path: Path) -> None:
    """What is a statement depends on [tool.coverage.report] exclusions; the gate
    reads the same settings coverage.py does."""
    extra = '\n[tool.coverage.report]\nexclude_also = ["raise GatewayError", "if quantity < 1:"]\n'
    root = project(tmp_path / "p", "--cov", "--cov-branch", append=extra)
    assert_same_as_coverage_py(root)
    data = read_coverage([root / ".coverage"], PathResolver(root))
    assert 5 not in data.files["shop/clients/inventory_client.py"].statements


def test_absolute_paths_recorded_elsewhere_map_onto_the_checkout(tmp_path: Path) -> None:
    """A data file from a CI runner (absolute paths of another machine) read in
    a checkout of the same source elsewhere."""
    ci = project(tmp_path / "ci", "--cov", "--cov-branch", replace=("relative_files = true", ""))
    with closing(sqlite3.connect(ci / ".coverage")) as db:
        recorded = [p for (p,) in db.execute("select path from file")]
    assert all(p.startswith(str(ci)) for p in recorded)
    here = tmp_path / "checkout"
    shutil.copytree(ci, here)
    shutil.rmtree(ci)
    data = read_coverage([here / ".coverage"], PathResolver(here))
    assert "shop/payments/gateway.py" in data.files
    assert len(data.files["shop/payments/gateway.py"].statements) == 14


def test_container_paths_map_with_the_paths_setting(branch_run: Path, tmp_path: Path) -> None:
    """Recorded inside a container that copied shop/ to /app/code: the config's
    `paths` maps the prefix back; without it the source is not found."""
    data_file = tmp_path / ".coverage"
    shutil.copy(branch_run / ".coverage", data_file)
    with closing(sqlite3.connect(data_file)) as db, db:
        db.execute("update file set path = replace(path, 'shop/', '/app/code/')")
    with pytest.raises(InputError, match=r"source of 7 measured files is not under"):
        read_coverage([data_file], PathResolver(branch_run))
    data = read_coverage([data_file], PathResolver(branch_run, {"shop": ("/app/code",)}))
    assert "shop/payments/gateway.py" in data.files
    assert_same_figures(data, read_coverage([branch_run / ".coverage"], PathResolver(branch_run)))


def assert_same_figures(ours: CoverageData, theirs: CoverageData) -> None:
    assert set(ours.files) == set(theirs.files)
    for path, f in ours.files.items():
        g = theirs.files[path]
        assert (f.statements, f.executed, f.branches) == (g.statements, g.executed, g.branches)


def test_a_missing_source_file_is_an_error_naming_both_files(
    branch_run: Path, tmp_path: Path
) -> None:
    root = tmp_path / "partial"
    shutil.copytree(branch_run, root)
    (root / "shop" / "clients" / "mailer_client.py").unlink()
    with pytest.raises(InputError) as info:
        read_coverage([root / ".coverage"], PathResolver(root))
    message = str(info.value)
    assert str(root / ".coverage") in message
    assert "shop/clients/mailer_client.py" in message and "must be present" in message


def test_an_unparsable_source_is_an_error_naming_it(branch_run: Path, tmp_path: Path) -> None:
    root = tmp_path / "broken"
    shutil.copytree(branch_run, root)
    (root / "shop" / "payments" / "retry.py").write_text("def broken(:\n")
    with pytest.raises(InputError, match=r"shop/payments/retry\.py: cannot analyse"):
        read_coverage([root / ".coverage"], PathResolver(root))


def test_an_unparsable_source_is_named_as_measured_with_coverage_pys_reason(
    tmp_path: Path,
) -> None:
    m = tmp_path / "m.py"
    m.write_text("def broken(:\n")
    data_file = lines_data(tmp_path, str(m))  # recorded by its absolute path
    with pytest.raises(InputError) as info:
        read_coverage([data_file], PathResolver(tmp_path))
    assert str(info.value) == (
        f"m.py: cannot analyse the source measured as {m}: "
        f"Couldn't parse '{m}' as Python source: 'invalid syntax' at line 1"
    )


def test_an_sqlite_file_that_is_not_coverage_data(tmp_path: Path) -> None:
    path = tmp_path / ".coverage"
    with closing(sqlite3.connect(path)) as db:
        db.execute("create table notes (text)")
    before = path.read_bytes()
    with pytest.raises(InputError, match=r"an SQLite file, but not coverage\.py data") as info:
        read_coverage([path], PathResolver(tmp_path))
    assert str(path) in str(info.value)
    assert path.read_bytes() == before  # never "fixed up" into a coverage data file


def test_a_coverage_4_data_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / ".coverage"
    path.write_text('!coverage.py: This is a private format, don\'t read it directly!{"lines":{}}')
    with pytest.raises(InputError, match=r"coverage\.py 4\.x data file"):
        read_coverage([path], PathResolver(tmp_path))


def test_branch_and_line_data_do_not_combine(branch_run: Path, tmp_path: Path) -> None:
    """Refused whichever comes first, naming both files, what each recorded and the fix."""
    lines_only = tmp_path / ".coverage.lines"
    data = coverage.CoverageData(basename=str(lines_only))
    data.add_lines({str(branch_run / "shop" / "payments" / "retry.py"): [1, 3]})
    data.write()
    branches = branch_run / ".coverage"
    for first, second, recorded in ((branches, lines_only, "lines only"),
                                    (lines_only, branches, "branches")):  # fmt: skip
        with pytest.raises(InputError) as info:
            read_coverage([first, second], PathResolver(branch_run))
        assert info.value.message == (
            f"{second}: records {recorded}, unlike {first}; coverage.py cannot combine "
            "branch and statement data either"
        )
        assert (
            info.value.hint
            == "measure every shard with the same settings (--cov-branch everywhere)"
        )


@pytest.mark.parametrize("absent", [5, 6, 8])
def test_absent_sources_are_named_up_to_five_then_counted(tmp_path: Path, absent: int) -> None:
    names = [f"app/m{k}.py" for k in range(absent)]
    data = coverage.CoverageData(basename=str(tmp_path / ".coverage"))
    data.add_lines({name: [1] for name in names})
    data.write()
    with pytest.raises(InputError) as info:
        read_coverage([tmp_path / ".coverage"], PathResolver(tmp_path))
    more = f" and {absent - 5} more" if absent > 5 else ""
    assert info.value.message == (
        f"{tmp_path / '.coverage'}: the source of {absent} measured files is not under "
        f"{tmp_path}: {', '.join(names[:5])}{more}; statements and branches come from the "
        "source, so it must be present"
    )
    assert (
        info.value.hint == "run the gate in the checkout, or map the recorded prefix with `paths`"
    )


def test_files_outside_the_checkout_are_never_opened(tmp_path: Path) -> None:
    """A data file from a pull request names /etc/passwd and ../secret.py: they
    count as absent sources, nothing outside the root is read."""
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "secret.py").write_text("TOKEN = 1\n")
    symlink(root / "link.py", tmp_path / "secret.py")
    data_file = root / ".coverage"
    data = coverage.CoverageData(basename=str(data_file))
    data.add_lines({"/etc/passwd": [1], "../secret.py": [1], "link.py": [1]})
    data.write()
    with pytest.raises(InputError, match="source of 3 measured file") as info:
        read_coverage([data_file], PathResolver(root))
    assert "/etc/passwd" in str(info.value) and "../secret.py" in str(info.value)


def lines_data(root: Path, *measured: str) -> Path:
    """A real data file in `root` that ran line 1 of each `measured` name."""
    path = root / ".coverage"
    data = coverage.CoverageData(basename=str(path))
    data.add_lines({name: [1] for name in measured})
    data.write()
    return path


def test_a_folder_symlinked_out_of_the_checkout_holds_no_source(tmp_path: Path) -> None:
    """However deep the symlinked folder: its files are outside, never opened."""
    root, outside = tmp_path / "repo", tmp_path / "outside"
    (root / "app").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.py").write_text("TOKEN = 1\n")
    symlink(root / "app" / "vendor", outside, directory=True)
    data_file = lines_data(root, "app/vendor/secret.py")
    with pytest.raises(InputError, match="source of 1 measured file is not under") as info:
        read_coverage([data_file], PathResolver(root))
    assert "app/vendor/secret.py" in str(info.value)


def test_a_name_that_steps_out_of_the_checkout_and_back_in_is_no_source(tmp_path: Path) -> None:
    """`../repo/app/a.py` leads back into the checkout, but it is no repository
    path (no interaction could claim it): refused like any name outside."""
    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (root / "app" / "a.py").write_text("x = 1\n")
    data_file = lines_data(root, "../repo/app/a.py")
    with pytest.raises(InputError, match="source of 1 measured file is not under"):
        read_coverage([data_file], PathResolver(root))


def test_a_source_symlinked_to_a_file_inside_the_checkout_is_read(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "a.py").write_text("x = 1\ny = 2\n")
    symlink(tmp_path / "app" / "alias.py", Path("a.py"))
    data = read_coverage([lines_data(tmp_path, "app/alias.py")], PathResolver(tmp_path))
    alias = data.files["app/alias.py"]
    assert (sorted(alias.statements), sorted(alias.executed)) == ([1, 2], [1])


def test_a_source_of_exactly_the_size_limit_is_analysed_and_one_byte_more_is_refused(
    tmp_path: Path,
) -> None:
    source = "x = 1\ny = 2\n"
    m = tmp_path / "m.py"
    m.write_text(source + "#" * (MAX_SOURCE_BYTES - len(source)))
    data_file = lines_data(tmp_path, "m.py")
    analysed = read_coverage([data_file], PathResolver(tmp_path)).files["m.py"]
    assert (sorted(analysed.statements), sorted(analysed.executed)) == ([1, 2], [1])
    with m.open("a") as grown:
        grown.write("#")
    with pytest.raises(InputError) as info:
        read_coverage([data_file], PathResolver(tmp_path))
    assert str(info.value) == ("m.py: 16,777,217 bytes; too large to be analysed as Python source")


def test_a_data_file_that_measured_nothing_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / ".coverage"
    data = coverage.CoverageData(basename=str(path))
    data.add_arcs({})
    data.write()
    with pytest.raises(InputError) as info:
        read_coverage([path], PathResolver(tmp_path))
    assert str(info.value) == (
        f"{path}: coverage.py data file that measured no files; refusing to read it as 0 lines"
    )


@pytest.mark.parametrize(
    ("change", "schema"),
    [("update coverage_schema set version = 6", "6"), ("delete from coverage_schema", "None")],
)
def test_a_data_file_of_another_schema_is_refused_naming_it_and_the_fix(
    tmp_path: Path, change: str, schema: str
) -> None:
    path = lines_data(tmp_path, str(tmp_path / "m.py"))
    (tmp_path / "m.py").write_text("x = 1\n")
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(change)
    with pytest.raises(InputError) as info:
        read_coverage([path], PathResolver(tmp_path))
    assert (
        info.value.message
        == f"{path}: coverage.py data schema {schema}; this reader knows schema 7"
    )
    assert info.value.hint == "export the report with the coverage.py that wrote it: coverage xml"


def test_a_data_file_sqlite_cannot_decode_is_refused_naming_it(tmp_path: Path) -> None:
    """A context name that is not UTF-8 (corrupt pages, or a hostile file); SQLite's
    own words follow, which differ between Python versions."""
    path = lines_data(tmp_path, str(tmp_path / "m.py"))
    (tmp_path / "m.py").write_text("x = 1\n")
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("update context set context = cast(x'ff' as text)")
    with pytest.raises(InputError) as info:
        read_coverage([path], PathResolver(tmp_path))
    assert str(info.value).startswith(f"{path}: cannot read the coverage.py data: ")
    assert "'context'" in str(info.value)


def test_broken_coverage_settings_are_an_input_error(branch_run: Path, tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(branch_run, root)
    (root / ".coveragerc").write_text("[report]\nexclude_lines = [unclosed\n")
    with pytest.raises(InputError, match=r"\.coveragerc: coverage\.py settings"):
        read_coverage([root / ".coverage"], PathResolver(root))


SETTINGS_SOURCE = "x = 1\nif x:\n    y = 2\nz = 3\n"
EXCLUDE_Y = '[tool.coverage.report]\nexclude_also = ["y = 2"]\n'


def measured_in(root: Path) -> Path:
    """`coverage run m.py` in `root` (its own settings), m.py being SETTINGS_SOURCE."""
    (root / "m.py").write_text(SETTINGS_SOURCE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    subprocess.run(
        [sys.executable, "-m", "coverage", "run", "m.py"],
        cwd=root, check=True, capture_output=True, env=env,
    )  # fmt: skip
    return root / ".coverage"


def test_only_the_checkouts_settings_count_never_the_working_directorys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout with no coverage.py settings: the .coveragerc of the directory the
    gate runs in is not read (coverage json in the checkout does not read it either)."""
    root, elsewhere = tmp_path / "repo", tmp_path / "cwd"
    root.mkdir()
    elsewhere.mkdir()
    data_file = measured_in(root)
    (elsewhere / ".coveragerc").write_text("[report]\nexclude_also =\n    y = 2\n")
    monkeypatch.chdir(elsewhere)
    data = read_coverage([data_file], PathResolver(root))
    assert sorted(data.files["m.py"].statements) == [1, 2, 3, 4]
    assert_same_files(data, coverage_json(root))


@pytest.mark.parametrize(
    "setup_cfg",
    [b"[metadata]\nname = cafe\n", b"[metadata]\nname = caf\xe9\n"],
    ids=["utf8", "latin1"],
)
def test_a_setup_cfg_without_a_coverage_section_gives_way_to_pyproject(
    tmp_path: Path, setup_cfg: bytes
) -> None:
    """coverage.py reads setup.cfg, tox.ini and pyproject.toml only when they hold its
    settings: pyproject.toml's exclusion counts. Bytes that are not UTF-8 in a setup.cfg
    with no coverage section do not change that (nor end the read)."""
    (tmp_path / "pyproject.toml").write_text(EXCLUDE_Y)
    data_file = measured_in(tmp_path)
    expected = coverage_json(tmp_path)
    (tmp_path / "setup.cfg").write_bytes(setup_cfg)
    data = read_coverage([data_file], PathResolver(tmp_path))
    assert sorted(data.files["m.py"].statements) == [1, 2, 4]
    assert_same_files(data, expected)


def test_coverage_settings_that_are_not_utf8_are_refused_naming_the_file(tmp_path: Path) -> None:
    """coverage.py reads its settings as UTF-8 and fails on other bytes: refused as
    bad input naming the file, never an internal error."""
    data_file = measured_in(tmp_path)
    settings = tmp_path / ".coveragerc"
    settings.write_bytes(b"[report]\n# caf\xe9\nexclude_also =\n    y = 2\n")
    with pytest.raises(InputError) as info:
        read_coverage([data_file], PathResolver(tmp_path))
    assert str(info.value) == (
        f"{settings}: coverage.py settings: not UTF-8 text, which coverage.py cannot read"
    )


BRANCH_SHAPES = """\
def pick(x, y):
    if (x and
            y):
        return 1
    return 2


def matches(a):
    if a == [
        1,
    ]:
        return "one"
    return "other"


def guarded(x):
    if x:  # pragma: no branch
        return 1
    return 2


def never(x):
    if x:
        raise ValueError(x)  # pragma: no cover
    return 3


def spin(n):
    while n: n -= 1
    return n
"""
DRIVE_SHAPES = (
    "import shapes\nshapes.pick(1, 0)\nshapes.pick(0, 0)\nshapes.matches([2])\n"
    "shapes.guarded(1)\nshapes.never(0)\nshapes.spin(2)\n"
)


def test_branches_are_counted_as_coverage_pys_analysis_counts_them(tmp_path: Path) -> None:
    """results.Analysis: a multi-line condition records arcs inside itself, which fold
    onto the line (a self-arc) and prove neither of its exits; a `no branch` line's
    untaken exit is not missing; an exit into excluded code is no branch."""
    (tmp_path / "shapes.py").write_text(BRANCH_SHAPES)
    (tmp_path / "drive.py").write_text(DRIVE_SHAPES)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))}
    subprocess.run(
        [sys.executable, "-m", "coverage", "run", "--branch", "--include=shapes.py", "drive.py"],
        cwd=tmp_path, check=True, capture_output=True, env=env,
    )  # fmt: skip
    assert_same_as_coverage_py(tmp_path)
    shapes = read_coverage([tmp_path / ".coverage"], PathResolver(tmp_path)).files["shapes.py"]
    assert shapes.branches is not None
    assert {line: b.missing for line, b in shapes.branches.items()} == {
        2: ("4",),
        9: ("12",),
        17: (),
    }


IMPORTED = [(-1, 1), (1, -1)]  # arcs of m.py / n.py below: imported, f(1), f(0)
RAN_ONE = [(-1, 2), (2, 3), (3, -1)]
RAN_ZERO = [(-1, 2), (2, 4), (4, -1)]


def shard(path: Path, runs: list[tuple[str, dict[str, list[tuple[int, int]]]]]) -> Path:
    """A real data file of `runs` (context, arcs per file), contexts numbered in order."""
    data = coverage.CoverageData(basename=str(path))
    for context, arcs in runs:
        data.set_context(context)
        data.add_arcs(arcs)
    data.write()
    return path


def running_by_line(data: CoverageData, path: str) -> dict[int, list[str]]:
    """Each executed line's contexts, as contexts_running lists them (ascending)."""
    assert data.contexts is not None
    fc, names = data.contexts.files[path], data.contexts.names
    out: dict[int, list[str]] = {}
    for line in sorted(data.files[path].statements):
        ran = contexts_running(fc, [line])
        assert ran == sorted(set(ran)), (path, line, ran)  # ascending, each once
        if ran:
            out[line] = sorted(names[c] for c in ran)
    return out


def test_a_context_recorded_by_several_data_files_ran_the_union(tmp_path: Path) -> None:
    """Shards that number the same tests' contexts in other orders: per file and
    test, what ran is what `coverage combine` then `coverage json --show-contexts` says."""
    source = "def f(x):\n    if x:\n        return 1\n    return 2\n"
    m, n = tmp_path / "m.py", tmp_path / "n.py"
    m.write_text(source)
    n.write_text(source)
    shards = [
        shard(tmp_path / ".coverage.a", [
            ("t1", {str(m): IMPORTED + RAN_ONE}), ("t2", {str(m): RAN_ZERO}),
        ]),
        shard(tmp_path / ".coverage.b", [  # n.py's contexts alone are out of order here
            ("t1", {str(n): IMPORTED}),
            ("t3", {str(m): RAN_ONE, str(n): RAN_ONE}),
            ("t2", {str(n): RAN_ZERO, str(m): IMPORTED}),
        ]),
    ]  # fmt: skip
    data = read_coverage(shards, PathResolver(tmp_path))
    subprocess.run(
        [sys.executable, "-m", "coverage", "combine", "--keep", "-q", *map(str, shards)],
        cwd=tmp_path, check=True, capture_output=True,
    )  # fmt: skip
    theirs = coverage_json(tmp_path, "--show-contexts")
    assert_same_files(data, theirs)
    for path in ("m.py", "n.py"):
        expected = {int(line): sorted(c) for line, c in theirs["files"][path]["contexts"].items()}
        assert running_by_line(data, path) == expected, path


def test_the_unnamed_context_and_a_null_named_one_are_one_context(tmp_path: Path) -> None:
    """coverage.py writes "" for no context; a context row named NULL reads as the same
    one, listed once, with what both ran (line data: one line a record)."""
    m = tmp_path / "m.py"
    m.write_text("def f(x):\n    if x:\n        return 1\n    return 2\n")
    path = tmp_path / ".coverage"
    data = coverage.CoverageData(basename=str(path))
    data.add_lines({str(m): [1, 2, 3]})
    data.write()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("insert into context (id, context) values (7, null)")
        db.execute("insert into line_bits values (1, 7, ?)", (nums_to_numbits([1, 4]),))
    read = read_coverage([path], PathResolver(tmp_path))
    assert read.contexts is not None and read.contexts.names == ("",)
    assert running_by_line(read, "m.py") == {1: [""], 2: [""], 3: [""], 4: [""]}


def test_only_the_files_evidence_scope_counts_are_kept_per_context(branch_run: Path) -> None:
    """`per_context=` (the evidence-scope interactions' files, from gate/check.py):
    those read exactly as without it, import-time lines included; the others have
    the same figures but no per-test records, so no test could be credited with them."""

    def scoped(path: str) -> bool:
        return path.startswith("shop/payments/")

    data = read_coverage([branch_run / ".coverage"], PathResolver(branch_run), per_context=scoped)
    full = read_coverage([branch_run / ".coverage"], PathResolver(branch_run))
    assert data.files == full.files
    assert data.contexts is not None and full.contexts is not None
    expected = {p for p in full.files if scoped(p)}
    assert set(data.contexts.files) == expected and 2 <= len(expected) < len(full.files)
    assert data.contexts.names == full.contexts.names
    for path in expected:
        assert data.contexts.files[path] == full.contexts.files[path]
    assert any(data.contexts.files[path].import_lines for path in expected)


def test_only_the_files_the_gate_claims_are_read(branch_run: Path, tmp_path: Path) -> None:
    """`keep=` (what the config claims, from gate/check.py): the other measured
    files are neither analysed nor need a source; the claimed ones read exactly
    as without it, per-test contexts included."""
    root = tmp_path / "p"
    shutil.copytree(branch_run, root)
    (root / "shop" / "clients" / "inventory_client.py").write_text("def broken(:\n")
    (root / "shop" / "clients" / "mailer_client.py").unlink()
    with pytest.raises(InputError):  # unclaimed files still count without keep=
        read_coverage([root / ".coverage"], PathResolver(root))

    def claimed(path: str) -> bool:
        return path.startswith("shop/payments/")

    data = read_coverage([root / ".coverage"], PathResolver(root), keep=claimed)
    full = read_coverage([branch_run / ".coverage"], PathResolver(branch_run))
    expected = {p for p in full.files if claimed(p)}
    assert set(data.files) == expected and len(expected) >= 2
    for path in expected:
        ours, theirs = data.files[path], full.files[path]
        assert (ours.statements, ours.executed, ours.branches) == (
            theirs.statements,
            theirs.executed,
            theirs.branches,
        )
    assert data.contexts is not None and full.contexts is not None
    assert set(data.contexts.files) == expected
    assert data.contexts.names == full.contexts.names
    for path in expected:
        assert data.contexts.files[path] == full.contexts.files[path]
