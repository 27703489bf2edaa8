"""The base of every record the gate passes around: a frozen msgspec Struct.

Records behave like frozen dataclasses (immutable, compared and hashed by
value, a repr of their fields, built by position or keyword, no `__dict__`) and
cost a tenth as much to define: a dataclass runs `exec` over generated methods
at import, about 0.8 ms each, and `signal-gate check` defines some forty of them
before it reads a byte (benchmarks/README.md). msgspec also writes and reads
them as JSON, which the report needs anyway.
"""

from __future__ import annotations

from msgspec import Struct, field
from msgspec.structs import replace

__all__ = ["Record", "field", "replace"]


class Record(Struct, frozen=True):
    """Subclass as `class X(Record, frozen=True)`: msgspec would inherit the
    setting, type checkers need to see it."""
