"""Where the memory of one `signal-gate check` goes: the largest live allocations
right after evaluation (when the tests read and the report built are all alive),
by source line, from tracemalloc.

    python benchmarks/memory.py check --config signal-gate.yml --coverage coverage.xml \\
        --junit junit.xml --root . --no-exec

Run it in a benchmark input folder (run.py's --work, e.g. /tmp/sgb-final/L-dirs).
tracemalloc slows the run several times and counts Python allocations only (not
lxml's or the interpreter's own), so its total is below the peak RSS run.py reports.
"""

from __future__ import annotations

import contextlib
import runpy
import sys
import tracemalloc
from typing import Any

TOP = 14


def main() -> None:
    tracemalloc.start(1)
    import gate.check  # after start(), so the imports are traced too

    evaluate = gate.check.evaluate

    def traced(*args: Any, **kwargs: Any) -> Any:
        report = evaluate(*args, **kwargs)
        current, peak = tracemalloc.get_traced_memory()
        print(f"after evaluation: {current / 2**20:.1f} MB live, peak {peak / 2**20:.1f} MB",
              file=sys.stderr)  # fmt: skip
        for stat in tracemalloc.take_snapshot().statistics("lineno")[:TOP]:
            print(f"  {stat}", file=sys.stderr)
        return report

    gate.check.evaluate = traced  # the one name run_check calls
    sys.argv = ["signal-gate", *sys.argv[1:]]
    with contextlib.suppress(SystemExit):
        runpy.run_module("gate", run_name="__main__")
    print(f"whole run: peak {tracemalloc.get_traced_memory()[1] / 2**20:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
