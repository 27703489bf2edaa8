"""`signal-gate init`: a first config proposed from what a repository holds."""
