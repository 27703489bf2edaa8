"""The command line: the only package that imports click or chooses an exit code."""
