"""The base of every record the gate passes around: a frozen msgspec Struct.

Records behave like frozen dataclasses (immutable, compared and hashed by
value, a repr of their fields, built by position or keyword, no `__dict__`) and
cost a tenth as much to define: a dataclass runs `exec` over generated methods
at import, about 0.8 ms each, and `signal-gate check` defines some forty of them
before it reads a byte (benchmarks/README.md). msgspec also writes and reads
them as JSON, which the report needs anyway.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct, field
from msgspec.structs import replace

__all__ = ["Ident", "Record", "field", "replace"]

# The one rule for an id (a gate, an interaction, a safety check): the config is
# validated with it, and so is every report `publish` reads back, since an id ends up
# in a hidden HTML comment, a status context and a check run name.
# Not `$` at the end: in Python's re (which msgspec uses) it also matches before a final
# newline, so "core\n" would pass; the lookahead means "nothing follows" in both Python
# and the JSON Schema (ECMA-262) regexes the config schema is published with.
Ident = Annotated[str, Meta(pattern=r"^[a-z0-9-]+(?![\s\S])")]


class Record(Struct, frozen=True):
    """Subclass as `class X(Record, frozen=True)`: msgspec would inherit the
    setting, type checkers need to see it."""
