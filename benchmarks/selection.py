"""CPU time of evidence selection alone, as a ratio to the bare parse of the inputs.

    python benchmarks/selection.py --work /tmp/sg-bench --size L --layout dirs
    python benchmarks/selection.py ... --pythonpath /tmp/old-tree   # an older gate/

Reads <work>/<size>/ (<size>-dirs/ for `--layout dirs`; run.py or generate.py
writes it): the JUnit cases through the real reader, every case kept. Then, in a
child process per measurement (so that each starts cold), alternately:

  keep   the readers' predicate (the config's evidence and `junit` patterns) called
         on every case, as the JUnit reader calls it;
  pick   the case index built once and every interaction's evidence picked from it,
         as evaluation does;
  bare   run.py's anchor: one `lxml.etree.iterparse` loop over each of the two files.

Prints the median CPU seconds of --reps runs and keep and pick as ratios to bare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from run import BARE

SELECT = """
import sys, time
from pathlib import Path
from gate.config.load import load_config
from gate.core.paths import PathResolver
from gate.readers.junit import read_junit
try:
    from gate.core.patterns import CaseIndex, tests_matcher
except ImportError:  # the tree before gate.core.patterns held the selection
    from gate.core.selection import CaseIndex, tests_matcher
root, what = Path(sys.argv[1]), sys.argv[2]
config = load_config(str(root / "signal-gate.yml"), root)
cases = list(read_junit(root / "junit.xml", PathResolver(root)))
patterns = [p for it in config.interactions for p in it.evidence]
start = time.process_time()
if what == "keep":
    keep = tests_matcher(tuple(patterns))
    kept = sum(1 for c in cases if keep(c.nodeid, c.file))
else:
    try:  # as read_tests keeps them, built before the clock starts
        from gate.core.case_store import CaseStore
        held = CaseStore.of(cases)
    except ImportError:  # the tree before the compact store: a list
        held = cases
    start = time.process_time()
    index = CaseIndex(held)
    kept = sum(len(tests_matcher(tuple(it.evidence)).pick(index)) for it in config.interactions)
print(time.process_time() - start, kept)
"""


def child(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    """(CPU seconds the child reports or, for bare, its own CPU time; its output).

    It runs in `cwd`, the inputs' folder: `python -c` puts its working directory
    first on sys.path, and a checkout's own gate/ would shadow --pythonpath.
    """
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    out = proc.stdout.read().decode() if proc.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"{argv[:3]} failed:\n{err}")
    fields = out.split()
    if len(fields) == 2:  # keep or pick: the timed part only
        return float(fields[0]), fields[1]
    return usage.ru_utime + usage.ru_stime, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="L")
    parser.add_argument("--layout", default="dirs")
    parser.add_argument("--work", type=Path, default=Path("/tmp/signal-gate-bench"))
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--pythonpath", help="put this directory first on the gate's sys.path")
    args = parser.parse_args()
    root = args.work / (args.size if args.layout == "files" else f"{args.size}-{args.layout}")
    env = dict(os.environ)
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    runs: dict[str, list[float]] = {"keep": [], "pick": [], "bare": []}
    selected = ""
    for _ in range(args.reps):
        for what in ("keep", "pick"):
            seconds, selected = child([sys.executable, "-c", SELECT, str(root), what], env, root)
            runs[what].append(seconds)
        bare = [sys.executable, "-c", BARE, str(root / "coverage.xml"), str(root / "junit.xml")]
        runs["bare"].append(child(bare, env, root)[0])
    medians = {what: statistics.median(seconds) for what, seconds in runs.items()}
    print(f"{root.name}: {selected} cases selected, medians of {args.reps} (CPU s)")
    for what in ("keep", "pick"):
        print(f"  {what}  {medians[what]:7.3f} s  {medians[what] / medians['bare']:6.3f} x bare")
    print(f"  bare  {medians['bare']:7.3f} s")


if __name__ == "__main__":
    main()
