"""Room ids and the URL of a room's send endpoint."""

from urllib.parse import quote


def send_url(server: str, room: str, txn: int) -> str:
    return f"{server}/_matrix/client/v3/rooms/{quote(room)}/send/m.room.message/{txn}"
