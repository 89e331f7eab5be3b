"""Votes, the running tally, the frozen results and the prize draw's public record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.contest.models import Finalist
from app.extensions import db
from app.models import utcnow


class Vote(db.Model):
    """One person's vote in one campaign. ``voter_key`` (an HMAC of the canonical e-mail) is
    unique per campaign: the database, not Python, guarantees one vote per person."""

    __tablename__ = "vote"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "voter_key"),
        sa.Index("ix_vote_campaign_id_finalist_id_id", "campaign_id", "finalist_id", "id"),
        sa.Index("ix_vote_campaign_id_created_at", "campaign_id", "created_at"),
        sa.Index("ix_vote_campaign_id_client_key", "campaign_id", "client_key"),
        sa.Index("ix_vote_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    finalist_id: Mapped[int] = mapped_column(sa.ForeignKey("finalist.id", ondelete="RESTRICT"))
    voter_key: Mapped[str] = mapped_column(sa.String(64))
    # Unlinked (NULL) when the person deletes the account; the vote itself stays.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    reference_code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A keyed hash of the client address, for the fraud view; never the address itself.
    client_key: Mapped[str | None] = mapped_column(sa.String(64))
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The earlier vote of the same mailbox, when migration 0009's canonical addresses found
    # two accounts of one person that had both voted: listed in the vote checks for staff.
    shares_mailbox_with_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("vote.id", ondelete="SET NULL")
    )

    finalist: Mapped[Finalist] = relationship()


class VoteTally(db.Model):
    """Running count per finalist, updated in the vote's own transaction, so results never
    count a million rows. ``last_vote_id`` is the vote that brought the count to its total:
    among tied finalists, the smaller one reached the total first."""

    __tablename__ = "vote_tally"

    finalist_id: Mapped[int] = mapped_column(
        sa.ForeignKey("finalist.id", ondelete="CASCADE"), primary_key=True
    )
    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    votes: Mapped[int] = mapped_column(default=0)
    last_vote_id: Mapped[int | None]


class ResultSnapshot(db.Model):
    """The tally as published: once the results are announced, this is what the page shows."""

    __tablename__ = "result_snapshot"

    campaign_id: Mapped[int] = mapped_column(
        sa.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


class PrizeDraw(db.Model):
    """One attempt at the prize draw. Attempt 1 is created when the seed source is announced;
    ``seed`` is filled once, when the draw runs. A redraw is a new attempt that excludes the
    earlier winners and says why."""

    __tablename__ = "prize_draw"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "attempt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id", ondelete="CASCADE"))
    attempt: Mapped[int] = mapped_column(default=1)
    pool_kind: Mapped[str] = mapped_column(sa.String(16))
    seed_source: Mapped[str] = mapped_column(sa.Text)
    announced_at: Mapped[datetime] = mapped_column(default=utcnow)
    seed: Mapped[str | None] = mapped_column(sa.String(200))
    drawn_at: Mapped[datetime | None]
    digest: Mapped[str | None] = mapped_column(sa.String(64))
    # The published pool: [{"code": ..., "name": masked}, ...] sorted by code.
    pool: Mapped[list[dict[str, str]] | None] = mapped_column(sa.JSON)
    excluded_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    winner_code: Mapped[str | None] = mapped_column(sa.String(20))
    winner_masked_name: Mapped[str | None] = mapped_column(sa.String(200))
    redraw_reason: Mapped[str | None] = mapped_column(sa.Text)
