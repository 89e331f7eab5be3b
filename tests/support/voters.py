"""Citizens for tests against real servers: rows written straight into a database, a log-in
through the form, the ballot's finalist ids."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.factories import PASSWORD


def make_citizens(database_url: str, count: int) -> list[str]:
    """Verified citizens straight into the database (one password hash for all: argon2 is slow)."""
    from app.accounts.services import password_hasher
    from app.config import from_environment

    engine = sa.create_engine(database_url)
    # No app here: the cost the servers read from the same environment.
    digest = password_hasher(from_environment()).hash(PASSWORD)
    emails = [f"cluster{n}@example.com" for n in range(count)]
    with engine.begin() as connection:
        for email in emails:
            connection.execute(
                sa.text(
                    "INSERT INTO user_account (email, email_canonical, display_name, password_hash, "
                    "role, disabled, "
                    "locale, consent_version, consented_at, session_version, created_at, updated_at, "
                    "email_verified_at) VALUES (:e, :e, :e, :h, 'citizen', false, 'th', '2026-11-01', "
                    "now(), 1, now() - interval '1 day', now(), now())"
                ),
                {"e": email, "h": digest},
            )
    engine.dispose()
    return emails


def log_in(browser, url, email):
    token = browser.token(url + "/login")
    status, _ = browser.post(
        url + "/login", {"csrf_token": token, "email": email, "password": PASSWORD}
    )
    assert status == 302, f"log-in of {email} on {url} answered {status}"


def finalist_ids(browser, url):
    status, html = browser.get(url + "/vote")
    assert status == 200, html[:300]
    return re.findall(r'name="finalist" value="(\d+)"', html)
