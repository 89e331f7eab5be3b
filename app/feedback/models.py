"""Feedback topics (kept by admins) and the messages citizens send."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import TimestampMixin

MESSAGE_MIN = 10
MESSAGE_MAX = 3000
ANSWER_MAX = 5000


class FeedbackStatus(enum.StrEnum):
    RECEIVED = "received"
    ANSWERED = "answered"
    CLOSED = "closed"


class FeedbackTopic(db.Model):
    __tablename__ = "feedback_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_th: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


class Feedback(TimestampMixin, db.Model):
    """One message. Only its tracking code opens its status page; nothing of it is public."""

    __tablename__ = "feedback"
    __table_args__ = (
        sa.CheckConstraint("status IN ('received', 'answered', 'closed')", name="status_known"),
        sa.Index("ix_feedback_status_created_at", "status", "created_at"),
        sa.Index("ix_feedback_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback_topic.id", ondelete="RESTRICT"))
    message: Mapped[str] = mapped_column(sa.Text)
    reply_email: Mapped[str | None] = mapped_column(sa.String(254))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    locale: Mapped[str] = mapped_column(sa.String(8), default="th")
    status: Mapped[str] = mapped_column(sa.String(16), default=FeedbackStatus.RECEIVED.value)
    answer: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    closed_at: Mapped[datetime | None]

    topic: Mapped[FeedbackTopic] = relationship()
