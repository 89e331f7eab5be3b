"""Comments by verified citizens: who sees which, holding for moderation, the flood rule,
reports, and what happens to them when an account is deleted.
Services add and flush and take their own locks; the view's request commits once."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from app.accounts.models import User
from app.database import begin_write
from app.extensions import db
from app.models import utcnow
from app.news import text
from app.news.models import Comment, CommentReport, ModerationWord, Post, Status
from app.news.posts import NewsError

COMMENT_MIN = 2
COMMENT_MAX = 2000
COMMENT_MAX_TEXT = "2,000"  # as written in both languages
COMMENT_INTERVAL = timedelta(seconds=15)
COMMENT_MAX_LINKS = 2
REPORTS_TO_HIDE = 3


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


def set_comment_status(comment: Comment, status: Status) -> None:
    was_visible = comment.status == Status.APPROVED
    comment.status = status.value
    _adjust_count(comment.post_id, int(status == Status.APPROVED) - int(was_visible))


def lock_commenter(user: User) -> None:
    """Serialise one person's comments and reports, so the flood rule and the one report per
    person hold across processes. ``add_comment`` and ``report_comment`` call it first.

    A write transaction (SQLite: the database's write lock, taken up front), then the
    person's row locked (PostgreSQL: FOR UPDATE) before the last comment time is read.
    """
    user_id = user.id  # read before begin_write's commit expires it
    begin_write()
    db.session.execute(sa.select(User.id).where(User.id == user_id).with_for_update())


def add_comment(post: Post, user: User, body: str, parent_id: int | None = None) -> Comment:
    """Add a comment by a verified citizen; it is held for moderation when the rules say so.
    Takes the person's lock first (``lock_commenter``): requests may run at the same time."""
    lock_commenter(user)
    body = unicodedata.normalize("NFC", body or "").strip()
    if len(body) < COMMENT_MIN:
        raise NewsError(_l("Write at least %(n)d characters.", n=COMMENT_MIN), "body")
    if len(body) > COMMENT_MAX:
        raise NewsError(_l("A comment has at most %(n)s characters.", n=COMMENT_MAX_TEXT), "body")
    parent = _thread_of(post, parent_id)
    now = utcnow()
    _check_interval(user, now)
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


def _thread_of(post: Post, parent_id: int | None) -> Comment | None:
    """The shown top-level comment a reply joins (one level of replies), or None."""
    if parent_id is None:
        return None
    parent = db.session.get(Comment, parent_id)
    if parent is None or parent.post_id != post.id or parent.status != Status.APPROVED:
        raise NewsError(_l("The comment you replied to is no longer shown."), "body")
    if parent.parent_id is not None:  # a reply to a reply: join the thread
        parent = db.session.get(Comment, parent.parent_id)
    return parent


def _check_interval(user: User, now) -> None:
    """The flood rule: one comment per person every ``COMMENT_INTERVAL`` (429 otherwise)."""
    last = db.session.scalar(
        sa.select(sa.func.max(Comment.created_at)).where(Comment.author_id == user.id)
    )
    if last is None:
        return
    if last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)
    if now - last < COMMENT_INTERVAL:
        wait = int((COMMENT_INTERVAL - (now - last)).total_seconds()) + 1
        raise NewsError(
            _l("You commented a moment ago. Please wait %(n)d seconds, then send again.", n=wait),
            "body",
            status=429,
        )


def report_comment(comment: Comment, user: User) -> bool:
    """Report a shown comment; False when this citizen had already reported it. Takes the
    person's lock first: of a double click, the second waits, then sees the first."""
    lock_commenter(user)
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
        set_comment_status(comment, Status.HIDDEN)
    db.session.flush()
    return True


# --- accounts: deletion and data export -----------------------------------------------------


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
