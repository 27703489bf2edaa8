"""Time the whole `signal-gate check` process against a bare lxml pass.

    python benchmarks/run.py                      # S, M and L, 5 repetitions each
    python benchmarks/run.py --sizes S --reps 9
    python benchmarks/run.py --sizes L --layout dirs   # evidence by directory glob

For each size the inputs come from benchmarks/generate.py (written once into
--work). Two child processes are timed, alternately (A B A B ...), so both see
the same machine load:

  A  `signal-gate check --config ... --coverage ... --junit ... --root ...`,
     the whole process: interpreter start, imports, config, both readers,
     evaluation, rendering.
  B  `python -c <bare>`: interpreter start, `import lxml`, then one
     `lxml.etree.iterparse(path, tag=...)` loop per file that counts the
     `<line>` and `<testcase>` elements and clears each one (the minimal
     streaming idiom; without `clear()` it needs far more memory and time).

Wall time is measured around each child; CPU time (user + system) and peak
memory (ru_maxrss) are the child's own (os.wait4). Linux carries a forked
child's peak across exec, so the inputs are generated in a child process too:
a runner that had grown while generating L would inflate every peak after it.
The table gives medians, the ratios A/B and each child's peak; on a shared
machine the CPU ratio is the steadier figure. Targets (issue 6): L time ratio
<= 1.25, peak <= 64 MB and flat from S to L, S whole process <= 0.25 s.
Results: README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import LAYOUT_HELP, LAYOUTS, SIZES

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


@dataclass(frozen=True)
class Sample:
    seconds: float  # wall clock
    cpu: float  # user + system CPU seconds: steadier than wall time on a busy machine
    peak_mb: float


def run_child(argv: list[str], env: dict[str, str], ok: tuple[int, ...]) -> Sample:
    """Run one child to completion; its wall time and its own peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in ok:
        raise SystemExit(f"{argv[0]} exited {proc.returncode}:\n{err}")
    return Sample(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def gate_command() -> list[str]:
    """The installed console script beside this interpreter, else `python -m gate`."""
    script = Path(sys.executable).with_name("signal-gate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "gate"]


def bench(
    size: str, work: Path, reps: int, env: dict[str, str], layout: str = "files"
) -> dict[str, list[Sample]]:
    base = work / (size if layout == "files" else f"{size}-{layout}")
    files = {k: base / n for k, n in (("coverage", "coverage.xml"), ("junit", "junit.xml"),
                                       ("config", "signal-gate.yml"))}  # fmt: skip
    if not all(p.exists() for p in files.values()):
        generator = Path(__file__).resolve().with_name("generate.py")
        subprocess.run(
            [sys.executable, generator, "--size", size, "--out", base, "--layout", layout],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    gate = [
        *gate_command(), "check", "--config", str(files["config"]),
        "--coverage", str(files["coverage"]), "--junit", str(files["junit"]),
        "--root", str(base), "--no-exec",
    ]  # fmt: skip
    bare = [sys.executable, "-c", BARE, str(files["coverage"]), str(files["junit"])]
    samples: dict[str, list[Sample]] = {"check": [], "bare": []}
    run_child(gate, env, ok=(0, 1))  # warm the page cache and .pyc files
    for _ in range(reps):
        samples["check"].append(run_child(gate, env, ok=(0, 1)))
        samples["bare"].append(run_child(bare, env, ok=(0,)))
    return samples


def median(samples: list[Sample], attr: str) -> float:
    return float(statistics.median(float(getattr(s, attr)) for s in samples))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["S", "M", "L"], choices=sorted(SIZES))
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/tmp/signal-gate-bench"))
    parser.add_argument("--fresh", action="store_true", help="regenerate the inputs")
    parser.add_argument("--layout", choices=LAYOUTS, default="files", help=LAYOUT_HELP)
    parser.add_argument(
        "--pythonpath", help="put this directory first on the gate's sys.path (try a patched tree)"
    )
    args = parser.parse_args()
    if args.fresh and args.work.exists():
        shutil.rmtree(args.work)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.reps} repetitions\n")
    print("        wall (s)               CPU (s)               peak (MB)")
    print("size    check   bare  ratio    check   bare  ratio    check   bare   min wall")
    for size in args.sizes:
        samples = bench(size, args.work, args.reps, env, args.layout)
        check, bare = samples["check"], samples["bare"]
        row = [size]
        for attr in ("seconds", "cpu"):
            a, b = median(check, attr), median(bare, attr)
            row.append(f"{a:7.3f} {b:6.3f} {a / b:6.2f}")
        row.append(f"{median(check, 'peak_mb'):7.1f} {median(bare, 'peak_mb'):6.1f}")
        row.append(f"{min(s.seconds for s in check):8.3f}")
        print("  ".join(row), flush=True)


if __name__ == "__main__":
    main()
