"""Reading a change: `git diff` from a real repository, and unified diff files.

A diff comes from the pull request: the reader is checked on everything git
writes (renames, quoted and spaced paths, binary files, deletions, "no newline"
markers, new files from /dev/null) and on input made to hurt it.
"""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from support.gitrepo import GIT_ENV, git
from support.refused_files import unopenable

from gate.errors import InputError
from gate.readers import diff as diff_reader
from gate.readers import git_diff
from gate.readers.diff import parse_diff, read_diff, unquote_c
from gate.readers.git_diff import git_changes


def write(repo: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


BASE = {
    "app/edit.py": "a = 1\nb = 2\nc = 3\n",
    "app/old name.py": "x = 1\ny = 2\nz = 3\nw = 4\n",
    'app/q"uote.py': "q = 1\n",
    "app/tést.py": "t = 1\n",
    "app/gone.py": "g = 1\n",
    "app/tail.py": "a = 1\nb = 2",  # no newline at the end
    "app/run.sh": "echo hi\n",
    "assets/logo.bin": b"\x00\x01\x02",
}
HEAD = {
    "app/edit.py": "a = 1\nB = 20\nc = 3\nd = 4\n",  # line 2 modified, line 4 added
    "app/new name.py": "x = 1\ny = 2\nz = 3\nw = 4\nv = 5\n",  # renamed, line 5 added
    'app/q"uote.py': "q = 1\nr = 2\n",
    "app/tést.py": "t = 1\nu = 2\n",
    "app/tail.py": "a = 1\nb = 3",  # line 2 modified, still no newline
    "app/fresh.py": "f = 1\ng = 2\n",  # a new file: from /dev/null
    "assets/logo.bin": b"\x00\x01\x03",
}
EXPECTED = {
    "app/edit.py": {2, 4},
    "app/new name.py": {5},
    'app/q"uote.py': {2},
    "app/tést.py": {2},
    "app/tail.py": {2},
    "app/fresh.py": {1, 2},
}


def start_repository(root: Path, files: dict[str, str | bytes]) -> None:
    """A new repository in `root`, its first commit (tag `base`) holding `files`."""
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "tag", "base")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """base: BASE; head: renames, edits, a deletion, a binary change, a mode change."""
    root = tmp_path_factory.mktemp("diff") / "repo"
    start_repository(root, BASE)
    git(root, "mv", "app/old name.py", "app/new name.py")
    git(root, "rm", "-q", "app/gone.py")
    write(root, HEAD)
    (root / "app/run.sh").chmod(0o755)
    git(root, "add", "-A")
    git(root, "add", "--chmod=+x", "app/run.sh")  # Windows: chmod sets no executable bit
    git(root, "commit", "-qm", "head")
    return root


def only(name: str):
    """A keep or present function true for `name` alone (and false, not
    NotImplemented, for anything that is no string)."""
    return lambda path: path == name


def lines(diff) -> dict[str, set[int]]:
    return {path: set(numbers) for path, numbers in diff.files.items()}


def test_git_changes_reads_every_kind_of_change(repo: Path) -> None:
    change = git_changes(repo, "base")
    assert lines(change) == EXPECTED
    assert change.base_sha == git(repo, "rev-parse", "base").strip()
    assert change.source == f"git diff {change.base_sha[:12]}...HEAD"


def test_a_diff_file_says_the_same_and_context_lines_never_count(repo: Path) -> None:
    """`git diff` as a user saves it: default context, quoted paths, a/ b/ prefixes."""
    saved = repo.parent / "change.diff"
    saved.write_bytes(subprocess.run(
        ["git", "diff", "base", "HEAD"], cwd=repo, capture_output=True, check=True,
        env={**os.environ, **GIT_ENV},
    ).stdout)  # fmt: skip
    assert b'"b/app/t\\303\\251st.py"' in saved.read_bytes()  # git's quoting, undone below
    assert b"\\ No newline at end of file" in saved.read_bytes()
    assert lines(read_diff(saved)) == EXPECTED


def test_a_diff_saved_with_crlf_line_endings_says_the_same(repo: Path) -> None:
    # Read as is, every name would end in "\r" and match no file: a change of
    # nothing, which passes any patch threshold.
    diff = subprocess.run(
        ["git", "diff", "base", "HEAD"], cwd=repo, capture_output=True, check=True,
        env={**os.environ, **GIT_ENV},
    ).stdout  # fmt: skip
    converted = diff.replace(b"\n", b"\r\n")
    assert lines(parse_diff(converted, "crlf.diff")) == EXPECTED


def test_a_crlf_file_in_a_diff_keeps_its_own_line_endings() -> None:
    # An LF diff of a file with CRLF lines: the "\r" belongs to the content.
    lf = b"--- a/w.py\n+++ b/w.py\n@@ -1,2 +1,3 @@\n a = 1\r\n+b = 2\r\n c = 3\r\n"
    assert lines(parse_diff(lf, "lf.diff")) == {"w.py": {2}}
    # The same diff converted to CRLF as a whole reads the same.
    assert lines(parse_diff(lf.replace(b"\n", b"\r\n"), "crlf.diff")) == {"w.py": {2}}


def test_the_first_file_header_decides_whether_the_diff_went_through_crlf() -> None:
    # A mail's preamble before it and a diff appended on Linux after it: the first
    # header's line ending tells, neither the first nor the last line of the text.
    converted = b"--- a/x.py\r\n+++ b/x.py\r\n@@ -0,0 +1 @@\r\n+a\r\n"
    appended = b"--- a/y.py\n+++ b/y.py\n@@ -0,0 +1 @@\n+b\n"
    text = b"Subject: change\n\n" + converted + appended
    assert lines(parse_diff(text, "mixed.diff")) == {"x.py": {1}, "y.py": {1}}


def test_a_diff_whose_files_the_checkout_lacks_is_refused() -> None:
    diff = b"--- a/x.py\n+++ b/x.py\n@@ -0,0 +1 @@\n+a\n--- a/y.py\n+++ b/y.py\n@@ -0,0 +1 @@\n+b\n"
    with pytest.raises(InputError) as caught:
        parse_diff(diff, "d.diff", present=lambda name: False)
    assert caught.value.message == (
        "d.diff: changes 2 file(s), none of them in the checkout (first: 'x.py'); "
        "a diff of another tree?"
    )
    assert caught.value.hint == (
        "make the diff in --root: `git diff --relative BASE...HEAD > change.diff`"
    )
    # One file the checkout has is enough: a monorepo diff also names other services'.
    assert lines(parse_diff(diff, "d.diff", present=only("y.py"))) == {"x.py": {1}, "y.py": {1}}
    # Deleted files are no evidence either way; a diff that only deletes is fine.
    deletion = b"--- a/x.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n"
    assert lines(parse_diff(deletion, "d.diff", present=lambda name: False)) == {}


def test_keep_limits_the_files(repo: Path) -> None:
    change = git_changes(repo, "base", keep=lambda p: p.startswith("app/new"))
    assert lines(change) == {"app/new name.py": {5}}


def test_the_diff_starts_at_the_merge_base(tmp_path: Path) -> None:
    """Commits on the base branch after the fork are not the pull request's."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, {"a.py": "1\n", "b.py": "1\n"})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    write(root, {"a.py": "1\n2\n"})
    git(root, "commit", "-qam", "feature")
    git(root, "checkout", "-q", "main")
    write(root, {"b.py": "1\n2\n3\n"})
    git(root, "commit", "-qam", "main moved on")
    git(root, "checkout", "-q", "feature")
    assert lines(git_changes(root, "main")) == {"a.py": {2}}
    # Any revision git knows will do; only a leading "-" and line breaks are refused.
    git(root, "tag", "Xmas-2026", "main")
    assert lines(git_changes(root, "Xmas-2026")) == {"a.py": {2}}


@pytest.mark.parametrize("ref", ["--output=/tmp/x", "", "main\n", "main\r", "ma\x00in"])
def test_a_revision_that_looks_like_an_option_or_holds_a_line_break_is_refused(
    repo: Path, ref: str
) -> None:
    with pytest.raises(InputError) as caught:
        git_changes(repo, ref)
    assert caught.value.message == f"--diff-base {ref!r}: not a git revision"


def test_an_unknown_base_names_the_problem_and_the_fix(repo: Path) -> None:
    with pytest.raises(InputError) as caught:
        git_changes(repo, "origin/nowhere")
    assert "no merge base of origin/nowhere and HEAD" in caught.value.message
    assert "fetch-depth: 0" in (caught.value.hint or "")


def test_git_output_over_the_bound_is_refused(repo: Path, monkeypatch) -> None:
    # `git merge-base` writes 41 bytes (a SHA-1 and a newline): exactly the bound
    # passes, and the diff after it is refused; one byte less refuses merge-base.
    monkeypatch.setattr(git_diff, "MAX_DIFF_BYTES", 41)
    with pytest.raises(InputError) as caught:
        git_changes(repo, "base")
    sha = git(repo, "rev-parse", "base").strip()
    assert (
        caught.value.message
        == f"git diff {sha[:12]} HEAD failed: more than 0 MiB of output; refused"
    )
    monkeypatch.setattr(git_diff, "MAX_DIFF_BYTES", 40)
    with pytest.raises(InputError) as caught:
        git_changes(repo, "base")
    assert caught.value.message.startswith("no merge base of base and HEAD: more than")


def commit_change(root: Path, base: dict[str, str | bytes], head: dict[str, str | bytes]) -> None:
    """A repository in `root` whose tag `base` holds `base`; HEAD adds `head` to it."""
    start_repository(root, base)
    write(root, head)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "head")


def test_asking_for_one_file_finds_its_lines_whatever_else_changed(repo: Path) -> None:
    # `--name-status -z` gives a rename two paths: read as one, or as three, the
    # fields after it shift and a kept file is lost (a change of nothing passes).
    for name, numbers in EXPECTED.items():
        assert lines(git_changes(repo, "base", keep=only(name))) == {name: numbers}


@pytest.mark.skipif(os.name == "nt", reason="a Windows file name holds no ':'")
def test_file_names_are_literal_pathspecs(tmp_path: Path) -> None:
    """A name that is pathspec magic for git is named to git as it is
    (GIT_LITERAL_PATHSPECS): as magic, ":(glob)a.py" would be "a.py", unchanged,
    and the file's line would be lost."""
    root = tmp_path / "repo"
    commit_change(root, {"a.py": "a\n"}, {":(glob)a.py": "g\n"})
    assert lines(git_changes(root, "base", keep=lambda name: True)) == {":(glob)a.py": {1}}


@pytest.mark.skipif(sys.platform != "linux", reason="Windows and macOS keep UTF-8 names only")
def test_a_file_whose_name_and_line_are_no_utf8_is_read(tmp_path: Path) -> None:
    """A Latin-1 file: git names it as it is (`-z`, decoded with surrogateescape),
    it is named back to git the same, and its quoted name and line are read with
    U+FFFD for what is no UTF-8, never an error."""
    root = tmp_path / "repo"
    start_repository(root, {"a.py": "a\n"})
    os.makedirs(os.fsencode(root / "d"))
    Path(os.fsdecode(os.fsencode(root / "d") + b"/caf\xe9.py")).write_bytes(b"caf\xe9 = 1\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "latin-1 name")
    expected = {"d/caf\ufffd.py": {1}}
    assert lines(git_changes(root, "base", keep=lambda name: True)) == expected
    assert lines(git_changes(root, "base")) == expected


def test_changes_to_unkept_files_cost_nothing(tmp_path: Path, monkeypatch) -> None:
    """A pull request that vendors megabytes: only the kept files are diffed, so the
    output bound sees their lines alone."""
    root = tmp_path / "repo"
    commit_change(root, {"app.py": "a\n"}, {"app.py": "a\nb\n", "vendor/lib.js": "x\n" * 4000})
    monkeypatch.setattr(git_diff, "MAX_DIFF_BYTES", 2000)
    assert lines(git_changes(root, "base", keep=only("app.py"))) == {"app.py": {2}}
    nothing = git_changes(root, "base", keep=only("docs.py"))  # kept files unchanged
    assert (nothing.files, nothing.source) == ({}, f"git diff {nothing.base_sha[:12]}...HEAD")
    with pytest.raises(InputError, match="more than"):
        git_changes(root, "base")  # everything kept: the bound holds


def test_at_most_max_pathspecs_kept_files_are_named_to_git(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "repo"
    bound = git_diff.MAX_PATHSPECS
    kept = {f"k/f{n:04}.py": "x\n" for n in range(bound + 1)}
    commit_change(root, {"a.py": "a\n"}, {**kept, "a.py": "a\nb\n"})  # a.py: never kept
    trace = tmp_path / "trace"
    monkeypatch.setenv("GIT_TRACE", str(trace))

    def pathspecs(keep) -> list[int]:
        """For each `git diff -U0` git ran: how many paths followed `--`."""
        trace.write_text("")
        found = lines(git_changes(root, "base", keep=keep))
        assert len(found) == len([n for n in range(bound + 1) if keep(f"k/f{n:04}.py")])
        runs = [line for line in trace.read_text().splitlines() if " -U0 " in line]
        return [len(line.split(" -- ", 1)[1].split()) if " -- " in line else 0 for line in runs]

    assert pathspecs(lambda name: name.startswith("k/") and name != "k/f0000.py") == [
        bound
    ]  # exactly at the bound
    assert pathspecs(lambda name: name.startswith("k/")) == [0]  # one more: all diffed


def test_git_says_why_it_failed_in_english(repo: Path, monkeypatch) -> None:
    # The user's language must not reach git: its message is shown as is, and
    # "shallow" in it picks the hint. (LANGUAGE is honoured in any locale but C.)
    monkeypatch.setenv("LANGUAGE", "de")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    with pytest.raises(InputError) as caught:
        git_changes(repo, "origin/nowhere")
    assert caught.value.message == (
        f"no merge base of origin/nowhere and HEAD in {repo}: "
        "fatal: Not a valid object name origin/nowhere"
    )


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for git")
def test_git_saying_shallow_gives_the_hint_whichever_command_failed(
    repo: Path, tmp_path: Path, monkeypatch
) -> None:
    """The fetch-depth hint also follows git's own words: here the diff, after
    merge-base found the base, dies as git does when a fetch rewrote .git/shallow
    under it (git, except that `diff` says so, stands first on PATH)."""
    real = shutil.which("git")
    assert real is not None
    stand_in = tmp_path / "bin" / "git"
    stand_in.parent.mkdir()
    stand_in.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do if [ "$arg" = diff ]; then\n'
        "  echo 'fatal: shallow file has changed since we read it' >&2; exit 128\n"
        "fi; done\n"
        f'exec "{real}" "$@"\n'
    )
    stand_in.chmod(0o755)
    monkeypatch.setenv("PATH", f"{stand_in.parent}{os.pathsep}{os.environ['PATH']}")
    sha = git(repo, "merge-base", "base", "HEAD").strip()
    with pytest.raises(InputError) as caught:
        git_changes(repo, "base")
    assert caught.value.message == (
        f"git diff {sha[:12]} HEAD failed in {repo}: "
        "fatal: shallow file has changed since we read it"
    )
    assert caught.value.hint == git_diff.SHALLOW_HINT


def test_gits_message_is_cut_to_300_characters(repo: Path) -> None:
    ref = "x" * 400
    with pytest.raises(InputError) as caught:
        git_changes(repo, ref)
    said = caught.value.message.removeprefix(f"no merge base of {ref} and HEAD in {repo}: ")
    assert said == f"fatal: Not a valid object name {ref}"[:299] + "…"


@pytest.mark.skipif(os.name == "nt", reason="a Windows command line is UTF-16: no such ref")
def test_gits_message_is_read_whatever_its_bytes(repo: Path) -> None:
    latin1 = os.fsdecode(b"caf\xe9")  # a ref as the command line gives it: not UTF-8
    with pytest.raises(InputError) as caught:
        git_changes(repo, latin1)
    assert caught.value.message.endswith(": fatal: Not a valid object name caf\ufffd")


def test_a_base_with_no_common_history_says_git_found_none(tmp_path: Path) -> None:
    """`git merge-base` exits 1 and says nothing: the message says how git ended."""
    root, other = tmp_path / "repo", tmp_path / "other"
    commit_change(root, {"a.py": "a\n"}, {"a.py": "b\n"})
    commit_change(other, {"o.py": "a\n"}, {"o.py": "b\n"})
    git(root, "fetch", "-q", str(other), "main:refs/heads/unrelated")
    with pytest.raises(InputError) as caught:
        git_changes(root, "unrelated")
    assert caught.value.message == f"no merge base of unrelated and HEAD in {root}: git exited 1"
    assert "fetch-depth: 0" in (caught.value.hint or "")


def test_no_git_on_the_path_is_refused_with_the_reason(repo: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "nowhere"))
    with pytest.raises(InputError) as caught:
        git_changes(repo, "base")
    why = (
        "The system cannot find the file specified"
        if os.name == "nt"
        else "No such file or directory"
    )
    assert caught.value.message == f"cannot run git: {why}"


def test_the_output_bound_is_named_in_mib(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "repo"
    commit_change(root, {"a.py": "a\n"}, {"big.py": "x\n" * 400_000})  # 1.2 MB of diff
    monkeypatch.setattr(git_diff, "MAX_DIFF_BYTES", 2**20)
    with pytest.raises(InputError, match=r"HEAD failed: more than 1 MiB of output; refused$"):
        git_changes(root, "base")


def test_a_broken_repository_is_refused_with_gits_message(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    commit_change(root, {"s/a.py": "a\n"}, {"s/a.py": "a\nb\n"})
    tree = git(root, "rev-parse", "HEAD:s").strip()
    loose = root / ".git/objects" / tree[:2] / tree[2:]
    loose.chmod(0o644)  # git writes objects read-only (Windows refuses to remove those)
    loose.unlink()  # HEAD's tree of s/ is gone
    with pytest.raises(InputError) as caught:
        git_changes(root, "base", keep=lambda name: True)
    assert caught.value.message == (
        f"git diff --name-status in {root}: fatal: unable to read tree {tree}"
    )
    assert caught.value.hint is None


def partial_clone(tmp_path: Path) -> Path:
    """A clone made with `--filter=blob:none` (actions/checkout's `filter`): it
    checks out HEAD's a.py; the base's a.py stays on the remote until diffed."""
    origin = tmp_path / "origin"
    commit_change(origin, {"a.py": "a\n"}, {"a.py": "a\nb\n"})
    git(origin, "config", "uploadpack.allowFilter", "true")
    git(tmp_path, "clone", "-q", "--filter=blob:none", origin.as_uri(), "clone")
    return tmp_path / "clone"


@pytest.mark.skipif(os.name != "posix", reason="git's process group is killed as one on POSIX")
def test_a_remote_that_never_answers_ends_at_the_timeout(tmp_path: Path, monkeypatch) -> None:
    """git's lazy fetch from a stalled remote: git and the fetch it started (which
    holds git's output open) are killed at GIT_TIMEOUT, and the message says so."""
    clone = partial_clone(tmp_path)
    sha = git(clone, "rev-parse", "base").strip()
    outcome: list[BaseException] = []

    def check() -> None:
        try:
            git_changes(clone, "base")
        except InputError as exc:
            outcome.append(exc)

    with socket.create_server(("127.0.0.1", 0)) as server:  # connects, never answers
        port = server.getsockname()[1]
        git(clone, "remote", "set-url", "origin", f"http://127.0.0.1:{port}/repo.git")
        monkeypatch.setattr(git_diff, "GIT_TIMEOUT", 1.0)
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        worker = threading.Thread(target=check, daemon=True)
        worker.start()
        worker.join(30)  # with git alone killed, the fetch kept the read waiting
        assert not worker.is_alive()
    assert [str(exc) for exc in outcome] == [
        f"git diff {sha[:12]} HEAD failed: git did not finish within 1 s"
    ]


@pytest.mark.skipif(os.name != "posix", reason="git's process group is killed as one on POSIX")
def test_killing_git_as_it_exits_is_no_error() -> None:
    """The timer may fire just as git finishes: its process group is gone by then
    (ESRCH), which is no error; nothing is left to kill."""
    proc = subprocess.Popen(["git", "--version"], stdout=subprocess.DEVNULL, start_new_session=True)
    assert proc.wait() == 0
    git_diff._kill(proc)  # the group is gone: nothing raised
    assert proc.returncode == 0


@pytest.mark.skipif(os.name != "posix", reason="git's process group is killed as one on POSIX")
def test_an_interrupted_gate_kills_git_and_the_fetch_it_started(
    tmp_path: Path, monkeypatch
) -> None:
    """Ctrl-C while git's lazy fetch waits on a stalled remote: the interrupt goes on,
    and git with its fetch is killed at once (the remote sees the connection close),
    not left running after the gate."""
    clone = partial_clone(tmp_path)
    seen: list[str] = []

    def stalled_remote(server: socket.socket) -> None:
        conn, _ = server.accept()
        with conn:
            conn.settimeout(20)
            conn.recv(1 << 16)  # the fetch's request, never answered
            os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C
            try:
                while conn.recv(1 << 16):
                    pass
                seen.append("closed")
            except ConnectionResetError:
                seen.append("closed")
            except TimeoutError:
                seen.append("still open")

    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        git(clone, "remote", "set-url", "origin", f"http://127.0.0.1:{port}/repo.git")
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        remote = threading.Thread(target=stalled_remote, args=(server,), daemon=True)
        remote.start()
        with pytest.raises(KeyboardInterrupt):
            git_changes(clone, "base")
        remote.join(30)
    assert seen == ["closed"]


class _Unauthorized(http.server.BaseHTTPRequestHandler):
    """A git remote that wants credentials for everything."""

    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="git"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        pass


def test_git_never_asks_for_credentials(tmp_path: Path, monkeypatch) -> None:
    """A partial clone (`fetch-depth: 0, filter: blob:none`) fetches the base's
    files when diffing; a remote that wants credentials is refused at once, never
    a prompt that waits on the terminal (GIT_TERMINAL_PROMPT=0)."""
    clone = partial_clone(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Unauthorized)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        git(clone, "remote", "set-url", "origin", f"{url}/repo.git")
        monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)  # no credential helper
        monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for name in ("GIT_ASKPASS", "SSH_ASKPASS"):
            monkeypatch.delenv(name, raising=False)
        with pytest.raises(InputError) as caught:
            git_changes(clone, "base")
    finally:
        server.shutdown()
    assert f"could not read Username for '{url}': terminal prompts disabled" in str(caught.value)


# --- diff files ------------------------------------------------------------------------------


def test_a_new_file_and_a_plain_diff_u(tmp_path: Path) -> None:
    text = (
        "--- /dev/null\n+++ b/src/n.py\n@@ -0,0 +1,2 @@\n+a\n+b\n"
        "--- src/m.py\t2026-01-01 00:00:00\n+++ src/m.py\t2026-01-02 00:00:00\n"
        "@@ -3,2 +3,3 @@\n c\n-d\n+D\n+e\n"
        "--- ./src//o.py\n+++ ./src//o.py\n@@ -0,0 +1 @@\n+o\n"  # `diff -u ./src//o.py ...`
    )
    assert lines(parse_diff(text.encode(), "t.diff")) == {
        "src/n.py": {1, 2},
        "src/m.py": {4, 5},
        "src/o.py": {1},
    }


def test_an_empty_diff_is_no_change_and_text_that_is_no_diff_is_refused() -> None:
    assert parse_diff(b"", "empty.diff").files == {}
    with pytest.raises(InputError) as caught:
        parse_diff(b"hello\nthis is a README\n", "readme.diff")
    assert str(caught.value) == (
        "readme.diff: no file header (`--- a/...`, `+++ b/...`); not a unified diff"
    )
    with pytest.raises(InputError) as caught:
        parse_diff(b"--- a/x\n+++ b/x\n@@ -1,5 +1,9 @@\n+only one line\n", "short.diff")
    # unidiff's own words say what is wrong with it.
    assert str(caught.value) == "short.diff: not a unified diff: 'Hunk is shorter than expected'"


@pytest.mark.parametrize(
    "target",
    ["b/../../etc/passwd", "/etc/passwd", "b/app/../../x.py", '"b/a\\000b.py"', '""'],
)
def test_a_path_that_leaves_the_repository_is_refused(target: str) -> None:
    text = f"--- a/x.py\n+++ {target}\n@@ -0,0 +1 @@\n+x\n"
    with pytest.raises(InputError) as caught:
        parse_diff(text.encode(), "evil.diff")
    assert caught.value.message == f"evil.diff: file {target!r} is not a path inside the repository"


@pytest.mark.parametrize(
    "line",
    [
        "diff --git " + "://" * 4000,  # unidiff's URL pattern: quadratic in the line
        "diff --git ://" + " " * 8200 + "://",  # two URLs, but too long for that pattern
        "Binary files " + "x and " * 2000,  # its binary pattern, without the ending
        "diff --git a/" + "x" * diff_reader.MAX_HEADER_CHARS + " b/x",
        "Binary files a/" + "x" * diff_reader.MAX_HEADER_CHARS + " and b/x differ",
    ],
)
def test_header_lines_no_git_writes_are_refused_before_parsing(line: str) -> None:
    with pytest.raises(InputError, match=r"^evil\.diff: line 2 is no diff header git writes"):
        parse_diff(f"--- a/x.py\n{line}\n".encode(), "evil.diff")


def test_the_header_bounds_let_a_line_of_exactly_their_length_through() -> None:
    def header(start: str, end: str, length: int) -> str:
        return start + "x" * (length - len(start) - len(end)) + end

    url, plain = diff_reader.MAX_URL_HEADER_CHARS, diff_reader.MAX_HEADER_CHARS
    for line, length in [
        (header("diff --git file://a", " file://b", url), url),  # two URLs
        (header("diff --git a/", " b/x", plain), plain),
        (header("Binary files a/x and b/", " differ", plain), plain),
    ]:
        assert len(line) == length
        parse_diff(f"{line}\n".encode(), "edge.diff", keep=lambda name: False)
        longer = line.replace("x", "xx", 1)
        with pytest.raises(InputError, match="is no diff header git writes"):
            parse_diff(f"{longer}\n".encode(), "edge.diff")
    with pytest.raises(InputError, match="is no diff header git writes"):
        parse_diff(b"diff --git file://a file://b ://c\n", "three.diff")


def test_a_header_naming_two_quoted_paths_of_path_max_bytes_is_read() -> None:
    # git quotes every non-ASCII byte as four characters: 2048 "é" are 4096 bytes.
    name = "\\303\\251" * 2048
    binary = "\\303\\251" * 2046 + ".bin"  # 4,096 bytes too
    text = (
        f'diff --git "a/{name}" "b/{name}"\nnew file mode 100644\n'
        f'--- /dev/null\n+++ "b/{name}"\n@@ -0,0 +1 @@\n+x\n'
        f'diff --git "a/{binary}" "b/{binary}"\n'
        f'Binary files "a/{binary}" and "b/{binary}" differ\n'
    )
    assert lines(parse_diff(text.encode(), "long.diff")) == {"é" * 2048: {1}}


@pytest.mark.skipif(
    sys.platform != "linux", reason="PATH_MAX is 1,024 bytes on macOS, MAX_PATH 260 on Windows"
)
def test_a_long_non_ascii_path_in_git_is_read(tmp_path: Path) -> None:
    """1,920 bytes of "é" (within PATH_MAX), quoted by git to 7,680 characters a side:
    the `diff --git` line is git's own, not one to refuse."""
    root = tmp_path / "repo"
    name = "/".join(["é" * 120] * 8) + ".py"
    commit_change(root, {"a.py": "a\n"}, {name: "x\n"})
    assert lines(git_changes(root, "base")) == {name: {1}}
    assert lines(git_changes(root, "base", keep=only(name))) == {name: {1}}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_diff_file_must_be_a_regular_file_within_the_size_bound(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.diff"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file; refused unread"):
        read_diff(fifo)  # refused without blocking on the pipe
    with pytest.raises(InputError, match="is a directory"):
        read_diff(tmp_path)
    with pytest.raises(InputError, match="file not found"):
        read_diff(tmp_path / "missing.diff")
    big = tmp_path / "big.diff"
    with big.open("wb") as handle:
        handle.truncate(diff_reader.MAX_DIFF_BYTES + 1)
    with pytest.raises(InputError) as info:
        read_diff(big)
    assert str(info.value) == f"{big}: larger than 32 MiB; refused as a diff"


def test_a_diff_of_exactly_the_byte_limit_is_read_whole(tmp_path: Path) -> None:
    head = b"--- a/x.py\n+++ b/x.py\n@@ -0,0 +1 @@\n+"
    path = tmp_path / "exact.diff"
    path.write_bytes(head + b"a" * (diff_reader.MAX_DIFF_BYTES - len(head) - 1) + b"\n")
    assert path.stat().st_size == diff_reader.MAX_DIFF_BYTES
    assert lines(read_diff(path)) == {"x.py": {1}}


def test_a_diff_file_that_cannot_be_opened_is_refused_with_the_reason(tmp_path: Path) -> None:
    path = unopenable(tmp_path)
    with pytest.raises(InputError) as info:
        read_diff(path)
    assert str(info.value) == f"{path}: cannot read: Permission denied"


def test_read_diff_passes_on_what_to_keep_and_what_the_checkout_has(tmp_path: Path) -> None:
    path = tmp_path / "d.diff"
    path.write_bytes(
        b"--- a/x.py\n+++ b/x.py\n@@ -0,0 +1 @@\n+a\n--- a/y.py\n+++ b/y.py\n@@ -0,0 +1 @@\n+b\n"
    )
    assert lines(read_diff(path)) == {"x.py": {1}, "y.py": {1}}
    assert lines(read_diff(path, keep=only("x.py"))) == {"x.py": {1}}
    with pytest.raises(InputError, match="none of them in the checkout"):
        read_diff(path, present=lambda name: False)


def test_only_a_name_quoted_at_both_ends_is_unquoted() -> None:
    text = b'--- a/x"\n+++ b/x"\n@@ -0,0 +1 @@\n+a\n--- "a/\\"y"\n+++ "b/\\"y"\n@@ -0,0 +1 @@\n+b\n'
    assert lines(parse_diff(text, "q.diff")) == {'x"': {1}, '"y': {1}}


def test_binary_deleted_and_mode_only_changes_add_no_lines() -> None:
    text = (
        "diff --git a/x.bin b/x.bin\nindex 1..2 100644\nBinary files a/x.bin and b/x.bin differ\n"
        "diff --git a/gone.py b/gone.py\ndeleted file mode 100644\nindex 1..0\n"
        "--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-g = 1\n"
        "diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n"
    )
    assert parse_diff(text.encode(), "t.diff").files == {}


@pytest.mark.parametrize(
    "binary",
    [
        "Binary files a/x.bin and b/x.bin differ\r",  # a CRLF line in a diff read as LF
        "Binary file x.bin has changed",  # the other ending unidiff's pattern reads
    ],
)
def test_a_binary_line_ending_as_unidiff_reads_it_adds_no_lines(binary: str) -> None:
    text = (
        "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -0,0 +1 @@\n+x = 1\n"
        f"diff --git a/x.bin b/x.bin\nindex 1..2 100644\n{binary}\n"
    )
    assert lines(parse_diff(text.encode(), "t.diff")) == {"x.py": {1}}


def test_a_refused_header_line_is_shown_in_the_message() -> None:
    with pytest.raises(InputError) as caught:
        parse_diff(b"--- a/x.py\nBinary files x and y\n", "evil.diff")
    assert caught.value.message == (
        "evil.diff: line 2 is no diff header git writes "
        "(20 characters: 'Binary files x and y'); refused"
    )


@pytest.mark.parametrize(
    ("quoted", "path"),
    [
        ("t\\303\\251st.py", "tést.py"),
        ('q\\"uote\\\\x.py', 'q"uote\\x.py'),
        ("tab\\there", "tab\there"),
        # Bytes that are no UTF-8 (a Latin-1 name): each becomes U+FFFD, never an error.
        ("caf\\351.py", "caf\ufffd.py"),
        # A name as os.fsdecode gives it (surrogate escapes) keeps its bytes the same way.
        ("caf\udce9.py", "caf\ufffd.py"),
    ],
)
def test_git_c_style_quoting_is_undone(quoted: str, path: str) -> None:
    assert unquote_c(quoted) == path
