"""News test helpers: posts made through the service, browser-like headers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.extensions import db as _db
from app.models import utcnow
from app.news import services

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
BROWSER = {"User-Agent": BROWSER_UA}


def make_post(
    slug: str = "hello",
    title_th: str = "ข่าวทดสอบ",
    title_en: str = "A test post",
    body_th: str = "เนื้อหาภาษาไทย",
    body_en: str = "English text",
    tags: list[str] | None = None,
    published_at=None,
    days_ago: float = 1,
    draft: bool = False,
    **extra,
):
    """Create and commit a post through the service (the way staff do)."""
    if published_at is None and not draft:
        published_at = utcnow() - timedelta(days=days_ago)
    post = services.create_post(
        services.PostData(
            slug=slug,
            title_th=title_th,
            title_en=title_en,
            body_th=body_th,
            body_en=body_en,
            tags=tags or [],
            published_at=published_at,
            **extra,
        )
    )
    _db.session.commit()
    return post


@pytest.fixture
def post(db):
    return make_post()
