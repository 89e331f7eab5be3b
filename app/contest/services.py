"""Every rule of the naming contest: phases, the schedule, entries (gating, limits,
normalisation, duplicates, reference codes, double submits), review and the shortlist.

Services add and flush; the view's request (or the CLI command) commits once.
"""

from __future__ import annotations

import csv
import enum
import io
import re
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from math import ceil

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.accounts.identity import person_key
from app.accounts.models import User
from app.audit import services as audit
from app.contest.models import (
    MAX_ENTRIES_PER_PERSON,
    MAX_FINALISTS,
    MEANING_MAX,
    MEANING_MIN,
    NAME_MAX,
    NAME_MIN,
    Campaign,
    DrawPool,
    Entry,
    EntryStatus,
    Finalist,
    ResultsVisibility,
)
from app.contest.normalise import clean_name, normalise_name
from app.database import begin_write
from app.domain import DomainError
from app.extensions import db
from app.i18n import BANGKOK, BE_OFFSET
from app.links import has_link
from app.models import utcnow

__all__ = ["clean_name", "normalise_name"]  # re-exported: the rules are read from here


# --- errors -----------------------------------------------------------------------------------


class ContestError(DomainError):
    """A contest rule said no (app/domain.py)."""


class NotOpen(ContestError):
    """The campaign's phase does not allow this now (409 with the dates)."""

    status = 409
    template = "contest/not_open.html"

    def __init__(self, campaign: Campaign | None, message=None):
        super().__init__(message or _l("Name proposals are not open at the moment."))
        self.campaign = campaign

    def context(self) -> dict:
        current = phase(self.campaign, utcnow()) if self.campaign else None
        return {"campaign": self.campaign, "phase": current, "Phase": Phase}


class EntryRefused(ContestError):
    """An entry that breaks a rule (limit, duplicate, invalid text): shown on the form."""

    status = 400


class ScheduleError(ContestError):
    status = 400


class ShortlistLocked(ContestError):
    status = 409

    def __init__(self, message=None):
        super().__init__(
            message
            or _l("The shortlist is locked because voting has opened. It can no longer change.")
        )


class ShortlistError(ContestError):
    status = 400


class ReviewError(ContestError):
    status = 400


class DrawPoolLocked(ScheduleError):
    """The draw-pool setting changed after the seed source was announced for it."""

    status = 409

    def __init__(self):
        super().__init__(
            _l(
                "Who can win the prize can no longer change: the seed source of the prize "
                "draw has been announced for the current setting."
            )
        )


# --- phases -----------------------------------------------------------------------------------


class Phase(enum.StrEnum):
    UPCOMING = "upcoming"
    SUBMISSIONS = "submissions"
    REVIEW = "review"
    VOTING = "voting"
    CLOSED = "closed"
    ANNOUNCED = "announced"


PHASE_LABELS = {
    Phase.UPCOMING: _l("Coming soon"),
    Phase.SUBMISSIONS: _l("Name proposals are open"),
    Phase.REVIEW: _l("Entries are being reviewed"),
    Phase.VOTING: _l("Voting is open"),
    Phase.CLOSED: _l("Voting has closed"),
    Phase.ANNOUNCED: _l("The results are out"),
}


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


def _votes_exist(campaign: Campaign) -> bool:
    if campaign.id is None:
        return False
    from app.voting.models import Vote  # voting builds on the contest, not the other way

    return (
        db.session.scalar(sa.select(Vote.id).where(Vote.campaign_id == campaign.id).limit(1))
        is not None
    )


def _ballot_ready(campaign: Campaign) -> bool:
    # Votes already cast mean voting did open (a campaign from before this rule keeps them).
    return shortlist_complete(campaign) or _votes_exist(campaign)


def require_submissions_open(campaign: Campaign | None, now: datetime | None = None) -> None:
    """Raise NotOpen (409, the page with the dates) unless name proposals are open now."""
    if campaign is None or phase(campaign, now or utcnow()) is not Phase.SUBMISSIONS:
        raise NotOpen(campaign)


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


_NEXT = {
    Phase.UPCOMING: ("submissions_open", _l("Name proposals open in %(time)s.")),
    Phase.SUBMISSIONS: ("submissions_close", _l("Name proposals close in %(time)s.")),
    Phase.REVIEW: ("voting_open", _l("Voting opens in %(time)s.")),
    Phase.VOTING: ("voting_close", _l("Voting closes in %(time)s.")),
}


def next_milestone(campaign: Campaign, now: datetime) -> Milestone | None:
    """The next date the phase changes on, or None once voting has closed."""
    current = phase(campaign, now)
    if current not in _NEXT:
        return None
    field, label = _NEXT[current]
    if getattr(campaign, field) <= now:
        return None  # voting waits for the shortlist: no date to count down to
    return Milestone(label, getattr(campaign, field))


def duration_text(delta: timedelta) -> str:
    """``3 days 4 hours``, ``5 hours 10 minutes`` or ``7 minutes``, in the reader's language."""
    minutes = max(1, ceil(delta.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)

    def day_text(n: int) -> str:
        return ngettext("%(num)d day", "%(num)d days", n)

    def hour_text(n: int) -> str:
        return ngettext("%(num)d hour", "%(num)d hours", n)

    def minute_text(n: int) -> str:
        return ngettext("%(num)d minute", "%(num)d minutes", n)

    if days:
        parts = [day_text(days)] + ([hour_text(hours)] if hours else [])
    elif hours:
        parts = [hour_text(hours)] + ([minute_text(minutes)] if minutes else [])
    else:
        parts = [minute_text(minutes)]
    return " ".join(parts)


def duration_units() -> dict[str, str]:
    """The unit words of ``duration_text`` for the live countdown script (data-* attributes)."""
    return {
        "day-one": ngettext("%(num)d day", "%(num)d days", 1).replace("1", "%(num)d", 1),
        "day-many": ngettext("%(num)d day", "%(num)d days", 2).replace("2", "%(num)d", 1),
        "hour-one": ngettext("%(num)d hour", "%(num)d hours", 1).replace("1", "%(num)d", 1),
        "hour-many": ngettext("%(num)d hour", "%(num)d hours", 2).replace("2", "%(num)d", 1),
        "minute-one": ngettext("%(num)d minute", "%(num)d minutes", 1).replace("1", "%(num)d", 1),
        "minute-many": ngettext("%(num)d minute", "%(num)d minutes", 2).replace("2", "%(num)d", 1),
    }


def countdown(campaign: Campaign, now: datetime) -> str | None:
    milestone = next_milestone(campaign, now)
    if milestone is None:
        return None
    return str(milestone.label) % {"time": duration_text(milestone.at - now)}


# --- campaigns and the schedule ---------------------------------------------------------------


def current_campaign() -> Campaign | None:
    """The campaign the site shows: the latest by opening date that is not archived."""
    return db.session.scalar(
        sa.select(Campaign)
        .where(Campaign.archived.is_(False))
        .order_by(Campaign.submissions_open.desc(), Campaign.id.desc())
        .limit(1)
    )


DEFAULT_TITLE_TH = "ประกวดตั้งชื่อมาสคอตรัฐบาลอิเล็กทรอนิกส์"
DEFAULT_TITLE_EN = "Name the e-Government mascot"
DEFAULT_PRIZE_TH = "คอมพิวเตอร์โน้ตบุ๊ก 1 เครื่อง"
DEFAULT_PRIZE_EN = "A notebook computer"
DEFAULT_RULES_TH = (
    "ผู้ที่ลงทะเบียนและยืนยันอีเมลแล้วเสนอชื่อได้ไม่เกินคนละ 3 ชื่อ พร้อมความหมาย "
    "คณะทำงานจะคัดเลือก 5 ชื่อเข้ารอบเพื่อให้ประชาชนโหวต"
)
DEFAULT_RULES_EN = (
    "Registered citizens with a verified e-mail address may propose up to 3 names, each with "
    "its meaning. Staff shortlist 5 names for the public vote."
)

SCHEDULE_FIELDS = ("submissions_open", "submissions_close", "voting_open", "voting_close")
SETTINGS_FIELDS = (
    "title_th",
    "title_en",
    "rules_th",
    "rules_en",
    "prize_th",
    "prize_en",
    "entries_per_person",
    "finalists_count",
    "results_visibility",
    "draw_pool",
)


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


EXTENSION_REASON_MAX = 500


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
        count = campaign.finalists_count if campaign is not None else 5
        raise ScheduleError(
            _l(
                "Voting cannot open before the shortlist is complete (%(saved)d of %(count)d "
                "names chosen). Save the shortlist first, or let voting open later.",
                saved=finalists_saved(campaign) if campaign is not None else 0,
                count=count,
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


def _extend_voting(campaign, times, reason, actor, now) -> Campaign:
    from app.contest.models import VotingExtension

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
    reason = " ".join((reason or "").split())
    if not reason:
        raise ScheduleError(
            _l("Please give the reason for extending voting: it is published with the results.")
        )
    if len(reason) > EXTENSION_REASON_MAX:
        raise ScheduleError(
            _l("A reason has at most %(max)d characters.", max=EXTENSION_REASON_MAX)
        )
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
        campaign = Campaign(
            title_th=DEFAULT_TITLE_TH,
            title_en=DEFAULT_TITLE_EN,
            rules_th=DEFAULT_RULES_TH,
            rules_en=DEFAULT_RULES_EN,
            prize_th=DEFAULT_PRIZE_TH,
            prize_en=DEFAULT_PRIZE_EN,
            entries_per_person=3,
            finalists_count=5,
            results_visibility=ResultsVisibility.AFTER_CLOSE.value,
            draw_pool=DrawPool.ENTRANTS.value,
            archived=False,
        )
        db.session.add(campaign)
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


FINALISTS_COUNT_LOCKED = _l(
    "The number of finalists cannot change while a shortlist is saved: clear the shortlist "
    "first (on the Shortlist screen), then change the number."
)


def locked_settings(campaign: Campaign, now: datetime) -> dict[str, object]:
    """The settings staff cannot change now, each with the sentence that says why (the
    settings screen shows them locked; ``update_settings`` refuses them)."""
    locked: dict[str, object] = {}
    if shortlist_locked(campaign, now):
        why = _l("Fixed since voting opened.")
        locked.update(finalists_count=why, draw_pool=why, results_visibility=why)
    elif finalists_saved(campaign):
        locked["finalists_count"] = FINALISTS_COUNT_LOCKED
    return locked


def update_settings(campaign: Campaign, values: dict, *, actor: User | None = None) -> None:
    """Titles, rules, prize and the numeric settings; audited."""
    entries_per_person = int(values.get("entries_per_person", campaign.entries_per_person))
    finalists_count = int(values.get("finalists_count", campaign.finalists_count))
    if not 1 <= entries_per_person <= MAX_ENTRIES_PER_PERSON:
        raise ScheduleError(
            _l("Entries per person must be between 1 and %(max)d.", max=MAX_ENTRIES_PER_PERSON)
        )
    if not 2 <= finalists_count <= MAX_FINALISTS:
        raise ScheduleError(_l("Finalists must be between 2 and %(max)d.", max=MAX_FINALISTS))
    if finalists_count != campaign.finalists_count and finalists_saved(campaign):
        raise ScheduleError(FINALISTS_COUNT_LOCKED)
    if values.get("draw_pool", campaign.draw_pool) != campaign.draw_pool and draw_pool_locked(
        campaign, for_update=True
    ):
        raise DrawPoolLocked()
    # What voting and the draw depend on is fixed once voting opens: the draw's pool must be
    # named before anyone knows who is in it.
    locked_fields = {
        "finalists_count": finalists_count,
        "draw_pool": values.get("draw_pool", campaign.draw_pool),
        "results_visibility": values.get("results_visibility", campaign.results_visibility),
    }
    if (
        campaign.id is not None
        and any(value != getattr(campaign, name) for name, value in locked_fields.items())
        and shortlist_locked(campaign, utcnow())
    ):
        raise ShortlistLocked()
    before = audit.snapshot(campaign, SETTINGS_FIELDS)
    for name in SETTINGS_FIELDS:
        if name in values:
            setattr(campaign, name, "" if values[name] is None else values[name])
    campaign.entries_per_person = entries_per_person
    campaign.finalists_count = finalists_count
    db.session.flush()
    audit.record(
        "campaign.settings",
        "campaign",
        campaign.id,
        before=before,
        after=audit.snapshot(campaign, SETTINGS_FIELDS),
        actor=actor,
    )


# --- the prize draw's pool, as the rules state it ----------------------------------------------

#: Who can win the prize, by the campaign's draw-pool setting: the one sentence every page uses.
WHO_CAN_WIN = {
    DrawPool.ENTRANTS.value: _l(
        "The prize is drawn among the citizens whose approved entry is the winning name."
    ),
    DrawPool.VOTERS.value: _l(
        "The prize is drawn among the citizens who voted for the winning name."
    ),
}
#: Stated in advance, because the ministry must be able to reach the winner.
DELETED_ACCOUNTS_RULE = _l(
    "Anyone whose account has been deleted by the time of the draw is not in it, since we "
    "could not contact them."
)


def who_can_win(pool_kind: str):
    """The sentence that says who can win, for a draw-pool setting (or an announced draw's)."""
    return WHO_CAN_WIN[DrawPool(pool_kind).value]


def announced_draw(campaign: Campaign):
    """The prize draw as announced (attempt 1: seed source, time, pool kind), or None. Public
    from the moment it is made; the draw-pool setting is fixed from then on."""
    from app.voting.models import PrizeDraw  # voting builds on the contest, not the other way

    if campaign.id is None:
        return None
    return db.session.scalar(
        sa.select(PrizeDraw).where(PrizeDraw.campaign_id == campaign.id, PrizeDraw.attempt == 1)
    )


def draw_pool_locked(campaign: Campaign, *, for_update: bool = False) -> bool:
    """Whether the seed source has been announced: the pool is named, the setting is fixed."""
    if for_update and campaign.id is not None:
        # PostgreSQL: wait for an announcement being made now (it locks this row too).
        db.session.execute(
            sa.select(Campaign.id).where(Campaign.id == campaign.id).with_for_update()
        )
    return announced_draw(campaign) is not None


# --- entries: text rules ----------------------------------------------------------------------

# Thai letters and marks (not the currency sign or ๏/๚/๛), Thai digits, Latin letters (with
# accents), digits, space and hyphen. Each character must also be a letter, mark, digit, space
# or hyphen: × and ÷ sit among the accented Latin letters but are symbols.
_NAME_CHARS = re.compile("[\u0e01-\u0e3a\u0e40-\u0e4e\u0e50-\u0e59A-Za-z\u00c0-\u024f0-9 -]+")
# A name has at least one of these: a Thai consonant, a Latin letter or a digit.
_NAME_CORE = re.compile("[\u0e01-\u0e2e\u0e50-\u0e59A-Za-z\u00c0-\u024f0-9]")
_REPEAT_MARK = "\u0e46"  # ๆ (mai yamok) repeats the word before it


def _is_name_char(ch: str) -> bool:
    return ch in " -" or unicodedata.category(ch)[0] in "LMN"


def _letters(normalised: str) -> list[str]:
    """The letters and digits of a name, without marks and without ``ๆ``."""
    return [ch for ch in normalised if unicodedata.category(ch)[0] in "LN" and ch != _REPEAT_MARK]


def name_problems(raw: str) -> list[str]:
    """Why a proposed name cannot be accepted (translated); empty when it can.

    Invisible characters (zero-width, soft hyphen) are dropped first. A name holds no link
    (``has_link``: "Awww" is a name, "www.x" is not); only Thai or Latin letters, digits,
    spaces and hyphens; at least two letters or digits besides ``ๆ`` and the marks, one of
    them a Thai consonant, a Latin letter or a digit ("ๆๆ" is not a name); and 2 to 40
    characters in its normalised form.
    """
    shown = clean_name(raw or "")
    normalised = normalise_name(raw or "")
    if not normalised:
        return [str(_l("Please enter the name you propose."))]
    if has_link(shown):
        return [str(_l("A name cannot contain a link or a web address."))]
    if not _NAME_CHARS.fullmatch(shown) or not all(_is_name_char(ch) for ch in shown):
        return [
            str(_l("Use only Thai or Latin letters, digits, spaces and hyphens (-) in the name."))
        ]
    letters = _letters(normalised)
    if len(letters) < 2 or not any(_NAME_CORE.match(ch) for ch in letters):
        return [
            str(
                _l(
                    "A name needs at least two letters or digits; the repetition mark ๆ and "
                    "the marks above and below a letter do not count."
                )
            )
        ]
    if not NAME_MIN <= len(normalised) <= NAME_MAX:
        return [
            str(
                _l(
                    "A name has between %(min)d and %(max)d characters "
                    "(not counting spaces and hyphens).",
                    min=NAME_MIN,
                    max=NAME_MAX,
                )
            )
        ]
    return []


def meaning_problems(raw: str) -> list[str]:
    text = (raw or "").strip()
    if not MEANING_MIN <= len(text) <= MEANING_MAX:
        return [
            str(
                _l(
                    "Describe the meaning in %(min)d to %(max)d characters.",
                    min=MEANING_MIN,
                    max=MEANING_MAX,
                )
            )
        ]
    return []


def entry_limit_rule(campaign: Campaign) -> str:
    """The per-person limit as the rules page states it. Every entry counts toward it, a
    rejected one too (``submit_entry`` counts all of a person's entries): a rejection is not a
    new try, so nobody can wear the reviewers down by proposing again and again."""
    return str(
        ngettext(
            "Each person may propose up to %(num)d name, each with its meaning. Every name "
            "proposed counts toward this limit, also a name that does not pass review.",
            "Each person may propose up to %(num)d names, each with its meaning. Every name "
            "proposed counts toward this limit, also a name that does not pass review.",
            campaign.entries_per_person,
        )
    )


# --- entries: submitting ----------------------------------------------------------------------

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_CODE_LENGTH = 6


def reference_code(campaign: Campaign) -> str:
    """``MN-2569-7KQ2XD``: the campaign's Buddhist-Era year and a random part (32⁶ values),
    so a code tells nobody how many entries exist."""
    year = campaign.submissions_open.astimezone(BANGKOK).year + BE_OFFSET
    tail = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return f"MN-{year}-{tail}"


def owner_key(user: User) -> str:
    """A keyed hash of the person's canonical e-mail: it outlives the account, so deleting the
    account and registering again with the same inbox (or a ``+tag`` of it) does not reset the
    per-person rules."""
    return person_key(user.email, current_app.config["SECRET_KEY"], purpose="contest-entry-owner")


def new_submission_token() -> str:
    return secrets.token_hex(16)


@dataclass
class Submitted:
    entry: Entry
    repeated: bool  # True when this was a second submit of the same form


def _entry_by_token(token: str) -> Entry | None:
    return db.session.scalar(sa.select(Entry).where(Entry.submission_token == token))


def submit_entry(
    campaign: Campaign,
    user: User,
    proposed_name: str,
    meaning: str,
    token: str,
    now: datetime | None = None,
) -> Submitted:
    """Add a name entry, or raise NotOpen/EntryRefused.

    The same form sent twice (same ``token``) gives back the first entry. The unique keys on
    (campaign, owner, normalised name) and (campaign, owner, seq) hold the rules under
    concurrency: the loser of a race retries and then meets the rule in Python.
    """
    begin_write()  # SQLite: parallel submits queue for the lock instead of failing
    now = now or utcnow()
    require_submissions_open(campaign, now)
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise EntryRefused(_l("This form has expired. Please reload the page and try again."))
    key = owner_key(user)
    problems = name_problems(proposed_name) + meaning_problems(meaning)
    if problems:
        raise EntryRefused(problems[0])
    shown = clean_name(proposed_name)
    normalised = normalise_name(proposed_name)
    for _attempt in range(6):
        mine = db.session.execute(
            sa.select(Entry.seq, Entry.normalised_name).where(
                Entry.campaign_id == campaign.id, Entry.owner_key == key
            )
        ).all()
        # Looked up after ``mine``: if a parallel copy of this form committed in between, it
        # is found here rather than mistaken for a duplicate name.
        earlier = _entry_by_token(token)
        if earlier is not None:
            if earlier.owner_key != key or earlier.campaign_id != campaign.id:
                raise EntryRefused(
                    _l("This form has expired. Please reload the page and try again.")
                )
            return Submitted(earlier, repeated=True)
        if any(row.normalised_name == normalised for row in mine):
            raise EntryRefused(
                _l("You have already proposed this name. Please propose a different one.")
            )
        if len(mine) >= campaign.entries_per_person:
            raise EntryRefused(
                ngettext(
                    "You have already proposed %(num)d name, the most allowed per person.",
                    "You have already proposed %(num)d names, the most allowed per person.",
                    campaign.entries_per_person,
                )
            )
        entry = Entry(
            campaign_id=campaign.id,
            user_id=user.id,
            owner_key=key,
            seq=max((row.seq for row in mine), default=0) + 1,
            reference_code=reference_code(campaign),
            submission_token=token,
            proposed_name=shown,
            normalised_name=normalised,
            meaning=meaning.strip(),
            status=EntryStatus.PENDING.value,
        )
        try:
            with db.session.begin_nested():
                db.session.add(entry)
        except sa.exc.IntegrityError:
            continue  # a parallel submit (or a code collision) won: look again
        return Submitted(entry, repeated=False)
    raise EntryRefused(_l("We could not save your entry just now. Please try again."))


def entries_of(user: User, campaign: Campaign | None = None) -> list[Entry]:
    query = sa.select(Entry).where(Entry.user_id == user.id)
    if campaign is not None:
        query = query.where(Entry.campaign_id == campaign.id)
    return list(db.session.scalars(query.order_by(Entry.created_at.desc(), Entry.id.desc())))


def owned_entry(code: str, user: User) -> Entry | None:
    """The entry with this reference code if ``user`` made it; None for anyone else."""
    return db.session.scalar(
        sa.select(Entry).where(Entry.reference_code == code, Entry.user_id == user.id)
    )


def unlink_entries(user: User) -> int:
    """Account deletion: keep the entries for the contest's integrity, drop the link."""
    result = db.session.execute(
        sa.update(Entry).where(Entry.user_id == user.id).values(user_id=None)
    )
    db.session.execute(
        sa.update(Entry).where(Entry.reviewed_by_id == user.id).values(reviewed_by_id=None)
    )
    return result.rowcount or 0


def export_entries(user: User) -> dict:
    """The person's part of the personal-data export."""
    return {
        "contest_entries": [
            {
                "reference_code": entry.reference_code,
                "proposed_name": entry.proposed_name,
                "meaning": entry.meaning,
                "status": entry.status,
                "review_reason": entry.review_reason,
                "submitted_at": entry.created_at.isoformat(),
            }
            for entry in entries_of(user)
        ]
    }


# --- review -----------------------------------------------------------------------------------

REVIEW_FIELDS = ("status", "review_reason")
REASON_MAX = 500


class Decision(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


REVIEW_CLOSED = _l("Entries can no longer be reviewed: voting has opened.")


def review_open(campaign: Campaign, now: datetime | None = None) -> bool:
    """Entries can be approved or rejected until voting opens (the approved entries of the
    winning name are then the prize draw's pool)."""
    return not shortlist_locked(campaign, now or utcnow())


def review_entry(entry: Entry, decision: Decision, reason: str | None, actor: User) -> None:
    """Approve or reject one entry (a reason is required to reject); audited.

    Not once voting opens: approved entries of the winning name are the prize draw's pool.
    Nor the rejection of a finalist's last approved entry (the shortlist must change first)."""
    if not review_open(entry.campaign):
        raise ReviewError(REVIEW_CLOSED, status=409)
    reason = (reason or "").strip() or None
    if decision is Decision.REJECT and not reason:
        raise ReviewError(_l("Please give a reason for rejecting."))
    if decision is Decision.REJECT:
        finalist = finalist_held_by(entry, for_update=True)
        if finalist is not None:
            raise ReviewError(
                _l(
                    "This is the last approved entry of the finalist %(name)s: a finalist "
                    "must keep at least one, since its entrants are who can win the prize. "
                    "Take the name off the shortlist first.",
                    name=finalist.display_name,
                )
            )
    if reason and len(reason) > REASON_MAX:
        raise ReviewError(_l("A reason has at most %(max)d characters.", max=REASON_MAX))
    before = audit.snapshot(entry, REVIEW_FIELDS)
    entry.status = (
        EntryStatus.APPROVED.value if decision is Decision.APPROVE else EntryStatus.REJECTED.value
    )
    entry.review_reason = reason
    entry.reviewed_at = utcnow()
    entry.reviewed_by_id = actor.id
    audit.record(
        f"entry.{decision.value}",
        "entry",
        entry.reference_code,
        before=before,
        after=audit.snapshot(entry, REVIEW_FIELDS),
        reason=reason,
        actor=actor,
    )


def finalist_held_by(entry: Entry, *, for_update: bool = False) -> Finalist | None:
    """The finalist this entry keeps on the shortlist: its name's last approved entry."""
    stranded = finalists_stranded_by(entry.campaign_id, [entry], for_update=for_update)
    return stranded[0] if stranded else None


def finalists_stranded_by(
    campaign_id: int, entries: list[Entry], *, for_update: bool = False
) -> list[Finalist]:
    """The finalists that rejecting all of ``entries`` would leave without an approved entry."""
    approved = [e for e in entries if e.status == EntryStatus.APPROVED.value]
    if not approved:
        return []
    query = sa.select(Finalist).where(
        Finalist.campaign_id == campaign_id,
        Finalist.normalised_name.in_({e.normalised_name for e in approved}),
    )
    # Two staff rejecting a finalist's last two entries at once: the second waits and counts.
    stranded = []
    for finalist in db.session.scalars(query.with_for_update() if for_update else query):
        left = db.session.scalar(
            sa.select(Entry.id)
            .where(
                Entry.campaign_id == campaign_id,
                Entry.normalised_name == finalist.normalised_name,
                Entry.status == EntryStatus.APPROVED.value,
                Entry.id.not_in([e.id for e in approved]),
            )
            .limit(1)
        )
        if left is None:
            stranded.append(finalist)
    return stranded


BULK_MAX = 200


def entries_by_ids(campaign: Campaign, ids: list[int]) -> list[Entry]:
    ids = list(dict.fromkeys(ids))[:BULK_MAX]
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Entry)
            .where(Entry.campaign_id == campaign.id, Entry.id.in_(ids))
            .order_by(Entry.id)
        )
    )


def bulk_review(
    campaign: Campaign, ids: list[int], decision: Decision, reason: str | None, actor: User
) -> int:
    entries = entries_by_ids(campaign, ids)
    if not entries:
        raise ReviewError(_l("Please choose at least one entry."))
    for entry in entries:
        review_entry(entry, decision, reason, actor)
    db.session.flush()
    return len(entries)


@dataclass
class Page:
    """The parts of a pagination that the templates use, for queries of plain rows."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _entry_filters(campaign: Campaign, status: str | None, search: str | None) -> list:
    conditions = [Entry.campaign_id == campaign.id]
    if status in {s.value for s in EntryStatus}:
        conditions.append(Entry.status == status)
    search = (search or "").strip()
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        normalised = "%" + normalise_name(search).replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            sa.or_(
                Entry.normalised_name.like(normalised, escape="\\"),
                Entry.proposed_name.like(pattern, escape="\\"),
                Entry.meaning.like(pattern, escape="\\"),
                Entry.reference_code == search.upper(),
            )
        )
    return conditions


def entries_page(
    campaign: Campaign, status: str | None, search: str | None, page: int, per_page: int = 50
):
    """One page of entries, newest first (uses the (campaign, status, created_at) index)."""
    query = (
        sa.select(Entry)
        .where(*_entry_filters(campaign, status, search))
        .order_by(Entry.created_at.desc(), Entry.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, max_per_page=per_page, error_out=False)


def group_counts(campaign: Campaign, names: list[str]) -> dict[str, int]:
    """How many entries share each normalised name: one GROUP BY for a whole page."""
    if not names:
        return {}
    rows = db.session.execute(
        sa.select(Entry.normalised_name, sa.func.count())
        .where(Entry.campaign_id == campaign.id, Entry.normalised_name.in_(set(names)))
        .group_by(Entry.normalised_name)
    )
    return dict(rows.all())


@dataclass
class Group:
    normalised_name: str
    total: int
    approved: int
    pending: int
    rejected: int
    example: Entry | None = None


def groups_page(
    campaign: Campaign, status: str | None, search: str | None, page: int, per_page: int = 50
) -> Page:
    """Entries grouped by normalised name, most proposed first: two queries per page."""
    conditions = _entry_filters(campaign, status, search)
    approved = sa.func.sum(sa.case((Entry.status == EntryStatus.APPROVED.value, 1), else_=0))
    pending = sa.func.sum(sa.case((Entry.status == EntryStatus.PENDING.value, 1), else_=0))
    rejected = sa.func.sum(sa.case((Entry.status == EntryStatus.REJECTED.value, 1), else_=0))
    grouped = (
        sa.select(
            Entry.normalised_name,
            sa.func.count().label("total"),
            approved.label("approved"),
            pending.label("pending"),
            rejected.label("rejected"),
            sa.func.min(Entry.id).label("first_id"),
        )
        .where(*conditions)
        .group_by(Entry.normalised_name)
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(grouped.subquery()))
    page = max(1, page)
    rows = db.session.execute(
        grouped.order_by(sa.text("total DESC"), Entry.normalised_name)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    examples = {
        entry.id: entry
        for entry in db.session.scalars(
            sa.select(Entry).where(Entry.id.in_([row.first_id for row in rows]))
        )
    }
    items = [
        Group(
            row.normalised_name,
            row.total,
            int(row.approved or 0),
            int(row.pending or 0),
            int(row.rejected or 0),
            examples.get(row.first_id),
        )
        for row in rows
    ]
    return Page(items, page, per_page, total or 0)


def status_counts(campaign: Campaign) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Entry.status, sa.func.count())
        .where(Entry.campaign_id == campaign.id)
        .group_by(Entry.status)
    ).all()
    counts = {s.value: 0 for s in EntryStatus}
    counts.update(dict(rows))
    return counts


def entries_per_day(campaign: Campaign, days: int = 14, now: datetime | None = None) -> list:
    """(Bangkok date, count) for the last ``days`` days, oldest first, zeros included.

    One range count per Bangkok day on the (campaign, created_at) index: a fixed number of
    cheap queries whatever the number of entries, and portable SQL (no time-zone functions).
    """
    now = now or utcnow()
    today = now.astimezone(BANGKOK).date()
    first = today - timedelta(days=days - 1)
    result = []
    for i in range(days):
        day = first + timedelta(days=i)
        start = datetime.combine(day, time(0, 0), BANGKOK)
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Entry)
            .where(
                Entry.campaign_id == campaign.id,
                Entry.created_at >= start,
                Entry.created_at < start + timedelta(days=1),
            )
        )
        result.append((day, count or 0))
    return result


# --- CSV export -------------------------------------------------------------------------------

CSV_HEADER = (
    "reference_code",
    "proposed_name",
    "normalised_name",
    "meaning",
    "status",
    "review_reason",
    "submitted_at_bangkok",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell that a spreadsheet will not run as a formula (leading apostrophe)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(campaign: Campaign, status: str | None, search: str | None) -> Iterator[str]:
    """The entries as CSV text chunks: UTF-8 with a BOM so that Excel reads Thai."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(CSV_HEADER)
    query = (
        sa.select(Entry)
        .where(*_entry_filters(campaign, status, search))
        .order_by(Entry.created_at, Entry.id)
        .execution_options(yield_per=1000)
    )
    for count, entry in enumerate(db.session.scalars(query), start=1):
        writer.writerow(
            [
                csv_cell(entry.reference_code),
                csv_cell(entry.proposed_name),
                csv_cell(entry.normalised_name),
                csv_cell(entry.meaning),
                csv_cell(entry.status),
                csv_cell(entry.review_reason),
                entry.created_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M:%S"),
            ]
        )
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- shortlist --------------------------------------------------------------------------------

FINALIST_FIELDS = ("display_name", "meaning", "position")


def shortlist_locked(campaign: Campaign, now: datetime) -> bool:
    """Locked from the moment voting opens (on a complete shortlist: until then it stays
    fixable, even past ``voting_open``), and for good once any vote exists (votes point at
    the finalists)."""
    return voting_has_opened(campaign, now) or _votes_exist(campaign)


def _check_unlocked(campaign: Campaign, now: datetime | None) -> None:
    if shortlist_locked(campaign, now or utcnow()):
        raise ShortlistLocked()


@dataclass
class ApprovedName:
    normalised_name: str
    count: int
    first: Entry


def approved_names(campaign: Campaign, limit: int = 500) -> list[ApprovedName]:
    """Distinct approved names, most proposed first, each with its earliest approved entry."""
    rows = db.session.execute(
        sa.select(Entry.normalised_name, sa.func.count().label("n"), sa.func.min(Entry.id))
        .where(Entry.campaign_id == campaign.id, Entry.status == EntryStatus.APPROVED.value)
        .group_by(Entry.normalised_name)
        .order_by(sa.text("n DESC"), Entry.normalised_name)
        .limit(limit)
    ).all()
    firsts = {
        e.id: e
        for e in db.session.scalars(sa.select(Entry).where(Entry.id.in_([r[2] for r in rows])))
    }
    return [ApprovedName(r[0], r[1], firsts[r[2]]) for r in rows]


def finalists(campaign: Campaign) -> list[Finalist]:
    return list(
        db.session.scalars(
            sa.select(Finalist)
            .where(Finalist.campaign_id == campaign.id)
            .order_by(Finalist.position, Finalist.id)
        )
    )


def set_shortlist(
    campaign: Campaign, names: list[str], actor: User, now: datetime | None = None
) -> list[Finalist]:
    """Make the shortlist exactly these approved normalised names (in this order); finalists
    kept from before keep their edited display name and meaning. Audited."""
    _check_unlocked(campaign, now)
    if (now or utcnow()) >= campaign.voting_close:
        raise ShortlistError(
            _l("Voting's dates have passed: set a new schedule before saving the shortlist.")
        )
    names = [n for n in dict.fromkeys(names) if n]
    if len(names) != campaign.finalists_count:
        raise ShortlistError(
            ngettext(
                "Please choose exactly %(num)d name.",
                "Please choose exactly %(num)d names.",
                campaign.finalists_count,
            )
        )
    firsts = {
        e.normalised_name: e
        for e in db.session.scalars(
            sa.select(Entry)
            .where(
                Entry.campaign_id == campaign.id,
                Entry.status == EntryStatus.APPROVED.value,
                Entry.normalised_name.in_(names),
            )
            .order_by(Entry.created_at.desc(), Entry.id.desc())
        )
    }  # newest first, so the dict keeps the earliest entry of each name
    if set(firsts) != set(names):
        raise ShortlistError(_l("Only approved names can be shortlisted."))
    current = finalists(campaign)
    before = {"names": [f.normalised_name for f in current]}
    kept = {f.normalised_name: f for f in current if f.normalised_name in names}
    for finalist in current:
        if finalist.normalised_name not in kept:
            db.session.delete(finalist)
    db.session.flush()
    ordered = [kept[n] for n in [f.normalised_name for f in current] if n in kept]
    ordered += [
        Finalist(
            campaign_id=campaign.id,
            normalised_name=name,
            display_name=firsts[name].proposed_name,
            meaning=firsts[name].meaning,
            position=0,
        )
        for name in names
        if name not in kept
    ]
    for position, finalist in enumerate(ordered, start=1):
        finalist.position = position
        db.session.add(finalist)
    db.session.flush()
    audit.record(
        "shortlist.set",
        "campaign",
        campaign.id,
        before=before,
        after={"names": [f.normalised_name for f in ordered]},
        actor=actor,
    )
    return ordered


def clear_shortlist(campaign: Campaign, actor: User, now: datetime | None = None) -> None:
    """Remove every finalist (before voting opens), so that the number of finalists can
    change; audited."""
    _check_unlocked(campaign, now)
    current = finalists(campaign)
    for finalist in current:
        db.session.delete(finalist)
    db.session.flush()
    audit.record(
        "shortlist.clear",
        "campaign",
        campaign.id,
        before={"names": [f.normalised_name for f in current]},
        after={"names": []},
        actor=actor,
    )


def update_finalist(
    finalist: Finalist, display_name: str, meaning: str, actor: User, now: datetime | None = None
) -> None:
    """Edit how a finalist is shown; its name stays the one its entries normalise to."""
    _check_unlocked(finalist.campaign, now)
    display_name = clean_name(display_name)
    if not 1 <= len(display_name) <= NAME_MAX * 2:
        raise ShortlistError(_l("Please enter a display name."))
    # The pool of the draw is the entries of the finalist's normalised name: a new spelling
    # may change spaces and capitals, never the name.
    if normalise_name(display_name) != finalist.normalised_name:
        raise ShortlistError(
            _l(
                "The display name must be the same name as the entries it was chosen from "
                "(only spaces and capitals may differ), since their entrants are who can "
                "win the prize."
            )
        )
    if meaning_problems(meaning):
        raise ShortlistError(meaning_problems(meaning)[0])
    before = audit.snapshot(finalist, FINALIST_FIELDS)
    finalist.display_name = display_name
    finalist.meaning = meaning.strip()
    db.session.flush()
    audit.record(
        "finalist.update",
        "finalist",
        finalist.id,
        before=before,
        after=audit.snapshot(finalist, FINALIST_FIELDS),
        actor=actor,
    )


def move_finalist(
    finalist: Finalist, direction: str, actor: User, now: datetime | None = None
) -> None:
    """Swap with the neighbour above ("up") or below ("down")."""
    _check_unlocked(finalist.campaign, now)
    ordered = finalists(finalist.campaign)
    before = {"order": [f.id for f in ordered]}
    index = ordered.index(finalist)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.flush()
    audit.record(
        "shortlist.reorder",
        "campaign",
        finalist.campaign_id,
        before=before,
        after={"order": [f.id for f in ordered]},
        actor=actor,
    )
