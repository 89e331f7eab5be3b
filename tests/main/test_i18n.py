"""Thai by default, English on request and remembered; Buddhist-Era dates; Bangkok times."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.i18n import format_date, format_datetime, format_time


def test_thai_is_the_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="th">' in html


def test_english_by_query_is_remembered_in_a_cookie(client):
    response = client.get("/?lang=en")
    assert '<html lang="en">' in response.get_data(as_text=True)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert "lang=en" in cookie and "SameSite=Lax" in cookie
    assert '<html lang="en">' in client.get("/sitemap").get_data(as_text=True)
    client.get("/?lang=th")
    assert '<html lang="th">' in client.get("/sitemap").get_data(as_text=True)


def test_unknown_language_falls_back_to_thai(client):
    assert '<html lang="th">' in client.get("/?lang=fr").get_data(as_text=True)


def test_language_switch_keeps_the_page_and_its_query(client):
    html = client.get("/sitemap?lang=th").get_data(as_text=True)
    assert 'href="/sitemap?lang=en"' in html


def test_strings_are_translated(client):
    th = client.get("/login?lang=th").get_data(as_text=True)
    en = client.get("/login?lang=en").get_data(as_text=True)
    assert "Log in" in en
    assert "เข้าสู่ระบบ" in th
    assert ">Log in<" not in th


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (date(2010, 9, 15), "th", "15 ก.ย. 2553"),
        (date(2010, 9, 15), "en", "15 Sep 2010"),
        # 20:00 UTC on 31 Dec is already 1 Jan in Bangkok (UTC+7): the year turns too.
        (datetime(2026, 12, 31, 20, 0, tzinfo=UTC), "th", "1 ม.ค. 2570"),
        (datetime(2026, 12, 31, 20, 0, tzinfo=UTC), "en", "1 Jan 2027"),
    ],
)
def test_dates(app, value, lang, expected):
    with app.test_request_context():
        assert format_date(value, lang) == expected


def test_times_are_shown_in_bangkok(app):
    moment = datetime(2010, 9, 15, 7, 30, tzinfo=UTC)
    with app.test_request_context():
        assert format_time(moment, "th") == "14:30 น."
        assert format_time(moment, "en") == "2:30 pm"
        assert format_datetime(moment, "th") == "15 ก.ย. 2553 14:30 น."


def test_naive_datetimes_are_refused(app):
    with app.test_request_context(), pytest.raises(ValueError):
        format_time(datetime(2010, 9, 15, 7, 30), "th")
