"""Who a person is for the one-per-person rules: the canonical form of their e-mail address,
and keyed hashes of it that outlive the account.

Two steps, in this order:

1. ``deliverable_email``: the address as the mail system will deliver it. NFKC first (a
   full-width ``ｇmail.com`` is ``gmail.com`` to every mail server), then the domain in its
   ASCII form (IDNA, UTS 46: ``bücher.example`` is ``xn--bcher-kva.example``), lower-case, and
   the local part case-folded. A local part that is not ASCII after NFKC is refused: few
   servers deliver it, and it would open a second spelling of every address.
2. ``canonical_email``: provider rules on top: ``+tag`` removed where something is left
   before the ``+``, and for Gmail (``gmail.com``, ``googlemail.com``) dots removed and one
   domain. Every spelling of one mailbox gives one canonical form, and so one key.

Every rule that counts people (already registered, one vote, entry limit, comment flood,
reports, feedback and mail limits) keys on ``canonical_email`` or ``person_key``, never on
the text a person typed.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}

ADDRESS_INVALID = _l("Please enter a valid e-mail address, such as name@example.com.")
ADDRESS_NOT_ASCII = _l(
    "The part before the @ must use Latin letters, digits and . _ + - only. Please use "
    "another address, or the Latin form of this one if your mail provider gives one."
)


class AddressError(ValueError):
    """An address that cannot be delivered to as typed; ``message`` says why, translated."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def deliverable_email(email: str) -> str:
    """The address as mail will be delivered: NFKC, ASCII (IDNA) lower-case domain, local
    part case-folded. Raises AddressError for anything that is not an address."""
    text = unicodedata.normalize("NFKC", email or "").strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise AddressError(ADDRESS_INVALID)
    if not local.isascii():
        raise AddressError(ADDRESS_NOT_ASCII)
    try:
        checked = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise AddressError(ADDRESS_INVALID) from None
    return f"{checked.local_part.casefold()}@{checked.ascii_domain.lower()}"


def _provider_rules(address: str) -> str:
    local, _, domain = address.rpartition("@")
    base = local.split("+", 1)[0]
    if base:  # "+x@example.com" keeps its "+x": it is the whole mailbox name
        local = base
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "") or local
        domain = "gmail.com"
    return f"{local}@{domain}"


def canonical_email(email: str) -> str:
    """One form for every spelling of one mailbox (see the module's docstring).

    ``A.B+news@ＧoogleMail.com`` and ``ab@gmail.com`` reach the same inbox, so they are one
    person. Text that is not an address is keyed as its NFKC case-folded self (it never
    belongs to a registered account, and counting it must not fail).
    """
    try:
        return _provider_rules(deliverable_email(email))
    except AddressError:
        return unicodedata.normalize("NFKC", email or "").strip().casefold()


def person_key(email: str, secret_key: str | bytes, purpose: str = "") -> str:
    """HMAC-SHA256 of the canonical address (and a purpose, so keys of different rules differ):
    stable across re-registration, useless without the secret key."""
    key = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    message = f"{purpose}|{canonical_email(email)}" if purpose else canonical_email(email)
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def voter_key(email: str, secret_key: str | bytes) -> str:
    """The one-vote key."""
    return person_key(email, secret_key)
