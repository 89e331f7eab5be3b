"""Who a person is for the one-per-person rules (one vote, N entries): a keyed hash of the
canonical e-mail address, which outlives the account."""

from __future__ import annotations

import hashlib
import hmac

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def canonical_email(email: str) -> str:
    """The address as the mailbox sees it: lower-cased, ``+tag`` removed, Gmail dots removed.

    ``A.B+news@GoogleMail.com`` and ``ab@gmail.com`` reach the same inbox, so they are one voter.
    """
    address = email.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def person_key(email: str, secret_key: str | bytes, purpose: str = "") -> str:
    """HMAC-SHA256 of the canonical address (and a purpose, so keys of different rules differ):
    stable across re-registration, useless without the secret key."""
    key = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    message = f"{purpose}|{canonical_email(email)}" if purpose else canonical_email(email)
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def voter_key(email: str, secret_key: str | bytes) -> str:
    """The one-vote key."""
    return person_key(email, secret_key)
