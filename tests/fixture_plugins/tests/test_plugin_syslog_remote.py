from conftest import Session
from notifykit.plugins import syslog_remote


def test_one_datagram():
    assert syslog_remote.send("logs.example", "up", make=Session) > 0
