from conftest import Session
from notifykit.plugins import email


def test_hands_the_message_to_smtp():
    assert email.send("smtp.example", "a@example.org", "b@example.org", "hi", connect=Session) == {}


def test_the_message_has_a_subject():
    from notifykit.plugins.email.message import compose

    assert compose("a@example.org", "b@example.org", "hi")["Subject"] == "notifykit"
