"""Secrets in a `command` check's detail (gate/safety/masking.py): masked in the stream,
before the 64 KB cut, for secret-looking names and for every variable listed in `env`.

The reference for "which bytes are covered by a secret" is written here, by brute
force over every position; it shares nothing with the module.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from safety_fixtures import check, run_one

from gate.safety.command import BASE_ENV, OUTPUT_KEEP
from gate.safety.masking import StreamMask, mask, secret_values

SECRET = "ghs_Zq8vT3kLmW9xR2pN7bY4cF6hJ1dS5gA0eU"
PRINT_ENV = [sys.executable, "-c", "import os, sys; print(os.environ[sys.argv[1]]); sys.exit(1)"]


def pieces(secret: str, size: int = 4) -> list[str]:
    """Every part of `secret` of `size` characters: none may be shown."""
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


def shows_any_part(detail: str, secret: str) -> bool:
    return any(piece in detail for piece in pieces(secret))


# --- the cut -------------------------------------------------------------------------


@pytest.mark.parametrize("kept", [4, 5, len(SECRET) // 2, len(SECRET) - 1])
def test_a_secret_straddling_the_64_kb_cut_leaves_no_part(
    tmp_path: Path, kept: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After the secret, colour codes that the detail drops: the cut edge, which leaves
    # the last `kept` characters of the raw secret, lands in the lines the detail shows.
    monkeypatch.setenv("DEPLOY_TOKEN", SECRET)
    pad = OUTPUT_KEEP - kept - len("\nboom\n")
    code = (
        "import os, sys\n"
        "sys.stdout.write('token=' + os.environ['DEPLOY_TOKEN'])\n"
        f"sys.stdout.write('\\x1b[0m' * ({pad} // 4) + '.' * ({pad} % 4) + '\\nboom\\n')\n"
        "sys.exit(1)\n"
    )
    result = run_one(tmp_path, check("command", id="c", run=[sys.executable, "-c", code],
                                     env=["DEPLOY_TOKEN"]))  # fmt: skip
    assert not result.passed
    assert result.detail.endswith("\nboom") and "***" in result.detail
    assert not shows_any_part(result.detail, SECRET), result.detail


# --- which values --------------------------------------------------------------------


def test_a_listed_variable_is_masked_whatever_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "postgres://app:Hunter2Hunter2@db.internal:5432/shop"
    monkeypatch.setenv("DATABASE_URL", url)
    result = run_one(tmp_path, check("command", id="c", run=[*PRINT_ENV, "DATABASE_URL"],
                                     env=["DATABASE_URL"]))  # fmt: skip
    assert not result.passed
    assert url not in result.detail and "Hunter2" not in result.detail
    assert result.detail.endswith("--- output ---\n***")


def test_an_unlisted_harmless_variable_is_not_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    environ = {"DEPLOY_ENV": "staging", "DATABASE_URL": "postgres://x:y@db/z", "FLAG": "true"}
    assert secret_values(environ) == []
    assert secret_values(environ, ["DATABASE_URL", "FLAG"]) == ["postgres://x:y@db/z"]


def test_overlapping_secrets_are_masked_whole() -> None:
    # Replacing one secret after the other would leave "ef" of "cdef" behind.
    assert mask("id=abcdef.", ["abcd", "cdef"]) == "id=***."
    assert mask("abcd abcd", ["abcd"]) == "*** ***"


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_the_stream_is_masked_across_every_chunking(size: int) -> None:
    text = f"a {SECRET} b {SECRET[:10]} c {SECRET}".encode()
    stream = StreamMask([SECRET])
    out = b"".join(stream.feed(text[i : i + size]) for i in range(0, len(text), size))
    out += stream.flush()
    assert out.decode() == f"a *** b {SECRET[:10]} c ***"


# --- fuzz: the stream against a brute-force reference --------------------------------


def reference(data: bytes, secrets: list[bytes]) -> bytes:
    """Every maximal run of bytes that some occurrence of a secret covers -> b"***"."""
    covered = [False] * len(data)
    for secret in secrets:
        for i in range(len(data) - len(secret) + 1):
            if data[i : i + len(secret)] == secret:
                covered[i : i + len(secret)] = [True] * len(secret)
    out = bytearray()
    for i, byte in enumerate(data):
        if not covered[i]:
            out.append(byte)
        elif i == 0 or not covered[i - 1]:
            out += b"***"
    return bytes(out)


def runs_of_masks_as_one(data: bytes) -> bytes:
    # Two spans that meet at a chunk boundary are two masks in a stream, one in the
    # reference: the same bytes are hidden either way.
    return re.sub(rb"(?:\*\*\*)+", b"***", data)


ALPHABET = "ab*c\n"


@settings(max_examples=1500, derandomize=True, deadline=None, database=None)
@given(
    data=st.text(ALPHABET, max_size=80),
    secrets=st.lists(st.text("abc", min_size=1, max_size=6), max_size=3),
    cuts=st.lists(st.integers(0, 80), max_size=8),
)
def test_generated_streams_mask_like_the_reference(
    data: str, secrets: list[str], cuts: list[int]
) -> None:
    """1,500 generated (text, secrets, chunking) cases (hypothesis, derandomize=True): the
    stream masks exactly the bytes the brute-force reference covers."""
    raw = data.encode()
    edges = sorted({0, len(raw), *(c for c in cuts if c <= len(raw))})
    stream = StreamMask(secrets)
    out = b"".join(stream.feed(raw[a:b]) for a, b in itertools.pairwise(edges))
    out += stream.flush()
    expected = reference(raw, [s.encode() for s in secrets])
    assert runs_of_masks_as_one(out) == runs_of_masks_as_one(expected)


# --- fuzz: generated environments through a real command -----------------------------

SECRET_NAMES = ["GITHUB_TOKEN", "DB_PASSWORD", "X_API_KEY", "NPM_AUTH", "SESSION_COOKIE"]
PLAIN_NAMES = ["DATABASE_URL", "DEPLOY_ENV", "SERVICE_DSN", "REGION", "PYTHONPATH", "ACTIONS_URL"]
# Values to hide are digits, values to show are lower-case letters, so that no part of
# a hidden value can turn up in the detail by coincidence (its own text has no run of
# four digits).
HIDDEN = st.text("0123456789", min_size=12, max_size=40)
SHOWN = st.text("abcdefghijklmnopqrstuvwxyz", min_size=12, max_size=40)
CHILD = """\
import json, os, sys
json.dump(dict(os.environ), open("seen.json", "w"))
plan = json.load(open("plan.json"))
# Every value, listed or not (as if read from elsewhere), after the one that straddles
# the cut and colour codes that the detail drops.
tail = "\\n" + "".join(f"{n}={v}\\n" for n, v in plan["values"].items()) + "end\\n"
pad = plan["window"] - plan["kept"] - len(tail)
sys.stdout.write(plan["last"] + "\\x1b[0m" * (pad // 4) + "." * (pad % 4) + tail)
sys.exit(1)
"""


@st.composite
def environment(draw: st.DrawFn) -> tuple[dict[str, str], list[str], list[str]]:
    """(environment, names listed under `env`, names whose values must be hidden)."""
    names = draw(st.sets(st.sampled_from(SECRET_NAMES + PLAIN_NAMES), min_size=1))
    listed = sorted(draw(st.sets(st.sampled_from(sorted(names)))))
    hidden = [n for n in sorted(names) if n in listed or n in SECRET_NAMES]
    environ = {n: draw(HIDDEN if n in hidden else SHOWN) for n in sorted(names)}
    return environ, listed, hidden


@settings(max_examples=40, derandomize=True, deadline=None, database=None)
@given(case=environment(), data=st.data())
def test_generated_environments_are_scrubbed_and_masked(
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[dict[str, str], list[str], list[str]],
    data: st.DataObject,
) -> None:
    """40 generated environments (hypothesis, derandomize=True), each through a real
    command that prints every value and ends with one straddling the 64 KB cut: the
    command sees only the allow-list and the listed names, and the detail shows no part
    of a value that is secret-looking or listed."""
    environ, listed, hidden = case
    last = data.draw(st.sampled_from(sorted(environ)))
    kept = data.draw(st.integers(4, len(environ[last]) - 1))
    root = tmp_path_factory.mktemp("env")
    plan = {"values": environ, "last": environ[last], "kept": kept, "window": OUTPUT_KEEP}
    (root / "plan.json").write_text(json.dumps(plan))
    with mock.patch.dict(os.environ, environ):
        result = run_one(
            root, check("command", id="c", run=[sys.executable, "-c", CHILD], env=listed)
        )
    seen = json.loads((root / "seen.json").read_text())
    allowed = {*BASE_ENV, *listed}
    # LC_CTYPE: Python's own locale coercion (PEP 538); __CF_* and VERSIONER_*: macOS adds
    # them to every process it starts, even with an empty environment.
    ours = {n for n in seen if not n.startswith(("LC_", "__CF_", "VERSIONER_"))}
    assert ours <= allowed
    assert {n: seen[n] for n in listed} == {n: environ[n] for n in listed}
    assert not result.passed
    for name in hidden:
        assert not shows_any_part(result.detail, environ[name]), (name, result.detail)
    shown = [n for n in environ if n not in hidden]
    for n in shown:  # not over-masked
        assert f"{n}={environ[n]}" in result.detail, result.detail
