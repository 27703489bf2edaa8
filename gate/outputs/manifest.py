"""The evidence package's manifest: every file with its sha256 and size, within a cap.

`MANIFEST.json` lists each file of the package (and each one left out, with
why); `SHA256SUMS` says the same in the format `sha256sum -c` reads, so anyone
can verify the package with standard tools:

    cd evidence && sha256sum -c SHA256SUMS

The package is bounded: files are taken in the order given (the summaries
first, the bulky copies and pages last) until `MAX_PACKAGE_BYTES`; the rest
are listed under `omitted` and `truncated` is true.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gate.errors import InputError
from gate.records import Record

MANIFEST = "MANIFEST.json"
SUMS = "SHA256SUMS"
MANIFEST_SCHEMA = "signal-gate/evidence-manifest@1"
MAX_PACKAGE_BYTES = 256 * 1024 * 1024


class Copy(Record, frozen=True):
    """A file copied into the package byte for byte (an input report, a contract
    document), checked against `sha256` as it is copied."""

    source: Path
    sha256: str
    size: int
    origin: str  # what it is a copy of, as the report names it

    def write_to(self, path: Path) -> None:
        """Copy the source to the new file `path`, streamed; an InputError when the
        source changed since it was hashed (the copy would not be what the report
        describes) or cannot be read."""
        digest = hashlib.sha256()
        try:
            with self.source.open("rb") as source, path.open("xb") as out:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        except OSError as exc:
            raise InputError(
                f"{self.origin}: cannot copy into the evidence package: {exc.strerror or exc}"
            ) from None
        if digest.hexdigest() != self.sha256:
            raise InputError(
                f"{self.origin}: changed while the gate ran (its sha256 differs from when it "
                "was read); the evidence package would not match the report"
            )


class Omitted(Record, frozen=True):
    """A file the package should hold but does not, and why."""

    path: str
    reason: str
    size: int | None = None


Entry = bytes | Copy


def sha256_of(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def with_manifest(
    files: Mapping[str, Entry], omitted: list[Omitted], cap: int = MAX_PACKAGE_BYTES
) -> dict[str, Entry]:
    """The files that fit under `cap` (in the order given), plus MANIFEST.json
    and SHA256SUMS describing them and naming what was left out."""
    kept: dict[str, Entry] = {}
    rows: list[dict[str, Any]] = []
    left_out = list(omitted)
    total = 0
    for name, entry in files.items():
        size = entry.size if isinstance(entry, Copy) else len(entry)
        if total + size > cap:
            reason = f"over the package's cap of {cap:,} bytes"
            left_out.append(Omitted(name, reason, size))
            continue
        total += size
        kept[name] = entry
        digest = entry.sha256 if isinstance(entry, Copy) else hashlib.sha256(entry).hexdigest()
        row: dict[str, Any] = {"path": name, "sha256": digest, "size": size}
        if isinstance(entry, Copy):
            row["copy_of"] = entry.origin
        rows.append(row)
    manifest = {
        "schema": MANIFEST_SCHEMA,
        "cap_bytes": cap,
        "total_bytes": total,
        "truncated": any(o.reason.startswith("over the package's cap") for o in left_out),
        "files": rows,
        "omitted": [{"path": o.path, "reason": o.reason, "size": o.size} for o in left_out],
    }
    kept[MANIFEST] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    kept[SUMS] = "".join(sums_line(r["sha256"], r["path"]) for r in rows).encode()
    return kept


def sums_line(digest: str, name: str) -> str:
    """One line of `sha256sum` output. GNU coreutils escapes a name holding a
    backslash or a newline, and marks such a line with a leading backslash."""
    if "\\" in name or "\n" in name or "\r" in name:
        escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{digest}  {escaped}\n"
    return f"{digest}  {name}\n"
