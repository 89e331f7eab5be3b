"""Casting a vote: who votes, the ballot, one vote per person, the reference code, the count.

- One vote per person per campaign: a unique key on (campaign, HMAC of canonical e-mail).
- Counting: a tally row per finalist, updated in the vote's own transaction.

Services add and flush; the caller commits (``cast_vote`` opens its own write transaction).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import codes
from app.accounts.identity import voter_key
from app.accounts.models import User
from app.contest.models import Campaign, Finalist
from app.contest.services import Phase, phase
from app.contest.shortlist import finalists
from app.database import begin_write
from app.domain import DomainError
from app.extensions import db
from app.models import utcnow
from app.voting.models import Vote, VoteTally


class VotingError(DomainError):
    """A voting rule said no (app/domain.py); most are about the campaign's state: 409."""

    status = 409


class VotingClosed(VotingError):
    template = "voting/closed.html"

    def __init__(self, campaign: Campaign | None):
        super().__init__(_l("Voting is not open at the moment."))
        self.campaign = campaign

    def context(self) -> dict:
        current = phase(self.campaign, utcnow()) if self.campaign else None
        return {"campaign": self.campaign, "phase": current, "Phase": Phase}


class UnknownFinalist(VotingError):
    status = 400

    def __init__(self):
        super().__init__(_l("Please choose one of the finalists."))


class AlreadyVoted(VotingError):
    template = "voting/already_voted.html"

    def __init__(self, vote: Vote, status: int | None = None):
        super().__init__(_l("You have already voted."), status)
        self.vote = vote

    def context(self) -> dict:
        from flask_login import current_user

        own = cast_by(self.vote, current_user)
        return {"vote": self.vote if own else None, "own": own}


# --- who votes --------------------------------------------------------------------------------


def key_for(user: User) -> str:
    return voter_key(user.email, current_app.config["SECRET_KEY"])


def client_key(address: str | None) -> str | None:
    """A keyed hash of the client address: enough to see clusters, useless to identify anyone."""
    if not address:
        return None
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, f"client|{address}".encode(), hashlib.sha256).hexdigest()


def vote_of(campaign: Campaign, user: User) -> Vote | None:
    return db.session.scalar(
        sa.select(Vote).where(Vote.campaign_id == campaign.id, Vote.voter_key == key_for(user))
    )


def cast_by(vote: Vote, user: User) -> bool:
    """Whether this account cast the vote. The one-vote key is the mailbox's, so another
    account of the same mailbox (or one registered again after a deletion) meets the vote
    too; only the account that cast it sees its choice, time and reference code."""
    return vote.user_id is not None and vote.user_id == user.id


def voting_open(campaign: Campaign | None, now: datetime | None = None) -> bool:
    return campaign is not None and phase(campaign, now or utcnow()) is Phase.VOTING


def require_voting_open(campaign: Campaign | None, now: datetime | None = None) -> None:
    """Raise VotingClosed (409, the page with the dates) unless voting is open now."""
    if not voting_open(campaign, now):
        raise VotingClosed(campaign)


#: The ballot is the shortlist in its order: one query, in app/contest/shortlist.py.
ballot = finalists


def finalist_on_ballot(campaign: Campaign, finalist_id) -> Finalist:
    try:
        wanted = int(finalist_id)
    except (TypeError, ValueError):
        raise UnknownFinalist() from None
    if not 0 < wanted < 2**31:
        raise UnknownFinalist()
    finalist = db.session.get(Finalist, wanted)
    if finalist is None or finalist.campaign_id != campaign.id:
        raise UnknownFinalist()
    return finalist


def _vote_code(campaign: Campaign) -> str:
    return codes.reference_code("VT", 8, year_of=campaign.voting_open)


def cast_vote(
    campaign: Campaign,
    user: User,
    finalist_id,
    client_address: str | None = None,
    now: datetime | None = None,
) -> Vote:
    """Record the person's vote and count it, or raise VotingClosed/UnknownFinalist/AlreadyVoted.

    Opens a write transaction first (SQLite: BEGIN IMMEDIATE), so concurrent votes queue for
    the lock instead of failing; the unique key settles any race, and the loser is told
    which vote already counts. The caller commits.
    """
    begin_write()
    now = now or utcnow()
    if phase(campaign, now) is not Phase.VOTING:
        raise VotingClosed(campaign)
    finalist = finalist_on_ballot(campaign, finalist_id)
    key = key_for(user)
    existing = vote_of(campaign, user)
    if existing is not None:
        raise AlreadyVoted(existing)
    vote = Vote(
        campaign_id=campaign.id,
        finalist_id=finalist.id,
        voter_key=key,
        user_id=user.id,
        reference_code=_vote_code(campaign),
        created_at=now,
        client_key=client_key(client_address),
    )
    try:
        with db.session.begin_nested():
            db.session.add(vote)
    except sa.exc.IntegrityError:
        existing = vote_of(campaign, user)
        if existing is not None:
            raise AlreadyVoted(existing) from None
        raise  # a reference-code collision (32^8 codes): let the request fail loudly
    _count(vote)
    return vote


def _count(vote: Vote) -> None:
    """Add the vote to its finalist's tally in the current transaction (one upsert: the first
    votes for a finalist may arrive together)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    insert = pg_insert if postgres else sqlite_insert
    statement = insert(VoteTally).values(
        finalist_id=vote.finalist_id, campaign_id=vote.campaign_id, votes=1, last_vote_id=vote.id
    )
    # Parallel votes may reach the upsert out of id order: keep the larger id (SQLite's
    # two-argument max() is PostgreSQL's greatest()).
    larger = sa.func.greatest if postgres else sa.func.max
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[VoteTally.finalist_id],
            set_={
                "votes": VoteTally.votes + 1,
                "last_vote_id": larger(VoteTally.last_vote_id, statement.excluded.last_vote_id),
            },
        )
    )


# --- accounts: deletion and data export -----------------------------------------------------


def unlink_votes(user: User) -> None:
    """Account deletion: the vote stays (and still blocks a second vote), unlinked from the person."""
    db.session.execute(sa.update(Vote).where(Vote.user_id == user.id).values(user_id=None))


def export_votes(user: User) -> dict:
    votes = db.session.execute(
        sa.select(Vote, Finalist.display_name)
        .join(Finalist, Finalist.id == Vote.finalist_id)
        .where(Vote.user_id == user.id)
    ).all()
    return {
        "votes": [
            {
                "reference_code": vote.reference_code,
                "finalist": name,
                "voted_at": vote.created_at.isoformat(),
                "voided": vote.voided_at is not None,
            }
            for vote, name in votes
        ]
    }
