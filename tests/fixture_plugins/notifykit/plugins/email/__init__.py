"""E-mail over SMTP: a package of its own, proposed whole."""

from notifykit.plugins.email.sender import send

__all__ = ["send"]
