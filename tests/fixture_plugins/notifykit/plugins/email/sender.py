"""Hands the message to an SMTP server."""

import smtplib

from notifykit.plugins.email.message import compose


def send(host: str, sender: str, to: str, text: str, connect=smtplib.SMTP) -> dict:
    with connect(host, timeout=10) as smtp:
        return smtp.send_message(compose(sender, to, text))
