"""News rules: posts and tags, related posts, search, comments and their moderation,
reports, trackbacks. Services add and flush; the view's request commits once."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from app import media
from app.audit.services import record, snapshot
from app.database import begin_write
from app.domain import DomainError
from app.extensions import db
from app.models import utcnow
from app.news import text
from app.news.models import (
    Comment,
    CommentReport,
    ModerationWord,
    Post,
    Status,
    Tag,
    Trackback,
    post_tag,
)

POST_FIELDS = ("slug", "title_th", "title_en", "published_at", "image_path", "image_alt")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
IMAGE_PATTERN = re.compile(
    r"^(?:/static/(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-]+\.(?:png|jpe?g|gif|svg|webp)"
    f"|{re.escape(media.URL_PREFIX)}{media.NAME.pattern})$"  # or an upload (app/media.py)
)
TAG_MAX = 50
TAGS_PER_POST = 10
RELATED_LIMIT = 5
RELATED_CANDIDATES = 300

COMMENT_MIN = 2
COMMENT_MAX = 2000
COMMENT_MAX_TEXT = "2,000"  # as written in both languages
COMMENT_INTERVAL = timedelta(seconds=15)
COMMENT_MAX_LINKS = 2
REPORTS_TO_HIDE = 3

TRACKBACK_URL_MAX = 500
TRACKBACK_TITLE_MAX = 200
TRACKBACK_EXCERPT_MAX = 255


class NewsError(DomainError):
    """A news rule said no (app/domain.py); ``field`` names the form field it is about."""

    def __init__(self, message, field: str | None = None, status: int = 400) -> None:
        super().__init__(message, status)
        self.field = field


# --- Posts ----------------------------------------------------------------------------------


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


def create_post(data: PostData, author=None) -> Post:
    _check_post(data, None)
    post = Post(author_id=author.id if author is not None else None)
    _apply(post, data)
    db.session.add(post)
    db.session.flush()
    record("post.create", "post", post.id, after=_post_snapshot(post))
    return post


def update_post(post: Post, data: PostData) -> Post:
    _check_post(data, post)
    before = _post_snapshot(post)
    _apply(post, data)
    db.session.flush()
    record("post.edit", "post", post.id, before=before, after=_post_snapshot(post))
    return post


def publish_post(post: Post) -> None:
    before = snapshot(post, ("published_at",))
    if not post.is_published():
        post.published_at = utcnow()
    db.session.flush()
    record("post.publish", "post", post.id, before=before, after=snapshot(post, ("published_at",)))


def unpublish_post(post: Post) -> None:
    before = snapshot(post, ("published_at",))
    post.published_at = None
    db.session.flush()
    record("post.unpublish", "post", post.id, before=before, after={"published_at": None})


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


# --- Search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    """A result another feature contributes (for example a contest finalist)."""

    title: str
    url: str
    summary: str = ""
    kind: object = ""


#: Other features add ``fn(terms) -> list[SearchHit]``; their hits are shown beside the posts.
SEARCH_PROVIDERS: list[Callable[[list[str]], list[SearchHit]]] = []


def add_search_provider(provider: Callable[[list[str]], list[SearchHit]]) -> None:
    if provider not in SEARCH_PROVIDERS:
        SEARCH_PROVIDERS.append(provider)


@dataclass
class FeedItem:
    """An Atom entry another feature contributes (for example the prize draw's announcement).
    ``id`` must never change; ``updated`` changes only when the item does."""

    id: str
    title: str
    url: str
    summary: str
    published: datetime
    updated: datetime


#: Other features add ``fn() -> list[FeedItem]``; the feed lists them among the posts.
FEED_PROVIDERS: list[Callable[[], list[FeedItem]]] = []


def add_feed_provider(provider: Callable[[], list[FeedItem]]) -> None:
    if provider not in FEED_PROVIDERS:
        FEED_PROVIDERS.append(provider)


def other_feed_items() -> list[FeedItem]:
    return [item for provider in FEED_PROVIDERS for item in provider()]


def search_posts_query(terms: list[str]):
    query = card_query()
    for term in terms:
        query = query.where(Post.search_text.like(text.like_pattern(term), escape="\\"))
    return query


def other_search_hits(terms: list[str]) -> list[SearchHit]:
    hits: list[SearchHit] = []
    for provider in SEARCH_PROVIDERS:
        hits.extend(provider(terms))
    return hits


# --- Comments -------------------------------------------------------------------------------


def visible_comments(post: Post, viewer=None) -> list[Comment]:
    """Approved comments, plus the viewer's own held ones (shown as awaiting moderation)."""
    condition = Comment.status == Status.APPROVED
    if viewer is not None and viewer.is_authenticated:
        condition = sa.or_(
            condition,
            sa.and_(Comment.author_id == viewer.id, Comment.status == Status.PENDING),
        )
    return list(
        db.session.scalars(
            sa.select(Comment)
            .where(Comment.post_id == post.id, condition)
            .order_by(Comment.created_at, Comment.id)
            .options(sa.orm.selectinload(Comment.author))
        )
    )


def comment_tree(comments: list[Comment]) -> list[tuple[Comment, list[Comment]]]:
    """Top-level comments with their replies (one level); replies to hidden parents drop out."""
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    return [(c, replies.get(c.id, [])) for c in comments if c.parent_id is None]


def moderation_words() -> list[str]:
    return [
        text.normalise(w) for w in db.session.scalars(sa.select(ModerationWord.word)) if w.strip()
    ]


def _hold_reason(user, body: str) -> str | None:
    if text.count_links(body) > COMMENT_MAX_LINKS:
        return "links"
    folded = text.normalise(body)
    if any(word in folded for word in moderation_words()):
        return "word"
    has_approved = db.session.scalar(
        sa.select(Comment.id)
        .where(Comment.author_id == user.id, Comment.status == Status.APPROVED)
        .limit(1)
    )
    if has_approved is None:
        return "first_comment"
    return None


def _adjust_count(post_id: int, delta: int) -> None:
    if delta:
        db.session.execute(
            sa.update(Post)
            .where(Post.id == post_id)
            # updated_at stays: a comment is not a change to the post (feeds, sitemap).
            .values(comment_count=Post.comment_count + delta, updated_at=Post.updated_at)
            .execution_options(synchronize_session=False)
        )


def _set_status(comment: Comment, status: Status) -> None:
    was_visible = comment.status == Status.APPROVED
    comment.status = status.value
    _adjust_count(comment.post_id, int(status == Status.APPROVED) - int(was_visible))


def lock_commenter(user) -> None:
    """Serialise one person's comments, so the flood rule holds across processes.

    A write transaction (SQLite: the database's write lock, taken up front), then the
    person's row locked (PostgreSQL: FOR UPDATE) before the last comment time is read.
    """
    from app.accounts.models import User

    user_id = user.id  # read before begin_write's commit expires it
    begin_write()
    db.session.execute(sa.select(User.id).where(User.id == user_id).with_for_update())


def add_comment(post: Post, user, body: str, parent_id: int | None = None) -> Comment:
    """Add a comment by a verified citizen; it is held for moderation when the rules say so.

    Call ``lock_commenter(user)`` first when requests may run at the same time.
    """
    body = unicodedata.normalize("NFC", body or "").strip()
    if len(body) < COMMENT_MIN:
        raise NewsError(_l("Write at least %(n)d characters.", n=COMMENT_MIN), "body")
    if len(body) > COMMENT_MAX:
        raise NewsError(_l("A comment has at most %(n)s characters.", n=COMMENT_MAX_TEXT), "body")
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.post_id != post.id or parent.status != Status.APPROVED:
            raise NewsError(_l("The comment you replied to is no longer shown."), "body")
        if parent.parent_id is not None:  # one level of replies: join the thread
            parent = db.session.get(Comment, parent.parent_id)
    last = db.session.scalar(
        sa.select(sa.func.max(Comment.created_at)).where(Comment.author_id == user.id)
    )
    now = utcnow()
    if last is not None:
        if last.tzinfo is None:
            last = last.replace(tzinfo=now.tzinfo)
        if now - last < COMMENT_INTERVAL:
            wait = int((COMMENT_INTERVAL - (now - last)).total_seconds()) + 1
            raise NewsError(
                _l(
                    "You commented a moment ago. Please wait %(n)d seconds, then send again.",
                    n=wait,
                ),
                "body",
                status=429,
            )
    reason = _hold_reason(user, body)
    comment = Comment(
        post_id=post.id,
        author_id=user.id,
        parent_id=parent.id if parent is not None else None,
        body=body,
        status=Status.PENDING.value if reason else Status.APPROVED.value,
        held_reason=reason,
        created_at=now,
    )
    db.session.add(comment)
    if reason is None:
        _adjust_count(post.id, 1)
    db.session.flush()
    return comment


def report_comment(comment: Comment, user) -> bool:
    """Report a shown comment; False when this citizen had already reported it."""
    if comment.status != Status.APPROVED and not comment.needs_review:
        raise NewsError(_l("This comment is no longer shown."))
    if comment.author_id == user.id:
        raise NewsError(_l("You cannot report your own comment."))
    exists = db.session.scalar(
        sa.select(CommentReport.id).where(
            CommentReport.comment_id == comment.id, CommentReport.user_id == user.id
        )
    )
    if exists is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(CommentReport(comment_id=comment.id, user_id=user.id))
    except sa.exc.IntegrityError:
        return False  # a double submit raced us: the unique key kept one report
    # Count on the locked row (PostgreSQL: FOR UPDATE; SQLite: the request holds the write
    # lock): reports since the last moderator decision, which resets the count.
    db.session.execute(sa.select(Comment.id).where(Comment.id == comment.id).with_for_update())
    db.session.refresh(comment)
    comment.report_count += 1
    count = comment.report_count
    comment.needs_review = True
    if count >= REPORTS_TO_HIDE and comment.status == Status.APPROVED:
        _set_status(comment, Status.HIDDEN)
    db.session.flush()
    return True


MODERATION_ACTIONS = {"approve": Status.APPROVED, "hide": Status.HIDDEN, "spam": Status.SPAM}


def moderate_comment(comment: Comment, action: str) -> None:
    status = MODERATION_ACTIONS[action]
    before = snapshot(comment, ("status", "report_count", "needs_review"))
    _set_status(comment, status)
    comment.needs_review = False
    if status == Status.APPROVED:
        comment.report_count = 0  # a moderator's decision: earlier reports are answered
    db.session.flush()
    record(
        f"comment.{action}",
        "comment",
        comment.id,
        before=before,
        after=snapshot(comment, ("status", "report_count", "needs_review")),
    )


def moderate_trackback(trackback: Trackback, action: str) -> None:
    status = MODERATION_ACTIONS[action]
    before = snapshot(trackback, ("status",))
    trackback.status = status.value
    db.session.flush()
    record(
        f"trackback.{action}",
        "trackback",
        trackback.id,
        before=before,
        after={"status": status.value},
    )


QUEUE_TABS = ("pending", "reported", "hidden", "spam")


def comment_queue_query(tab: str):
    query = sa.select(Comment).options(
        sa.orm.selectinload(Comment.author), sa.orm.selectinload(Comment.post)
    )
    if tab == "reported":
        query = query.where(Comment.needs_review.is_(True))
    else:
        query = query.where(Comment.status == tab)
    return query.order_by(Comment.created_at.desc(), Comment.id.desc())


def trackback_queue(tab: str) -> list[Trackback]:
    if tab == "reported":
        return []
    return list(
        db.session.scalars(
            sa.select(Trackback)
            .where(Trackback.status == tab)
            .options(sa.orm.selectinload(Trackback.post))
            .order_by(Trackback.created_at.desc())
            .limit(200)
        )
    )


def queue_counts() -> dict[str, int]:
    counts = dict.fromkeys(QUEUE_TABS, 0)
    for status, n in db.session.execute(
        sa.select(Comment.status, sa.func.count()).group_by(Comment.status)
    ):
        if status in counts:
            counts[status] += n
    for status, n in db.session.execute(
        sa.select(Trackback.status, sa.func.count()).group_by(Trackback.status)
    ):
        if status in counts:
            counts[status] += n
    counts["reported"] = db.session.scalar(
        sa.select(sa.func.count()).where(Comment.needs_review.is_(True))
    )
    return counts


def bulk_moderate(items: list[str], action: str) -> int:
    """Apply ``action`` to items named "c-<id>" (comments) or "t-<id>" (trackbacks)."""
    done = 0
    for item in items:
        kind, _, raw_id = item.partition("-")
        if not raw_id.isdecimal():
            continue
        model = Comment if kind == "c" else Trackback if kind == "t" else None
        if model is None:
            continue
        obj = db.session.get(model, int(raw_id))
        if obj is None:
            continue
        if model is Comment:
            moderate_comment(obj, action)
        else:
            moderate_trackback(obj, action)
        done += 1
    record("moderation.bulk", "comment", None, after={"action": action, "items": items[:200]})
    return done


def describe_items(items: list[str]) -> list[object]:
    """The comments and trackbacks named by ``items``, for the confirmation page."""
    found = []
    for item in items:
        kind, _, raw_id = item.partition("-")
        if raw_id.isdecimal():
            model = Comment if kind == "c" else Trackback if kind == "t" else None
            obj = db.session.get(model, int(raw_id)) if model else None
            if obj is not None:
                found.append((item, obj))
    return found


# --- Trackbacks ------------------------------------------------------------------------------


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


# --- Accounts: deletion and data export ------------------------------------------------------


def anonymise_comments(sender, user, **extra) -> None:
    """An account is being deleted: its published comments stay, shown as by a deleted
    account; the ones never published (pending, hidden, spam) are erased: deleted, or blanked
    when others replied to them (deleting would take their replies along)."""
    reply = aliased(Comment)
    replied = sa.select(reply.id).where(reply.parent_id == Comment.id).exists()
    unpublished = sa.and_(Comment.author_id == user.id, Comment.status != Status.APPROVED)
    # "fetch": loaded copies of these rows are updated or dropped from the session too.
    db.session.execute(
        sa.update(Comment)
        .where(unpublished, replied)
        .values(body="")
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        sa.delete(Comment)
        .where(unpublished, ~replied)
        .execution_options(synchronize_session="fetch")
    )
    db.session.execute(
        sa.update(Comment)
        .where(Comment.author_id == user.id)
        .values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(sa.delete(CommentReport).where(CommentReport.user_id == user.id))
    db.session.execute(
        sa.update(Post)
        .where(Post.author_id == user.id)
        .values(author_id=None)
        .execution_options(synchronize_session=False)
    )
    for comment in db.session.identity_map.values():
        if isinstance(comment, Comment) and comment.author_id == user.id:
            comment.author_id = None


def export_comments(user) -> dict:
    post = aliased(Post)
    rows = db.session.execute(
        sa.select(Comment, post.slug)
        .join(post, post.id == Comment.post_id)
        .where(Comment.author_id == user.id)
        .order_by(Comment.created_at)
    ).all()
    return {
        "comments": [
            {
                "post": slug,
                "body": c.body,
                "status": c.status,
                "created_at": c.created_at.isoformat(),
                "reply_to": c.parent_id,
            }
            for c, slug in rows
        ]
    }


def add_moderation_word(word: str) -> None:
    exists = db.session.scalar(sa.select(ModerationWord.id).where(ModerationWord.word == word))
    if exists is None:
        entry = ModerationWord(word=word)
        db.session.add(entry)
        db.session.flush()
        record("moderation_word.add", "moderation_word", entry.id, after={"word": word})


def remove_moderation_word(word_id: int) -> None:
    entry = db.session.get(ModerationWord, word_id)
    if entry is not None:
        record("moderation_word.remove", "moderation_word", entry.id, before={"word": entry.word})
        db.session.delete(entry)
        db.session.flush()
