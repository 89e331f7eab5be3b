"""Log-in, remember me, log-out by POST, throttling, and the `next` rule."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import LoginFailure
from tests.conftest import both_databases
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login, logout, post_form


def _logged_in(client) -> bool:
    return "/account" in client.get("/?lang=en").get_data(as_text=True).split("<main", 1)[0]


@both_databases
def test_log_in_and_out(client, citizen):
    response = login(client, citizen.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)
    assert logout(client).status_code == 302
    assert not _logged_in(client)


def test_unverified_account_can_log_in_to_read(client, db):
    user = UserFactory()
    assert login(client, user.email, PASSWORD).status_code == 302


def test_wrong_password_is_a_clear_message(client, citizen):
    response = post_form(client, "/login?lang=en", {"email": citizen.email, "password": "nope"})
    assert response.status_code == 400
    assert "The e-mail or password is not correct." in response.get_data(as_text=True)
    assert not _logged_in(client)


def test_unknown_account_gets_the_same_message(client, db):
    response = post_form(client, "/login?lang=en", {"email": "who@example.com", "password": "x"})
    assert response.status_code == 400
    assert "The e-mail or password is not correct." in response.get_data(as_text=True)


def test_remember_me_sets_a_lasting_cookie(client, citizen):
    plain = login(client, citizen.email, PASSWORD)
    assert not any(c.startswith("remember_token=") for c in plain.headers.getlist("Set-Cookie"))
    logout(client)
    remembered = login(client, citizen.email, PASSWORD, remember=True)
    cookie = next(
        c for c in remembered.headers.getlist("Set-Cookie") if c.startswith("remember_token=")
    )
    assert "Expires=" in cookie


def test_remember_cookie_alone_logs_in(client, citizen):
    login(client, citizen.email, PASSWORD, remember=True)
    client.delete_cookie("session", domain="localhost")
    assert _logged_in(client)


def test_logout_needs_post_and_a_token(client, citizen):
    login(client, citizen.email, PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert _logged_in(client)


@both_databases
def test_five_failures_guard_the_account_against_new_devices_for_15_minutes(
    app, client, db, citizen
):
    for _ in range(5):
        assert login(client, citizen.email, "wrong password").status_code == 400
    response = post_form(client, "/login?lang=en", {"email": citizen.email, "password": PASSWORD})
    # The same status and words as a wrong password: nothing tells a guesser it is guarded.
    assert response.status_code == 400
    assert "The e-mail or password is not correct." in response.get_data(as_text=True)
    assert not _logged_in(client)
    # After the window the right password works again, and the count is cleared.
    from datetime import timedelta

    from app.models import utcnow

    db.session.execute(sa.update(LoginFailure).values(created_at=utcnow() - timedelta(minutes=16)))
    db.session.commit()
    assert login(client, citizen.email, PASSWORD).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 0


def test_a_device_that_logged_in_before_is_not_locked_out(app, client, db, citizen):
    """Anyone can send five wrong passwords for any account (an admin's too): the owner's
    own browser still logs in, while a new device is refused."""
    owner = client
    assert login(owner, citizen.email, PASSWORD).status_code == 302
    logout(owner)
    assert not _logged_in(owner)
    attacker = app.test_client()
    for _ in range(8):
        assert login(attacker, citizen.email, "wrong password").status_code == 400
    assert login(attacker, citizen.email, PASSWORD).status_code == 400  # guarded
    assert login(owner, citizen.email, PASSWORD).status_code == 302  # the owner gets in
    assert _logged_in(owner)


def test_a_forged_device_cookie_does_not_open_a_guarded_account(app, client, db, citizen):
    import json

    for _ in range(5):
        login(client, citizen.email, "wrong password")
    client.set_cookie("known_device", json.dumps([citizen.id]))
    assert login(client, citizen.email, PASSWORD).status_code == 400


def test_every_failed_log_in_does_one_password_computation(app, client, db, citizen, monkeypatch):
    """Unknown address, wrong password and guarded account take the same time: each costs
    exactly one argon2 computation (the guarded path answered in 11 ms against 250-580 ms)."""
    calls = []
    real = app.extensions["password_hasher"]

    class Counting:
        def hash(self, password):
            calls.append("hash")
            return real.hash(password)

        def verify(self, stored, password):
            calls.append("verify")
            return real.verify(stored, password)

        def check_needs_rehash(self, stored):
            return real.check_needs_rehash(stored)

    monkeypatch.setitem(app.extensions, "password_hasher", Counting())
    cases = [("nobody@example.com", "x"), (citizen.email, "wrong password")]
    for email, password in cases:
        calls.clear()
        login(client, email, password)
        assert len(calls) == 1, (email, calls)
    for _ in range(5):
        login(client, citizen.email, "wrong password")
    for password in ("wrong password", PASSWORD):  # guarded: still one computation each
        calls.clear()
        login(client, citizen.email, password)
        assert len(calls) == 1, calls


def test_registering_an_existing_address_does_the_same_work(app, client, db, citizen, monkeypatch):
    from app.accounts import services

    calls = []
    monkeypatch.setattr(services, "hash_password", lambda p: calls.append(p) or "x")
    services.register_user("ผู้ทดสอบ", citizen.email, "another long password 42", "th")
    assert len(calls) == 1


def test_failures_on_one_account_do_not_lock_another(client, db):
    victim, other = UserFactory(verified=True), UserFactory(verified=True)
    for _ in range(5):
        login(client, victim.email, "wrong")
    assert login(client, other.email, PASSWORD).status_code == 302


def test_disabled_account_cannot_log_in(client, db):
    user = UserFactory(verified=True, disabled=True)
    response = post_form(client, "/login?lang=en", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "disabled" in response.get_data(as_text=True)


def test_login_is_rate_limited_per_ip(app, client, db):
    app.config["RATELIMIT_LOGIN"] = "3 per minute"
    token = csrf_token(client, "/login")
    statuses = [
        client.post(
            "/login", data={"csrf_token": token, "email": f"x{n}@example.com", "password": "x"}
        ).status_code
        for n in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/%0d%0aLocation:%20https://evil.example",
    ],
)
def test_next_must_be_a_local_path(client, citizen, target):
    response = post_form(
        client,
        f"/login?next={target}",
        {"email": citizen.email, "password": PASSWORD},
        page="/login",
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location


def test_next_local_path_is_followed(client, citizen):
    response = post_form(
        client,
        "/login?next=/account",
        {"email": citizen.email, "password": PASSWORD},
        page="/login",
    )
    assert response.headers["Location"] == "/account"


def test_account_page_needs_a_log_in(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert "/login?next=%2Faccount" in response.headers["Location"]
