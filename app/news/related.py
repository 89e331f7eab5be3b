"""Related posts: other published posts ranked by shared tags, shared Thai title words,
then recency."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.news.models import Post, post_tag
from app.news.posts import published_filter

RELATED_LIMIT = 5
RELATED_CANDIDATES = 300


def related_posts(post: Post, limit: int = RELATED_LIMIT) -> list[Post]:
    """Other published posts ranked by shared tags, then shared Thai title words, then recency.

    The ranking is kept in the page cache until content changes (app/cache.py)."""
    from app.cache import remember

    best = remember(
        f"related:{post.id}:{limit}", lambda: _related_ids(post, limit), posts_only=True
    )
    if not best:
        return []
    query = (
        sa.select(Post)
        .where(Post.id.in_(best), published_filter())
        .options(
            sa.orm.load_only(Post.slug, Post.title_th, Post.title_en, Post.published_at),
            sa.orm.lazyload(Post.tags),
        )
    )
    found = {p.id: p for p in db.session.scalars(query)}
    return [found[pid] for pid in best if pid in found]


def _related_ids(post: Post, limit: int) -> list[int]:
    tag_ids = [t.id for t in post.tags]
    shared_tags: dict[int, int] = {}
    if tag_ids:
        rows = db.session.execute(
            sa.select(post_tag.c.post_id, sa.func.count())
            .where(post_tag.c.tag_id.in_(tag_ids), post_tag.c.post_id != post.id)
            .group_by(post_tag.c.post_id)
        )
        shared_tags = dict(rows.tuples().all())
    words = set(post.title_words.split())
    candidates = db.session.execute(
        sa.select(Post.id, Post.title_words, Post.published_at)
        .where(published_filter(), Post.id != post.id)
        .order_by(Post.published_at.desc(), Post.id.desc())
        .limit(RELATED_CANDIDATES)
    ).all()

    def rank(row):
        shared_words = len(words & set(row.title_words.split()))
        return (-shared_tags.get(row.id, 0), -shared_words, -row.published_at.timestamp(), -row.id)

    return [row.id for row in sorted(candidates, key=rank)[:limit]]
