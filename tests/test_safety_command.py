"""The `command` kind with real subprocesses: exit status, timeouts that take the
whole process group down, the scrubbed environment, masked secrets, --no-exec."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from safety_fixtures import check, config_data, config_error, run_one

from gate.config.load import config_from_data
from gate.errors import ConfigError
from gate.safety.command import DISABLED, TAIL_CHARS, readable, scrubbed_env
from gate.safety.masking import secret_values

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX shells and process groups")

SECRET = "ghs_" + "s3cr3tT0kenValue"


def command(run: str | list[str], **keys: object) -> dict:
    return check("command", id="cmd", run=run, **keys)


# --- exit status -----------------------------------------------------------------------


def test_exit_zero_passes(tmp_path: Path) -> None:
    result = run_one(tmp_path, command(["true"]))
    assert result.passed
    assert result.kind == "command"
    assert result.detail == "`true` exited 0"


def test_exit_one_fails_with_the_output_tail(tmp_path: Path) -> None:
    script = "echo collecting; echo 'FAILED tests/test_api.py::test_ping' >&2; exit 1"
    result = run_one(tmp_path, command(["sh", "-c", script]))
    assert not result.passed
    head, output = result.detail.split("\n--- output ---\n")
    assert head == (
        f"`{shlex.join(['sh', '-c', script])}` exited 1; "
        "last output line: FAILED tests/test_api.py::test_ping"
    )
    assert output == "collecting\nFAILED tests/test_api.py::test_ping"  # stderr is merged


def test_no_output_is_said_so(tmp_path: Path) -> None:
    result = run_one(tmp_path, command("false"))
    assert not result.passed
    assert result.detail == "`false` exited 1, no output"


def test_killed_by_a_signal_is_named(tmp_path: Path) -> None:
    result = run_one(tmp_path, command(["sh", "-c", "kill -TERM $$"]))
    assert not result.passed
    assert "was killed by SIGTERM" in result.detail


def test_a_string_is_split_never_run_by_a_shell(tmp_path: Path) -> None:
    # Without a shell, `&&` and `exit 1` are just arguments that echo prints.
    split = run_one(tmp_path, command("echo 'one two' && exit 1"))
    assert split.passed, split.detail
    shell = run_one(tmp_path, command("echo 'one two' && exit 1", shell=True))
    assert not shell.passed
    assert shell.detail.endswith("exited 1; last output line: one two\n--- output ---\none two")


def test_shell_true_needs_a_string() -> None:
    message = config_error(command(["echo", "hi"], shell=True))
    assert "safety.checks[0].run: with `shell: true`, `run` must be one string" in message


def test_unbalanced_quotes_and_missing_programs_fail_clearly(tmp_path: Path) -> None:
    quotes = run_one(tmp_path, command("echo 'unterminated"))
    assert not quotes.passed
    assert quotes.detail == "cannot split `run` into arguments: No closing quotation"
    missing = run_one(tmp_path, command(["signal-gate-no-such-program", "--check"]))
    assert not missing.passed
    assert "command not found: 'signal-gate-no-such-program'" in missing.detail
    empty = run_one(tmp_path, command("   "))
    assert (empty.passed, empty.detail) == (False, "`run` is empty")


def test_output_is_capped_to_its_tail(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.write('x' * 3_000_000 + '\\nthe end\\n'); sys.exit(2)"
    result = run_one(tmp_path, command([sys.executable, "-c", code]))
    assert not result.passed
    assert "exited 2; last output line: the end\n--- last output ---\n" in result.detail
    assert result.detail.endswith("x\nthe end")
    assert len(result.detail.split("\n--- last output ---\n")[1]) == TAIL_CHARS


# --- timeouts and process groups -------------------------------------------------------


def running(pid: int) -> bool:
    """Is the process running? A zombie waiting for its reaper is not."""
    done = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    return done.returncode == 0 and not done.stdout.strip().startswith("Z")


def group_members(pgid: int) -> list[str]:
    done = subprocess.run(["ps", "-A", "-o", "pid=,pgid=,stat="], capture_output=True, text=True)
    rows = [line.split() for line in done.stdout.splitlines()]
    return [r[0] for r in rows if len(r) == 3 and r[1] == str(pgid) and not r[2].startswith("Z")]


def eventually(condition, seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


needs_ps = pytest.mark.skipif(shutil.which("ps") is None, reason="needs ps to list processes")


def test_a_hanging_command_is_killed_at_its_timeout(tmp_path: Path) -> None:
    started = time.monotonic()
    result = run_one(tmp_path, command(["sleep", "30"], timeout=1))
    assert time.monotonic() - started < 5
    assert not result.passed
    assert (
        result.detail == "`sleep 30` timed out after 1 s (its process group was killed), no output"
    )


@needs_ps
def test_children_that_would_outlive_their_parent_are_killed_too(tmp_path: Path) -> None:
    script = "echo $$ > leader.pid; sleep 30 & echo $! > child.pid; echo waiting; sleep 30"
    started = time.monotonic()
    result = run_one(tmp_path, command(["sh", "-c", script], timeout=1))
    assert time.monotonic() - started < 5
    assert not result.passed
    assert "timed out after 1 s (its process group was killed); last output line: waiting" in (
        result.detail
    )
    leader = int((tmp_path / "leader.pid").read_text())
    child = int((tmp_path / "child.pid").read_text())
    assert eventually(lambda: not running(child) and not group_members(leader))


@needs_ps
def test_nothing_a_passing_command_started_is_left_running(tmp_path: Path) -> None:
    script = "echo $$ > leader.pid; sleep 30 & echo $! > child.pid; exit 0"
    started = time.monotonic()
    result = run_one(tmp_path, command(["sh", "-c", script], timeout=10))
    assert time.monotonic() - started < 3  # not held up by the child keeping the pipe open
    assert result.passed, result.detail
    child = int((tmp_path / "child.pid").read_text())
    leader = int((tmp_path / "leader.pid").read_text())
    assert eventually(lambda: not running(child) and not group_members(leader))


# --- where it runs, with what ----------------------------------------------------------


def test_cwd_is_relative_to_the_root(tmp_path: Path) -> None:
    (tmp_path / "services/api").mkdir(parents=True)
    result = run_one(tmp_path, command(["sh", "-c", "pwd > here.txt"], cwd="services/api"))
    assert result.passed, result.detail
    here = (tmp_path / "services/api/here.txt").read_text().strip()
    assert Path(here).resolve() == (tmp_path / "services/api").resolve()


@pytest.mark.parametrize(
    ("cwd", "detail"),
    [
        ("..", "cwd '..' climbs out of the repository root ('..')"),
        ("/tmp", "cwd '/tmp' is an absolute path; paths are relative to the repository root"),
        ("missing", "cwd 'missing' is not a directory under the repository root"),
    ],
)
def test_cwd_outside_the_root_or_missing_fails(tmp_path: Path, cwd: str, detail: str) -> None:
    result = run_one(tmp_path, command(["touch", "ran"], cwd=cwd))
    assert (result.passed, result.detail) == (False, detail)


def test_the_environment_is_scrubbed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", SECRET)
    monkeypatch.setenv("ACTIONS_RUNTIME_TOKEN", "runtime-token-value")
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_URL", "https://example.invalid")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-secret-value")
    monkeypatch.setenv("PYTHONPATH", "/tmp/injected")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    monkeypatch.setenv("DEPLOY_ENV", "staging")
    result = run_one(tmp_path, command(["sh", "-c", "env > env.txt"], env=["DEPLOY_ENV"]))
    assert result.passed, result.detail
    seen = dict(
        line.split("=", 1)
        for line in (tmp_path / "env.txt").read_text().splitlines()
        if "=" in line
    )
    for hidden in ("GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL",
                   "AWS_SECRET_ACCESS_KEY", "PYTHONPATH"):  # fmt: skip
        assert hidden not in seen
    assert seen["DEPLOY_ENV"] == "staging"
    assert seen["LC_ALL"] == "C.UTF-8"
    assert seen["PATH"] == os.environ["PATH"]


def test_a_listed_secret_reaches_the_command_but_never_the_detail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEPLOY_TOKEN", SECRET)
    script = 'echo "using token=$DEPLOY_TOKEN"; exit 1'
    result = run_one(tmp_path, command(["sh", "-c", script], env=["DEPLOY_TOKEN"]))
    assert not result.passed
    assert SECRET not in result.detail
    assert "using token=***" in result.detail


def test_a_secret_read_from_elsewhere_is_masked_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", SECRET)
    (tmp_path / "leak.txt").write_text(f"Authorization: token {SECRET}\n")
    result = run_one(tmp_path, command(["sh", "-c", "cat leak.txt; exit 1"]))
    assert not result.passed
    assert SECRET not in result.detail
    assert result.detail.endswith("--- output ---\nAuthorization: token ***")


@pytest.mark.parametrize("run", [["true"], ["sh", "-c", "touch ran"]])
def test_no_exec_never_lets_a_command_pass(tmp_path: Path, run: list[str]) -> None:
    result = run_one(tmp_path, command(run), allow_exec=False)
    assert not result.passed
    assert result.detail == DISABLED
    assert result.detail == "not run: command checks are disabled (--no-exec / untrusted event)"
    assert not (tmp_path / "ran").exists()


# --- the pieces, on their own ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("PATH", True),
        ("HOME", True),
        ("LANG", True),
        ("LC_CTYPE", True),
        ("TMPDIR", True),
        ("GITHUB_TOKEN", False),
        ("NPM_TOKEN", False),
        ("DB_PASSWORD", False),
        ("SIGNING_KEY", False),
        ("ACTIONS_CACHE_URL", False),
        ("PYTHONHOME", False),
        ("PYTHONSTARTUP", False),
        ("GITHUB_REPOSITORY", False),
        ("LISTED_TOKEN", True),
    ],
)
def test_scrubbed_env_keeps_only_the_allow_list_and_the_listed(name: str, kept: bool) -> None:
    assert (name in scrubbed_env({name: "v"}, ["LISTED_TOKEN"])) is kept


def test_secret_values_are_found_by_name_longest_first() -> None:
    environ = {
        "GITHUB_TOKEN": "ghs_abcdef",
        "GITHUB_TOKEN_SHORT": "ghs_",
        "AWS_SECRET_ACCESS_KEY": "abcd/efgh+ijkl",
        "API_KEY": "k-12345",
        "USE_KEYRING": "true",  # boolean-like: not worth masking
        "PIN_PASSWORD": "12",  # too short to mask without masking everything
        "MONKEY": "banana-value",  # KEY inside a word is not a key
        "PATH": "/usr/bin",
    }
    assert secret_values(environ) == ["abcd/efgh+ijkl", "ghs_abcdef", "k-12345", "ghs_"]


def test_output_drops_escape_codes_and_redrawn_progress_and_masks() -> None:
    raw = b"\x1b[32mPASSED\x1b[0m\r\n 10%\r 50%\r100%\nfinal \xff line token=abcd1234\n"
    assert readable(raw, ["abcd1234"]) == "PASSED\n100%\nfinal \ufffd line token=***"


@pytest.mark.parametrize(
    ("keys", "where"),
    [
        ({}, "safety.checks[0].run: required key is missing"),
        ({"run": ""}, "safety.checks[0].run"),
        ({"run": "true", "timeout": 0}, "safety.checks[0].timeout"),
        ({"run": "true", "timeout": "1m"}, "safety.checks[0].timeout"),
        ({"run": "true", "env": "GITHUB_TOKEN"}, "safety.checks[0].env"),
        ({"run": "true", "shell": "yes"}, "safety.checks[0].shell"),
        ({"run": "true", "retries": 2}, "safety.checks[0].retries: unknown key"),
    ],
)
def test_command_bad_config_names_the_key(keys: dict, where: str) -> None:
    with pytest.raises(ConfigError) as info:
        config_from_data(config_data(check("command", **keys)), "signal-gate.yml")
    assert where in str(info.value)
