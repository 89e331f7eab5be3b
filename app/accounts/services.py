"""Account rules: registration, verification, log-in throttling, reset, profile and deletion.

Services add and flush; the view's request commits once.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from blinker import Namespace
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from zxcvbn import zxcvbn

from app.accounts.identity import AddressError, canonical_email, deliverable_email
from app.accounts.models import LoginFailure, Role, User
from app.database import begin_write
from app.extensions import db
from app.hooks import hooks
from app.models import utcnow


def password_hasher(config) -> PasswordHasher:
    """argon2id at the cost the configuration sets (ARGON2_TIME_COST, ARGON2_MEMORY_KIB: by
    default argon2-cffi's, RFC 9106's low-memory profile, 3 passes, 64 MiB). The test suite
    sets them lower, so that hundreds of log-ins do not take minutes; with APP_ENV=production
    weaker settings refuse to start (app/security.py). Built once per app by
    ``app.accounts.init_app`` and kept in ``app.extensions["password_hasher"]``."""
    defaults = PasswordHasher()
    return PasswordHasher(
        time_cost=config.get("ARGON2_TIME_COST") or defaults.time_cost,
        memory_cost=config.get("ARGON2_MEMORY_KIB") or defaults.memory_cost,
        parallelism=defaults.parallelism,
    )


def _hasher() -> PasswordHasher:
    return current_app.extensions["password_hasher"]


signals = Namespace()
#: Sent by the app with the user just before the account row is deleted, so that other features
#: can anonymise or unlink what belongs to it (comments, entries, votes). Features connect in
#: their init_app with ``sender=app``: a receiver is this app's, never attached at import.
account_deleting = signals.signal("account-deleting")

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128
PASSWORD_MIN_SCORE = 3  # zxcvbn: 0 (guessable) .. 4 (very unguessable)
DISPLAY_NAME_MAX = 80


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(user: User, password: str) -> bool:
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def password_problems(password: str, user_inputs: list[str] | None = None) -> list[str]:
    """Why a password is too weak, in the reader's language; empty when it is good enough.

    ``user_inputs`` are the person's own words (e-mail, display name): a password built on
    them is refused, and zxcvbn scores the rest.
    """
    if len(password) < PASSWORD_MIN_LENGTH:
        return [str(_l("Use at least %(n)d characters.", n=PASSWORD_MIN_LENGTH))]
    if len(password) > PASSWORD_MAX_LENGTH:
        return [str(_l("Use at most %(n)d characters.", n=PASSWORD_MAX_LENGTH))]
    lowered = password.casefold()
    words = set()
    for value in user_inputs or []:
        value = value.casefold().strip()
        words.add(value)
        words.update(part for part in value.replace("@", " ").split() if len(part) >= 4)
    if any(word and word in lowered for word in words):
        return [str(_l("Do not use your name or e-mail address in your password."))]
    if zxcvbn(password, user_inputs=sorted(words))["score"] < PASSWORD_MIN_SCORE:
        return [
            str(
                _l(
                    "This password is too easy to guess. Try a few unrelated words "
                    "together, and do not use your name or e-mail."
                )
            )
        ]
    return []


def find_user_by_email(email: str) -> User | None:
    """The account of this mailbox, whichever way the address is spelled.

    The exact address first: an account that migration 0009 found sharing a mailbox with an
    earlier one has no canonical form of its own, and still logs in with its own spelling."""
    try:
        address = deliverable_email(email)
    except AddressError:
        return None
    user = db.session.scalar(sa.select(User).where(User.email == address))
    if user is None:
        canonical = canonical_email(address)
        user = db.session.scalar(sa.select(User).where(User.email_canonical == canonical))
    return user


@dataclass
class Registration:
    user: User | None
    already_registered: bool


def register_user(display_name: str, email: str, password: str, locale: str) -> Registration:
    """Create a citizen account; an address already registered makes none (and says so by mail)."""
    existing = find_user_by_email(email)
    if existing is not None:
        hash_password(password)  # the same time as a new account: no probing by the clock
        return Registration(user=None, already_registered=True)
    user = User(
        email=deliverable_email(email),
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        role=Role.CITIZEN.value,
        locale=locale,
        consent_version=current_app.config["PRIVACY_NOTICE_VERSION"],
        consented_at=utcnow(),
    )
    db.session.add(user)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        # Two sign-ups for one address at the same moment: the unique key decides.
        db.session.rollback()
        return Registration(user=None, already_registered=True)
    return Registration(user=user, already_registered=False)


# --- signed links ---------------------------------------------------------------------------


class TokenPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify-email"
    RESET_PASSWORD = "reset-password"  # noqa: S105 (a token purpose, not a password)


def _serializer(purpose: TokenPurpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"mascot:{purpose}")


def _fingerprint(user: User, purpose: TokenPurpose) -> str:
    """A short keyed hash of what the link depends on: a reset link dies once the password
    changes, a verify link once the address changes. Keyed and cut short because a token's
    payload is only signed, not hidden: it must show neither the address nor the hash."""
    import hashlib
    import hmac

    material = user.password_hash if purpose is TokenPurpose.RESET_PASSWORD else user.email
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{purpose}:{material}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def make_token(user: User, purpose: TokenPurpose) -> str:
    return _serializer(purpose).dumps({"id": user.id, "fp": _fingerprint(user, purpose)})


class TokenError(enum.Enum):
    EXPIRED = "expired"
    INVALID = "invalid"


def read_token(token: str, purpose: TokenPurpose) -> User | TokenError:
    """The user a signed link was made for, or why the link cannot be used."""
    max_age = current_app.config[
        "EMAIL_VERIFY_MAX_AGE" if purpose is TokenPurpose.VERIFY_EMAIL else "PASSWORD_RESET_MAX_AGE"
    ]
    try:
        data = _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        return TokenError.EXPIRED
    except BadSignature:
        return TokenError.INVALID
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return TokenError.INVALID
    user = db.session.get(User, data["id"])
    if user is None or data.get("fp") != _fingerprint(user, purpose):
        return TokenError.INVALID
    return user


def verify_email(token: str) -> User | TokenError:
    """Mark the address verified. A GET that writes: on SQLite it takes the write lock before
    reading the account, or a sign-up committed meanwhile would make the write fail."""
    begin_write()
    result = read_token(token, TokenPurpose.VERIFY_EMAIL)
    if isinstance(result, User) and result.email_verified_at is None:
        result.email_verified_at = utcnow()
    return result


# --- log-in -----------------------------------------------------------------------------


class LoginOutcome(enum.Enum):
    OK = "ok"
    BAD_CREDENTIALS = "bad-credentials"
    LOCKED = "locked"
    DISABLED = "disabled"


@dataclass
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None


def recent_failures(user: User, now: datetime | None = None) -> int:
    since = (now or utcnow()) - current_app.config["LOGIN_FAILURE_WINDOW"]
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.user_id == user.id, LoginFailure.created_at > since)
    )


def authenticate(
    email: str, password: str, known_device: Callable[[int], bool] = lambda user_id: False
) -> LoginResult:
    """Check a log-in without leaking and without locking the owner out.

    After ``LOGIN_MAX_FAILURES`` failures within ``LOGIN_FAILURE_WINDOW``, an account opens
    only from a device that logged in to it before (``known_device``), or once its password
    is reset by e-mail: guesses from anywhere else are refused, the owner's own browser is
    not. Every outcome costs one argon2 computation, and the view words unknown address,
    wrong password and throttled account alike, so neither the clock nor the page tells an
    attacker which it was.
    """
    user = find_user_by_email(email)
    if user is None:
        hash_password(password)  # the same work as a real check
        return LoginResult(LoginOutcome.BAD_CREDENTIALS)
    throttled = recent_failures(user) >= current_app.config[
        "LOGIN_MAX_FAILURES"
    ] and not known_device(user.id)
    if not check_password(user, password):
        if not throttled:
            db.session.add(LoginFailure(user_id=user.id))
        return LoginResult(LoginOutcome.BAD_CREDENTIALS)
    if throttled:
        return LoginResult(LoginOutcome.LOCKED)
    if user.disabled:
        return LoginResult(LoginOutcome.DISABLED)
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.user_id == user.id))
    user.last_login_at = utcnow()
    return LoginResult(LoginOutcome.OK, user)


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: ``"<id>.<session_version>"``; anything stale or unknown is None."""
    ident, _, version = user_id.partition(".")
    if not ident.isdecimal() or not version.isdecimal():
        return None
    user = db.session.get(User, int(ident))
    if user is None or user.session_version != int(version) or user.disabled:
        return None
    return user


# --- password reset and changes ---------------------------------------------------------


def reset_password(token: str, new_password: str) -> User | TokenError:
    result = read_token(token, TokenPurpose.RESET_PASSWORD)
    if isinstance(result, User):
        set_password(result, new_password)
        # Proving control of the mailbox also proves the address.
        if result.email_verified_at is None:
            result.email_verified_at = utcnow()
        db.session.execute(sa.delete(LoginFailure).where(LoginFailure.user_id == result.id))
    return result


def set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    user.session_version += 1


def change_display_name(user: User, display_name: str) -> None:
    user.display_name = display_name.strip()


# --- personal data ----------------------------------------------------------------------


def export_personal_data(user: User) -> dict:
    """Everything we hold about the person, as JSON-ready data (PDPA right of access)."""
    data = {
        "account": {
            "display_name": user.display_name,
            "email": user.email,
            "role": user.role,
            "language": user.locale,
            "email_verified_at": _iso(user.email_verified_at),
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
            "privacy_notice_version": user.consent_version,
            "consented_at": _iso(user.consented_at),
        }
    }
    for exporter in hooks().data_exporters:  # other features' parts (app/hooks.py)
        data.update(exporter(user))
    return data


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def delete_account(user: User) -> None:
    """Delete the account; features unlink or anonymise their rows through ``account_deleting``."""
    account_deleting.send(current_app._get_current_object(), user=user)
    db.session.delete(user)
    db.session.flush()


def set_role(user: User, role: Role) -> None:
    user.role = role.value


def create_or_promote_admin(email: str, password: str, display_name: str | None = None) -> User:
    """The ``flask create-admin`` rule: an admin with a verified address, new or promoted."""
    user = find_user_by_email(email)
    if user is None:
        user = User(
            email=deliverable_email(email),
            display_name=display_name or email.split("@", 1)[0],
            password_hash=hash_password(password),
            consent_version=current_app.config["PRIVACY_NOTICE_VERSION"],
        )
        db.session.add(user)
    else:
        set_password(user, password)
    user.role = Role.ADMIN.value
    user.disabled = False
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    db.session.flush()
    return user
