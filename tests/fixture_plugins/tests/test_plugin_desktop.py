def test_the_command():
    from notifykit.plugins import desktop

    assert desktop.command("t", "x") == ["notify-send", "t", "x"]
