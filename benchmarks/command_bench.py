"""What the fences of a `command` check cost: the orphan sweep and the stream masking.

    python benchmarks/command_bench.py            # 200 runs, 10 MB of output

- **run**: `gate.safety.command.run_bounded(["true"])` (own session, subreaper and
  /proc sweep on Linux, output pipe) against a bare `subprocess.run(["true"])`,
  alternately, the median of each;
- **mask**: `StreamMask` over 10 MB of output in 64 KiB chunks, with 5 and 50
  secrets of 40 characters, in MB/s.

Not a test: run by hand, figures recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from gate.safety.command import run_bounded
from gate.safety.masking import StreamMask


def run_times(reps: int) -> tuple[float, float]:
    """Median seconds of (run_bounded, bare subprocess.run) over `reps` each."""
    fenced, bare = [], []
    for _ in range(reps):
        started = time.perf_counter()
        run_bounded(["true"], Path.cwd(), {"PATH": "/usr/bin:/bin"}, 10)
        fenced.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run(["true"], check=False, capture_output=True)
        bare.append(time.perf_counter() - started)
    return statistics.median(fenced), statistics.median(bare)


def mask_rate(megabytes: int, secrets: int) -> float:
    """MB/s of StreamMask over `megabytes` of printable output."""
    rng = random.Random(secrets)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 \n"
    values = ["".join(rng.choices(alphabet[:36], k=40)) for _ in range(secrets)]
    chunk = "".join(rng.choices(alphabet, k=64 * 1024)).encode()
    stream = StreamMask(values)
    started = time.perf_counter()
    for _ in range(megabytes * 16):
        stream.feed(chunk)
    stream.flush()
    return megabytes / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--megabytes", type=int, default=10)
    args = parser.parse_args()
    fenced, bare = run_times(args.reps)
    print(f"python {sys.version.split()[0]} on {sys.platform}")
    print(f"run  `true`: run_bounded {fenced * 1000:.2f} ms, bare {bare * 1000:.2f} ms "
          f"(median of {args.reps})")  # fmt: skip
    for secrets in (5, 50):
        rate = mask_rate(args.megabytes, secrets)
        print(f"mask {args.megabytes} MB with {secrets:2} secrets: {rate:,.0f} MB/s")


if __name__ == "__main__":
    main()
