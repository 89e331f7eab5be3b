"""Sessions: a new session and CSRF token at log-in, a log-out that revokes every copy of the
session and remember-me cookies, and no caching of what a logged-in person or /admin shows."""

from __future__ import annotations

from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login, logout


def _raw_csrf(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("csrf_token")


def _cookie(client, name: str) -> str:
    cookie = client.get_cookie(name, domain="localhost")
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _opens_account(app, **cookies) -> bool:
    """Whether a browser holding only ``cookies`` gets the account page."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value, domain="localhost")
    return other.get("/account").status_code == 200


def test_log_in_starts_a_new_session_with_a_new_csrf_token(client, citizen):
    before = csrf_token(client, "/login")
    raw_before = _raw_csrf(client)
    assert login(client, citizen.email, PASSWORD).status_code == 302
    csrf_token(client, "/account")
    assert _raw_csrf(client) not in (None, raw_before)
    # A token someone planted or read before the log-in is worth nothing after it.
    response = client.post("/logout", data={"csrf_token": before})
    assert response.status_code == 400
    assert client.get("/account").status_code == 200


def test_a_session_cookie_copied_before_log_out_no_longer_opens_the_account(app, client, citizen):
    login(client, citizen.email, PASSWORD)
    copied = _cookie(client, "session")
    assert _opens_account(app, session=copied)
    assert logout(client).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", copied, domain="localhost")
    redirected = replay.get("/account")
    assert redirected.status_code == 302
    assert "/login" in redirected.headers["Location"]


def test_a_remember_cookie_copied_before_log_out_no_longer_opens_the_account(app, client, citizen):
    login(client, citizen.email, PASSWORD, remember=True)
    remembered = _cookie(client, "remember_token")
    assert _opens_account(app, remember_token=remembered)
    logout(client)
    replay = app.test_client()
    replay.set_cookie("remember_token", remembered, domain="localhost")
    redirected = replay.get("/account")
    assert redirected.status_code == 302
    assert "/login" in redirected.headers["Location"]


def test_log_out_ends_the_sessions_on_other_devices_too(app, citizen):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, citizen.email, PASSWORD)
    login(laptop, citizen.email, PASSWORD)
    logout(laptop)
    assert phone.get("/account").status_code == 302
    # Logging in again works on both.
    assert login(phone, citizen.email, PASSWORD).status_code == 302
    assert phone.get("/account").status_code == 200


def test_pages_for_a_logged_in_person_are_not_stored(client, citizen):
    login(client, citizen.email, PASSWORD)
    for path in ("/account", "/", "/news"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("Cache-Control") == "no-store", path


def test_admin_pages_are_never_stored(client, db):
    anonymous = client.get("/admin/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert anonymous.headers.get("Cache-Control") == "no-store"
    admin = UserFactory(verified=True, role="admin")
    login(client, admin.email, PASSWORD)
    for path in ("/admin/", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("Cache-Control") == "no-store", path


def test_anonymous_cached_pages_stay_cacheable(client, db):
    client.get("/")
    response = client.get("/")
    assert response.headers.get("X-Page-Cache") == "hit"
    assert "no-store" not in (response.headers.get("Cache-Control") or "")
