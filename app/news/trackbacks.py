"""TrackBack pings: received for moderation, shown under the post once approved."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.extensions import db
from app.news.models import Post, Status, Trackback
from app.news.posts import NewsError

TRACKBACK_URL_MAX = 500
TRACKBACK_TITLE_MAX = 200
TRACKBACK_EXCERPT_MAX = 255


def _clip(value: str | None, limit: int) -> str:
    value = " ".join(unicodedata.normalize("NFC", value or "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def receive_trackback(
    post: Post, url: str, title: str, excerpt: str, blog_name: str, ip: str
) -> Trackback:
    """Store a TrackBack ping for moderation; raises NewsError with a plain English message."""
    url = (url or "").strip()
    if not url:
        raise NewsError("The url parameter is required.")
    if len(url) > TRACKBACK_URL_MAX:
        raise NewsError("The url is too long.")
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 address)
        raise NewsError("The url must be an http or https address.") from None
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise NewsError("The url must be an http or https address.")
    trackback = Trackback(
        post_id=post.id,
        url=url,
        title=_clip(title, TRACKBACK_TITLE_MAX) or _clip(url, TRACKBACK_TITLE_MAX),
        excerpt=_clip(excerpt, TRACKBACK_EXCERPT_MAX),
        blog_name=_clip(blog_name, TRACKBACK_TITLE_MAX),
        ip_address=(ip or "")[:45],
        status=Status.PENDING.value,
    )
    db.session.add(trackback)
    db.session.flush()
    return trackback


def approved_trackbacks(post: Post) -> list[Trackback]:
    return list(
        db.session.scalars(
            sa.select(Trackback)
            .where(Trackback.post_id == post.id, Trackback.status == Status.APPROVED)
            .order_by(Trackback.created_at)
        )
    )
