from notifykit.plugins import ntfy


def test_publishes_to_the_topic(opener):
    assert ntfy.send("https://ntfy.example", "alerts", "disk full", opener=opener)
    assert opener.sent[0].full_url == "https://ntfy.example/alerts"
