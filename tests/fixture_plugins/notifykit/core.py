"""Dispatch a message to the plugin named by a service URL's scheme."""

from notifykit.plugins import load


def plugin_for(url: str):
    """The plugin module for `slack://...`, `email://...`."""
    scheme, sep, _ = url.partition("://")
    if not sep:
        raise ValueError(f"not a service URL: {url!r}")
    return load(scheme)
