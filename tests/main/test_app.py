"""The factory, the secret key, health check, request ids and security headers."""

from __future__ import annotations

import os
import stat

import pytest
import sqlalchemy as sa

from app import create_app
from app.security import WeakSecretKeyError
from tests.conftest import both_databases


def _fresh_env(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    for name in ("SECRET_KEY", "APP_ENV", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)


def test_secret_key_is_generated_once_with_private_mode(monkeypatch, tmp_path):
    _fresh_env(monkeypatch, tmp_path)
    first = create_app()
    key_file = tmp_path / "inst" / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 32
    second = create_app()
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


@pytest.mark.parametrize("key", [None, "", "dev", "changeme", "short-key-123"])
def test_production_refuses_missing_or_weak_key(monkeypatch, tmp_path, key):
    _fresh_env(monkeypatch, tmp_path)
    monkeypatch.setenv("APP_ENV", "production")
    if key is not None:
        monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(WeakSecretKeyError):
        create_app()
    assert not (tmp_path / "inst" / "secret_key").exists()


def test_production_refuses_the_tests_cheap_password_hashing(monkeypatch, tmp_path):
    from app.security import WeakPasswordHashingError

    _fresh_env(monkeypatch, tmp_path)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 20 + "a-long-random-enough-value-0123456789")
    with pytest.raises(WeakPasswordHashingError):
        create_app()  # conftest.py set ARGON2_TIME_COST=1 for the test run


def test_production_with_strong_key_sets_secure_cookies(monkeypatch, tmp_path, production_hasher):
    _fresh_env(monkeypatch, tmp_path)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 20 + "a-long-random-enough-value-0123456789")
    monkeypatch.setenv("SITE_URL", "https://mascot.egov.example")
    monkeypatch.setenv("TRUSTED_HOSTS", "mascot.egov.example")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


@both_databases
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(app_config, monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    broken = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": "sqlite:////no/such/dir/x.db"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_request_id_is_echoed_or_made(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    kept = client.get("/healthz", headers={"X-Request-ID": "abc12345-from-proxy"})
    assert kept.headers["X-Request-ID"] == "abc12345-from-proxy"
    unsafe = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert len(unsafe.headers["X-Request-ID"]) == 32


def test_request_id_is_in_the_logs(app, client, caplog):
    app.logger.propagate = True
    with caplog.at_level("INFO", logger=app.logger.name):

        @app.get("/_log")
        def _log():
            app.logger.info("hello from a view")
            return "ok"

        response = client.get("/_log", headers={"X-Request-ID": "req-id-123456"})
    assert response.status_code == 200
    assert any(getattr(r, "request_id", None) == "req-id-123456" for r in caplog.records)


def test_security_headers_on_every_page(client):
    for url in ("/", "/login", "/nope", "/healthz"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "style-src 'self'" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in headers


def test_hsts_only_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_script_or_style(client):
    for url in ("/", "/register", "/login", "/sitemap", "/about/privacy"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "<script " not in html.replace('<script src="', "")
        assert " style=" not in html
        assert "<style" not in html
        assert " onclick=" not in html.lower()


def test_session_cookie_flags(client, citizen):
    from tests.factories import PASSWORD
    from tests.helpers import login

    response = login(client, citizen.email, PASSWORD, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    remember = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session, remember):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


@both_databases
def test_naming_convention_names_constraints(db):
    inspector = sa.inspect(db.engine)
    uniques = {u["name"] for u in inspector.get_unique_constraints("user_account")}
    assert "uq_user_account_email" in uniques


def test_proxy_fix_trusts_exactly_the_configured_hops(app_config, monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    behind_nginx = create_app({**app_config, "PROXY_HOPS": 1})

    @behind_nginx.get("/_whoami")
    def whoami():
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    headers = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7", "X-Forwarded-Proto": "https"}
    seen = behind_nginx.test_client().get("/_whoami", headers=headers).get_data(as_text=True)
    assert seen == "198.51.100.7 https"  # only the last hop, added by our own proxy
    response = behind_nginx.test_client().get("/healthz", headers=headers)
    assert "Strict-Transport-Security" in response.headers


def test_without_a_proxy_forwarded_headers_are_ignored(app, client):
    @app.get("/_whoami")
    def whoami():
        from flask import request

        return f"{request.remote_addr} {request.scheme}"

    seen = client.get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"}).get_data(as_text=True)
    assert seen == "127.0.0.1 http"


def test_ping_is_a_constant_without_the_database(app_config, monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    broken = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": "sqlite:////no/such/dir/x.db"})
    response = broken.test_client().get("/ping")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"
