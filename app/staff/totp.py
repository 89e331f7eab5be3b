"""Staff second factor (TOTP, RFC 6238): set-up, codes at each log-in, recovery codes.

The admin guard calls ``require_staff_second_factor()`` after its role check; it sends a
moderator or admin without a confirmed factor to set-up, and one who has not entered a code
since logging in to the code page.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from flask import current_app, redirect, request, session, url_for
from flask_login import current_user, user_logged_in
from markupsafe import Markup

from app.accounts.models import User
from app.audit import services as audit
from app.database import begin_write
from app.extensions import db
from app.models import utcnow
from app.staff.models import RecoveryCode, SecretUnreadable, StaffTotp, signing_keys

log = logging.getLogger(__name__)

ISSUER = "e-Government mascot (admin)"
SESSION_KEY = "staff_2fa"
RECOVERY_CODES = 10
#: The screens a staff member must reach before the second factor is done.
OPEN_ENDPOINTS = {"admin.two_factor_setup", "admin.two_factor_start", "admin.two_factor_verify"}


def enabled() -> bool:
    return bool(current_app.config.get("STAFF_SECOND_FACTOR", True))


def factor_for(user: User) -> StaffTotp | None:
    return db.session.get(StaffTotp, user.id)


def is_enrolled(user: User) -> bool:
    factor = factor_for(user)
    return factor is not None and factor.confirmed_at is not None


def _marker(user: User) -> str:
    return f"{user.id}.{user.session_version}"


def passed_this_session(user: User) -> bool:
    return session.get(SESSION_KEY) == _marker(user)


def mark_passed(user: User) -> None:
    session[SESSION_KEY] = _marker(user)


def require_staff_second_factor():
    """For the admin guard: None when the person may go on, else a redirect."""
    if not enabled() or not current_user.is_authenticated or not current_user.is_staff:
        return None
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    user = current_user._get_current_object()
    if not is_enrolled(user):
        return redirect(url_for("admin.two_factor_setup", next=request.full_path))
    if not passed_this_session(user):
        return redirect(url_for("admin.two_factor_verify", next=request.full_path))
    return None


@user_logged_in.connect
def _forget_on_login(sender, user, **extra) -> None:
    # Every log-in asks for a fresh code, even in a browser that passed before.
    session.pop(SESSION_KEY, None)


# --- set-up ----------------------------------------------------------------------------------


def start_setup(user: User) -> StaffTotp:
    """A new unconfirmed secret (a confirmed one is kept until an admin resets it)."""
    factor = factor_for(user)
    if factor is None:
        factor = StaffTotp(user_id=user.id, last_step=0)
        factor.set_secret(pyotp.random_base32())
        db.session.add(factor)
        db.session.flush()
    return factor


def setup_secret(factor: StaffTotp) -> str:
    """The secret to show while setting up. One sealed under an earlier SECRET_KEY cannot be
    opened: a new one replaces it (nothing was confirmed with it yet)."""
    try:
        return factor.secret
    except SecretUnreadable:
        begin_write()  # this runs on a GET: SQLite's write lock before the row is read again
        factor.set_secret(pyotp.random_base32())
        db.session.commit()
        return factor.secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG, drawn here: no external service sees the secret."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#1f2328", light="#ffffff")
    return Markup(svg)  # noqa: S704  (segno's own markup; the URI is percent-encoded in it)


def _check_code(factor: StaffTotp, code: str, now: datetime) -> bool:
    """A 6-digit code for the current step or one step either side, never reused."""
    code = "".join(ch for ch in (code or "") if ch.isdecimal())
    if len(code) != 6:
        return False
    try:
        totp = pyotp.TOTP(factor.secret)
    except SecretUnreadable:
        # SECRET_KEY changed since set-up and the old key is not in SECRET_KEY_FALLBACKS: no
        # code can match. Another admin resets the second factor, or, with no admin left who
        # can log in, `flask reset-2fa EMAIL` on the server.
        log.error(
            "staff %s: second-factor secret cannot be opened with SECRET_KEY or its fallbacks",
            factor.user_id,
        )
        return False
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if step > factor.last_step and hmac.compare_digest(totp.generate_otp(step), code):
            return _spend_step(factor, step)
    return False


def _spend_step(factor: StaffTotp, step: int) -> bool:
    """Mark ``step`` used, only if no other request got there first. The update is
    conditional, so of parallel requests with one code exactly one changes the row: on
    PostgreSQL the others wait for its lock, then find the condition false."""
    spent = db.session.execute(
        sa.update(StaffTotp)
        .where(StaffTotp.user_id == factor.user_id, StaffTotp.last_step < step)
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(factor, ["last_step"])
    return spent.rowcount == 1


def _hash_recovery(code: str, key: bytes | None = None) -> str:
    key = key or signing_keys()[0]
    normal = code.strip().lower().replace("-", "").replace(" ", "")
    return hmac.new(key, f"staff-recovery|{normal}".encode(), hashlib.sha256).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_recovery(code)))
    db.session.flush()
    return codes


def confirm_setup(user: User, code: str, now: datetime | None = None) -> list[str] | None:
    """Confirm the secret with a first code; returns the recovery codes (shown once)."""
    factor = factor_for(user)
    if factor is None or factor.confirmed_at is not None:
        return None
    if not _check_code(factor, code, now or utcnow()):
        return None
    factor.confirmed_at = utcnow()
    codes = _new_recovery_codes(user)
    audit.record("user.2fa_setup", "user", user.id, after={"second_factor": True}, actor=user)
    return codes


def verify(user: User, code: str, now: datetime | None = None) -> bool:
    """A TOTP code or an unused recovery code (which is then spent)."""
    factor = factor_for(user)
    if factor is None or factor.confirmed_at is None:
        return False
    if _check_code(factor, code, now or utcnow()):
        return True
    if code and any(ch.isalpha() for ch in code):
        recovery = db.session.scalar(
            sa.select(RecoveryCode).where(
                RecoveryCode.user_id == user.id,
                # Codes made under an earlier key (SECRET_KEY_FALLBACKS) still work.
                RecoveryCode.code_hash.in_([_hash_recovery(code, key) for key in signing_keys()]),
                RecoveryCode.used_at.is_(None),
            )
        )
        if recovery is not None:
            recovery.used_at = utcnow()
            audit.record("user.2fa_recovery_used", "user", user.id, actor=user)
            return True
    return False


def reset(user: User, actor: User | None) -> None:
    """An admin (``actor``; None: `flask reset-2fa` on the server) removes a person's second
    factor (a lost phone, a replaced SECRET_KEY); they set it up again."""
    factor = factor_for(user)
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if factor is not None:
        db.session.delete(factor)
    user.session_version += 1  # their open sessions end
    audit.record(
        "user.2fa_reset",
        "user",
        user.id,
        before={"second_factor": factor is not None},
        after={"second_factor": False},
        actor=actor,
    )
