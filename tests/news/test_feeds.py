"""Atom feed, sitemap.xml and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

from app.models import utcnow
from tests.news.conftest import make_post

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_atom_feed_is_valid_and_keeps_thai(client, db):
    make_post(slug="thai", title_th="ส่งเสริมการใช้บริการรัฐบาลอิเล็กทรอนิกส์", body_th="เนื้อหา & <ข่าว>")
    make_post(slug="hidden", published_at=utcnow() + timedelta(days=1))
    response = client.get("/feed.xml")
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.data)  # noqa: S314  (our own output)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find(f"{ATOM}title").text == "ส่งเสริมการใช้บริการรัฐบาลอิเล็กทรอนิกส์"
    assert entry.find(f"{ATOM}id").text == "http://localhost/news/thai"
    assert entry.find(f"{ATOM}link").get("href") == "http://localhost/news/thai"
    assert "&lt;ข่าว&gt;" in entry.find(f"{ATOM}content").text
    assert "ส่งเสริม".encode() in response.data  # UTF-8, not character references


def test_english_feed(client, db):
    make_post(slug="en", title_en="English title")
    root = ET.fromstring(client.get("/feed.xml?lang=en").data)  # noqa: S314  (our own output)
    assert root.find(f"{ATOM}entry/{ATOM}title").text == "English title"


def test_sitemap_lists_pages_and_published_posts(client, db):
    make_post(slug="listed")
    make_post(slug="draft", draft=True)
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.data)  # noqa: S314  (our own output)
    locs = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert "http://localhost/news/listed" in locs
    assert "http://localhost/news/draft" not in locs
    assert "http://localhost/" in locs and "http://localhost/news" in locs


def test_robots(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /admin" in text and "Disallow: /account" in text
    assert "Sitemap: http://localhost/sitemap.xml" in text
