"""The campaign's phase at a moment, derived from its schedule and its shortlist, and the next
date the phase changes on (for the countdowns)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.contest.models import Campaign, Finalist
from app.extensions import db
from app.i18n import COUNTDOWN_LABELS, countdown_text


class Phase(enum.StrEnum):
    UPCOMING = "upcoming"
    SUBMISSIONS = "submissions"
    REVIEW = "review"
    VOTING = "voting"
    CLOSED = "closed"
    ANNOUNCED = "announced"


def phase(campaign: Campaign, now: datetime) -> Phase:
    """The phase at ``now`` (aware). Each window includes its opening instant and excludes its
    closing one: at ``submissions_close`` the campaign is already in review.

    Voting opens only on a complete shortlist: past ``voting_open`` without one, the campaign
    stays in review (and staff are told loudly, see ``voting_waits_for_shortlist``)."""
    if now.tzinfo is None:
        raise ValueError("phase() needs an aware datetime")
    if campaign.results_published_at is not None:
        return Phase.ANNOUNCED
    if now < campaign.submissions_open:
        return Phase.UPCOMING
    if now < campaign.submissions_close:
        return Phase.SUBMISSIONS
    if now < campaign.voting_open or not _ballot_ready(campaign):
        return Phase.REVIEW
    if now < campaign.voting_close:
        return Phase.VOTING
    return Phase.CLOSED


def finalists_saved(campaign: Campaign) -> int:
    """How many finalists the campaign's shortlist holds (0 before one is saved)."""
    if campaign.id is None:  # not stored yet (a new campaign, or a test's plain object)
        return len(campaign.finalists)
    return db.session.scalar(
        sa.select(sa.func.count(Finalist.id)).where(Finalist.campaign_id == campaign.id)
    )


def shortlist_complete(campaign: Campaign) -> bool:
    """Exactly ``finalists_count`` finalists: the only shortlist voting may open on."""
    return finalists_saved(campaign) == campaign.finalists_count


def votes_exist(campaign: Campaign) -> bool:
    """Whether anyone has voted in the campaign (votes point at its finalists)."""
    if campaign.id is None:
        return False
    from app.voting.models import Vote  # voting builds on the contest, not the other way

    return (
        db.session.scalar(sa.select(Vote.id).where(Vote.campaign_id == campaign.id).limit(1))
        is not None
    )


def _ballot_ready(campaign: Campaign) -> bool:
    # Votes already cast mean voting did open (a campaign from before this rule keeps them).
    return shortlist_complete(campaign) or votes_exist(campaign)


def voting_has_opened(campaign: Campaign, now: datetime) -> bool:
    """Voting is open or over: from then on the shortlist and the schedule are fixed (only
    an extension of the close, with a reason, is left while voting runs)."""
    return phase(campaign, now) in (Phase.VOTING, Phase.CLOSED, Phase.ANNOUNCED)


def voting_waits_for_shortlist(campaign: Campaign, now: datetime) -> bool:
    """Voting's opening time has come, but the shortlist is not complete: still in review."""
    return (
        campaign.results_published_at is None
        and now >= campaign.voting_open
        and phase(campaign, now) is Phase.REVIEW
    )


@dataclass(frozen=True)
class Milestone:
    label: object  # lazy string with %(time)s
    at: datetime


#: The schedule field each phase ends at (none once voting has closed).
_ENDS_AT = {
    Phase.UPCOMING: "submissions_open",
    Phase.SUBMISSIONS: "submissions_close",
    Phase.REVIEW: "voting_open",
    Phase.VOTING: "voting_close",
}


def next_milestone(campaign: Campaign, now: datetime) -> Milestone | None:
    """The next date the phase changes on, or None once voting has closed."""
    current = phase(campaign, now)
    if current not in _ENDS_AT:
        return None
    at = getattr(campaign, _ENDS_AT[current])
    if at <= now:
        return None  # voting waits for the shortlist: no date to count down to
    return Milestone(COUNTDOWN_LABELS[current], at)


def countdown(campaign: Campaign, now: datetime) -> str | None:
    """``Voting closes in 3 days 4 hours.``, or None when no date is ahead."""
    milestone = next_milestone(campaign, now)
    if milestone is None:
        return None
    return countdown_text(milestone.label, milestone.at - now)
