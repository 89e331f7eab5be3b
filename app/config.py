"""Configuration read from the environment, with safe development defaults.

Every variable is listed in the README's configuration table.
"""

from __future__ import annotations

import os
from datetime import timedelta


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def from_environment() -> dict:
    """Return the settings that the environment gives; unset variables keep their defaults."""
    env = os.environ.get("APP_ENV", "development").strip().lower()
    production = env == "production"
    redis_url = os.environ.get("REDIS_URL") or None
    config: dict = {
        **_site(env, production, redis_url),
        **_mail(),
        **_rate_limits(redis_url),
        **_features(),
        **_sessions(production),
    }
    if os.environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("SECRET_KEY_FALLBACKS"):
        # Earlier keys, comma-separated, while moving to a new SECRET_KEY: sessions signed and
        # staff TOTP secrets sealed with them still open (and are re-sealed with the new key).
        config["SECRET_KEY_FALLBACKS"] = [
            key.strip() for key in os.environ["SECRET_KEY_FALLBACKS"].split(",") if key.strip()
        ]
    return config


def _site(env: str, production: bool, redis_url: str | None) -> dict:
    return {
        "APP_ENV": env,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL") or None,
        "REDIS_URL": redis_url,
        **({"UPLOAD_DIR": os.environ["UPLOAD_DIR"]} if os.environ.get("UPLOAD_DIR") else {}),
        "SITE_NAME_TH": "ตั้งชื่อมาสคอตรัฐบาลอิเล็กทรอนิกส์",
        "SITE_NAME_EN": "Name the e-Government Mascot",
        "FAN_PAGE_URL": os.environ.get("FAN_PAGE_URL", "https://www.facebook.com/egovthai"),
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "contact@egov.example.go.th"),
        "CONTACT_PHONE": os.environ.get("CONTACT_PHONE", "0 2141 0000"),
        "PRIVACY_NOTICE_VERSION": os.environ.get("PRIVACY_NOTICE_VERSION", "2026-11-01"),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": _int("MAX_FORM_MEMORY_SIZE", 500 * 1024),
        "UPLOAD_MAX_BYTES": _int("UPLOAD_MAX_BYTES", 8 * 1024 * 1024),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # The site's public address: every absolute link (mails, feeds, sitemap, Open Graph)
        # is built from it, never from the request's Host. Production must set it.
        "SITE_URL": os.environ.get("SITE_URL")
        or (None if production else f"http://127.0.0.1:{os.environ.get('PORT') or 8000}"),
        # Host names the site answers to (comma-separated); any other Host header gets a 400.
        "TRUSTED_HOSTS": [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",")]
        if os.environ.get("TRUSTED_HOSTS")
        else None,
        # Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-* are trusted.
        "PROXY_HOPS": _int("PROXY_HOPS", 0),
    }


def _mail() -> dict:
    return {
        # Mail: the file outbox unless an SMTP server is named.
        "MAIL_BACKEND": os.environ.get(
            "MAIL_BACKEND", "smtp" if os.environ.get("MAIL_SERVER") else "file"
        ),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL"),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "no-reply@egov.example.go.th"),
    }


def _rate_limits(redis_url: str | None) -> dict:
    return {
        # Rate limits (Flask-Limiter syntax), counted where every worker sees them: Redis when
        # set, else (None) a SQLite file in the instance folder (app/ratelimits.py).
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or redis_url or None,
        # Storage unreachable: limits are kept per process until it answers (Flask-Limiter
        # checks it again by itself); a storage error never turns a page into a 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        if redis_url
        else {},
        # Every Redis key of this site starts with this, so sites (or test runs) can share one.
        "REDIS_KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", "mascot"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_LOGIN": os.environ.get("RATELIMIT_LOGIN", "20 per 15 minutes"),
        "RATELIMIT_REGISTER": os.environ.get("RATELIMIT_REGISTER", "10 per hour"),
        "RATELIMIT_RESET": os.environ.get("RATELIMIT_RESET", "5 per 15 minutes"),
        "RATELIMIT_RESEND": os.environ.get("RATELIMIT_RESEND", "5 per hour"),
        "RATELIMIT_ENTRY": os.environ.get("RATELIMIT_ENTRY", "20 per hour"),
        "RATELIMIT_VOTE": os.environ.get("RATELIMIT_VOTE", "60 per minute"),
        "RATELIMIT_FEEDBACK": os.environ.get("RATELIMIT_FEEDBACK", "10 per hour"),
        "RATELIMIT_COMMENT": os.environ.get("RATELIMIT_COMMENT", "30 per hour"),
        "RATELIMIT_TRACKBACK": os.environ.get("RATELIMIT_TRACKBACK", "10 per hour"),
        "RATELIMIT_TWO_FACTOR": os.environ.get("RATELIMIT_TWO_FACTOR", "10 per 15 minutes"),
        # Per mailbox (canonical address), every mail the site sends (app/mail.py).
        "MAIL_PER_RECIPIENT_LIMIT": os.environ.get("MAIL_PER_RECIPIENT_LIMIT", "5 per hour"),
    }


def _features() -> dict:
    return {
        # Sign-up bots: a person needs at least this long to fill the form.
        "REGISTER_MIN_SECONDS": _int("REGISTER_MIN_SECONDS", 3),
        # Moderators and admins need a TOTP code (set up once) before /admin opens.
        "STAFF_SECOND_FACTOR": _bool("STAFF_SECOND_FACTOR", True),
        # The post view counter buffers and writes in batches (app/news/counter.py).
        # Pages for visitors who are not logged in are kept this long at most (0: off).
        "PAGE_CACHE_SECONDS": _int("PAGE_CACHE_SECONDS", 30),
        "NEWS_VIEW_COUNTING": _bool("NEWS_VIEW_COUNTING", True),
        "NEWS_VIEW_FLUSH_EVERY": _int("NEWS_VIEW_FLUSH_EVERY", 100),
        "NEWS_VIEW_FLUSH_SECONDS": float(os.environ.get("NEWS_VIEW_FLUSH_SECONDS") or 5),
        # Password hashing cost (argon2id; 0: argon2-cffi's defaults, 3 passes and 64 MiB).
        # The accounts feature builds its hasher from these (app/accounts/services.py).
        "ARGON2_TIME_COST": _int("ARGON2_TIME_COST", 0),
        "ARGON2_MEMORY_KIB": _int("ARGON2_MEMORY_KIB", 0),
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
        "EMAIL_VERIFY_MAX_AGE": timedelta(hours=48),
        "PASSWORD_RESET_MAX_AGE": timedelta(hours=2),
    }


def _sessions(production: bool) -> dict:
    return {
        # Cookies.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production or _bool("SESSION_COOKIE_SECURE"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production or _bool("SESSION_COOKIE_SECURE"),
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=7),
        "WTF_CSRF_TIME_LIMIT": 3600 * 8,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "th",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Bangkok",
        "LANGUAGES": ("th", "en"),
    }
