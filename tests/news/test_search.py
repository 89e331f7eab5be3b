"""Search finds Thai words inside Thai sentences, English words, and survives any query."""

from __future__ import annotations

import pytest

from app.hooks import add_search_provider
from app.news import services
from tests.news.conftest import make_post


@pytest.fixture
def posts(db):
    make_post(
        slug="seed",
        title_th="ส่งเสริมการใช้บริการรัฐบาลอิเล็กทรอนิกส์",
        title_en="Promoting e-Government services",
    )
    make_post(
        slug="mascot",
        title_th="ประกวดตั้งชื่อมาสคอต",
        title_en="Name our mascot",
        body_en="Vote for 100% fun_names",
    )
    make_post(slug="draft", title_th="บริการลับ", draft=True)


def test_a_thai_word_inside_a_sentence_is_found(client, posts):
    html = client.get("/search?q=บริการ").get_data(as_text=True)
    assert "/news/seed" in html and "/news/mascot" not in html and "/news/draft" not in html
    assert "<mark>บริการ</mark>" in html


def test_a_thai_phrase_is_split_into_words(client, posts):
    html = client.get("/search?q=บริการรัฐบาล").get_data(as_text=True)
    assert "/news/seed" in html
    assert "/news/seed" not in client.get("/search?q=บริการมาสคอต").get_data(as_text=True)


def test_english_words_any_case(client, posts):
    html = client.get("/search?q=MASCOT&lang=en").get_data(as_text=True)
    assert "/news/mascot" in html and "<mark>mascot</mark>" in html


@pytest.mark.parametrize(
    "query",
    [
        "%",
        "_",
        "\\",
        "100%",
        "fun_",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "x" * 5000,
        "ก" * 300 + "่" * 50,
        "\u200b",
        "a%_\\b",
    ],
)
def test_hostile_queries_are_safe(client, posts, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


def test_like_metacharacters_match_literally(client, posts):
    assert "/news/seed" not in client.get("/search?q=%25").get_data(as_text=True)
    assert "/news/mascot" in client.get("/search?q=100%25").get_data(as_text=True)
    assert "/news/mascot" in client.get("/search?q=fun_names").get_data(as_text=True)
    assert "/news/mascot" not in client.get("/search?q=fun%25names").get_data(as_text=True)


def test_results_are_paginated(client, db):
    for i in range(12):
        make_post(slug=f"s{i}", title_en=f"service {i}", days_ago=20 - i)
    html = client.get("/search?q=service&lang=en").get_data(as_text=True)
    assert "12 posts found" in html and 'rel="next"' in html
    assert "q=service" in html.split('rel="next"')[0].rsplit("href=", 1)[1]


def test_empty_query_and_other_providers(app, client, posts):
    assert client.get("/search?q=").status_code == 200
    hit = services.SearchHit(
        title="Finalist <b>บริการ</b>", url="/contest/finalist/1", kind="Finalist"
    )

    def provider(terms):
        return [hit] if "บริการ" in terms else []

    add_search_provider(app, provider)  # this test's app only
    html = client.get("/search?q=บริการ").get_data(as_text=True)
    assert "Finalist &lt;b&gt;<mark>บริการ</mark>&lt;/b&gt;" in html
