"""News posts, tags, comments and their reports, trackbacks and the moderation word list."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import TimestampMixin, utcnow


class Status(enum.StrEnum):
    """Moderation state of a comment or a trackback."""

    PENDING = "pending"
    APPROVED = "approved"
    HIDDEN = "hidden"
    SPAM = "spam"


_STATUS_CHECK = "status IN ('pending', 'approved', 'hidden', 'spam')"

post_tag = sa.Table(
    "post_tag",
    db.metadata,
    sa.Column("post_id", sa.ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_post_tag_tag_id", "tag_id"),
)


class Tag(db.Model):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (NFC, trimmed, case-folded), so the unique key catches variants.
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)


class Post(TimestampMixin, db.Model):
    __tablename__ = "post"
    __table_args__ = (
        sa.CheckConstraint("view_count >= 0", name="view_count_positive"),
        sa.CheckConstraint("comment_count >= 0", name="comment_count_positive"),
        sa.Index("ix_post_published_at", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title_th: Mapped[str] = mapped_column(sa.String(200), default="")
    title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    body_th: Mapped[str] = mapped_column(sa.Text, default="")
    body_en: Mapped[str] = mapped_column(sa.Text, default="")
    # Rendered and sanitised once on save, so a page view never renders Markdown.
    html_th: Mapped[str] = mapped_column(sa.Text, default="")
    html_en: Mapped[str] = mapped_column(sa.Text, default="")
    summary_th: Mapped[str] = mapped_column(sa.String(300), default="")
    summary_en: Mapped[str] = mapped_column(sa.String(300), default="")
    # NFC + case-folded titles, bodies and tags, for LIKE search.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    # Space-separated set of the Thai title's words (PyThaiNLP newmm), for related posts.
    title_words: Mapped[str] = mapped_column(sa.Text, default="")
    published_at: Mapped[datetime | None]
    image_path: Mapped[str | None] = mapped_column(sa.String(200))
    image_alt: Mapped[str] = mapped_column(sa.String(200), default="")
    view_count: Mapped[int] = mapped_column(default=0)
    # Approved comments; kept by the comment service so that lists need no COUNT per card.
    comment_count: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    tags: Mapped[list[Tag]] = relationship(secondary=post_tag, order_by=Tag.name, lazy="selectin")

    def text(self, field: str, lang: str) -> str:
        """The field in ``lang``, falling back to the other language when empty."""
        other = "en" if lang == "th" else "th"
        return getattr(self, f"{field}_{lang}") or getattr(self, f"{field}_{other}")

    def is_published(self, now: datetime | None = None) -> bool:
        return self.published_at is not None and self.published_at <= (now or utcnow())


class Comment(TimestampMixin, db.Model):
    __tablename__ = "comment"
    __table_args__ = (
        sa.CheckConstraint(_STATUS_CHECK, name="status_known"),
        sa.CheckConstraint("report_count >= 0", name="report_count_positive"),
        sa.Index("ix_comment_post_id_status", "post_id", "status"),
        sa.Index("ix_comment_author_id_created_at", "author_id", "created_at"),
        sa.Index("ix_comment_status", "status"),
    )
    #: Public pages show approved comments only: a held one drops no cached page (app/cache).
    SHOWN_WHEN = ("status", Status.APPROVED.value)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"))
    # NULL once the author's account is deleted: shown as "deleted account".
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default=Status.PENDING.value)
    # Why it was held (no approved comment yet, links, a listed word), for moderators.
    held_reason: Mapped[str | None] = mapped_column(sa.String(32))
    report_count: Mapped[int] = mapped_column(default=0)
    # Reported since a moderator last looked at it.
    needs_review: Mapped[bool] = mapped_column(default=False)

    post: Mapped[Post] = relationship()
    author = relationship("User")


class CommentReport(db.Model):
    __tablename__ = "comment_report"
    __table_args__ = (sa.UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comment.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Trackback(db.Model):
    __tablename__ = "trackback"
    __table_args__ = (
        sa.CheckConstraint(_STATUS_CHECK, name="status_known"),
        sa.Index("ix_trackback_post_id_status", "post_id", "status"),
    )
    SHOWN_WHEN = ("status", Status.APPROVED.value)  # as for comments

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("post.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(sa.String(500))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    excerpt: Mapped[str] = mapped_column(sa.String(255), default="")
    blog_name: Mapped[str] = mapped_column(sa.String(200), default="")
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=Status.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship()


class ModerationWord(db.Model):
    """A word that holds a comment for moderation (matched case-folded, anywhere in the text)."""

    __tablename__ = "moderation_word"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(sa.String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
