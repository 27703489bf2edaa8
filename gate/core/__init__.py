"""The pure core: the model the readers fill, the patterns a config uses, the
numbers, the evaluation and the report. No files, no clock, no network, no YAML:
everything here is a function of the values handed in."""
