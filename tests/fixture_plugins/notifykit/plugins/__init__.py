"""The plugins, loaded on first use: one module or package per service."""

import importlib


def load(name: str):
    return importlib.import_module(f"notifykit.plugins.{name}")
