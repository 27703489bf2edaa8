"""Secret values masked in what a `command` check shows: its output and its detail.

Which values: those of every secret-looking variable of the gate's environment
(`SECRET_NAME`), and those of every variable the check lists under `env`, whatever
its name (`DATABASE_URL` carries a password without saying so). Too short or
boolean-like values are left alone: masking every "1" protects nothing.

Where: the output stream is masked as it arrives, before it is cut to its tail
(`StreamMask`), so a secret that straddles the cut leaves none of its bytes; the
text is masked again after escape codes are removed (`mask`), so a secret split by
a colour code is caught too. Every byte of every occurrence is covered, also where
two secrets overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import AnyStr

SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|AUTH|COOKIE|SESSION|SIGNATURE"
    r"|(?:^|_)(?:API)?KEY(?:$|_)|APIKEY",
    re.IGNORECASE,
)
MASK = "***"
MIN_SECRET_CHARS = 4
_HARMLESS_VALUES = frozenset({"true", "false", "yes", "no", "none", "null"})


def secret_values(environ: Mapping[str, str], listed: Iterable[str] = ()) -> list[str]:
    """Return the values to mask, longest first: those of secret-looking names in
    `environ`, and those of the `listed` names (the check's `env`), whatever they are."""
    names = set(listed)
    values = {
        value
        for name, value in environ.items()
        if (name in names or SECRET_NAME.search(name))
        and len(value) >= MIN_SECRET_CHARS
        and value.lower() not in _HARMLESS_VALUES
    }
    return sorted(values, key=len, reverse=True)


def mask(text: str, secrets: Iterable[str]) -> str:
    """Return `text` with every character of every occurrence of a secret replaced,
    each run of such characters by one `MASK`."""
    return _masked(text, [s for s in secrets if s], MASK)


def mask_bytes(data: bytes, secrets: Iterable[bytes]) -> bytes:
    """`mask` for bytes (secrets encoded as UTF-8)."""
    return _masked(data, [s for s in secrets if s], MASK.encode())


def _masked(data: AnyStr, secrets: list[AnyStr], replacement: AnyStr) -> AnyStr:
    spans = _covered(data, secrets)
    if not spans:
        return data
    parts: list[AnyStr] = []
    at = 0
    for start, end in spans:
        parts.extend((data[at:start], replacement))
        at = end
    parts.append(data[at:])
    return data[:0].join(parts)


def _covered(data: AnyStr, secrets: list[AnyStr]) -> list[tuple[int, int]]:
    """The merged [start, end) spans that occurrences of the secrets cover."""
    spans = []
    for secret in secrets:
        start = data.find(secret)
        while start != -1:
            spans.append((start, start + len(secret)))
            start = data.find(secret, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class StreamMask:
    """Mask a byte stream chunk by chunk: what `feed` returns never holds any byte of
    a secret, whichever chunks the secret was split across.

    The last (longest secret - 1) bytes are held back, since they may begin a secret
    that the next chunk completes; `flush` returns them, masked, at the end.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        self._secrets = [s.encode("utf-8") for s in secrets if s]
        self._overlap = max((len(s) for s in self._secrets), default=1) - 1
        self._held = b""

    def feed(self, chunk: bytes) -> bytes:
        if not self._secrets:
            return chunk
        data = self._held + chunk
        cut = len(data) - self._overlap
        # A secret that begins before the cut ends inside `data` (it is at most
        # overlap + 1 long): move the cut past it so it is masked whole, now.
        for start, end in _covered(data, self._secrets):
            if start < cut < end:
                cut = end
        cut = max(cut, 0)
        self._held = data[cut:]
        return mask_bytes(data[:cut], self._secrets)

    def flush(self) -> bytes:
        rest, self._held = self._held, b""
        return mask_bytes(rest, self._secrets)
