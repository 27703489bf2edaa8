"""Reading a change: `git diff` from a real repository, and unified diff files.

A diff comes from the pull request: the reader is checked on everything git
writes (renames, quoted and spaced paths, binary files, deletions, "no newline"
markers, new files from /dev/null) and on input made to hurt it.
"""

from __future__ import annotations

import os
import subprocess
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


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """base: BASE; head: renames, edits, a deletion, a binary change, a mode change."""
    root = tmp_path_factory.mktemp("diff") / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, BASE)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "tag", "base")
    git(root, "mv", "app/old name.py", "app/new name.py")
    git(root, "rm", "-q", "app/gone.py")
    write(root, HEAD)
    (root / "app/run.sh").chmod(0o755)
    git(root, "add", "-A")
    git(root, "add", "--chmod=+x", "app/run.sh")  # Windows: chmod sets no executable bit
    git(root, "commit", "-qm", "head")
    return root


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


def test_a_diff_whose_files_the_checkout_lacks_is_refused() -> None:
    diff = b"--- a/x.py\n+++ b/x.py\n@@ -0,0 +1 @@\n+a\n--- a/y.py\n+++ b/y.py\n@@ -0,0 +1 @@\n+b\n"
    with pytest.raises(
        InputError, match=r"d.diff: changes 2 file\(s\), none of them in the checkout"
    ):
        parse_diff(diff, "d.diff", present=lambda name: False)
    # One file the checkout has is enough: a monorepo diff also names other services'.
    assert lines(parse_diff(diff, "d.diff", present="y.py".__eq__)) == {"x.py": {1}, "y.py": {1}}
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


def test_a_revision_that_looks_like_an_option_is_refused(repo: Path) -> None:
    with pytest.raises(InputError, match="not a git revision"):
        git_changes(repo, "--output=/tmp/x")


def test_an_unknown_base_names_the_problem_and_the_fix(repo: Path) -> None:
    with pytest.raises(InputError) as caught:
        git_changes(repo, "origin/nowhere")
    assert "no merge base of origin/nowhere and HEAD" in caught.value.message
    assert "fetch-depth: 0" in (caught.value.hint or "")


def test_git_output_over_the_bound_is_refused(repo: Path, monkeypatch) -> None:
    monkeypatch.setattr(git_diff, "MAX_DIFF_BYTES", 64)
    with pytest.raises(InputError, match="more than"):
        git_changes(repo, "base")


# --- diff files ------------------------------------------------------------------------------


def test_a_new_file_and_a_plain_diff_u(tmp_path: Path) -> None:
    text = (
        "--- /dev/null\n+++ b/src/n.py\n@@ -0,0 +1,2 @@\n+a\n+b\n"
        "--- src/m.py\t2026-01-01 00:00:00\n+++ src/m.py\t2026-01-02 00:00:00\n"
        "@@ -3,2 +3,3 @@\n c\n-d\n+D\n+e\n"
    )
    assert lines(parse_diff(text.encode(), "t.diff")) == {"src/n.py": {1, 2}, "src/m.py": {4, 5}}


def test_an_empty_diff_is_no_change_and_text_that_is_no_diff_is_refused() -> None:
    assert parse_diff(b"", "empty.diff").files == {}
    with pytest.raises(InputError, match="not a unified diff"):
        parse_diff(b"hello\nthis is a README\n", "readme.diff")
    with pytest.raises(InputError, match="not a unified diff"):
        parse_diff(b"--- a/x\n+++ b/x\n@@ -1,5 +1,9 @@\n+only one line\n", "short.diff")


@pytest.mark.parametrize(
    "target",
    ["b/../../etc/passwd", "/etc/passwd", "b/app/../../x.py", '"b/a\\000b.py"'],
)
def test_a_path_that_leaves_the_repository_is_refused(target: str) -> None:
    text = f"--- a/x.py\n+++ {target}\n@@ -0,0 +1 @@\n+x\n"
    with pytest.raises(InputError, match="not a path inside the repository"):
        parse_diff(text.encode(), "evil.diff")


@pytest.mark.parametrize(
    "line",
    [
        "diff --git " + "://" * 4000,  # unidiff's URL pattern: quadratic in the line
        "Binary files " + "x and " * 2000,  # its binary pattern, without the ending
        "diff --git a/" + "x" * 9000 + " b/x",
    ],
)
def test_header_lines_no_git_writes_are_refused_before_parsing(line: str) -> None:
    with pytest.raises(InputError, match="is no diff header git writes"):
        parse_diff(f"{line}\n".encode(), "evil.diff")


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
    assert lines(read_diff(path, keep="x.py".__eq__)) == {"x.py": {1}}
    with pytest.raises(InputError, match="none of them in the checkout"):
        read_diff(path, present=lambda name: False)


def test_binary_deleted_and_mode_only_changes_add_no_lines() -> None:
    text = (
        "diff --git a/x.bin b/x.bin\nindex 1..2 100644\nBinary files a/x.bin and b/x.bin differ\n"
        "diff --git a/gone.py b/gone.py\ndeleted file mode 100644\nindex 1..0\n"
        "--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-g = 1\n"
        "diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n"
    )
    assert parse_diff(text.encode(), "t.diff").files == {}


@pytest.mark.parametrize(
    ("quoted", "path"),
    [
        ("t\\303\\251st.py", "tést.py"),
        ('q\\"uote\\\\x.py', 'q"uote\\x.py'),
        ("tab\\there", "tab\there"),
    ],
)
def test_git_c_style_quoting_is_undone(quoted: str, path: str) -> None:
    assert unquote_c(quoted) == path
