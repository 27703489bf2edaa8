"""The XML of a chat message."""

from xml.sax.saxutils import escape


def message(to: str, text: str) -> bytes:
    return f"<message to='{escape(to)}' type='chat'><body>{escape(text)}</body></message>".encode()
