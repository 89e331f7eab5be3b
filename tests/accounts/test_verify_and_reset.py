"""E-mail verification (48 h, resend) and password reset by e-mail."""

from __future__ import annotations

import itsdangerous.timed as timed
import pytest
import sqlalchemy as sa

from app.accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, links_in, login, post_form

NEW_PASSWORD = "a brand new horse battery 77"


@pytest.fixture
def clock(monkeypatch):
    """Move itsdangerous' clock forward by ``clock.shift`` seconds."""
    real = timed.time.time

    class Clock:
        shift = 0

    monkeypatch.setattr(timed.time, "time", lambda: real() + Clock.shift)
    return Clock


def _verify_link(client, outbox, email):
    post_form(
        client,
        "/register",
        {
            "display_name": "ทดสอบ",
            "email": email,
            "password": "correct horse 42 battery",
            "consent": "y",
        },
    )
    (message,) = [m for m in outbox if m.to == [email]]
    return next(link for link in links_in(message) if "/verify/" in link)


def _user(db, email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_verification_link_confirms_the_address(client, db, outbox):
    link = _verify_link(client, outbox, "v@example.com")
    response = client.get(link)
    assert response.status_code == 302
    assert _user(db, "v@example.com").email_verified_at is not None


def test_verification_link_still_works_at_47_hours(client, db, outbox, clock):
    link = _verify_link(client, outbox, "v47@example.com")
    clock.shift = 47 * 3600
    assert client.get(link).status_code == 302
    assert _user(db, "v47@example.com").is_verified


def test_verification_link_expires_after_48_hours(client, db, outbox, clock):
    link = _verify_link(client, outbox, "old@example.com")
    clock.shift = 48 * 3600 + 5
    response = client.get(link + "?lang=en")
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert not _user(db, "old@example.com").is_verified


def test_tampered_link_is_refused(client, db, outbox):
    link = _verify_link(client, outbox, "t@example.com")
    response = client.get(link[:-3] + "abc")
    assert response.status_code == 400
    assert not _user(db, "t@example.com").is_verified


def test_a_link_made_for_another_purpose_is_refused(app, client, db):
    from app.accounts.services import TokenPurpose, make_token

    user = UserFactory()
    with app.test_request_context():
        reset_token = make_token(user, TokenPurpose.RESET_PASSWORD)
    assert client.get(f"/verify/{reset_token}").status_code == 400


def test_resend_sends_a_new_link(client, db, outbox):
    user = UserFactory()
    login(client, user.email, PASSWORD)
    response = client.post(
        "/account/verify/resend", data={"csrf_token": csrf_token(client, "/account")}
    )
    assert response.status_code == 302
    (message,) = outbox
    link = next(link for link in links_in(message) if "/verify/" in link)
    client.get(link)
    db.session.refresh(user)
    assert user.is_verified


def test_resend_needs_a_log_in(client):
    assert client.post("/account/verify/resend").status_code == 400  # no CSRF token
    token = csrf_token(client, "/login")
    response = client.post("/account/verify/resend", data={"csrf_token": token})
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def _reset_link(client, outbox, email):
    response = post_form(client, "/reset?lang=en", {"email": email}, page="/reset")
    assert response.status_code == 200
    (message,) = outbox
    return next(link for link in links_in(message) if "/reset/" in link)


def test_password_reset_by_email(client, db, outbox):
    user = UserFactory(verified=True)
    link = _reset_link(client, outbox, user.email)
    path = link.split("localhost", 1)[1]
    response = post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert login(client, user.email, PASSWORD).status_code == 400
    assert login(client, user.email, NEW_PASSWORD).status_code == 302


def test_reset_link_works_once(client, db, outbox):
    user = UserFactory(verified=True)
    path = _reset_link(client, outbox, user.email).split("localhost", 1)[1]
    post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get(path).status_code == 400


def test_reset_link_expires(client, db, outbox, clock):
    user = UserFactory(verified=True)
    path = _reset_link(client, outbox, user.email).split("localhost", 1)[1]
    clock.shift = 3 * 3600
    assert client.get(path).status_code == 400


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, db, outbox):
    response = post_form(client, "/reset?lang=en", {"email": "nobody@example.com"}, page="/reset")
    assert response.status_code == 200
    assert "If an account uses" in response.get_data(as_text=True)
    assert outbox == []


def test_reset_refuses_a_weak_or_mismatched_password(client, db, outbox):
    user = UserFactory(verified=True)
    path = _reset_link(client, outbox, user.email).split("localhost", 1)[1]
    assert post_form(client, path, {"password": "short", "confirm": "short"}).status_code == 400
    mismatch = post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 400
    assert login(client, user.email, PASSWORD).status_code == 302


def test_reset_refuses_a_password_built_on_the_persons_own_words(client, db, outbox):
    """The reset form has no e-mail or name field: the person's own words come from the
    account (break it and this passes a password made of the address)."""
    user = UserFactory(verified=True)
    path = _reset_link(client, outbox, user.email).split("localhost", 1)[1]
    weak = f"{user.email.split('@')[0]} horse battery staple 99"
    response = post_form(client, path + "?lang=en", {"password": weak, "confirm": weak})
    assert response.status_code == 400
    assert "Do not use your name or e-mail address in your password." in response.get_data(
        as_text=True
    )


def test_reset_is_rate_limited(app, client, db):
    app.config["RATELIMIT_RESET"] = "2 per minute"
    token = csrf_token(client, "/reset")
    statuses = [
        client.post("/reset", data={"csrf_token": token, "email": "a@example.com"}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
