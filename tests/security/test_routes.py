"""Checks over every route, found by walking ``app.url_map``: no form post without a CSRF
token, and the headers an Observatory-style scan grades on every public page."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, UserFactory
from tests.helpers import login

#: Endpoints that other sites call, so they cannot carry our token (TrackBack 1.2).
CSRF_EXEMPT = {"news.trackback"}
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _fill(rule: str) -> str:
    """A concrete URL for a rule: ints become 1, everything else 'x'."""
    return _PARAM.sub(lambda m: "1" if m.group(1) == "int" else "x", rule)


def _rules(app, method):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if method in rule.methods and rule.endpoint != "static"
    ]


def test_every_form_post_without_a_token_is_refused(app, client, db):
    # As an admin, so that role checks cannot hide a missing CSRF check.
    admin = UserFactory(verified=True, role="admin")
    login(client, admin.email, PASSWORD)
    checked = []
    for rule in _rules(app, "POST"):
        if rule.endpoint in CSRF_EXEMPT:
            continue
        response = client.post(_fill(rule.rule) + "?lang=en", data={"anything": "1"})
        assert response.status_code == 400, f"{rule.rule} answered {response.status_code}"
        assert "reload the page" in response.get_data(as_text=True), rule.rule
        checked.append(rule.rule)
    assert "/logout" in checked and "/register" in checked
    assert len(checked) >= 10


def _public_get_urls(app):
    urls = []
    for rule in _rules(app, "GET"):
        if rule.rule.startswith("/admin") or rule.arguments:
            continue
        urls.append(rule.rule)
    return urls


# What the public GET pages answer an anonymous visitor when they are not a 200: sent to log in,
# no campaign (an empty database), or a tracking page asked without a code.
NOT_200 = {
    "/account": 302,
    "/account/data.json": 302,
    "/contest/submit": 302,
    "/contest/my-entries": 302,
    "/vote/receipt": 302,
    "/vote": 409,
    "/feedback/track": 404,
}


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_security_headers_on_every_public_page(app, client, scheme):
    urls = _public_get_urls(app)
    assert "/" in urls and "/login" in urls
    for url in urls:
        response = client.get(url, base_url=f"{scheme}://localhost")
        assert response.status_code == NOT_200.get(url, 200), url
        headers = response.headers
        csp = headers.get("Content-Security-Policy", "")
        script_src = next((p for p in csp.split(";") if p.strip().startswith("script-src")), "")
        assert (
            script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        ), url
        assert "frame-ancestors 'none'" in csp, url
        assert "object-src 'none'" in csp, url
        assert headers.get("X-Content-Type-Options") == "nosniff", url
        assert headers.get("Referrer-Policy") in {
            "strict-origin-when-cross-origin",
            "no-referrer",
        }, url
        if scheme == "https":
            assert "max-age=" in headers.get("Strict-Transport-Security", ""), url
        else:
            assert "Strict-Transport-Security" not in headers, url


def test_cookies_are_httponly_and_lax_and_secure_over_https(
    app_config, tmp_path, monkeypatch, production_hasher
):
    from app import create_app
    from app.extensions import db

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("APP_ENV", "production")
    # Production refuses per-process rate limits: the shared SQLite store (None) instead.
    settings = {"APP_ENV": "production", "TRUSTED_HOSTS": ["localhost"]}
    production = create_app({**app_config, **settings, "RATELIMIT_STORAGE_URI": None})
    with production.app_context():
        db.create_all()
        user = UserFactory(verified=True)
        email = user.email
    client = production.test_client()
    client.get("/login", base_url="https://localhost")
    response = login(client, email, PASSWORD, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
        assert "Secure" in cookie, cookie
