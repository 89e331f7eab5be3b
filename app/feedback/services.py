"""The rules of opinions and suggestions: sending, tracking, answering, closing, topics."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import codes
from app.accounts.identity import canonical_email, deliverable_email
from app.accounts.models import User
from app.audit import services as audit
from app.domain import DomainError
from app.extensions import db
from app.feedback.models import ANSWER_MAX, Feedback, FeedbackStatus, FeedbackTopic
from app.models import utcnow

CODE_LENGTH = 20  # 32^20 = 2^100: guessing one code is hopeless
PAGE_SIZE = 50


class FeedbackError(DomainError):
    """A feedback rule said no (app/domain.py)."""


def new_code() -> str:
    return codes.reference_code("FB", CODE_LENGTH)


def active_topics() -> list[FeedbackTopic]:
    return list(
        db.session.scalars(
            sa.select(FeedbackTopic)
            .where(FeedbackTopic.active.is_(True))
            .order_by(FeedbackTopic.position, FeedbackTopic.id)
        )
    )


def send_feedback(
    topic_id: int, message: str, reply_email: str | None, user: User | None, locale: str
) -> Feedback:
    """Store a message. A logged-in person's account address is the reply address; a visitor's
    reply address is optional: the tracking code (and the page it opens) is how they follow
    the answer, and with an address we also mail it."""
    topic = db.session.get(FeedbackTopic, topic_id)
    if topic is None or not topic.active:
        raise FeedbackError(_l("Please choose a topic from the list."))
    if user is not None and user.is_authenticated:
        reply_email, user_id = user.email, user.id
    else:
        user_id = None
    feedback = Feedback(
        code=new_code(),
        topic_id=topic.id,
        message=message.strip(),
        reply_email=deliverable_email(reply_email) if reply_email else None,
        user_id=user_id,
        locale=locale,
    )
    db.session.add(feedback)
    db.session.flush()
    return feedback


def by_code(code: str) -> Feedback | None:
    if not code or len(code) > 40:
        return None
    return db.session.scalar(sa.select(Feedback).where(Feedback.code == code.strip().upper()))


def answer(feedback: Feedback, text: str, actor: User) -> None:
    text = (text or "").strip()
    if not 2 <= len(text) <= ANSWER_MAX:
        raise FeedbackError(_l("Write an answer of 2 to 5,000 characters."))
    if feedback.status == FeedbackStatus.CLOSED:
        raise FeedbackError(_l("This message is closed."))
    before = audit.snapshot(feedback, ("status", "answer"))
    feedback.answer = text
    feedback.answered_at = utcnow()
    feedback.answered_by_id = actor.id
    feedback.status = FeedbackStatus.ANSWERED.value
    audit.record(
        "feedback.answer",
        "feedback",
        feedback.id,
        before=before,
        after=audit.snapshot(feedback, ("status", "answer")),
        actor=actor,
    )


def close(feedback: Feedback, actor: User) -> None:
    if feedback.status == FeedbackStatus.CLOSED:
        raise FeedbackError(_l("This message is closed."))
    before = {"status": feedback.status}
    feedback.status = FeedbackStatus.CLOSED.value
    feedback.closed_at = utcnow()
    audit.record(
        "feedback.close",
        "feedback",
        feedback.id,
        before=before,
        after={"status": "closed"},
        actor=actor,
    )


def inbox(status: str | None, page: int):
    query = sa.select(Feedback).order_by(Feedback.created_at.desc(), Feedback.id.desc())
    if status in {s.value for s in FeedbackStatus}:
        query = query.where(Feedback.status == status)
    return db.paginate(
        query, page=page, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False
    )


def status_counts() -> dict[str, int]:
    rows = db.session.execute(sa.select(Feedback.status, sa.func.count()).group_by(Feedback.status))
    counts = dict.fromkeys((s.value for s in FeedbackStatus), 0)
    counts.update(dict(rows.all()))
    return counts


def save_topic(
    topic: FeedbackTopic | None, name_th: str, name_en: str, active: bool, actor: User
) -> FeedbackTopic:
    name_th, name_en = name_th.strip(), name_en.strip()
    if not (1 <= len(name_th) <= 120 and 1 <= len(name_en) <= 120):
        raise FeedbackError(_l("Give the topic a Thai and an English name (up to 120 characters)."))
    before = audit.snapshot(topic, ("name_th", "name_en", "active")) if topic else None
    if topic is None:
        position = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.max(FeedbackTopic.position), 0))
        )
        topic = FeedbackTopic(position=position + 1)
        db.session.add(topic)
    topic.name_th, topic.name_en, topic.active = name_th, name_en, active
    db.session.flush()
    audit.record(
        "feedback.topic_save",
        "feedback_topic",
        topic.id,
        before=before,
        after=audit.snapshot(topic, ("name_th", "name_en", "active")),
        actor=actor,
    )
    return topic


def all_topics() -> list[FeedbackTopic]:
    return list(
        db.session.scalars(
            sa.select(FeedbackTopic).order_by(FeedbackTopic.position, FeedbackTopic.id)
        )
    )


DEFAULT_TOPICS = [
    ("บริการออนไลน์ของหน่วยงานรัฐ", "Government online services"),
    ("เว็บไซต์นี้", "This website"),
    ("การประกวดตั้งชื่อมาสคอต", "The mascot naming contest"),
    ("อื่น ๆ", "Other"),
]


def ensure_default_topics() -> int:
    """Add the starting topics when there are none (demo data and fresh sites)."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(FeedbackTopic)):
        return 0
    for position, (name_th, name_en) in enumerate(DEFAULT_TOPICS, start=1):
        db.session.add(FeedbackTopic(name_th=name_th, name_en=name_en, position=position))
    db.session.flush()
    return len(DEFAULT_TOPICS)


def _canonical(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return canonical_email(address)
    except ValueError:  # stored before today's address rules: compared as it is
        return address.strip().casefold()


def messages_of(user: User) -> list[Feedback]:
    """The person's messages: those sent while logged in, and, once their address is
    verified, those sent without logging in from the same mailbox (any spelling of it)."""
    rows = list(
        db.session.scalars(
            sa.select(Feedback).where(Feedback.user_id == user.id).order_by(Feedback.id)
        )
    )
    if not user.is_verified:  # the address is not proven theirs: its messages are not either
        return rows
    mine = _canonical(user.email)
    # Addresses are compared in canonical form, which SQL cannot compute: read the anonymous
    # messages' addresses (ids and addresses only, in batches), then load the matches.
    anonymous = db.session.execute(
        sa.select(Feedback.id, Feedback.reply_email)
        .where(Feedback.user_id.is_(None), Feedback.reply_email.is_not(None))
        .execution_options(yield_per=1000)
    )
    matched = [fid for fid, address in anonymous if _canonical(address) == mine]
    if matched:
        rows += db.session.scalars(
            sa.select(Feedback).where(Feedback.id.in_(matched)).order_by(Feedback.id)
        )
    return rows


def forget_person(user: User) -> None:
    """Account deletion: the person's messages are erased, those sent while logged in and
    those sent from their (verified) address without logging in. Nothing of them is public
    and nothing else depends on them."""
    for feedback in messages_of(user):
        db.session.delete(feedback)
    db.session.flush()


def export_feedback(user: User) -> dict:
    return {
        "feedback": [
            {
                "tracking_code": f.code,
                "message": f.message,
                "status": f.status,
                "answer": f.answer,
                "sent_at": f.created_at.isoformat(),
                "sent_logged_in": f.user_id == user.id,
                "reply_email": f.reply_email,
            }
            for f in messages_of(user)
        ]
    }
