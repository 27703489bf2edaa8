from notifykit.plugins.matrix import api


def test_puts_the_message(opener):
    assert api.send("https://matrix.example", "!room:example", "hi", opener=opener)
    assert opener.sent[0].get_method() == "PUT"
