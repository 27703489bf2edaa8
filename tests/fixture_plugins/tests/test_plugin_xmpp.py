from conftest import Session
from notifykit.plugins.xmpp import stream


def test_sends_one_stanza():
    assert stream.send("chat.example", "b@chat.example", "a < b", connect=Session) > 0
