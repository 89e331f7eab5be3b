"""Log-in sessions: a new session at each log-in, and a log-out that revokes every copy.

Sessions are signed cookies. A copy of one (or of the remember-me cookie) taken before log-out
would still open the account if log-out only cleared the browser's copy, so log-out moves the
account's ``session_version`` (part of ``User.get_id()``, checked by ``services.load_user``):
every session and remember cookie made before it stops working, on every device.
"""

from __future__ import annotations

from flask import after_this_request, current_app, g, request, session
from flask_login import login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.accounts.models import User
from app.extensions import db

#: Session keys a log-in keeps. None today: the language lives in its own cookie, and the
#: staff second factor is asked for again at every log-in anyway.
KEPT_AT_LOGIN: tuple[str, ...] = ()


def start_session(user: User, remember: bool = False) -> None:
    """Log ``user`` in on a fresh session: whatever the visitor's session held before (its
    CSRF token above all) is dropped, so a token or cookie planted before log-in is worth
    nothing after it."""
    kept = {key: session[key] for key in KEPT_AT_LOGIN if key in session}
    session.clear()
    session.update(kept)
    # Flask-WTF keeps this request's token in g too; the next form gets a new one.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    login_user(user, remember=remember)


def revoke_sessions(user: User) -> None:
    """End every session and remember-me cookie of ``user`` (all devices). Flushes; the view
    commits, then calls ``logout_user()``."""
    # In SQL, so two log-outs at once both count.
    user.session_version = User.session_version + 1
    db.session.flush()


def end_session() -> None:
    """Log this browser out and drop the rest of its session (the CSRF token too). After
    ``revoke_sessions`` was committed, no copy of the old cookies opens the account."""
    session.clear()
    logout_user()  # after the clear: it leaves the order to delete the remember-me cookie


# --- devices that logged in before --------------------------------------------------------

#: A signed cookie listing the accounts that logged in from this browser: an account being
#: guessed at stays open to them (services.authenticate). It holds account ids only.
DEVICE_COOKIE = "known_device"
DEVICE_MAX_AGE = 180 * 24 * 3600
DEVICE_MAX_ACCOUNTS = 5


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="mascot:known-device")


def _device_accounts() -> list[int]:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        ids = _device_serializer().loads(raw, max_age=DEVICE_MAX_AGE)
    except BadSignature:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def device_knows(user_id: int) -> bool:
    """Whether this browser logged in to the account before (a cookie only we can sign)."""
    return user_id in _device_accounts()


def remember_device(user_id: int) -> None:
    """Mark this browser as one the account logged in from (set on the response)."""
    ids = [user_id] + [i for i in _device_accounts() if i != user_id]
    value = _device_serializer().dumps(ids[:DEVICE_MAX_ACCOUNTS])

    @after_this_request
    def _set(response):
        response.set_cookie(
            DEVICE_COOKIE,
            value,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
        return response
