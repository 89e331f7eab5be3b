"""Home, information pages and the site map, in both languages."""

from __future__ import annotations

import re

import pytest

PAGES = ["website-policy", "privacy", "cookies", "accessibility", "contact"]


@pytest.mark.parametrize("lang", ["th", "en"])
def test_home_and_sitemap(client, lang):
    for url in ("/", "/sitemap"):
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert html.count("<h1") == 1
        assert 'class="skip-link" href="#main"' in html


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("slug", PAGES)
def test_information_pages(client, slug, lang):
    response = client.get(f"/about/{slug}?lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert f'<html lang="{lang}">' in html


def test_footer_links_every_information_page(client):
    html = client.get("/").get_data(as_text=True)
    for slug in PAGES:
        assert f'href="/about/{slug}"' in html
    assert 'href="/sitemap"' in html


def test_privacy_notice_shows_its_version(app, client):
    html = client.get("/about/privacy").get_data(as_text=True)
    assert app.config["PRIVACY_NOTICE_VERSION"] in html


def test_unknown_information_page_is_404(client):
    assert client.get("/about/nothing-here").status_code == 404


def test_static_font_and_mascot_served_by_the_site(client):
    with client.get("/static/css/site.css") as response:
        css = response.get_data(as_text=True)
    assert "@font-face" in css and "Sarabun" in css
    assert "fonts.googleapis" not in css and "http" not in css.split("@font-face", 1)[1][:400]
    with client.get("/static/fonts/sarabun-thai-400.woff2") as font:
        assert font.status_code == 200 and font.mimetype == "font/woff2"
    with client.get("/static/img/mascot.svg") as svg:
        assert svg.status_code == 200 and b"<svg" in svg.data


def test_static_urls_carry_a_content_hash_and_cache_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'href="(/static/css/site\.css\?v=([0-9a-f]{12}))"', html)
    assert match, "site.css is linked without its content hash"
    with client.get(match.group(1)) as response:
        assert response.status_code == 200
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
