from conftest import Session
from notifykit.plugins import ftp_drop


def test_stores_the_message():
    assert ftp_drop.send("ftp.example", "note.txt", "hi", connect=Session).startswith("226")
