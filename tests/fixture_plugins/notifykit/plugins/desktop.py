"""Desktop notifications: the command that shows one (no network)."""


def command(title: str, text: str) -> list[str]:
    return ["notify-send", title, text]
