"""Small helpers for tests that go through the forms with CSRF switched on."""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
_STARTED = re.compile(r'name="started" type="hidden" value="([^"]+)"')
_LINK = re.compile(r"https?://\S+")


def csrf_token(client, url: str = "/login") -> str:
    """Open a page and return the CSRF token of its first form."""
    html = client.get(url).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def form_fields(client, url: str) -> dict:
    """The hidden fields a page's form carries (CSRF token and the sign-up timer)."""
    html = client.get(url).get_data(as_text=True)
    fields = {}
    token = _TOKEN.search(html)
    if token:
        fields["csrf_token"] = token.group(1) or token.group(2)
    started = _STARTED.search(html)
    if started:
        fields["started"] = started.group(1)
    return fields


def post_form(client, url: str, data: dict, page: str | None = None, **kwargs):
    """POST ``data`` to ``url`` with the hidden fields taken from ``page`` (default: ``url``)."""
    fields = form_fields(client, page or url)
    fields.update(data)
    return client.post(url, data=fields, **kwargs)


STRONG_PASSWORD = "ทดลอง correct horse battery 42"


def register(client, lang: str = "en", **fields):
    """Send the registration form (consent given) with ``fields`` over a test display name
    and a strong password; ``email`` is needed."""
    data = {"display_name": "ผู้ทดสอบ", "password": STRONG_PASSWORD, "consent": "y", **fields}
    return post_form(client, f"/register?lang={lang}", data, page="/register")


def links_in(message) -> list[str]:
    return _LINK.findall(message.body)


def login(client, email: str, password: str, remember: bool = False):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return post_form(client, "/login", data)


def logout(client):
    return client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
