"""Run settings: read once per invocation from the environment and one clock
reading; a malformed value is exit 2 naming its variable."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from support.reports import report_json

from gate.cli.settings import GITHUB_VARIABLES, settings_from_env
from gate.errors import UsageError

REPO = Path(__file__).resolve().parent.parent
# 23:30 on 30 June in UTC-02:00 is already 1 July in UTC.
NOW = dt.datetime(2026, 6, 30, 23, 30, 15, 500, tzinfo=dt.timezone(dt.timedelta(hours=-2)))


def test_without_overrides_both_dates_come_from_the_one_clock_reading() -> None:
    settings = settings_from_env({}, NOW)
    assert settings.now == NOW
    assert settings.today == dt.date(2026, 6, 30)  # the local date, as dt.date.today() gives
    assert settings.generated == dt.datetime(2026, 7, 1, 1, 30, 15, 500, tzinfo=dt.UTC)
    assert (settings.head_sha, settings.throttle, settings.debug) == (None, None, False)
    assert not settings.in_actions and settings.event.trusted


def test_each_variable_overrides_its_own_setting() -> None:
    sha = "ab" * 20
    env = {
        "SIGNAL_GATE_TODAY": "2027-01-15",
        "SOURCE_DATE_EPOCH": "86400",
        "SIGNAL_GATE_HEAD_SHA": sha,
        "SIGNAL_GATE_GITHUB_THROTTLE": "0",
        "SIGNAL_GATE_DEBUG": "1",
        "GITHUB_ACTIONS": "true",
    }
    settings = settings_from_env(env, NOW)
    assert settings.today == dt.date(2027, 1, 15)
    assert settings.generated == dt.datetime(1970, 1, 2, tzinfo=dt.UTC)
    assert settings.now == NOW  # the clock itself is not overridden
    assert (settings.head_sha, settings.throttle) == (sha, 0.0)
    assert settings.debug and settings.in_actions


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SIGNAL_GATE_TODAY", "2026-02-30"),
        ("SIGNAL_GATE_TODAY", "tomorrow"),
        ("SOURCE_DATE_EPOCH", "1.5"),
        ("SOURCE_DATE_EPOCH", "-1"),
        ("SOURCE_DATE_EPOCH", "1e9"),
        ("SOURCE_DATE_EPOCH", "٣"),  # a digit, but not an ASCII one
        ("SOURCE_DATE_EPOCH", "9" * 30),
        ("SIGNAL_GATE_HEAD_SHA", "HEAD"),
        ("SIGNAL_GATE_HEAD_SHA", "abc123"),
        ("SIGNAL_GATE_GITHUB_THROTTLE", "nan"),
        ("SIGNAL_GATE_GITHUB_THROTTLE", "-1"),
        ("SIGNAL_GATE_GITHUB_THROTTLE", "inf"),
        ("SIGNAL_GATE_GITHUB_THROTTLE", "1s"),
    ],
)
def test_a_malformed_value_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(UsageError) as info:
        settings_from_env({name: value}, NOW)
    assert str(info.value).startswith(f"{name}={value!r} is not ")


def test_blank_values_count_as_unset() -> None:
    env = {"SIGNAL_GATE_TODAY": " ", "SOURCE_DATE_EPOCH": "", "SIGNAL_GATE_HEAD_SHA": ""}
    assert settings_from_env(env, NOW) == settings_from_env({}, NOW)


def test_the_github_variables_are_copied_by_name_never_the_token() -> None:
    env = {name: f"value of {name}" for name in GITHUB_VARIABLES}
    env |= {"GITHUB_TOKEN": "ghs_secret", "GITHUB_EVENT_NAME": "push", "MY_GITHUB_PAT": "x"}
    settings = settings_from_env(env, NOW)
    assert set(settings.github) == set(GITHUB_VARIABLES)
    assert "ghs_secret" not in repr(settings)


def test_the_settings_carry_every_variable_the_github_layer_reads() -> None:
    """publish hands `settings.github` to gate.github: a variable it reads but the
    settings do not copy would silently read as unset."""
    read = set()
    for module in (REPO / "gate" / "github").glob("*.py"):
        read |= set(re.findall(r'"(GITHUB_[A-Z_]+)"', module.read_text(encoding="utf-8")))
    options = {"GITHUB_TOKEN", "GITHUB_API_URL"}  # publish's --token and --api-url
    assert read - options == set(GITHUB_VARIABLES)


# --- as a user runs it ---------------------------------------------------------------------

WAIVED = """\
version: 1
title: Shop integration gate
interactions:
  - {id: inventory, name: Inventory, direction: outbound, modules: [shop.clients.inventory_client]}
waivers:
  - {target: inventory, reason: being rewritten, until: 2026-06-30}
"""


def test_signal_gate_today_decides_the_waivers(fixture_run, cli, tmp_path: Path) -> None:
    config = tmp_path / "waived.yml"
    config.write_text(WAIVED)

    def waiver_on(day: str) -> dict:
        done = cli("check", "--config", str(config), "--format", "json",
                   cwd=fixture_run.root, env={"SIGNAL_GATE_TODAY": day})  # fmt: skip
        return report_json(done.stdout)["interactions"][0]["waiver"]

    assert waiver_on("2026-06-30")["expired"] is False
    assert waiver_on("2026-07-01")["expired"] is True


def test_source_date_epoch_dates_the_document_and_its_package(
    fixture_run, cli, tmp_path: Path
) -> None:
    out, package = tmp_path / "a.md", tmp_path / "evidence"
    done = cli("report", "--out", str(out), "--evidence-dir", str(package),
               cwd=fixture_run.root, env={"SOURCE_DATE_EPOCH": "1767225600"})  # fmt: skip
    assert done.returncode == 1, done.stderr
    line = "\nGenerated: 2026-01-01T00:00:00Z\n"
    assert line in out.read_text() and line in (package / "assessment.md").read_text()


@pytest.mark.parametrize(
    ("command", "name", "value"),
    [
        (["check"], "SIGNAL_GATE_TODAY", "31/12/2026"),
        (["report", "--out", "-"], "SOURCE_DATE_EPOCH", "yesterday"),
        (["validate"], "SOURCE_DATE_EPOCH", "-5"),
        (["check"], "SIGNAL_GATE_HEAD_SHA", "main"),
    ],
)
def test_a_malformed_variable_is_exit_2_naming_it(
    fixture_run, cli, command: list[str], name: str, value: str
) -> None:
    done = cli(*command, cwd=fixture_run.root, env={name: value})
    assert done.returncode == 2
    assert done.stderr.startswith(f"signal-gate: error: {name}={value!r} is not ")
    assert done.stdout == ""


def test_help_ignores_the_settings(cli, tmp_path: Path) -> None:
    """--help reads nothing from the environment: a bad value cannot break it."""
    done = cli("check", "--help", cwd=tmp_path, env={"SIGNAL_GATE_TODAY": "never"})
    assert done.returncode == 0 and "--evidence-dir" in done.stdout


# --- the guard around every command ---------------------------------------------------------


def guarded_command() -> click.Command:
    """A command that fails the way a bug would, behind the CLI's guard."""
    from gate.cli.guard import handle_errors

    @click.command()
    @handle_errors
    def broken() -> None:
        raise RuntimeError("a bug")

    return broken


def test_an_internal_error_is_exit_2_with_a_hint() -> None:
    result = CliRunner().invoke(guarded_command(), [], env={"SIGNAL_GATE_DEBUG": ""})
    assert result.exit_code == 2
    assert result.output == (
        "signal-gate: internal error: RuntimeError: a bug\n"
        "hint: set SIGNAL_GATE_DEBUG=1 for the traceback and report it as a bug\n"
    )


def test_signal_gate_debug_lets_the_traceback_through() -> None:
    result = CliRunner().invoke(guarded_command(), [], env={"SIGNAL_GATE_DEBUG": "1"})
    assert isinstance(result.exception, RuntimeError) and result.output == ""


def test_a_malformed_setting_is_exit_2_before_the_command_runs() -> None:
    result = CliRunner().invoke(guarded_command(), [], env={"SIGNAL_GATE_TODAY": "soon"})
    assert result.exit_code == 2
    assert result.output.startswith("signal-gate: error: SIGNAL_GATE_TODAY='soon' is not")
