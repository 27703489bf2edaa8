"""The report JSON `check` writes: bounded lists of passing evidence tests, with how many
were left out, written one interaction at a time, and read back by `publish` without
mistaking a cut list for the whole."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.reports import evaluate, report_json

from gate.config.load import config_from_data
from gate.core.evaluate import Evaluation
from gate.core.model import FileCoverage, Outcome, TestCase, TestResults
from gate.core.report import Report, capped, from_json, json_pieces, to_json
from gate.outputs.files import Outputs
from gate.readers.report_file import read_report
from gate.render.markdown import render_markdown

TODAY = dt.date(2026, 12, 5)
OUTCOMES = {"p": Outcome.PASSED, "f": Outcome.FAILED, "e": Outcome.ERROR, "s": Outcome.SKIPPED}


def report_of(
    outcomes: str, interactions: int = 1, title: str = "gate", passing_listed: int | None = None
) -> Report:
    """A report whose every interaction selects one test per letter of `outcomes`
    (p passed, f failed, e error, s skipped), in that order."""
    config = config_from_data(
        {
            "version": 1,
            "title": title,
            "interactions": [
                {"id": f"i{n}", "name": f"I {n}", "direction": "outbound",
                 "modules": [f"app/m{n}.py"], "evidence": [f"tests/test_{n}.py"]}
                for n in range(interactions)
            ],
        },
        "test.yml",
    )  # fmt: skip
    cases = {}
    for n in range(interactions):
        for k, letter in enumerate(outcomes):
            nodeid = f"tests/test_{n}.py::test_{k:03d}"
            message = "" if letter == "p" else f"why {k}"
            cases[nodeid] = TestCase(nodeid, f"tests/test_{n}.py", OUTCOMES[letter], message)
    files = {
        f"app/m{n}.py": FileCoverage(f"app/m{n}.py", frozenset({1, 2}), frozenset({1}))
        for n in range(interactions)
    }
    tests = TestResults(cases=cases)
    return evaluate(Evaluation(config, files, tests, TODAY, passing_listed=passing_listed))


# --- the cap -----------------------------------------------------------------------------


def test_every_test_that_did_not_pass_is_kept_and_the_passing_ones_up_to_the_cap() -> None:
    (full,) = report_of("ppfppsppeppp").interactions
    (cut,) = capped(report_of("ppfppsppeppp"), 3).interactions
    assert [t.id.rsplit("_", 1)[1] for t in cut.evidence_tests] == [
        "000", "001", "002", "003", "005", "008",
    ]  # fmt: skip
    assert [t.outcome for t in cut.evidence_tests] == [
        "passed", "passed", "failed", "passed", "skipped", "error",
    ]  # fmt: skip
    assert cut.evidence_tests_truncated == 6
    assert cut.tests == full.tests and cut.gaps == full.gaps  # the counts stay whole


@pytest.mark.parametrize("cap", [0, 1, 4, 7, 8, None])
def test_a_report_evaluated_with_a_cap_is_the_whole_one_cut(cap: int | None) -> None:
    """`check` without an evidence package never builds the lists it would cut."""
    outcomes = "pfppspppe"
    assert report_of(outcomes, 2, passing_listed=cap) == capped(report_of(outcomes, 2), cap)


def test_a_list_within_the_cap_is_left_as_it_is() -> None:
    report = report_of("pppf")
    assert capped(report, 3) == report and capped(report, 3).interactions[0] is not None
    assert capped(report, 3).interactions[0].evidence_tests_truncated == 0
    assert capped(report, None) is report


def test_cutting_a_cut_report_adds_up() -> None:
    once = capped(report_of("p" * 10), 6)
    twice = capped(once, 2).interactions[0]
    assert len(twice.evidence_tests) == 2 and twice.evidence_tests_truncated == 8


def test_a_cut_report_reads_back_with_its_count(tmp_path: Path) -> None:
    """`publish` (and any reader) gets the number left out, and renders the same comment
    as from the whole report: nothing it shows comes from the passing tests' list."""
    report = report_of("pppppfs", interactions=2)
    path = tmp_path / "report.json"
    path.write_bytes(to_json(capped(report, 1)))
    back = read_report(path)
    assert isinstance(back, Report)
    assert [i.evidence_tests_truncated for i in back.interactions] == [4, 4]
    assert [len(i.evidence_tests) for i in back.interactions] == [3, 3]
    assert render_markdown(back) == render_markdown(report)
    assert report_json(path)["interactions"][0]["evidence_tests_truncated"] == 4


# --- in pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize("interactions", [0, 1, 3])
def test_the_pieces_are_the_whole_json(interactions: int) -> None:
    report = report_of("ppfs", interactions=interactions)
    assert b"".join(json_pieces(report)) == to_json(report)
    assert (
        b"".join(json_pieces(report))
        == msgspec.json.format(msgspec.json.encode(report), indent=2) + b"\n"
    )


texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=60, deadline=None)
@given(title=texts, interactions=st.integers(0, 3))
def test_the_pieces_are_the_whole_json_whatever_the_text(title: str, interactions: int) -> None:
    report = report_of("pf", interactions=interactions, title=title)
    assert json.loads(b"".join(json_pieces(report))) == json.loads(to_json(report))
    assert b"".join(json_pieces(report)) == to_json(report)


def test_no_piece_holds_more_than_one_interaction() -> None:
    report = report_of("p" * 50, interactions=4)
    pieces = list(json_pieces(report))
    assert len(pieces) == 4 + 2  # before, one per interaction, after
    assert [piece.count(b'"id": "i') for piece in pieces] == [0, 1, 1, 1, 1, 0]
    assert max(map(len, pieces)) < len(to_json(report)) / 3


def test_the_pieces_go_into_the_temporary_file_as_they_come(tmp_path: Path) -> None:
    """Staged means written: the pieces are consumed before the commit (nothing is
    kept to join later), and the target appears only at the commit."""
    target = tmp_path / "report.json"
    taken: list[int] = []

    def pieces():
        for n in range(3):
            taken.append(n)
            yield f"piece {n}\n".encode()

    with Outputs() as outputs:
        outputs.write_pieces(target, pieces())
        assert taken == [0, 1, 2] and not target.exists()
        (temporary,) = [p for p in tmp_path.iterdir() if p != target]
        assert temporary.read_bytes() == b"piece 0\npiece 1\npiece 2\n"
        outputs.commit()
    assert target.read_bytes() == b"piece 0\npiece 1\npiece 2\n"
    assert list(tmp_path.iterdir()) == [target]


def test_a_piece_that_fails_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("last run\n")

    def pieces():
        yield b"{"
        raise RuntimeError("encoding failed")

    with pytest.raises(RuntimeError), Outputs() as outputs:
        outputs.write_pieces(target, pieces())
    assert target.read_text() == "last run\n" and list(tmp_path.iterdir()) == [target]


# --- through the command line ------------------------------------------------------------


def test_check_lists_the_passing_tests_up_to_json_tests(fixture_run, cli, tmp_path: Path) -> None:
    """payments has 7 passing evidence tests; inventory passing ones, a failure and a skip."""
    out, package = tmp_path / "report.json", tmp_path / "evidence"
    done = cli("check", "--json-out", str(out), "--json-tests", "2", "--format", "json",
               "--evidence-dir", str(package), cwd=fixture_run.root)  # fmt: skip
    assert done.returncode == 1, done.stderr
    for written in (report_json(out), report_json(done.stdout)):
        for it in written["interactions"]:
            counts, listed = it["tests"], [t["outcome"] for t in it["evidence_tests"]]
            assert listed.count("passed") == min(2, counts["passed"])
            assert it["evidence_tests_truncated"] == counts["passed"] - min(2, counts["passed"])
            assert listed.count("failed") == counts["failed"]
            assert listed.count("skipped") == counts["skipped"]
        inventory = next(i for i in written["interactions"] if i["id"] == "inventory")
        assert inventory["tests"]["failed"] == inventory["tests"]["skipped"] == 1
        payments = next(i for i in written["interactions"] if i["id"] == "payments")
        assert len(payments["evidence_tests"]) == 2 and payments["evidence_tests_truncated"] == 5
    # The evidence package is made from the report in memory: every test, always.
    whole = report_json(package / "report.json")
    payments = next(i for i in whole["interactions"] if i["id"] == "payments")
    assert len(payments["evidence_tests"]) == 7 and payments["evidence_tests_truncated"] == 0
    tests = json.loads((package / "interactions" / "payments" / "tests.json").read_text())
    assert len(tests["tests"]) == 7
    # ... and the tests' details, which check reads only for a package.
    assert all(isinstance(t["duration"], float) for t in tests["tests"])


def test_the_json_is_the_same_with_or_without_the_evidence_package(
    fixture_run, cli, tmp_path: Path
) -> None:
    """With a package the lists are cut where the JSON is written, without one while the
    report is made: the same JSON either way."""
    written = []
    for extra in ([], ["--evidence-dir", str(tmp_path / "evidence")]):
        out = tmp_path / f"report{len(written)}.json"
        done = cli("check", "--json-out", str(out), "--json-tests", "1", *extra,
                   cwd=fixture_run.root)  # fmt: skip
        assert done.returncode == 1, done.stderr
        written.append(report_json(out)["interactions"])
    assert written[0] == written[1]
    assert sum(i["evidence_tests_truncated"] for i in written[0]) > 0


def test_the_document_lists_the_tests_whatever_json_tests_says(
    fixture_run, cli, tmp_path: Path
) -> None:
    """`check --document-out` renders the document from the report in memory, which
    then keeps every test: the same document as `report --out`."""
    env = {"SOURCE_DATE_EPOCH": "1764000000"}
    checked, reported = tmp_path / "check.md", tmp_path / "report.md"
    done = cli("check", "--document-out", str(checked), "--json-tests", "0",
               "--json-out", str(tmp_path / "r.json"), cwd=fixture_run.root, env=env)  # fmt: skip
    assert done.returncode == 1, done.stderr
    done = cli("report", "--out", str(reported), cwd=fixture_run.root, env=env)
    assert done.returncode == 1, done.stderr
    assert checked.read_text() == reported.read_text()
    assert "test_payments.py" in checked.read_text()


def test_json_tests_all_lists_every_test(fixture_run, cli, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = cli("check", "--json-out", str(out), "--json-tests", "all", cwd=fixture_run.root)
    assert done.returncode == 1, done.stderr
    payments = next(i for i in report_json(out)["interactions"] if i["id"] == "payments")
    assert len(payments["evidence_tests"]) == 7 and payments["evidence_tests_truncated"] == 0


@pytest.mark.parametrize("value", ["-1", "two", "", "ALL"])
def test_json_tests_takes_a_count_or_all(fixture_run, cli, value: str) -> None:
    done = cli("check", "--json-tests", value, cwd=fixture_run.root)
    assert done.returncode == 2 and "--json-tests" in done.stderr


def test_the_default_cap_is_200_passing_tests_per_interaction() -> None:
    """What `check` writes unless told otherwise (docs/cli.md)."""
    from gate.cli.check_command import PASSING_LISTED

    (cut,) = capped(report_of("p" * 205 + "f"), PASSING_LISTED).interactions
    assert PASSING_LISTED == 200
    assert len(cut.evidence_tests) == 201 and cut.evidence_tests_truncated == 5


def test_from_json_reads_a_report_written_before_the_count() -> None:
    """A report of an older gate has no count: its lists were whole."""
    data = json.loads(to_json(report_of("pp")))
    del data["interactions"][0]["evidence_tests_truncated"]
    assert from_json(json.dumps(data)).interactions[0].evidence_tests_truncated == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("evidence_tests_truncated", -1), ("evidence_tests_truncated", 1.5),
     ("evidence_tests", [{"id": "t", "outcome": "maybe"}]), ("evidence_tests", [{"id": "t"}])],
)  # fmt: skip
def test_the_schema_holds_the_list_and_its_count(field: str, value: object) -> None:
    from support.reports import valid

    data = json.loads(to_json(report_of("pf")))
    valid(data)
    data["interactions"][0][field] = value
    with pytest.raises(AssertionError):
        valid(data)


def test_a_cut_report_is_a_baseline_like_a_whole_one(fixture_run, cli, tmp_path: Path) -> None:
    """`check --baseline` reads a base report whose lists were cut: the deltas and
    the verdict are those a whole base report gives."""
    for listed in ("0", "all"):
        base = tmp_path / f"base-{listed}.json"
        done = cli("check", "--json-out", str(base), "--json-tests", listed, cwd=fixture_run.root)
        assert done.returncode == 1, done.stderr
    runs = []
    for listed in ("0", "all"):
        out = tmp_path / f"head-{listed}.json"
        base = tmp_path / f"base-{listed}.json"
        done = cli("check", "--baseline", str(base), "--json-out", str(out), cwd=fixture_run.root)
        assert done.returncode == 1, done.stderr
        runs.append(report_json(out))
    cut, whole = runs
    assert [i["delta"] for i in cut["interactions"]] == [i["delta"] for i in whole["interactions"]]
    assert all(i["delta"] is not None for i in cut["interactions"])
    assert (cut["passed"], cut["reasons"]) == (whole["passed"], whole["reasons"])
