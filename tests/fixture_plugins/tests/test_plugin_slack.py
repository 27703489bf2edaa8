from notifykit.plugins import slack


def test_posts_the_text(opener):
    assert slack.send("https://hooks.example/x", "hello", opener=opener)
    (request,) = opener.sent
    assert request.data == b'{"text": "hello"}' and request.get_method() == "POST"
