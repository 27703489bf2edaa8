"""Remote syslog: one UDP datagram per message (RFC 5424, abridged)."""

import socket


def send(host: str, text: str, port: int = 514, make=socket.socket) -> int:
    with make(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        return sock.sendto(f"<14>1 - - notifykit - - - {text}".encode(), (host, port))
