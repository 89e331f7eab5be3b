"""Related posts: shared tags first, then shared Thai title words, then recency; at most 5."""

from __future__ import annotations

from datetime import timedelta

from app.models import utcnow
from app.news import services
from tests.news.conftest import make_post


def test_ranking(db):
    me = make_post(slug="me", title_th="บริการรัฐบาลอิเล็กทรอนิกส์สำหรับประชาชน", tags=["a", "b"])
    two_tags = make_post(slug="two-tags", title_th="เรื่องอื่น", tags=["a", "b"], days_ago=30)
    one_tag_words = make_post(
        slug="one-tag-words", title_th="บริการรัฐบาลใหม่", tags=["a"], days_ago=20
    )
    one_tag = make_post(slug="one-tag", title_th="ข่าวกีฬา", tags=["b"], days_ago=2)
    words = make_post(slug="words", title_th="รัฐบาลอิเล็กทรอนิกส์ก้าวหน้า", days_ago=10)
    recent = make_post(slug="recent", title_th="ข่าวดนตรี", days_ago=1)
    make_post(slug="old", title_th="ข่าวเก่า", days_ago=40)
    make_post(
        slug="future",
        title_th="บริการรัฐบาลอิเล็กทรอนิกส์",
        tags=["a", "b"],
        published_at=utcnow() + timedelta(days=1),
    )
    ranked = [p.slug for p in services.related_posts(me)]
    assert ranked == [two_tags.slug, one_tag_words.slug, one_tag.slug, words.slug, recent.slug]


def test_no_others(db):
    me = make_post(slug="alone")
    assert services.related_posts(me) == []
