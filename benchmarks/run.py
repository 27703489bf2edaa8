"""Every benchmark case, each against its anchor measured in the same run.

    python benchmarks/run.py --all                     # every case, 5 repetitions
    python benchmarks/run.py --cases S L-dirs --reps 9
    python benchmarks/run.py --all --pythonpath /tmp/old-tree   # another tree's gate

A case is one `signal-gate check` as CI runs it (`--no-exec`, `--json-out`) and one
or two anchors: processes that do the least a tool could do with the same inputs.
After a warm-up run of each (page cache, .pyc files), the case's processes run
alternately (check, anchor, check, anchor, ...), so a machine that speeds up or slows
down does so for both; the table gives medians.

Cases and anchors (inputs from generate.py and contexts_bench.py, made once in
--work by a child process: Linux carries a forked child's peak RSS across exec, so
the runner itself stays small):

  S         200 files, 1k tests      python -c pass
  M         2,000 files, 20k tests   bare lxml parse of the two XML files
  L         10,000 files, 200k tests bare lxml parse
  L-dirs    L, evidence by directory glob (50 x 4,000 tests) bare lxml parse
  data-10%  coverage.py data file (2,000 files, 20k contexts), 10% claimed, scope all:
            coverage report --include=<the claimed files>; again with every process
            on one CPU (", 1 CPU"), where the gate analyses the sources without
            forking workers (gate.readers.fanout)
  ctx-20k   the same data file, scope evidence (20,000 contexts):
            bare lxml parse of the same data as XML, and
            coverage report --contexts=<the evidence> --include=<the claimed files>

The bare parse is `lxml.etree.iterparse(path, tag=...)` over the `<line>` elements
of the Cobertura file and the `<testcase>` elements of the JUnit file, counting them
and calling `clear()` on each: the minimal streaming idiom.

Each child's wall time is taken around it; its CPU time (user + system) and peak
RSS come from `os.wait4`, which include the worker processes it reaped (CPU summed,
peak the largest single process). The targets are judged on CPU time: the machine
is shared, and CPU time is the work a process did, while its wall time also holds
the time it waited for a CPU other jobs held. Results: README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import data_file_bench

BARE = """
import sys
from lxml import etree
count = 0
for path, tag in ((sys.argv[1], "line"), (sys.argv[2], "testcase")):
    for _, el in etree.iterparse(path, tag=tag):
        count += 1
        el.clear()
print(count)
"""
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Sample:
    seconds: float  # wall clock
    cpu: float  # user + system CPU seconds, reaped workers included
    peak_mb: float


@dataclass(frozen=True)
class Target:
    """What a case must meet, judged on CPU time: at most `ratio` times the anchor
    (the first anchor that has one; any of them when several do), at most `seconds`
    in all, at most `peak_mb` of memory."""

    text: str
    ratio: tuple[float | None, ...] = ()  # per anchor
    seconds: float | None = None
    peak_mb: float | None = None


@dataclass(frozen=True)
class Case:
    name: str
    prepare: Callable[[Path], Path]  # makes the inputs in --work; returns the folder
    check: Callable[[Path], list[str]]  # the gate's arguments after `signal-gate`
    anchors: tuple[tuple[str, Callable[[Path], list[str]]], ...]
    target: Target | None
    one_cpu: bool = False  # every child on one CPU: the gate forks no workers


def generated(size: str, layout: str = "files") -> Callable[[Path], Path]:
    def prepare(work: Path) -> Path:
        base = work / (size if layout == "files" else f"{size}-{layout}")
        if not (base / "signal-gate.yml").exists():
            subprocess.run(
                [sys.executable, HERE / "generate.py", "--size", size, "--out", base,
                 "--layout", layout],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        return base

    return prepare


def data_file(work: Path) -> Path:
    out = work / "data-file"
    if not (out / ".coverage").exists() or not (out / "junit.xml").exists():
        code = "import sys, pathlib, data_file_bench as d; d.prepare(pathlib.Path(sys.argv[1]))"
        subprocess.run([sys.executable, "-c", code, out], cwd=HERE, check=True)
    return out


def xml_check(base: Path) -> list[str]:
    return [
        "check", "--config", str(base / "signal-gate.yml"),
        "--coverage", str(base / "coverage.xml"), "--junit", str(base / "junit.xml"),
        "--root", str(base), "--no-exec",
        "--json-out", str(base / "report.json"),
    ]  # fmt: skip


def data_check(scope: str) -> Callable[[Path], list[str]]:
    def argv(out: Path) -> list[str]:
        return [
            "check", "--config", str(out / f"gate-{scope}.yml"),
            "--coverage", str(out / ".coverage"), "--junit", str(out / "junit.xml"),
            "--root", str(out), "--no-exec",
            "--json-out", str(out / f"report-{scope}.json"),
        ]  # fmt: skip

    return argv


def python_pass(_: Path) -> list[str]:
    return [sys.executable, "-c", "pass"]


def bare(base: Path) -> list[str]:
    return [sys.executable, "-c", BARE, str(base / "coverage.xml"), str(base / "junit.xml")]


def coverage_report(mode: str) -> Callable[[Path], list[str]]:
    def argv(out: Path) -> list[str]:
        return data_file_bench.command(mode, out)

    return argv


CASES = {
    case.name: case
    for case in (
        Case("S", generated("S"), xml_check, (("python -c pass", python_pass),),
             Target("<= 0.25 s", seconds=0.25)),
        Case("M", generated("M"), xml_check, (("bare parse", bare),), None),
        Case("L", generated("L"), xml_check, (("bare parse", bare),),
             Target("<= 1.25x bare, <= 64 MB", ratio=(1.25,), peak_mb=64)),
        Case("L-dirs", generated("L", "dirs"), xml_check, (("bare parse", bare),),
             Target("<= 1.25x bare, <= 64 MB", ratio=(1.25,), peak_mb=64)),
        Case("data-10%", data_file, data_check("all"),
             (("coverage report --include", coverage_report("report-include")),),
             Target("<= 1.0x coverage report, <= 80 MB", ratio=(1.0,), peak_mb=80)),
        Case("data-10%, 1 CPU", data_file, data_check("all"),
             (("coverage report --include", coverage_report("report-include")),),
             Target("<= 1.0x coverage report, <= 80 MB", ratio=(1.0,), peak_mb=80), one_cpu=True),
        Case("ctx-20k", data_file, data_check("evidence"),
             (("bare parse (same data as XML)", lambda out: bare(out)),
              ("coverage report --contexts", coverage_report("report-contexts"))),
             Target("<= 2.5x bare or <= 1.0x coverage report --contexts, <= 64 MB",
                    ratio=(2.5, 1.0), peak_mb=64)),
    )
}  # fmt: skip


def run_child(argv: list[str], env: dict[str, str], cwd: Path, one_cpu: bool = False) -> Sample:
    """Run one child to completion: its wall time, CPU time and peak RSS."""
    pin = (lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})) if one_cpu else None
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        preexec_fn=pin,
    )  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):  # 1: the gate failed (these gates are meant to)
        raise SystemExit(f"{' '.join(argv[:3])} ... exited {proc.returncode}:\n{err}")
    return Sample(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def gate_command() -> list[str]:
    """The installed console script beside this interpreter, else `python -m gate`."""
    script = Path(sys.executable).with_name("signal-gate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gate"]


def bench(case: Case, work: Path, reps: int, env: dict[str, str]) -> list[list[Sample]]:
    """[check samples, anchor 1 samples, ...], alternating after one warm-up of each."""
    base = case.prepare(work)
    commands = [gate_command() + case.check(base)] + [argv(base) for _, argv in case.anchors]
    for argv in commands:
        run_child(argv, env, base, case.one_cpu)
    samples: list[list[Sample]] = [[] for _ in commands]
    for _ in range(reps):
        for argv, kept in zip(commands, samples, strict=True):
            kept.append(run_child(argv, env, base, case.one_cpu))
    return samples


def median(samples: list[Sample], attr: str) -> float:
    return float(statistics.median(getattr(s, attr) for s in samples))


def verdict(target: Target | None, check: list[Sample], anchors: list[list[Sample]]) -> str:
    """Whether the case meets its target, on CPU time (see the module docstring)."""
    if target is None:
        return ""
    cpu = median(check, "cpu")
    ratios = [cpu / median(a, "cpu") for a in anchors]
    met = True
    limits = [(r, limit) for r, limit in zip(ratios, target.ratio, strict=False) if limit]
    if limits:
        met = any(r <= limit for r, limit in limits)
    if target.seconds is not None:
        met = met and cpu <= target.seconds
    if target.peak_mb is not None:
        met = met and median(check, "peak_mb") <= target.peak_mb
    return "met" if met else "**missed**"


def table_rows(case: Case, samples: list[list[Sample]]) -> list[str]:
    check, anchors = samples[0], samples[1:]
    rows = []
    for n, ((label, _), anchor) in enumerate(zip(case.anchors, anchors, strict=True)):
        first = n == 0
        cells = [
            case.name if first else "",
            label,
            f"{median(check, 'seconds'):.3f} / {median(anchor, 'seconds'):.3f}",
            f"{median(check, 'seconds') / median(anchor, 'seconds'):.2f}",
            f"{median(check, 'cpu'):.3f} / {median(anchor, 'cpu'):.3f}",
            f"**{median(check, 'cpu') / median(anchor, 'cpu'):.2f}**",
            f"{median(check, 'peak_mb'):.1f} / {median(anchor, 'peak_mb'):.1f}",
            f"{min(s.seconds for s in check):.3f}" if first else "",
            (case.target.text if case.target else "") if first else "",
            verdict(case.target, check, anchors) if first else "",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every case")
    which.add_argument("--cases", nargs="+", choices=list(CASES))
    parser.add_argument("--reps", type=int, default=5, help="repetitions (medians of these)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/signal-gate-bench"))
    parser.add_argument("--fresh", action="store_true", help="regenerate the inputs")
    parser.add_argument(
        "--pythonpath", help="put this directory first on the gate's sys.path (another tree)"
    )
    args = parser.parse_args()
    if args.fresh and args.work.exists():
        shutil.rmtree(args.work)
    args.work.mkdir(parents=True, exist_ok=True)
    # The development VM sets PYTHONDONTWRITEBYTECODE: every start would compile again.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {load:.1f}, "
          f"{args.reps} repetitions, medians; check / anchor\n")  # fmt: skip
    print("| case | anchor | wall (s) | wall x | CPU (s) | CPU x | peak (MB) | fastest check "
          "wall | target (on CPU) | |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
    for name in CASES if args.all else args.cases:
        case = CASES[name]
        for row in table_rows(case, bench(case, args.work, args.reps, env)):
            print(row, flush=True)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
