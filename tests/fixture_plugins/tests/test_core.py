"""The dispatcher: two tests import a plugin without running it, one runs it."""

import pytest
from notifykit.core import plugin_for


def test_a_scheme_loads_its_plugin():
    assert plugin_for("desktop://local").__name__ == "notifykit.plugins.desktop"


def test_not_a_url():
    with pytest.raises(ValueError):
        plugin_for("nothing here")


def test_a_loaded_plugin_runs():
    assert plugin_for("desktop://local").command("t", "x")[0] == "notify-send"
