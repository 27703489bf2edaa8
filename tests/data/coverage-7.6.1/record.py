"""Writes shapes.coverage beside this file with coverage.py's own API, two test contexts
as pytest-cov's --cov-context=test names them. Run with the coverage.py version
the data file should come from (the committed one: 7.6.1, from PyPI, in a
throwaway virtualenv):

    python record.py
"""

import os
import sys

import coverage

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)
sys.path.insert(0, here)
cov = coverage.Coverage(
    data_file="shapes.coverage", branch=True, source=["shapes"], config_file=False
)
cov.set_option("run:relative_files", True)
cov.start()
import shapes  # noqa: E402  (imported while measuring, in the empty context)

cov.switch_context("tests/test_shapes.py::test_square|run")
assert shapes.describe("square", 2) == "square: 4.0 cm^2"
cov.switch_context("tests/test_shapes.py::test_unknown|run")
assert shapes.describe("hexagon", 1) == "unknown shape hexagon"
cov.stop()
cov.save()
print(coverage.__version__)
