"""Payments package: a gateway client and its retry policy."""
