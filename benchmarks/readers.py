"""CPU time and peak memory of the two XML readers alone, on generated inputs.

    python benchmarks/readers.py --size L            # every file and test kept
    python benchmarks/readers.py --size L --keep     # only what the config claims

Run `run.py` (or `generate.py`) first; this reads <work>/<size>/. With --keep
the predicates are the ones `signal-gate check` hands the readers
(`gate.check.wanted_paths` and `wanted_tests`). Prints the minimum of --reps runs.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from pathlib import Path

from gate.check import wanted_paths, wanted_tests
from gate.config.load import load_config
from gate.config.schema import Config
from gate.core.paths import PathResolver
from gate.readers.cobertura import read_cobertura
from gate.readers.junit import read_junit

PathTest = Callable[[str], bool]
CaseTest = Callable[[str, str | None], bool]


def predicates(config: Config) -> tuple[PathTest, CaseTest]:
    return wanted_paths(config), wanted_tests(config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="L")
    parser.add_argument("--work", type=Path, default=Path("/tmp/signal-gate-bench"))
    parser.add_argument("--keep", action="store_true", help="keep only what the config claims")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    root = args.work / args.size
    keep_path: PathTest | None = None
    keep_case: CaseTest | None = None
    if args.keep:
        keep_path, keep_case = predicates(load_config(str(root / "signal-gate.yml"), root))
    best = {"cobertura": float("inf"), "junit": float("inf")}
    kept = (0, 0)
    for _ in range(args.reps):
        resolver = PathResolver(root)
        start = time.process_time()
        files = list(read_cobertura(root / "coverage.xml", resolver, keep=keep_path))
        middle = time.process_time()
        cases = list(read_junit(root / "junit.xml", resolver, keep=keep_case))
        end = time.process_time()
        best["cobertura"] = min(best["cobertura"], middle - start)
        best["junit"] = min(best["junit"], end - middle)
        kept = (len(files), len(cases))
        del files, cases
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{args.size} {'keep' if args.keep else 'all '}: cobertura {best['cobertura']:.2f} s "
        f"({kept[0]} files kept), junit {best['junit']:.2f} s ({kept[1]} cases kept), "
        f"peak {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
