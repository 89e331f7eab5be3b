"""Staff moderation of comments and trackbacks: one decision, the queues, bulk decisions and
the words that hold a comment for review. Every decision is audited with its ``actor``."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from app.audit.services import record, snapshot
from app.extensions import db
from app.news.comments import set_comment_status
from app.news.models import Comment, ModerationWord, Status, Trackback

MODERATION_ACTIONS = {"approve": Status.APPROVED, "hide": Status.HIDDEN, "spam": Status.SPAM}


def moderate_comment(comment: Comment, action: str, *, actor: User | None = None) -> None:
    """A moderator's decision (``MODERATION_ACTIONS``) on a comment; it answers the reports."""
    status = MODERATION_ACTIONS[action]
    before = snapshot(comment, ("status", "report_count", "needs_review"))
    set_comment_status(comment, status)
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
        actor=actor,
    )


def moderate_trackback(trackback: Trackback, action: str, *, actor: User | None = None) -> None:
    status = MODERATION_ACTIONS[action]
    before = snapshot(trackback, ("status",))
    trackback.status = status.value
    db.session.flush()
    after = {"status": status.value}
    record(
        f"trackback.{action}", "trackback", trackback.id, before=before, after=after, actor=actor
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


def bulk_moderate(items: list[str], action: str, *, actor: User | None = None) -> int:
    """Apply ``action`` to items named "c-<id>" (comments) or "t-<id>" (trackbacks)."""
    done = 0
    for _item, obj in _named(items):
        if isinstance(obj, Comment):
            moderate_comment(obj, action, actor=actor)
        else:
            moderate_trackback(obj, action, actor=actor)
        done += 1
    after = {"action": action, "items": items[:200]}
    record("moderation.bulk", "comment", None, after=after, actor=actor)
    return done


def describe_items(items: list[str]) -> list[tuple[str, Comment | Trackback]]:
    """The comments and trackbacks named by ``items``, for the confirmation page."""
    return list(_named(items))


def _named(items: list[str]):
    """(name, comment or trackback) for each of ``items`` that names one that exists."""
    for item in items:
        kind, _, raw_id = item.partition("-")
        model = {"c": Comment, "t": Trackback}.get(kind)
        obj = db.session.get(model, int(raw_id)) if model and raw_id.isdecimal() else None
        if obj is not None:
            yield item, obj


def add_moderation_word(word: str, *, actor: User | None = None) -> None:
    exists = db.session.scalar(sa.select(ModerationWord.id).where(ModerationWord.word == word))
    if exists is None:
        entry = ModerationWord(word=word)
        db.session.add(entry)
        db.session.flush()
        after = {"word": word}
        record("moderation_word.add", "moderation_word", entry.id, after=after, actor=actor)


def remove_moderation_word(word_id: int, *, actor: User | None = None) -> None:
    entry = db.session.get(ModerationWord, word_id)
    if entry is not None:
        before = {"word": entry.word}
        record("moderation_word.remove", "moderation_word", entry.id, before=before, actor=actor)
        db.session.delete(entry)
        db.session.flush()
