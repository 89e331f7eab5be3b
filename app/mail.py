"""Outgoing mail through Flask-Mailman; ``MAIL_BACKEND=file`` writes one ``.eml`` per message."""

from __future__ import annotations

import smtplib
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage
from flask_mailman.backends.base import BaseEmailBackend

BACKENDS = {
    "file": "app.mail.OutboxEmailBackend",
    "smtp": "smtp",
    "console": "console",
    "locmem": "locmem",
    "dummy": "dummy",
}


class OutboxEmailBackend(BaseEmailBackend):
    """Write each message as its own RFC 5322 ``.eml`` file under ``MAIL_FILE_PATH``."""

    def __init__(self, mailman=None, fail_silently=False, file_path=None, **kwargs):
        super().__init__(mailman=mailman, fail_silently=fail_silently, **kwargs)
        self.directory = Path(file_path or current_app.config["MAIL_FILE_PATH"])

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes())
            sent += 1
        return sent


def backend_name(configured: str) -> str:
    """Map a short name from the environment to a Flask-Mailman backend path."""
    return BACKENDS.get(configured, configured)


def send_mail(to: str, template: str, lang: str, **context) -> bool:
    """Render ``mail/<template>.txt`` in ``lang`` (first line is the subject) and send it.

    A mail server that is down must not undo what the request saved: the failure is logged
    and False returned, so the caller commits first and the person can ask again.
    """
    with force_locale(lang):
        text = render_template(f"mail/{template}.txt", lang=lang, **context)
    subject, _, body = text.strip().partition("\n")
    message = EmailMessage(
        subject=subject.strip(),
        body=body.strip() + "\n",
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[to],
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("could not send %s mail", template)
        return False
    return True
