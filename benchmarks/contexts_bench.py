"""Benchmark: reading per-test contexts from a coverage.py data file, against a bare
lxml iterparse pass over the same project's Cobertura report.

    python benchmarks/contexts_bench.py --out /tmp/sg-contexts [--runs 5]

Generates, deterministically (a seeded random.Random), a project of 2,000 source
files / 200,000 statements, and writes what `pytest --cov --cov-branch
--cov-context=test` would record for 20,000 tests directly as a coverage.py
data file through coverage.py's own CoverageData API (~1.7 million arc rows),
then the Cobertura XML of the same data with `coverage xml`. Each measurement
runs in its own subprocess (time of the work itself, and the process's peak
RSS from ru_maxrss); modes alternate, and the medians of the runs are shown.

Modes:
  bare-iterparse  lxml.etree.iterparse over coverage.xml, clearing each element
  contexts        gate.readers.coverage_data.read_contexts: every context's
                  records, in the compact form evidence scoping reads
  full-reader     read_coverage_data: contexts + coverage.py's analysis of all
                  2,000 sources + the all-contexts coverage of every file
  cobertura       the gate's own Cobertura reader over coverage.xml, for scale
  coverage-json   `coverage json` on the same data file: coverage.py's own
                  analysis of the same sources, for scale (includes start-up)
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

PACKAGES = 100
MODULES = 20  # per package: 2,000 files
FUNCTIONS = 20  # per module, 5 statements each: 100 statements per file
TESTS = 20_000
TARGET_CALLS = 11  # functions of its own module a test calls
OTHER_FILES = 2  # other modules a test touches ...
OTHER_CALLS = 5  # ... calling this many functions in each
SEED = 20_000
MODES = ("bare-iterparse", "contexts", "full-reader", "cobertura", "coverage-json")


def module_path(package: int, module: int) -> str:
    return f"proj/pkg_{package:03d}/mod_{module:02d}.py"


def function_line(k: int) -> int:
    return 1 + 8 * k  # 6 lines of function, 2 blank lines


def module_source() -> str:
    chunks = [
        f"def f_{k}(x):\n"
        f"    if x > {k}:\n"
        f"        y = x - {k}\n"
        f"    else:\n"
        f"        y = {k} - x\n"
        f"    return y\n"
        for k in range(FUNCTIONS)
    ]
    return "\n\n".join(chunks)


def import_arcs() -> set[tuple[int, int]]:
    """What running the module records: each `def`, then the module's exit."""
    starts = [function_line(k) for k in range(FUNCTIONS)]
    arcs = {(-1, starts[0]), (starts[-1], -1)}
    arcs.update(itertools.pairwise(starts))
    return arcs


def call_arcs(k: int, taken: bool) -> set[tuple[int, int]]:
    """What calling f_k records (coverage.py 7, sys.settrace or sys.monitoring)."""
    b = function_line(k)
    if taken:
        return {(-b, b + 1), (b + 1, b + 2), (b + 2, b + 5), (b + 5, -b)}
    return {(-b, b + 1), (b + 1, b + 4), (b + 4, b + 5), (b + 5, -b)}


def generate(out: Path) -> None:
    import coverage

    rng = random.Random(SEED)
    source = module_source()
    files = [module_path(p, m) for p in range(PACKAGES) for m in range(MODULES)]
    for rel in files:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(source)
    (out / ".coveragerc").write_text("[run]\nbranch = True\nrelative_files = True\n")
    data_file = out / ".coverage"
    data_file.unlink(missing_ok=True)
    data = coverage.CoverageData(basename=str(data_file))
    data.set_context("")  # collection: every module imported once
    data.add_arcs({rel: import_arcs() for rel in files})
    rows = len(files) * len(import_arcs())
    for test in range(TESTS):
        target = test % len(files)
        package, module = divmod(target, MODULES)
        data.set_context(f"tests/pkg_{package:03d}/test_mod_{module:02d}.py::test_{test:05d}|run")
        touched = {files[target]: rng.sample(range(FUNCTIONS), TARGET_CALLS)}
        while len(touched) < 1 + OTHER_FILES:
            other = files[rng.randrange(len(files))]
            if other not in touched:
                touched[other] = rng.sample(range(FUNCTIONS), OTHER_CALLS)
        arcs: dict[str, set[tuple[int, int]]] = {}
        for rel, functions in touched.items():
            arcs[rel] = set().union(*(call_arcs(k, rng.random() < 0.5) for k in functions))
            rows += len(arcs[rel])
        data.add_arcs(arcs)
    data.write()
    subprocess.run(
        [sys.executable, "-m", "coverage", "xml", "-q", "-o", "coverage.xml"], cwd=out, check=True
    )
    print(
        f"{len(files)} files, {len(files) * FUNCTIONS * 5} statements, {TESTS} test contexts, "
        f"{rows} arc rows; coverage.xml {(out / 'coverage.xml').stat().st_size / 1e6:.1f} MB"
    )


def measure(mode: str, out: Path) -> None:
    """Run one mode in this (fresh) process; print its time and peak RSS as JSON."""
    import resource

    if mode == "coverage-json":
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "coverage", "json", "-q", "-o", "/dev/null"], cwd=out, check=True
        )
        seconds = time.perf_counter() - start
    elif mode == "bare-iterparse":
        from lxml import etree

        start = time.perf_counter()
        for _event, element in etree.iterparse(str(out / "coverage.xml"), events=("end",)):
            element.clear()
        seconds = time.perf_counter() - start
    else:
        from gate.core.paths import PathResolver
        from gate.readers.cobertura import read_cobertura
        from gate.readers.coverage_data import read_coverage_data
        from gate.readers.coverage_records import read_contexts

        resolver = PathResolver(out)
        start = time.perf_counter()
        if mode == "contexts":
            raw = read_contexts([out / ".coverage"], resolver)
            assert len(raw.names) == TESTS + 1 and len(raw.files) == PACKAGES * MODULES
        elif mode == "full-reader":
            read = read_coverage_data([out / ".coverage"], resolver)
            assert sum(len(f.statements) for f in read.files) == PACKAGES * MODULES * FUNCTIONS * 5
        else:
            files = list(read_cobertura(out / "coverage.xml", resolver))
            assert len(files) == PACKAGES * MODULES
        seconds = time.perf_counter() - start
    who = resource.RUSAGE_CHILDREN if mode == "coverage-json" else resource.RUSAGE_SELF
    peak_kb = resource.getrusage(who).ru_maxrss
    print(json.dumps({"mode": mode, "seconds": seconds, "peak_mb": peak_kb / 1024}))


def bench(out: Path, runs: int) -> None:
    results: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for _ in range(runs):
        for mode in MODES:  # alternating, so drift hits every mode alike
            done = subprocess.run(
                [sys.executable, __file__, "--out", str(out), "--measure", mode],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            results[mode].append(json.loads(done.stdout.splitlines()[-1]))
    base = statistics.median(r["seconds"] for r in results["bare-iterparse"])
    print(f"{'mode':<16}{'median s':>10}{'x bare':>8}{'peak MB':>9}   runs (s)")
    for mode, rs in results.items():
        median = statistics.median(r["seconds"] for r in rs)
        peak = max(r["peak_mb"] for r in rs)
        each = " ".join(f"{r['seconds']:.2f}" for r in rs)
        print(f"{mode:<16}{median:>10.3f}{median / base:>8.2f}{peak:>9.1f}   {each}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--measure", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--no-generate", action="store_true", help="reuse --out as is")
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.out)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.no_generate or not (args.out / ".coverage").exists():
        generate(args.out)
    bench(args.out, args.runs)


if __name__ == "__main__":
    main()
