"""TrackBack 1.2 pings: the XML replies, validation, moderation, display, rate limit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.news.models import Trackback
from tests.factories import PASSWORD
from tests.helpers import login, post_form
from tests.news.conftest import BROWSER

PING = "/news/hello/trackback"


def reply(response) -> tuple[str, str | None]:
    assert response.content_type.startswith("text/xml")
    text = response.get_data(as_text=True)
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(text.split("?>", 1)[1])  # noqa: S314  (our own output)
    assert root.tag == "response"
    message = root.find("message")
    return root.find("error").text, message.text if message is not None else None


def test_a_valid_ping_is_stored_pending(client, db, post):
    response = client.post(
        PING,
        data={
            "url": "https://blog.example/entry-1",
            "title": "A blog entry <b>about</b> this",
            "excerpt": "ข้อความ " * 100,
            "blog_name": "Example blog",
        },
    )
    assert response.status_code == 200
    assert reply(response) == ("0", None)
    db.session.commit()
    tb = db.session.scalar(sa.select(Trackback))
    assert tb.status == "pending" and len(tb.excerpt) <= 255 and tb.excerpt.endswith("…")
    assert "A blog entry" not in client.get("/news/hello", headers=BROWSER).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "The url parameter is required."),
        ({"url": "   "}, "The url parameter is required."),
        ({"url": "javascript:alert(1)"}, "The url must be an http or https address."),
        ({"url": "ftp://files.example/x"}, "The url must be an http or https address."),
        ({"url": "https://"}, "The url must be an http or https address."),
        ({"url": "https://a.example/" + "x" * 600}, "The url is too long."),
    ],
)
def test_bad_pings_get_error_1(client, db, post, data, message):
    response = client.post(PING, data=data)
    assert response.status_code == 400
    assert reply(response) == ("1", message)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Trackback)) == 0


def test_unknown_post(client, db):
    response = client.post("/news/nope/trackback", data={"url": "https://a.example"})
    assert response.status_code == 404
    assert reply(response)[0] == "1"


def test_oversize_body_is_refused(client, db, post):
    response = client.post(PING, data={"url": "https://a.example", "excerpt": "x" * 3_000_000})
    assert response.status_code == 413


def test_get_is_not_allowed(client, db, post):
    assert client.get(PING).status_code == 405


def test_pings_are_rate_limited_per_address(app, client, db, post):
    app.config["RATELIMIT_TRACKBACK"] = "2 per hour"
    for _ in range(2):
        assert client.post(PING, data={"url": "https://a.example"}).status_code == 200
    limited = client.post(PING, data={"url": "https://a.example"})
    assert limited.status_code == 429
    assert reply(limited)[0] == "1"


def test_approved_ping_is_shown_escaped_with_nofollow(client, db, post, moderator):
    client.post(
        PING,
        data={
            "url": 'https://blog.example/a"><script>x</script>',
            "title": "<script>alert(1)</script>",
            "excerpt": "<img src=x onerror=alert(1)>",
            "blog_name": "บล็อกของฉัน",
        },
    )
    db.session.commit()
    tb = db.session.scalar(sa.select(Trackback))
    login(client, moderator.email, PASSWORD)
    assert "&lt;script&gt;" in client.get("/admin/comments").get_data(as_text=True)
    post_form(client, f"/admin/trackbacks/{tb.id}/approve", {}, page="/admin/comments")
    html = client.get("/news/hello?lang=en", headers=BROWSER).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert 'rel="nofollow ugc noopener"' in html and "บล็อกของฉัน" in html
    assert "No trackbacks yet." not in html
    assert "trackback.approve" in list(db.session.scalars(sa.select(AuditEntry.action)))
