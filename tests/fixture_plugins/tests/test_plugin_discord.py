from conftest import Connection
from notifykit.plugins import discord


def test_posts_over_https():
    made = []

    def connect(host, timeout):
        made.append(Connection(host, timeout))
        return made[-1]

    assert discord.send("api.example", "/messages", "hello", connect=connect) == 200
    assert made[0].sent == [("POST", "/messages", b'{"content": "hello"}')]
