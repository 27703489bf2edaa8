"""Comms service client: e-mail and SMS notifications to users.

Contract: ``POST /email`` with ``{"to", "subject", "body"}`` and
``POST /sms`` with ``{"to", "text"}``, both with
``Authorization: Bearer <COMMS_API_KEY>``; each answers ``{"id": "<message id>"}``.

``notify`` prefers e-mail and falls back to SMS when e-mail fails, so a user
still hears about a triggered signal while the mail relay is down.
"""

from __future__ import annotations

import enum
import logging
import re
from dataclasses import dataclass

from app.http import HttpClient, HttpError, InvalidResponse

log = logging.getLogger(__name__)

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
SMS_LIMIT = 160  # one SMS segment; longer texts are cut, not split and billed twice


class Channel(enum.Enum):
    EMAIL = "email"
    SMS = "sms"


@dataclass(frozen=True)
class Contact:
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Delivery:
    channel: Channel
    message_id: str


class DeliveryFailed(Exception):
    """No channel could deliver the notification."""


class CommsClient:
    def __init__(self, http: HttpClient) -> None:
        self._http = http

    def send_email(self, to: str, subject: str, body: str) -> str:
        """Send one e-mail; return the comms service's message id."""
        if "@" not in to:
            raise ValueError(f"not an e-mail address: {to!r}")
        return self._message_id(
            self._http.post_json("/email", {"to": to, "subject": subject, "body": body})
        )

    def send_sms(self, to: str, text: str) -> str:
        """Send one SMS (cut to one segment); return the comms service's message id."""
        if not E164.fullmatch(to):
            raise ValueError(f"not an E.164 phone number: {to!r}")
        if len(text) > SMS_LIMIT:
            text = text[: SMS_LIMIT - 1] + "…"
        return self._message_id(self._http.post_json("/sms", {"to": to, "text": text}))

    def notify(self, contact: Contact, subject: str, text: str) -> Delivery:
        """E-mail ``contact``; fall back to SMS; ``DeliveryFailed`` when neither works."""
        email_error: Exception | None = None
        if contact.email:
            try:
                return Delivery(Channel.EMAIL, self.send_email(contact.email, subject, text))
            except HttpError as exc:
                email_error = exc
        if not contact.phone:
            raise DeliveryFailed(f"e-mail failed ({email_error}) and no phone to fall back to")
        try:
            return Delivery(Channel.SMS, self.send_sms(contact.phone, f"{subject}: {text}"))
        except HttpError as exc:
            log.error("notification lost: e-mail failed (%s), SMS failed (%s)", email_error, exc)
            raise DeliveryFailed(f"e-mail failed ({email_error}); SMS failed ({exc})") from exc

    @staticmethod
    def _message_id(payload: object) -> str:
        message_id = payload.get("id") if isinstance(payload, dict) else None
        if not isinstance(message_id, str) or not message_id:
            raise InvalidResponse("comms: expected an object with a message 'id'")
        return message_id
