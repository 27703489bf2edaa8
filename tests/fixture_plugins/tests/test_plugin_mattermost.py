from notifykit.plugins import mattermost


def test_posts_the_text(opener):
    assert mattermost.send("https://hooks.example/x", "hello", opener=opener)
    (request,) = opener.sent
    assert request.data == b'{"text": "hello"}' and request.get_method() == "POST"
