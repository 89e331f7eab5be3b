"""Security baseline: the secret key, response headers and checks on raw input."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, request
from flask_login import current_user

WEAK_KEYS = {"", "dev", "development", "secret", "changeme", "change-me", "test", "password"}
MIN_KEY_LENGTH = 32

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class WeakSecretKeyError(RuntimeError):
    """Raised at start-up in production when the secret key is missing or weak."""


class WeakPasswordHashingError(RuntimeError):
    """Raised at start-up in production when argon2 was set cheaper than its defaults."""


def _refuse_cheap_password_hashing(app: Flask) -> None:
    from argon2 import PasswordHasher

    from app.accounts.services import password_hasher

    hasher, defaults = password_hasher(app.config), PasswordHasher()  # as accounts builds it
    if hasher.time_cost < defaults.time_cost or hasher.memory_cost < defaults.memory_cost:
        raise WeakPasswordHashingError(
            "APP_ENV=production refuses ARGON2_TIME_COST / ARGON2_MEMORY_KIB below "
            f"{defaults.time_cost} / {defaults.memory_cost} (lower values are for the tests)."
        )


class PerProcessRateLimitError(RuntimeError):
    """Raised at start-up in production when rate limits would be counted per process."""


def refuse_per_process_rate_limits(app: Flask) -> None:
    """In production, refuse memory:// rate-limit storage: each gunicorn worker would count
    on its own, so every limit would be as many times looser as there are workers."""
    uri = app.config.get("RATELIMIT_STORAGE_URI") or ""
    if app.config.get("APP_ENV") == "production" and uri.partition("://")[0] == "memory":
        raise PerProcessRateLimitError(
            "APP_ENV=production refuses RATELIMIT_STORAGE_URI=memory:// (each worker would "
            "count on its own): leave it unset for the shared instance/ratelimits.sqlite3, or "
            "set REDIS_URL when several machines serve."
        )


def key_is_weak(key: str | bytes | None) -> bool:
    if not key:
        return True
    text = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
    return text.strip().lower() in WEAK_KEYS or len(text) < MIN_KEY_LENGTH


def configure_secret_key(app: Flask) -> None:
    """Use the configured key; in development, generate one into the instance folder once."""
    key = app.config.get("SECRET_KEY")
    if app.config.get("APP_ENV") == "production":
        if key_is_weak(key):
            raise WeakSecretKeyError(
                "APP_ENV=production needs SECRET_KEY set to a random value of at least "
                f"{MIN_KEY_LENGTH} characters (python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')."
            )
        _refuse_cheap_password_hashing(app)
        return
    if key:
        return
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _undecodable(raw: bytes) -> bool:
    """True when percent-decoded ``raw`` is not UTF-8 (Werkzeug would keep it as "%FF")."""
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _reject_bad_text() -> None:
    """Refuse NUL bytes and bytes that are not UTF-8 in the query and in any form field."""
    if _undecodable(request.query_string):
        abort(400, description="bad-text")
    values = list(request.args.values())
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        if request.mimetype == "application/x-www-form-urlencoded":
            if _undecodable(request.get_data(cache=True)):
                abort(400, description="bad-text")
            values.extend(request.form.values())
        elif request.mimetype == "multipart/form-data":
            # Multipart text parts are decoded with errors="replace": look for U+FFFD.
            values.extend(request.form.values())
            if any("\ufffd" in value for value in request.form.values()):
                abort(400, description="bad-text")
    if any("\x00" in value for value in values):
        abort(400, description="bad-text")


def _set_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _no_store_when_private(response):
    """Nothing a logged-in person is shown, and nothing under /admin, is kept by a browser or
    a proxy (a shared computer's back button, a proxy cache). Files marked public (static
    assets, news images) are the same for everyone and keep their own caching."""
    if request.path == "/admin" or request.path.startswith("/admin/"):
        response.headers["Cache-Control"] = "no-store"
        return response
    if request.endpoint == "static" or response.cache_control.public:
        return response
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    # Registered before the extensions, so it runs ahead of CSRF's own check.
    app.before_request(_reject_bad_text)
    app.after_request(_set_headers)
    app.after_request(_no_store_when_private)
