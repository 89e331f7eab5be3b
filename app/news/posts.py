"""Posts and tags: what is published, the cards lists show, writing and publishing a post.
Services add and flush; the view's request commits once."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import media
from app.accounts.models import User
from app.audit.services import record, snapshot
from app.domain import DomainError
from app.extensions import db
from app.models import utcnow
from app.news import text
from app.news.models import Post, Tag

POST_FIELDS = ("slug", "title_th", "title_en", "published_at", "image_path", "image_alt")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
IMAGE_PATTERN = re.compile(
    r"^(?:/static/(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+\.(?:png|jpe?g|gif|svg|webp)"
    f"|{re.escape(media.URL_PREFIX)}{media.NAME.pattern})$"  # or an upload (app/media.py)
)
TAG_MAX = 50
TAGS_PER_POST = 10


class NewsError(DomainError):
    """A news rule said no (app/domain.py); ``field`` names the form field it is about."""

    def __init__(self, message, field: str | None = None, status: int = 400) -> None:
        super().__init__(message, status)
        self.field = field


def published_filter(now: datetime | None = None):
    return sa.and_(Post.published_at.is_not(None), Post.published_at <= (now or utcnow()))


def published_posts_query(now: datetime | None = None):
    return (
        sa.select(Post)
        .where(published_filter(now))
        .order_by(Post.published_at.desc(), Post.id.desc())
    )


#: What a post card shows: lists load these columns only, not the bodies (four long texts
#: per post; measured 3.5 ms for five posts on the related-posts list before).
CARD_COLUMNS = sa.orm.load_only(
    Post.slug,
    Post.title_th,
    Post.title_en,
    Post.summary_th,
    Post.summary_en,
    Post.published_at,
    Post.image_path,
    Post.view_count,
    Post.comment_count,
)


def card_query(now: datetime | None = None):
    """Published posts, newest first, loaded for cards."""
    return published_posts_query(now).options(CARD_COLUMNS)


def latest_posts(limit: int = 3) -> list[Post]:
    return list(db.session.scalars(card_query().limit(limit)))


def get_published_post(slug: str) -> Post | None:
    return db.session.scalar(sa.select(Post).where(Post.slug == slug, published_filter()))


def normalise_tag(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())[:TAG_MAX]


def parse_tags(raw: str) -> list[str]:
    names: list[str] = []
    for part in re.split(r"[,،、]", raw or ""):
        name = normalise_tag(part)
        if name and name not in names:
            names.append(name)
    return names


def _tags_for(names: list[str]) -> list[Tag]:
    if not names:
        return []
    existing = {t.name: t for t in db.session.scalars(sa.select(Tag).where(Tag.name.in_(names)))}
    tags = []
    for name in names:
        tag = existing.get(name)
        if tag is None:
            tag = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


@dataclass
class PostData:
    slug: str
    title_th: str
    title_en: str
    body_th: str
    body_en: str
    tags: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    image_path: str | None = None
    image_alt: str = ""


def _check_post(data: PostData, post: Post | None) -> None:
    if not SLUG_PATTERN.match(data.slug or ""):
        raise NewsError(
            _l("Use lower-case English letters, digits and hyphens, such as mascot-contest."),
            "slug",
        )
    clash = db.session.scalar(
        sa.select(Post.id).where(Post.slug == data.slug, Post.id != (post.id if post else -1))
    )
    if clash is not None:
        raise NewsError(_l("Another post already uses this address."), "slug")
    if not (data.title_th.strip() or data.title_en.strip()):
        raise NewsError(_l("Give the post a title in Thai or English."), "title_th")
    if not (data.body_th.strip() or data.body_en.strip()):
        raise NewsError(_l("Write the post in Thai or English."), "body_th")
    if data.image_path and not IMAGE_PATTERN.match(data.image_path):
        raise NewsError(
            _l("Use an image from this site, such as /static/img/mascot.svg."), "image_path"
        )
    uploaded = (data.image_path or "").startswith(media.URL_PREFIX)
    if uploaded and not media.keep(data.image_path.removeprefix(media.URL_PREFIX)):
        raise NewsError(
            _l("This uploaded image is no longer stored: please upload it again."), "image_path"
        )
    if data.image_path and not data.image_alt.strip():
        raise NewsError(_l("Describe the image for people who cannot see it."), "image_alt")
    if len(data.tags) > TAGS_PER_POST:
        raise NewsError(_l("Use at most %(n)d tags.", n=TAGS_PER_POST), "tags")


def _apply(post: Post, data: PostData) -> None:
    post.slug = data.slug
    post.title_th = data.title_th.strip()
    post.title_en = data.title_en.strip()
    post.body_th = data.body_th
    post.body_en = data.body_en
    post.published_at = data.published_at
    post.image_path = data.image_path or None
    post.image_alt = data.image_alt.strip()
    post.html_th = text.render_markdown(data.body_th)
    post.html_en = text.render_markdown(data.body_en)
    post.summary_th = text.summarise(post.html_th)
    post.summary_en = text.summarise(post.html_en)
    post.tags = _tags_for(data.tags)
    post.title_words = text.title_word_set(post.title_th)
    post.search_text = text.normalise(
        " ".join(
            [
                post.title_th,
                post.title_en,
                text.plain_text(post.html_th),
                text.plain_text(post.html_en),
                " ".join(data.tags),
            ]
        )
    )


def _post_snapshot(post: Post) -> dict:
    values = snapshot(post, POST_FIELDS)
    values["tags"] = [t.name for t in post.tags]
    return values


def create_post(data: PostData, *, actor: User | None = None) -> Post:
    """Write a new post by ``actor`` (its author, and the audit's actor; None: the system,
    as in the demo)."""
    _check_post(data, None)
    post = Post(author_id=actor.id if actor is not None else None)
    _apply(post, data)
    db.session.add(post)
    db.session.flush()
    record("post.create", "post", post.id, after=_post_snapshot(post), actor=actor)
    return post


def update_post(post: Post, data: PostData, *, actor: User | None = None) -> Post:
    _check_post(data, post)
    before = _post_snapshot(post)
    _apply(post, data)
    db.session.flush()
    after = _post_snapshot(post)
    record("post.edit", "post", post.id, before=before, after=after, actor=actor)
    return post


def publish_post(post: Post, *, actor: User | None = None) -> None:
    before = snapshot(post, ("published_at",))
    if not post.is_published():
        post.published_at = utcnow()
    db.session.flush()
    after = snapshot(post, ("published_at",))
    record("post.publish", "post", post.id, before=before, after=after, actor=actor)


def unpublish_post(post: Post, *, actor: User | None = None) -> None:
    before = snapshot(post, ("published_at",))
    post.published_at = None
    db.session.flush()
    after = {"published_at": None}
    record("post.unpublish", "post", post.id, before=before, after=after, actor=actor)
