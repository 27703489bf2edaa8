"""Measured by coverage.py 7.6.1 to make this directory's .coverage file."""

import math

UNIT = "cm"


def area(kind, size):
    if kind == "square":
        return size * size
    elif kind == "circle":
        return math.pi * size * size
    return None


def describe(kind, size):
    value = area(kind, size)
    if value is None:
        return f"unknown shape {kind}"
    return f"{kind}: {value:.1f} {UNIT}^2"
