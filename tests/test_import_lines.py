"""Which lines run when a module is imported, from its syntax tree alone."""

from __future__ import annotations

import pytest

from gate.readers.import_lines import docstring_lines, import_time_lines

SOURCE = """\
import os                      # 1 yes
                               # 2
@property                      # 3 yes: decorators run at import
def f(a,                       # 4 yes: the signature, defaults evaluated
      b=os.sep):               # 5 yes
    x = 1                      # 6 no: the body
    def inner():               # 7 no: nested in a body
        return 2               # 8 no
    return x                   # 9 no
class K(                       # 10 yes
        object):               # 11 yes
    attr = [1,                 # 12 yes: class bodies run at import
            2]                 # 13 yes
    async def m(self):         # 14 yes: a def statement in a class body
        return 3               # 15 no
if os.name == "nt":            # 16 yes
    SEP = "\\\\"                 # 17 yes
else:                          # 18 (not a statement)
    SEP = "/"                  # 19 yes
try:                           # 20 yes
    import json                # 21 yes
except ImportError:            # 22 yes
    json = None                # 23 yes
finally:                       # 24 (not a statement)
    DONE = True                # 25 yes
match SEP:                     # 26 yes
    case "/":                  # 27 yes
        KIND = "posix"         # 28 yes
for _ in range(2):             # 29 yes
    pass                       # 30 yes
if __name__ == "__main__":     # 31 yes
    f(1)                       # 32 yes (runs only as a script, never counted missing by us)
def g(): return 4              # 33 yes: one line, header and body alike
"""


def test_module_level_lines_and_def_headers() -> None:
    expected = {1, 3, 4, 5, 10, 11, 12, 13, 14, 16, 17, 19, 20, 21, 22, 23, 25, 26, 27, 28,
                29, 30, 31, 32, 33}  # fmt: skip
    assert import_time_lines(SOURCE) == expected


def test_deep_nesting_is_no_recursion_of_ours() -> None:
    """The walk is a stack; only `ast.parse` itself may refuse a source."""
    source = "".join(" " * k + "if x:\n" for k in range(90)) + " " * 90 + "pass\n"
    assert import_time_lines(source) == set(range(1, 92))


def test_a_syntax_error_is_raised_for_the_reader_to_name() -> None:
    with pytest.raises(SyntaxError):
        import_time_lines("def broken(:\n")


DOCSTRINGS = '''\
"""Module docstring."""              # 1 yes
class K:                             # 2
    """Class docstring."""           # 3 yes
    def m(self):                     # 4
        """Method docstring."""      # 5 yes
X = "not a docstring: an assignment" # 6 no
if X:                                # 7
    "a string first in a block"      # 8 no: only modules, classes and functions have one
async def f():                       # 9
    "a function docstring"           # 10 yes
    return 1                         # 11
def g():                             # 12
    return "not first"               # 13 no
'''


def test_docstrings_of_modules_classes_and_functions_wherever_they_stand() -> None:
    assert docstring_lines(DOCSTRINGS) == {1, 3, 5, 10}


def test_a_string_assigned_first_is_no_docstring() -> None:
    assert docstring_lines('X = "text"\nclass K:\n    y = "text"\n') == set()


def test_an_empty_module_has_no_docstring() -> None:
    assert docstring_lines("") == set()
