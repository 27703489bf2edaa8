from notifykit.plugins import telegram


def test_calls_send_message(opener):
    assert telegram.send("T0KEN", "42", "hi there", opener=opener)
    assert opener.sent == ["https://api.telegram.org/botT0KEN/sendMessage?chat_id=42&text=hi+there"]
