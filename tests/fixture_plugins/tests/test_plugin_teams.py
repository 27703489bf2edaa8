import sys

import pytest
from notifykit.plugins import teams


def test_posts_the_text(opener):
    assert teams.send("https://teams.example/hook", "hello", opener=opener)
    assert opener.sent[0].full_url == "https://teams.example/hook"


def test_posts_unicode(opener):
    assert teams.send("https://teams.example/hook", "grüße", opener=opener)


@pytest.mark.skipif(sys.version_info >= (3,), reason="the legacy connector runs only on Python 2")
def test_legacy_connector(opener):
    assert teams.send("https://legacy.example/hook", "hello", opener=opener)
