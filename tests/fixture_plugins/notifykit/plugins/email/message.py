"""The e-mail message itself."""

from email.message import EmailMessage


def compose(sender: str, to: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, "notifykit"
    message.set_content(text)
    return message
