"""Bad input gets a translated 4xx page, never a 500."""

from __future__ import annotations

import pytest

from tests.helpers import csrf_token


@pytest.mark.parametrize("lang", ["th", "en"])
def test_404_page_is_translated(client, lang):
    response = client.get(f"/no-such-page?lang={lang}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert ("Page not found" in html) == (lang == "en")
    if lang == "th":
        assert "ไม่พบหน้า" in html


def test_405_for_get_on_logout(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_missing_csrf_token_gets_the_reload_page(client):
    response = client.post("/login?lang=en", data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)


def test_stale_csrf_token_gets_the_reload_page(app, client):
    token = csrf_token(client, "/login")
    with client.session_transaction() as session:
        session.clear()  # the token no longer matches the session: as after a restart or expiry
    response = client.post(
        "/login?lang=en", data={"csrf_token": token, "email": "a@example.com", "password": "x"}
    )
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)


def test_expired_csrf_token(app, client):
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    token = csrf_token(client, "/login")
    import itsdangerous.timed as timed

    real = timed.time.time
    try:
        timed.time.time = lambda: real() + 3600
        response = client.post("/login", data={"csrf_token": token, "email": "a@b.co"})
    finally:
        timed.time.time = real
    assert response.status_code == 400


def test_oversize_body_gets_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = client.post("/login?lang=en", data={"email": "x" * 20_000, "password": "y"})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_nul_byte_in_a_field_is_400(client):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?lang=en", data={"csrf_token": token, "email": "a\x00@example.com", "password": "x"}
    )
    assert response.status_code == 400
    assert "not allowed" in response.get_data(as_text=True)


def test_invalid_utf8_in_a_form_is_400(client):
    token = csrf_token(client, "/login")
    body = f"csrf_token={token}&email=a%ff%fe%fd@example.com&password=x".encode()
    response = client.post(
        "/login?lang=en", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "not allowed" in response.get_data(as_text=True)


def test_raw_invalid_utf8_bytes_in_a_form_are_400(client):
    token = csrf_token(client, "/login")
    body = f"csrf_token={token}&password=x&email=".encode() + b"\xff\xfe@example.com"
    response = client.post(
        "/login?lang=en", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "not allowed" in response.get_data(as_text=True)


def test_invalid_utf8_in_the_query_is_400(client):
    response = client.get("/?q=%ff%fe")
    assert response.status_code == 400


def test_nul_in_the_query_is_400(client):
    assert client.get("/?q=a%00b").status_code == 400


def test_thai_text_in_the_query_is_fine(client):
    assert client.get("/?q=%E0%B8%99%E0%B9%89%E0%B8%B3").status_code == 200


def test_invalid_utf8_in_a_multipart_form_is_400(client):
    token = csrf_token(client, "/login")
    boundary = "XyZ"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\n'
        ).encode()
        + b"\xff\xfe@example.com\r\n"
        + f"--{boundary}--\r\n".encode()
    )
    response = client.post(
        "/login?lang=en", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    assert "not allowed" in response.get_data(as_text=True)


def test_500_page_is_friendly_and_rolls_back(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_boom")
    def _boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/_boom?lang=en")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_429_page_is_translated(app, client):
    app.config["RATELIMIT_LOGIN"] = "2 per minute"
    token = csrf_token(client, "/login")
    for _ in range(2):
        client.post("/login", data={"csrf_token": token})
    response = client.post("/login?lang=en", data={"csrf_token": token})
    assert response.status_code == 429
    assert "Too many tries" in response.get_data(as_text=True)
