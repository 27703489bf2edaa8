"""Paths as reports write them -> repository paths (gate.core.paths), checked on a tree
on disk: absolute, relative with `..` and `./`, Windows separators and drives,
container paths, and the config's `paths` remapping."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gate.core.paths import (
    MAX_PATH,
    PathResolver,
    UnusablePath,
    escapes,
    is_file,
    normalise,
    unusable,
)
from gate.readers import read_coverage


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for rel in ("src/app/client.py", "src/app/__init__.py", "lib/util.py", "shop/x.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    return tmp_path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("src/app/client.py", "src/app/client.py"),
        ("./src/app/client.py", "src/app/client.py"),
        ("src//app/./client.py", "src/app/client.py"),
        ("src/other/../app/client.py", "src/app/client.py"),
        ("src\\app\\client.py", "src/app/client.py"),
        (".\\src\\app\\client.py", "src/app/client.py"),
        ("C:\\runner\\work\\repo\\repo\\src\\app\\client.py", "src/app/client.py"),
        ("c:/Users/dev/proj/src/app/client.py", "src/app/client.py"),
        ("D:\\XXXX\\src\\app\\client.py", "src/app/client.py"),  # a checkout at D:\XXXX
        ("D:\\ci\\src\\app\\client.py", "src/app/client.py"),
        # a checkout at the root of a container (COPY . /) or of a drive
        ("/src/app/client.py", "src/app/client.py"),
        ("C:\\src\\app\\client.py", "src/app/client.py"),
        ("/home/runner/work/repo/repo/src/app/client.py", "src/app/client.py"),
        ("/app/src/app/client.py", "src/app/client.py"),  # a container's copy of the tree
        ("/usr/src/app/lib/util.py", "lib/util.py"),
    ],
)
def test_report_paths_resolve_to_the_file_on_disk(tree: Path, raw: str, expected: str) -> None:
    assert PathResolver(tree).resolve(raw) == expected


def test_absolute_paths_under_the_root(tree: Path) -> None:
    resolver = PathResolver(tree)
    assert resolver.resolve(str(tree / "lib" / "util.py")) == "lib/util.py"
    assert resolver.resolve(str(tree) + "/src/../lib/util.py") == "lib/util.py"


@pytest.mark.parametrize(
    "folder", ["repo", "repo ", "  ", "build-X"], ids=["plain", "space-at-the-end", "blank", "X"]
)
def test_an_absolute_path_under_the_root_is_relative_even_when_not_checked_out(
    tmp_path: Path, folder: str
) -> None:
    """Under the root is under the root, whatever the root's name ends with."""
    if os.name == "nt" and folder != folder.rstrip():
        pytest.skip("Windows drops the spaces a folder name ends with")
    root = tmp_path / folder
    root.mkdir()
    assert PathResolver(root).resolve(f"{root}/app/gone.py") == "app/gone.py"


@pytest.mark.parametrize("name", ["C:\\x.py", "C:/", "D:\\build\\x.py"])
def test_a_windows_path_from_another_machine_is_kept_as_written(tmp_path: Path, name: str) -> None:
    """Nothing here matches it: the name itself, normalised, and no error."""
    assert PathResolver(tmp_path).resolve(name) == name.replace("\\", "/")


def test_an_empty_source_root_adds_no_candidate(tree: Path) -> None:
    """Cobertura's `<source></source>`: the name is tried as written, not as a
    suffix of `/name` (shop/x.py is in the tree, so is x.py here)."""
    (tree / "x.py").write_text("")
    assert PathResolver(tree).resolve("shop/x.py", [""]) == "shop/x.py"


def test_source_roots_of_the_report(tree: Path) -> None:
    resolver = PathResolver(tree)
    assert resolver.resolve("app/client.py", ["/ci/checkout/src"]) == "src/app/client.py"
    assert resolver.resolve("client.py", ["C:\\ci\\src\\app"]) == "src/app/client.py"
    assert resolver.resolve("util.py", ["--source", "lib"]) == "lib/util.py"


def test_a_name_is_looked_up_once_and_resolves_the_same_way_every_time(tree: Path) -> None:
    """Every mention of a name in the reports maps to one file: the first answer is kept."""
    resolver = PathResolver(tree)
    assert resolver.resolve("/ci/work/lib/util.py") == "lib/util.py"
    (tree / "lib/util.py").unlink()
    assert resolver.resolve("/ci/work/lib/util.py") == "lib/util.py"
    assert PathResolver(tree).resolve("/ci/work/lib/util.py") == "/ci/work/lib/util.py"


def test_the_files_given_are_the_repository_not_what_is_on_disk(tmp_path: Path) -> None:
    """Given the scanned repository's files, a report path resolves against them: a
    copy under a directory the scan skips (build/) is not a source file."""
    (tmp_path / "build/lib/app").mkdir(parents=True)
    (tmp_path / "build/lib/app/x.py").touch()
    resolver = PathResolver(tmp_path, files=frozenset({"app/x.py"}))
    assert resolver.resolve("/ci/work/build/lib/app/x.py") == "app/x.py"
    assert PathResolver(tmp_path).resolve("/ci/work/build/lib/app/x.py") == "build/lib/app/x.py"


@pytest.mark.parametrize("alias", ["/", "C:\\"])
def test_paths_remap_a_file_system_root(tree: Path, alias: str) -> None:
    """Sources that sat at the root of the machine that measured them."""
    name = alias.replace("\\", "/") + "client.py"
    assert PathResolver(tree).resolve(name) == name  # nothing here by that name
    assert PathResolver(tree, {"src/app": (alias,)}).resolve(name) == "src/app/client.py"


@pytest.mark.parametrize(
    ("path", "outside"),
    [("..", True), ("../x.py", True), ("..x.py", False), ("x/..y", False), ("x.py", False)],
)
def test_escapes_is_a_climb_out_of_the_root(path: str, outside: bool) -> None:
    assert escapes(path) is outside


def test_paths_remap_a_prefix_that_does_not_exist_here(tree: Path) -> None:
    """`paths: {src: [/app/code]}`: the container copied src/ to /app/code, so no
    suffix of the recorded path exists in the checkout."""
    plain = PathResolver(tree)
    assert plain.resolve("/app/code/app/client.py") != "src/app/client.py"
    remapped = PathResolver(tree, {"src": ("/app/code",)})
    assert remapped.resolve("/app/code/app/client.py") == "src/app/client.py"
    windows = PathResolver(tree, {"src": ("D:\\build\\code",)})
    assert windows.resolve("D:\\build\\code\\app\\client.py") == "src/app/client.py"
    # Only a trailing '/' is dropped from either side, whatever they end with.
    osx = PathResolver(tree, {"ios/OSX/": ("/build/OSX/",)})
    assert osx.resolve("/build/OSX/a.py") == "ios/OSX/a.py"
    assert osx.resolve("/build/OS/a.py") == "/build/OS/a.py"
    # A folder name may end with a space: `dist /` keeps it.
    spaced = PathResolver(tree, {"dist /": ("/build",)})
    assert spaced.resolve("/build/x.py") == "dist /x.py"


def test_without_the_source_the_guess_is_relative_and_an_escape_is_marked(
    tmp_path: Path,
) -> None:
    """With nothing on disk to match, a path resolves as written, normalised; one
    that leaves the root stays visibly outside (`escapes`), never silently inside,
    and a report naming it is never read as a file of the checkout."""
    resolver = PathResolver(tmp_path)
    assert resolver.resolve("./pkg/mod.py") == "pkg/mod.py"
    assert resolver.resolve("mod.py", ["pkg"]) == "pkg/mod.py"
    assert resolver.resolve("pkg/../mod.py") == "mod.py"
    for outside in ("../outside/mod.py", "pkg/../../outside/mod.py"):
        guess = resolver.resolve(outside)
        assert guess == "../outside/mod.py" and escapes(guess)
    report = tmp_path / "coverage.xml"
    report.write_text(
        '<coverage><packages><package name="p"><classes>'
        '<class name="m" filename="pkg/mod.py"><lines><line number="1" hits="1"/></lines></class>'
        '<class name="o" filename="../outside/mod.py"><lines><line number="1" hits="1"/></lines>'
        "</class></classes></package></packages></coverage>"
    )
    data = read_coverage([report], resolver)
    assert list(data.files) == ["pkg/mod.py"]
    assert any("outside the repository root ignored" in n for n in data.notes)


def test_a_name_the_file_system_refuses_is_no_file_never_an_error(tmp_path: Path) -> None:
    """A report-named path is probed without raising: a name too long is no file."""
    (tmp_path / "real.py").touch()
    assert is_file(tmp_path / "real.py")
    assert not is_file(tmp_path / ("a" * 300 + ".py"))  # ENAMETOOLONG from the kernel
    assert not is_file(tmp_path)


def test_a_name_no_file_system_can_hold_is_refused_saying_why(tmp_path: Path) -> None:
    """Refused before the file system is asked; the error reads as its reason."""
    resolver = PathResolver(tmp_path)
    with pytest.raises(UnusablePath, match=r"^contains a NUL character$") as info:
        resolver.resolve("pkg/a\x00.py")
    assert info.value.reason == "contains a NUL character"
    with pytest.raises(UnusablePath, match=r"^has a segment of 256 bytes"):
        resolver.resolve("pkg/" + "a" * 253 + ".py")
    longest = "a" * 252 + ".py"  # MAX_SEGMENT bytes: a name file systems hold
    assert resolver.resolve("pkg/" + longest) == "pkg/" + longest


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\\b\\c.py", "a/b/c.py"),
        ("C:\\x\\..\\y.py", "C:/y.py"),
        ("//server/share/x.py", "/server/share/x.py"),
        ("./a/./b/", "a/b"),
        ("", ""),
        (".", ""),  # the root itself
        ("a/b/../..", ""),
        # a relative path stays relative, whatever its first characters
        ("XX/XX/a.py", "XX/XX/a.py"),
        ("XX/XX/../..", ""),
        # '..' at the root stays at the root, on a drive too
        ("/../x.py", "/x.py"),
        ("C:\\..\\x.py", "C:/x.py"),
        ("c:/x/../../..", "c:/"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_a_path_of_max_path_characters_is_usable_and_one_more_is_not(tmp_path: Path) -> None:
    """MAX_PATH characters is the longest usable path (segments of 200 bytes)."""
    longest = "/".join(["a" * 200] * 20) + "/" + "b" * (MAX_PATH - 20 * 201)
    assert len(longest) == MAX_PATH and unusable(longest) is None
    assert PathResolver(tmp_path).resolve(longest) == longest
    assert unusable(longest + "c") == (
        f"is {MAX_PATH + 1:,} characters long (no path is longer than {MAX_PATH:,})"
    )


@pytest.mark.parametrize("folder", ["src", "XXXX", "a b"])
def test_the_first_folder_under_a_drive_is_kept_whatever_its_name(
    tmp_path: Path, folder: str
) -> None:
    """A checkout at a drive's root: the whole path after the drive is the repository path."""
    (tmp_path / folder).mkdir()
    (tmp_path / folder / "x.py").write_text("")
    assert PathResolver(tmp_path).resolve(f"C:\\{folder}\\x.py") == f"{folder}/x.py"
