"""Bounded retries for gateway calls."""

MAX_ATTEMPTS = 3


def with_retries(call, attempts: int = MAX_ATTEMPTS):
    last = None
    for _ in range(attempts):
        try:
            return call()
        except ConnectionError as exc:
            last = exc
    raise last
