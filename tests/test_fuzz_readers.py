"""Mutation fuzzing of every reader family: a mutant of a real report is read
correctly or refused with an InputError, quickly; never another exception.

Seeds are real producer output: the fixture project's own pytest run with
coverage.py (Cobertura XML, the `.coverage` data file, JUnit XML from pytest)
and `coverage json` / `coverage lcov` of the same data, plus a JaCoCo report in
the layout JaCoCo writes. Each family gets `CASES` mutants from a
`random.Random(SEED)` of its own, so every run reads the same mutants; a failure
names the case number to replay. Text mutations swap numbers and names for the
values attacks use (`1_0`, `٣`, `1e300`, 4,000 digits, NUL, 300-byte segments,
newlines), flip, insert, duplicate and truncate bytes. `.coverage` mutants change
rows and columns of coverage.py's tables (meta, file, context, arc, line_bits,
tracer) with sqlite3, or corrupt the file's pages.
"""

from __future__ import annotations

import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing, suppress
from pathlib import Path

import pytest
from conftest import ProjectRun

from gate.core.paths import PathResolver
from gate.errors import InputError
from gate.readers import read_coverage, read_tests

pytestmark = pytest.mark.slow

SEED = 20261204
CASES = 250  # per text family
DATA_CASES = 120  # per data-file family: each mutant is a source analysis too
QUICK = 5.0  # seconds per case; a refusal or a read of these files takes milliseconds

NUMBERS = ["1_0", "\u0663", "1e300", "9" * 4000, "-1", "+1", "0", "", "NaN", "2.0", "2.5",
           "18446744073709551616", " 7 ", "0x1f", "-0"]  # fmt: skip
NAMES = ["a" * 300 + "/x.py", "x\x00.py", "../../etc/passwd", "/etc/passwd", "a\nb.py",
         "a/" * 3000, "", ".", "..", "C:\\x\\y.py", "\u202eyp.x", "shop/../../x.py"]  # fmt: skip
SPLICES = [b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&#0;", b"]]>", b"<a>" * 300, b"[" * 3000,
           b"\xff\xfe", b"\x00", b"SF:", b"end_of_record\n", b'"executed_lines": [1e300]',
           b"{", b"</", b"<line number=\"1\" hits=\"1\"/>"]  # fmt: skip
_NUMBER = re.compile(rb"\d+")
_QUOTED = re.compile(rb'"[^"\n]{1,200}"|>[^<\n]{1,200}<|SF:[^\n]*')

JACOCO = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC \
"-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="shop"><sessioninfo id="h-1" \
start="1700000000000" dump="1700000001000"/><group name="core"><package name="com/shop">\
<class name="com/shop/Cart" sourcefilename="Cart.java"><method name="add" desc="(I)V" line="7">\
<counter type="INSTRUCTION" missed="2" covered="9"/></method></class>\
<sourcefile name="Cart.java"><line nr="7" mi="0" ci="4" mb="1" cb="1"/>\
<line nr="8" mi="2" ci="0" mb="0" cb="0"/><line nr="9" mi="0" ci="5" mb="0" cb="2"/>\
<counter type="LINE" missed="1" covered="2"/></sourcefile></package></group>\
<counter type="LINE" missed="1" covered="2"/></report>
"""


@pytest.fixture(scope="module")
def seeds(fixture_run: ProjectRun, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real reports of the fixture project's run, one per family."""
    root = fixture_run.root
    out = tmp_path_factory.mktemp("seeds")
    for kind, name in (("json", "coverage.json"), ("lcov", "coverage.lcov")):
        subprocess.run(
            [sys.executable, "-m", "coverage", kind, "-q", "-o", str(out / name)],
            cwd=root, check=True, capture_output=True,
        )  # fmt: skip
    (out / "jacoco.xml").write_text(JACOCO)
    return {
        "cobertura": root / "coverage.xml",
        "junit": root / "junit.xml",
        "coverage-json": out / "coverage.json",
        "lcov": out / "coverage.lcov",
        "jacoco": out / "jacoco.xml",
    }


def mutate(rng: random.Random, data: bytes) -> bytes:
    """One to three mutations of `data`, chosen by `rng`."""
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(6)
        if op == 0 and (found := list(_NUMBER.finditer(data))):
            m = rng.choice(found)
            data = data[: m.start()] + rng.choice(NUMBERS).encode() + data[m.end() :]
        elif op == 1 and (found := list(_QUOTED.finditer(data))):
            m = rng.choice(found)
            name = rng.choice(NAMES).encode()
            first, last = data[m.start() : m.start() + 1], data[m.end() - 1 : m.end()]
            middle = b"SF:" + name if first == b"S" else first + name + last
            data = data[: m.start()] + middle + data[m.end() :]
        elif op == 2 and data:
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(data))
                data = data[:i] + bytes([rng.randrange(256)]) + data[i + 1 :]
        elif op == 3 and data:
            data = data[: rng.randrange(len(data))]
        elif op == 4 and data:
            i = rng.randrange(len(data))
            j = min(len(data), i + rng.randint(1, 400))
            data = data[:j] + data[i:j] * rng.randint(2, 50) + data[j:]
        else:
            i = rng.randrange(len(data) + 1)
            data = data[:i] + rng.choice(SPLICES) + data[i:]
    return data


def outcome(read: Callable[[], object]) -> str:
    """ "read" or "refused"; anything else (another exception, a slow case) raises."""
    start = time.monotonic()
    try:
        read()
        result = "read"
    except InputError as exc:
        assert str(exc).strip(), "an empty message"
        result = "refused"
    assert time.monotonic() - start < QUICK, "slow"
    return result


FAMILIES = ["cobertura", "jacoco", "lcov", "coverage-json", "junit"]


@pytest.mark.parametrize("family", FAMILIES)
def test_mutants_of_real_reports_are_read_or_refused(
    family: str, seeds: dict[str, Path], fixture_run: ProjectRun, tmp_path: Path
) -> None:
    seed_bytes = seeds[family].read_bytes()
    rng = random.Random(f"{SEED}-{family}")
    resolver = PathResolver(fixture_run.root)
    reader = read_tests if family == "junit" else read_coverage

    def make(path: Path) -> None:
        path.write_bytes(mutate(rng, seed_bytes))

    fuzz(family, CASES, tmp_path / f"case{seeds[family].suffix}", make, reader, resolver)


def fuzz(
    family: str,
    cases: int,
    path: Path,
    make: Callable[[Path], None],
    reader: Callable[[list[Path], PathResolver], object],
    resolver: PathResolver,
) -> None:
    """Make and read `cases` mutants at `path`; fail naming the first case that
    raised anything but an InputError."""
    counts = {"read": 0, "refused": 0}
    for case in range(cases):
        make(path)
        try:
            counts[outcome(lambda: reader([path], resolver))] += 1
        except Exception as exc:
            pytest.fail(f"{family} case {case} (seed {SEED}): {type(exc).__name__}: {exc}")
        path.unlink()
    # The mutations exercise both sides: some mutants still read, most are refused.
    assert counts["read"] > 0 and counts["refused"] > 0, counts


# --------------------------------------------------------------------------- .coverage

ROW_MUTATIONS = [
    "update meta set value = :v where key = 'has_arcs'",
    "update meta set value = :v where key = 'version'",
    "update arc set fromno = :v where rowid = (select min(rowid) from arc)",
    "update arc set tono = :v where rowid = (select max(rowid) from arc)",
    "update arc set context_id = :v where rowid = (select max(rowid) from arc)",
    "update arc set file_id = :v where rowid = (select min(rowid) from arc)",
    "update context set context = :v where id = (select max(id) from context)",
    "update file set path = :v where id = (select min(id) from file)",
    "update coverage_schema set version = :v",
    "insert into tracer (file_id, tracer) values ((select min(id) from file), :v)",
    "delete from context where id = (select max(id) from context)",
    "delete from file where id = (select max(id) from file)",
    "delete from meta",
    "delete from arc",
    "drop table arc",
    "create table line_bits (file_id integer, context_id integer, numbits blob)",
    "insert into line_bits values (1, 1, :v)",
]
VALUES: list[object] = [
    None, "x", "yes", -1, 0, 1, 2**40, -(2**40), 2**63 - 1, 10**7, b"\xff" * 70_000,
    "a" * 300 + "/m.py", "m\x00.py", "\n", 3.5, "7.2.0", "1" * 4000,
]  # fmt: skip


def mutate_data(rng: random.Random, path: Path) -> None:
    """Change rows of a coverage.py data file, or corrupt its pages."""
    if rng.random() < 0.2:
        data = bytearray(path.read_bytes())
        for _ in range(rng.randint(1, 16)):
            data[rng.randrange(100, len(data))] = rng.randrange(256)  # past the header
        path.write_bytes(bytes(data))
        return
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("pragma foreign_keys = off")
        for statement in rng.sample(ROW_MUTATIONS, rng.randint(1, 3)):
            with suppress(sqlite3.Error):  # the mutant lacks that change (its table went first)
                db.execute(statement, {"v": rng.choice(VALUES)})


@pytest.mark.parametrize("per_context", [True, False], ids=["per-context", "merged"])
def test_mutants_of_a_real_data_file_are_read_or_refused(
    fixture_run: ProjectRun, tmp_path: Path, per_context: bool
) -> None:
    """Read as evidence scope reads it (per context) and as scope `all` does (merged)."""
    rng = random.Random(f"{SEED}-coveragepy-data")
    resolver = PathResolver(fixture_run.root)

    def make(path: Path) -> None:
        shutil.copy(fixture_run.root / ".coverage", path)
        mutate_data(rng, path)

    def read(paths: list[Path], resolver: PathResolver) -> object:
        return read_coverage(paths, resolver, per_context=lambda _: per_context)

    fuzz(".coverage", DATA_CASES, tmp_path / "case.coverage", make, read, resolver)
