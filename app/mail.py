"""Outgoing mail through Flask-Mailman; ``MAIL_BACKEND=file`` writes one ``.eml`` per message."""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mailman import EmailMessage
from flask_mailman.backends.base import BaseEmailBackend
from limits import parse

from app.extensions import limiter
from app.instance import private_dir, write_private

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
        private_dir(self.directory)  # the outbox holds live reset links: 0700, files 0600
        sent = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            write_private(path, message.message().as_bytes())
            sent += 1
        return sent


def backend_name(configured: str) -> str:
    """Map a short name from the environment to a Flask-Mailman backend path."""
    return BACKENDS.get(configured, configured)


def recipient_key(address: str) -> str:
    """Who a mail goes to, for counting: a keyed hash of the canonical address (every spelling
    of one mailbox is one recipient; the store and the logs never see the address)."""
    # Imported here: importing app.accounts loads its views, which import this module.
    from app.accounts.identity import person_key

    secret = current_app.config["SECRET_KEY"]
    try:
        return person_key(address, secret, purpose="mail-recipient")
    except ValueError:  # not an address canonical_email accepts: count the raw form
        raw = address.strip().casefold().encode("utf-8")
        return hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()


def recipient_allowed(to: str, template: str) -> bool:
    """Count one mail to ``to``; False when that mailbox is over ``MAIL_PER_RECIPIENT_LIMIT``.

    Every mail the site sends passes here, so a form that mails someone (sign-up, new link,
    reset, feedback) cannot be used to flood a mailbox. Counted in the rate limiter's storage,
    which every worker shares; off when ``RATELIMIT_ENABLED`` is off."""
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    limit = parse(current_app.config["MAIL_PER_RECIPIENT_LIMIT"])
    key = recipient_key(to)
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    try:
        allowed = limiter.limiter.hit(limit, prefix, "mail-recipient", key)
    except Exception:  # the store is down: better a mail too many than a lost reset link
        current_app.logger.warning("mail limit store unavailable; %s mail sent uncounted", template)
        return True
    if not allowed:
        current_app.logger.warning(
            "%s mail not sent: recipient %s over the limit of %s", template, key[:12], limit
        )
    return allowed


def send_mail(to: str, template: str, lang: str, **context) -> bool:
    """Render ``mail/<template>.txt`` in ``lang`` (first line is the subject) and send it.

    A mail server that is down must not undo what the request saved: the failure is logged
    and False returned, so the caller commits first and the person can ask again. A mailbox
    that already got ``MAIL_PER_RECIPIENT_LIMIT`` mails gets none (False too); the caller
    answers the same either way, so nobody learns the limit was reached.
    """
    if not recipient_allowed(to, template):
        return False
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
