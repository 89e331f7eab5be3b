"""Issue 12 §6: bad input is never a 500. Byte ranges on static files, a Host header no URL can
be built for, and every HTTP error status keep their own 4xx/5xx with translated words."""

from __future__ import annotations

import pytest
from flask import abort
from werkzeug.exceptions import TooManyRequests, default_exceptions

from app.errors import MESSAGES, messages_for

STATIC = "/static/css/site.css"
#: 63 characters is the longest label DNS allows; Werkzeug's IDNA encoding refuses 64.
LONG_LABEL_HOST = "a" * 64 + ".example"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SERVER_NAME": None}  # as in production: the request's Host is used


def _size(app) -> int:
    with open(f"{app.static_folder}/css/site.css", "rb") as handle:
        return len(handle.read())


def test_a_single_range_gives_206(app, client):
    with client.get(STATIC, headers={"Range": "bytes=0-9"}) as response:
        assert response.status_code == 206
        assert response.headers["Content-Range"] == f"bytes 0-9/{_size(app)}"
        assert len(response.get_data()) == 10


@pytest.mark.parametrize(
    "asked", ["bytes=0-1,2-3", "bytes=999999999-", "bytes=5-2", "bytes=-0", "pages=1-2", "bytes=x"]
)
@pytest.mark.parametrize("lang", ["th", "en"])
def test_several_or_unsatisfiable_ranges_give_416(app, client, asked, lang):
    with client.get(f"{STATIC}?lang={lang}", headers={"Range": asked}) as response:
        assert response.status_code == 416, response.status_code
    assert response.headers["Content-Range"] == f"bytes */{_size(app)}"
    text = response.get_data(as_text=True)
    assert ("This request cannot be answered" in text) == (lang == "en")
    assert "416" in text


def test_several_ranges_and_an_unsatisfiable_range_are_416(app, client):
    for asked in ("bytes=0-1,2-3", "bytes=999999999-"):
        with client.get(STATIC, headers={"Range": asked}) as response:
            assert response.status_code == 416


@pytest.mark.parametrize("url", ["/", "/news", "/login", "/no-such-page", STATIC])
def test_a_host_label_of_64_characters_is_a_plain_400(client, url):
    with client.get(url, headers={"Host": LONG_LABEL_HOST}) as response:
        assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "ไม่เข้าใจคำขอ" in response.get_data(as_text=True)  # Thai first, as every page


def test_the_bad_host_answer_is_translated(client):
    response = client.get("/?lang=en", headers={"Host": LONG_LABEL_HOST})
    assert response.status_code == 400
    assert "The request could not be understood" in response.get_data(as_text=True)


def test_a_form_post_with_a_bad_host_is_a_400_too(client):
    response = client.post("/login", data={"email": "a@example.com"}, headers={"Host": "a" * 300})
    assert response.status_code == 400


def test_a_host_outside_trusted_hosts_is_a_translated_plain_400(app, client):
    app.config.update(SERVER_NAME=None, TRUSTED_HOSTS=["localhost"])
    response = client.get("/?lang=en", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "The request could not be understood" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200


ERROR_CODES = sorted(code for code in default_exceptions if code >= 400)


@pytest.fixture
def aborting(app):
    """A route that answers with any HTTP error: /_abort/<code>."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_abort/<int:code>")
    def _abort(code):
        if code == 429:
            raise TooManyRequests(retry_after=60)
        abort(code)

    return app


@pytest.mark.parametrize("code", ERROR_CODES)
def test_every_http_error_keeps_its_status_with_translated_words(aborting, code):
    client = aborting.test_client()
    english = client.get(f"/_abort/{code}?lang=en")
    thai = client.get(f"/_abort/{code}?lang=th")
    assert english.status_code == thai.status_code == code
    english_text, thai_text = english.get_data(as_text=True), thai.get_data(as_text=True)
    assert english.mimetype == "text/html"
    with aborting.test_request_context("/?lang=en"):
        title = str(messages_for(code)[0])
    if code not in MESSAGES:
        generic = code < 500 and "This request cannot be answered"
        assert title == (generic or "Something went wrong on our side")
    assert title in english_text
    assert title not in thai_text
    assert f"{code}" in thai_text
    assert '<html lang="th">' in thai_text


def test_an_error_keeps_the_headers_that_belong_to_it(aborting):
    client = aborting.test_client()
    assert client.get("/_abort/429").headers["Retry-After"] == "60"
    assert "GET" in client.post("/_abort/404").headers["Allow"]
