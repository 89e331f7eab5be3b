"""The naming contest's tables: campaigns, name entries and the shortlisted finalists."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import TimestampMixin, utcnow

#: A new campaign's settings until staff change them.
DEFAULT_ENTRIES_PER_PERSON = 3
DEFAULT_FINALISTS = 5
#: Upper bounds of the settings, also enforced by check constraints.
MAX_ENTRIES_PER_PERSON = 20
MAX_FINALISTS = 20
NAME_MAX = 40
NAME_MIN = 2
MEANING_MIN = 10
MEANING_MAX = 500


class EntryStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ResultsVisibility(enum.StrEnum):
    AFTER_CLOSE = "after_close"
    LIVE = "live"


class DrawPool(enum.StrEnum):
    ENTRANTS = "entrants"
    VOTERS = "voters"


class Campaign(TimestampMixin, db.Model):
    """One naming contest. Its phase is derived from the schedule (see phases.phase)."""

    __tablename__ = "campaign"
    __table_args__ = (
        sa.CheckConstraint("submissions_close > submissions_open", name="submissions_window"),
        sa.CheckConstraint("voting_close > voting_open", name="voting_window"),
        sa.CheckConstraint("voting_open >= submissions_close", name="voting_after_submissions"),
        sa.CheckConstraint(
            f"entries_per_person BETWEEN 1 AND {MAX_ENTRIES_PER_PERSON}",
            name="entries_per_person_range",
        ),
        sa.CheckConstraint(
            f"finalists_count BETWEEN 2 AND {MAX_FINALISTS}", name="finalists_count_range"
        ),
        sa.CheckConstraint(
            "results_visibility IN ('after_close', 'live')", name="results_visibility_known"
        ),
        sa.CheckConstraint("draw_pool IN ('entrants', 'voters')", name="draw_pool_known"),
        sa.Index("ix_campaign_archived_submissions_open", "archived", "submissions_open"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_th: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    rules_th: Mapped[str] = mapped_column(sa.Text, default="")
    rules_en: Mapped[str] = mapped_column(sa.Text, default="")
    prize_th: Mapped[str] = mapped_column(sa.String(300), default="")
    prize_en: Mapped[str] = mapped_column(sa.String(300), default="")
    # All four are stored in UTC; people enter and read them in Asia/Bangkok time.
    submissions_open: Mapped[datetime]
    submissions_close: Mapped[datetime]
    voting_open: Mapped[datetime]
    voting_close: Mapped[datetime]
    entries_per_person: Mapped[int] = mapped_column(default=DEFAULT_ENTRIES_PER_PERSON)
    finalists_count: Mapped[int] = mapped_column(default=DEFAULT_FINALISTS)
    results_visibility: Mapped[str] = mapped_column(
        sa.String(16), default=ResultsVisibility.AFTER_CLOSE.value
    )
    draw_pool: Mapped[str] = mapped_column(sa.String(16), default=DrawPool.ENTRANTS.value)
    # Set by the voting feature when an admin publishes the results.
    results_published_at: Mapped[datetime | None]
    # An archived campaign is never the "current" one.
    archived: Mapped[bool] = mapped_column(default=False)

    finalists: Mapped[list[Finalist]] = relationship(
        back_populates="campaign",
        order_by="(Finalist.position, Finalist.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    # Published on the results page: why voting closes later than first announced.
    voting_extensions: Mapped[list[VotingExtension]] = relationship(
        order_by="(VotingExtension.created_at, VotingExtension.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def title(self, lang: str) -> str:
        return self.title_th if lang == "th" else self.title_en

    def rules(self, lang: str) -> str:
        return self.rules_th if lang == "th" else self.rules_en

    def prize(self, lang: str) -> str:
        return self.prize_th if lang == "th" else self.prize_en

    def __repr__(self) -> str:
        return f"<Campaign {self.id}>"


class Entry(TimestampMixin, db.Model):
    """A proposed name. Kept when the person deletes their account (``user_id`` becomes NULL);
    ``owner_key`` (a keyed hash of the person's e-mail) keeps the per-person rules standing."""

    __tablename__ = "entry"
    __table_args__ = (
        # The same person cannot enter the same name twice in a campaign.
        sa.UniqueConstraint("campaign_id", "owner_key", "normalised_name"),
        # Each person's entries are numbered 1..N: two parallel submits cannot share a number,
        # so they cannot both be the person's third entry.
        sa.UniqueConstraint("campaign_id", "owner_key", "seq"),
        sa.CheckConstraint(f"seq BETWEEN 1 AND {MAX_ENTRIES_PER_PERSON}", name="seq_range"),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status_known"),
        sa.CheckConstraint(
            "status != 'rejected' OR review_reason IS NOT NULL", name="rejection_has_reason"
        ),
        sa.Index("ix_entry_campaign_id_status_created_at", "campaign_id", "status", "created_at"),
        # Covers the grouping by name with the status counts (no table look-ups).
        sa.Index(
            "ix_entry_campaign_id_normalised_name", "campaign_id", "normalised_name", "status"
        ),
        sa.Index("ix_entry_campaign_id_created_at", "campaign_id", "created_at"),
        # A person's entries in a campaign, newest first (also serves look-ups by user_id).
        sa.Index("ix_entry_user_id_campaign_id_created_at", "user_id", "campaign_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    owner_key: Mapped[str] = mapped_column(sa.String(64))
    seq: Mapped[int]
    reference_code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    # The hidden one-time token of the form that created the entry: a double submit finds it.
    submission_token: Mapped[str] = mapped_column(sa.String(36), unique=True)
    proposed_name: Mapped[str] = mapped_column(sa.String(NAME_MAX * 4))
    normalised_name: Mapped[str] = mapped_column(sa.String(NAME_MAX * 4))
    meaning: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default=EntryStatus.PENDING.value)
    review_reason: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )

    campaign: Mapped[Campaign] = relationship()

    def __repr__(self) -> str:
        return f"<Entry {self.reference_code} {self.status}>"


class Finalist(db.Model):
    """A shortlisted name; votes (a later feature) point at these rows."""

    __tablename__ = "finalist"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "normalised_name"),
        sa.CheckConstraint("position >= 1", name="position_positive"),
        sa.Index("ix_finalist_campaign_id_position", "campaign_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    normalised_name: Mapped[str] = mapped_column(sa.String(NAME_MAX * 4))
    display_name: Mapped[str] = mapped_column(sa.String(NAME_MAX * 2))
    meaning: Mapped[str] = mapped_column(sa.Text)
    image_path: Mapped[str | None] = mapped_column(sa.String(255))
    position: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="finalists")

    def __repr__(self) -> str:
        return f"<Finalist {self.id} {self.display_name!r}>"


class VotingExtension(db.Model):
    """Voting's close moved later while voting was open: the only schedule change allowed
    then, always with a reason that the results page publishes."""

    __tablename__ = "voting_extension"
    __table_args__ = (
        sa.CheckConstraint("new_close > previous_close", name="extends"),
        sa.Index("ix_voting_extension_campaign_id", "campaign_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    previous_close: Mapped[datetime]
    new_close: Mapped[datetime]
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<VotingExtension {self.id} to {self.new_close:%Y-%m-%d %H:%M}>"
