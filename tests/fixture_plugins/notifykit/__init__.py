"""notifykit: one call, many notification services."""
