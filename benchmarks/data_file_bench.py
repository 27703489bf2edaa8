"""Benchmark: `signal-gate check` on a coverage.py data file, against coverage.py's
own `coverage report` on the same data file, and a bare lxml parse of the same
data as Cobertura XML.

    python benchmarks/data_file_bench.py --out /tmp/sg-contexts [--runs 5]

The data is contexts_bench.py's project (generated there when --out has none):
2,000 source files / 200,000 statements, 20,000 test contexts, 1.7 million arc
rows. The gate config claims 10% of the measured files: ten interactions, one
per package `proj/pkg_000` .. `proj/pkg_009` (20 modules each), each with its
package's tests as evidence. A JUnit file lists the 20,000 tests.

Each mode is one child process, timed from outside (wall) with its own peak RSS
(`os.wait4`); modes alternate, and the table shows medians.

Modes:
  check-all        signal-gate check, coverage_scope: all (the 200 claimed files)
  report-include   coverage report --include=<the 200 claimed files>
  check-evidence   signal-gate check, coverage_scope: evidence (20,000 contexts)
  report-contexts  coverage report --contexts=<the ten packages' tests>
                   --include=<the 200 claimed files>: one context set, where the
                   gate scopes ten interactions, each to its own tests
  bare-iterparse   lxml.etree.iterparse over coverage.xml (the same data as XML),
                   clearing each element
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import contexts_bench

CLAIMED_PACKAGES = 10
MODES = ("check-all", "report-include", "check-evidence", "report-contexts", "bare-iterparse")
REPO = Path(__file__).resolve().parent.parent


def claimed_files() -> list[str]:
    return [
        contexts_bench.module_path(p, m)
        for p in range(CLAIMED_PACKAGES)
        for m in range(contexts_bench.MODULES)
    ]


def config(scope: str) -> str:
    lines = [
        "version: 1",
        "id: data-file-bench",
        "defaults:",
        "  threshold: {line: 50, branch: 50}",
        f"  coverage_scope: {scope}",
        "overall: {min_confidence: 0}",
        "interactions:",
    ]
    for p in range(CLAIMED_PACKAGES):
        lines += [
            f"  - id: pkg-{p:03d}",
            f"    name: Package {p:03d}",
            "    direction: outbound",
            f"    modules: [proj/pkg_{p:03d}]",
            f'    evidence: ["tests/pkg_{p:03d}/*"]',
        ]
    return "\n".join(lines) + "\n"


def junit() -> str:
    """pytest's junitxml for the 20,000 tests the data file names, all passing."""
    cases = []
    for test in range(contexts_bench.TESTS):
        package, module = divmod(test % (contexts_bench.PACKAGES * contexts_bench.MODULES), 20)
        classname = f"tests.pkg_{package:03d}.test_mod_{module:02d}"
        cases.append(f'<testcase classname="{classname}" name="test_{test:05d}" time="0.001"/>')
    body = "".join(cases)
    return (
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" '
        f'tests="{len(cases)}">{body}</testsuite></testsuites>'
    )


def prepare(out: Path) -> None:
    if not (out / ".coverage").exists():
        out.mkdir(parents=True, exist_ok=True)
        contexts_bench.generate(out)
    for scope in ("all", "evidence"):
        (out / f"gate-{scope}.yml").write_text(config(scope))
    (out / "junit.xml").write_text(junit())


def command(mode: str, out: Path) -> list[str]:
    include = "--include=" + ",".join(claimed_files())
    if mode.startswith("check-"):
        scope = mode.removeprefix("check-")
        return [
            sys.executable, "-m", "gate", "check", "--config", f"gate-{scope}.yml",
            "--coverage", ".coverage", "--junit", "junit.xml", "--root", str(out),
            "--no-exec", "--format", "json",
        ]  # fmt: skip
    if mode == "report-include":
        return [sys.executable, "-m", "coverage", "report", "--data-file=.coverage", include]
    if mode == "report-contexts":
        regexes = ",".join(f"^tests/pkg_{p:03d}/" for p in range(CLAIMED_PACKAGES))
        return [
            sys.executable, "-m", "coverage", "report", "--data-file=.coverage",
            f"--contexts=^$,{regexes}", include,
        ]  # fmt: skip
    script = (
        "import sys\nfrom lxml import etree\n"
        "for _e, el in etree.iterparse(sys.argv[1], events=('end',)):\n    el.clear()\n"
    )
    return [sys.executable, "-c", script, str(out / "coverage.xml")]


def run(mode: str, out: Path, tree: Path = REPO) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one child running `mode`
    with the gate of `tree` (a checkout of this repository). CPU time counts the
    child's own workers too (wait4 adds the children it reaped); the peak is the
    largest single process's."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    child = subprocess.Popen(
        command(mode, out), cwd=out, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode() if child.stderr else ""
    if child.returncode not in (0, 1):  # 1: the gate (or coverage's fail_under) said no
        raise SystemExit(f"{mode} exited {child.returncode}: {errors}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def bench(out: Path, runs: int, modes: tuple[str, ...], other: Path | None) -> None:
    """Alternate the modes (and the gate modes of `other`, a second tree), then
    print medians."""
    plan = [(mode, REPO) for mode in modes]
    if other is not None:
        plan += [(f"{mode} ({other.name})", other) for mode in modes if mode.startswith("check")]
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name, _ in plan}
    for name, tree in plan:  # warm-up: page cache, .pyc files
        run(name.split()[0], out, tree)
    for _ in range(runs):
        for name, tree in plan:  # alternating, so drift hits every mode alike
            results[name].append(run(name.split()[0], out, tree))
    print(f"{'mode':<28}{'wall s':>8}{'CPU s':>8}{'peak MB':>9}   wall of each run (s)")
    for name, rs in results.items():
        wall = statistics.median(r[0] for r in rs)
        cpu = statistics.median(r[1] for r in rs)
        peak = statistics.median(r[2] for r in rs)
        each = " ".join(f"{r[0]:.2f}" for r in rs)
        print(f"{name:<28}{wall:>8.3f}{cpu:>8.3f}{peak:>9.1f}   {each}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--other", type=Path, help="also time the gate of this tree")
    args = parser.parse_args()
    prepare(args.out)
    bench(args.out, args.runs, tuple(args.modes), args.other)


if __name__ == "__main__":
    main()
