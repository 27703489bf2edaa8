# The sample project's own tests are run only to produce its reports (see
# README.md here); they are not tests of signal-gate.
collect_ignore = ["project"]
