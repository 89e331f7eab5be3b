"""The campaign's four dates: reading them (Bangkok time), their order, and what may change
when (anything before voting opens; then only a later close, with a reason; then nothing)."""

from __future__ import annotations

import enum
import re
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit import services as audit
from app.contest.campaigns import new_campaign
from app.contest.errors import ScheduleError
from app.contest.models import DEFAULT_FINALISTS, Campaign, VotingExtension
from app.contest.phases import (
    Phase,
    finalists_saved,
    phase,
    shortlist_complete,
    voting_has_opened,
)
from app.extensions import db
from app.i18n import BANGKOK
from app.models import utcnow

SCHEDULE_FIELDS = ("submissions_open", "submissions_close", "voting_open", "voting_close")
EXTENSION_REASON_MAX = 500


def end_of_day(day: date) -> datetime:
    """A date-only END: the whole of that day, so 00:00 of the next day in Bangkok (ends are
    exclusive: a vote at 23:59:59.5 on the last day still counts)."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), BANGKOK)


def parse_bangkok(text: str, *, end: bool = False) -> datetime:
    """An ISO date or date-time read in Asia/Bangkok (unless it carries its own offset).

    A date alone means 00:00 for a START and the whole day (until 00:00 the next day) for an
    END.
    """
    text = (text or "").strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = date.fromisoformat(text)
            value = end_of_day(day) if end else datetime.combine(day, time(0, 0), BANGKOK)
        else:
            value = datetime.fromisoformat(text)
    except ValueError as error:
        raise ScheduleError(
            _l(
                "“%(value)s” is not a date. Use YYYY-MM-DD or YYYY-MM-DDTHH:MM (Bangkok time).",
                value=text[:40],
            )
        ) from error
    value = value if value.tzinfo else value.replace(tzinfo=BANGKOK)
    if not 2000 <= value.year <= 2200:
        raise ScheduleError(_l("Please give a date between the years 2000 and 2200."))
    return value


def check_schedule(
    submissions_open: datetime,
    submissions_close: datetime,
    voting_open: datetime,
    voting_close: datetime,
) -> None:
    """The schedule's rules, in the reader's words (the check constraints back them)."""
    if submissions_close <= submissions_open:
        raise ScheduleError(_l("Name proposals must close after they open."))
    if voting_close <= voting_open:
        raise ScheduleError(_l("Voting must close after it opens."))
    if voting_open < submissions_close:
        raise ScheduleError(_l("Voting cannot open before name proposals close."))


def _aware_utc(times) -> list[datetime]:
    if any(value.tzinfo is None for value in times):
        raise ValueError("schedule times must be aware")
    return [value.astimezone(UTC) for value in times]


def set_schedule(
    campaign: Campaign | None,
    submissions_open: datetime,
    submissions_close: datetime,
    voting_open: datetime,
    voting_close: datetime,
    *,
    actor: User | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> Campaign:
    """Set the four dates (creating a campaign when there is none); audited.

    Before voting opens, any schedule that is in order, except one whose voting would open
    now (or has ended) without a complete shortlist. Once voting has opened, only its close
    may move, later, with a reason (``extend_voting``); after the close, nothing."""
    now = now or utcnow()
    times = _aware_utc([submissions_open, submissions_close, voting_open, voting_close])
    check_schedule(*times)
    if campaign is not None and voting_has_opened(campaign, now):
        return _extend_voting(campaign, times, reason, actor, now)
    if times[3] <= now:
        raise ScheduleError(_l("Voting cannot close in the past: it has not opened yet."))
    if times[2] <= now and (campaign is None or not shortlist_complete(campaign)):
        raise ScheduleError(
            _l(
                "Voting cannot open before the shortlist is complete (%(saved)d of %(count)d "
                "names chosen). Save the shortlist first, or let voting open later.",
                saved=finalists_saved(campaign) if campaign is not None else 0,
                count=campaign.finalists_count if campaign is not None else DEFAULT_FINALISTS,
            )
        )
    return _store_schedule(campaign, times, actor)


class ScheduleChanges(enum.StrEnum):
    """What the schedule still allows: anything in order; only extending voting; nothing."""

    ANY = "any"
    EXTEND = "extend"
    NONE = "none"


def schedule_changes(campaign: Campaign | None, now: datetime) -> ScheduleChanges:
    if campaign is None or not voting_has_opened(campaign, now):
        return ScheduleChanges.ANY
    if phase(campaign, now) is Phase.VOTING:
        return ScheduleChanges.EXTEND
    return ScheduleChanges.NONE


def seed_schedule(campaign: Campaign | None, *times: datetime) -> Campaign:
    """For the demo and the tests only: the four dates as given (in order, but past the rules
    of change), to place a campaign in any phase. Staff screens and the CLI never use it."""
    times = _aware_utc(times)
    check_schedule(*times)
    return _store_schedule(campaign, times, None)


def extend_voting(
    campaign: Campaign,
    voting_close: datetime,
    reason: str | None,
    *,
    actor: User | None = None,
    now: datetime | None = None,
) -> Campaign:
    """Move voting's close later while voting is open, with a reason (published); audited."""
    dates = [getattr(campaign, name) for name in SCHEDULE_FIELDS[:3]] + [voting_close]
    return set_schedule(campaign, *dates, actor=actor, reason=reason, now=now)


def _extension_reason(reason: str | None) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ScheduleError(
            _l("Please give the reason for extending voting: it is published with the results.")
        )
    if len(reason) > EXTENSION_REASON_MAX:
        raise ScheduleError(
            _l("A reason has at most %(max)d characters.", max=EXTENSION_REASON_MAX)
        )
    return reason


def _extend_voting(campaign, times, reason, actor, now) -> Campaign:
    if phase(campaign, now) is not Phase.VOTING:
        raise ScheduleError(_l("Voting has closed: the schedule can no longer change."))
    current = [getattr(campaign, name) for name in SCHEDULE_FIELDS]
    if times[:3] != current[:3]:
        raise ScheduleError(
            _l("Voting has opened: the only change left is to extend its close, with a reason.")
        )
    if times[3] == current[3]:
        return campaign  # nothing changed
    if times[3] < current[3]:
        raise ScheduleError(_l("Voting has opened: its close can move later, never earlier."))
    reason = _extension_reason(reason)
    db.session.add(
        VotingExtension(
            campaign_id=campaign.id, previous_close=current[3], new_close=times[3], reason=reason
        )
    )
    campaign.voting_close = times[3]
    db.session.flush()
    audit.record(
        "campaign.extend_voting",
        "campaign",
        campaign.id,
        before={"voting_close": current[3].isoformat()},
        after={"voting_close": times[3].isoformat()},
        reason=reason,
        actor=actor,
    )
    return campaign


def _store_schedule(campaign: Campaign | None, times: list[datetime], actor) -> Campaign:
    before = None
    if campaign is None:
        campaign = new_campaign()
    else:
        before = audit.snapshot(campaign, SCHEDULE_FIELDS)
    for name, value in zip(SCHEDULE_FIELDS, times, strict=True):
        setattr(campaign, name, value)
    db.session.flush()
    audit.record(
        "campaign.schedule",
        "campaign",
        campaign.id,
        before=before,
        after=audit.snapshot(campaign, SCHEDULE_FIELDS),
        actor=actor,
    )
    return campaign
