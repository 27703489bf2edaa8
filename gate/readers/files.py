"""What every reader does around reading an input: turn a path the report names
into a repository path, with refusals that name the report and the problem (that
an input is a regular file is `gate.regular_file`'s rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from gate.core.paths import PathResolver, UnusablePath
from gate.errors import InputError
from gate.text import quoted, show_path


def resolve_name(
    resolver: PathResolver, report: Path, name: str, where: str, sources: Iterable[str] = ()
) -> str:
    """The repository path of a file the report names (see PathResolver.resolve);
    raises InputError, naming the report and `where` the name stood, for a name
    no file system could hold."""
    try:
        return resolver.resolve(name, sources)
    except UnusablePath as exc:
        raise InputError(
            f"{show_path(report)}: {where} {quoted(name)} is not a usable path: it {exc.reason}"
        ) from None
