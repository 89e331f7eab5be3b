"""Vote checks for staff: votes over time, shared client addresses, fresh accounts, two votes
from one mailbox, and voiding a vote with a reason."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit import services as audit
from app.contest.models import Campaign
from app.extensions import db
from app.i18n import BANGKOK
from app.models import utcnow
from app.voting.models import Vote, VoteTally
from app.voting.votes import VotingError

NEW_ACCOUNT_MINUTES = 10


def _count_between(campaign: Campaign, start: datetime, end: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Vote)
        .where(Vote.campaign_id == campaign.id, Vote.created_at >= start, Vote.created_at < end)
    )


def votes_per_hour(
    campaign: Campaign, hours: int = 48, now: datetime | None = None
) -> list[tuple[datetime, int]]:
    """Votes per hour over the last ``hours`` hours of voting, hours with votes only.

    One range count per hour on the (campaign, created_at) index: a fixed number of cheap
    queries however many votes there are."""
    end = min(now or utcnow(), campaign.voting_close)
    hour = end.replace(minute=0, second=0, microsecond=0)
    rows = []
    for _ in range(hours):
        if hour + timedelta(hours=1) <= campaign.voting_open:
            break
        count = _count_between(campaign, hour, hour + timedelta(hours=1))
        if count:
            rows.append((hour, count))
        hour -= timedelta(hours=1)
    return sorted(rows)


def votes_per_day(campaign: Campaign, days: int = 7, now: datetime | None = None) -> list:
    """(Bangkok date, votes) for the last ``days`` days, oldest first, zeros included."""
    today = (now or utcnow()).astimezone(BANGKOK).date()
    result = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        start = datetime.combine(day, time(0, 0), BANGKOK)
        result.append((day, _count_between(campaign, start, start + timedelta(days=1))))
    return result


def shared_client_clusters(
    campaign: Campaign, minimum: int = 5, limit: int = 50
) -> list[tuple[str, int]]:
    """Hashed client addresses behind at least ``minimum`` votes, biggest first."""
    count = sa.func.count().label("n")
    return [
        (key, n)
        for key, n in db.session.execute(
            sa.select(Vote.client_key, count)
            .where(
                Vote.campaign_id == campaign.id,
                Vote.client_key.is_not(None),
                Vote.voided_at.is_(None),
            )
            .group_by(Vote.client_key)
            .having(count >= minimum)
            .order_by(count.desc())
            .limit(limit)
        )
    ]


def shared_mailbox_votes(campaign: Campaign) -> list[tuple[Vote, Vote]]:
    """Votes not voided that share a mailbox with an earlier vote (found by migration 0009),
    each with that earlier vote: for a staff decision."""
    earlier = sa.orm.aliased(Vote)
    return [
        (vote, first)
        for vote, first in db.session.execute(
            sa.select(Vote, earlier)
            .join(earlier, earlier.id == Vote.shares_mailbox_with_id)
            .where(Vote.campaign_id == campaign.id, Vote.voided_at.is_(None))
            .order_by(Vote.id)
        )
    ]


def fresh_account_votes(campaign: Campaign, limit: int = 200) -> list[tuple[Vote, User]]:
    """Votes cast within minutes of the account's creation (among the latest 5,000 votes)."""
    rows = db.session.execute(
        sa.select(Vote, User)
        .join(User, User.id == Vote.user_id)
        .where(Vote.campaign_id == campaign.id, Vote.voided_at.is_(None))
        .order_by(Vote.id.desc())
        .limit(5000)
    ).all()
    window = timedelta(minutes=NEW_ACCOUNT_MINUTES)
    return [(vote, user) for vote, user in rows if vote.created_at - user.created_at <= window][
        :limit
    ]


def void_vote(vote: Vote, reason: str, actor: User) -> None:
    """Take a vote out of the count, with a reason; the voter stays unable to vote again."""
    reason = (reason or "").strip()
    if not 5 <= len(reason) <= 1000:
        raise VotingError(_l("Give the reason for voiding this vote (5 to 1,000 characters)."))
    if vote.voided_at is not None:
        raise VotingError(_l("This vote has already been voided."))
    campaign = db.session.get(Campaign, vote.campaign_id)
    if campaign.results_published_at is not None:
        raise VotingError(_l("The results are published: votes can no longer be voided."))
    vote.voided_at = utcnow()
    vote.void_reason = reason
    last = db.session.scalar(
        sa.select(sa.func.max(Vote.id)).where(
            Vote.finalist_id == vote.finalist_id, Vote.voided_at.is_(None), Vote.id != vote.id
        )
    )
    db.session.execute(
        sa.update(VoteTally)
        .where(VoteTally.finalist_id == vote.finalist_id)
        .values(votes=VoteTally.votes - 1, last_vote_id=last)
    )
    audit.record(
        "vote.void",
        "vote",
        vote.id,
        before={"voided": False, "finalist_id": vote.finalist_id},
        after={"voided": True},
        reason=reason,
        actor=actor,
    )
    db.session.flush()
