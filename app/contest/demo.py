"""Demo campaign for ``flask seed-demo --phase P``: its schedule, entries and shortlist.

The demo campaign lives its life through the services on a clock of its own (the ``now``
they take): it is scheduled the day before proposals open, takes its entries in the
proposal window and its shortlist the day before voting opens; ``app.voting.demo`` then
announces the draw, votes, publishes and draws at times that fit. A demo campaign already in
the phase asked for is kept (and completed); any other is deleted with all its rows and
built again, since the rules rightly refuse to move a campaign back or to close voting
early. Campaigns without the demo mark are never touched.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.accounts import services as accounts
from app.contest.campaigns import DEFAULT_RULES_EN
from app.contest.entries import new_submission_token, owner_key, reference_code
from app.contest.models import Campaign, Entry, EntryStatus
from app.contest.normalise import clean_name, normalise_name
from app.contest.phases import Phase, phase
from app.contest.schedule import set_schedule
from app.contest.shortlist import approved_names, finalists, set_shortlist
from app.demo import DEMO_CITIZENS
from app.extensions import db
from app.i18n import BANGKOK
from app.models import utcnow

DEMO_MARK = "[demo]"  # in rules_en, so a real campaign is never moved by the seeder

# (citizen index, name, meaning, status, reason)
DEMO_ENTRIES = [
    (0, "น้องไอซี", "มาจาก ICT สื่อถึงเทคโนโลยีสารสนเทศที่ช่วยให้บริการภาครัฐเข้าถึงง่าย", "approved", None),
    (0, "น้องรัฐใจดี", "รัฐบาลที่ใส่ใจประชาชน ให้บริการด้วยความเป็นมิตรทุกที่ทุกเวลา", "approved", None),
    (0, "ฟ้าใส", "ความโปร่งใสของการให้บริการ เหมือนท้องฟ้าที่แจ่มใส", "pending", None),
    (
        1,
        "น้อง ไอซี",
        "Short for ICT: information technology that brings services closer.",
        "approved",
        None,
    ),
    (
        1,
        "e-Jai",
        "e for electronic, jai (ใจ) for a caring heart: services with heart.",
        "approved",
        None,
    ),
    (
        1,
        "Buy now cheap",
        "Visit our shop for the best prices on everything today!",
        "rejected",
        "Advertising, not a name for the mascot.",
    ),
    (2, "มะลิออนไลน์", "ดอกมะลิสื่อถึงความบริสุทธิ์ใจ บริการออนไลน์ที่จริงใจต่อประชาชน", "approved", None),
    (2, "น้องสะดวก", "ทำเรื่องกับภาครัฐได้สะดวก ไม่ต้องเดินทางไปสำนักงาน", "approved", None),
    (2, "ดิจิ", "ย่อมาจากดิจิทัล จำง่าย ออกเสียงง่ายทั้งเด็กและผู้ใหญ่", "pending", None),
]


DAY = timedelta(days=1)
LOTTERY_DAYS = (1, 16)  # the Government Lottery draws on the 1st and the 16th of each month


def _midnight(day: date) -> datetime:
    """00:00 of ``day`` in Bangkok: the demo's windows open and close at midnight."""
    return datetime.combine(day, time(0, 0), BANGKOK)


def lottery_day(campaign: Campaign) -> date:
    """The lottery draw whose first prize seeds the demo's prize draw: the first one on or
    after the day voting closes, so nobody knows the number while voting runs."""
    day = campaign.voting_close.astimezone(BANGKOK).date()
    while day.day not in LOTTERY_DAYS:
        day += DAY
    return day


def demo_schedule(phase: str, now: datetime) -> tuple[datetime, datetime, datetime, datetime]:
    """Four dates that put ``now`` in ``phase``. Once voting is over it closed at the
    midnight before the latest lottery draw, whose number is known by now."""
    today = now.astimezone(BANGKOK).date()
    if phase == "submissions":
        days = (today - 3 * DAY, today + 10 * DAY, today + 12 * DAY, today + 20 * DAY)
    elif phase == "voting":
        days = (today - 20 * DAY, today - 8 * DAY, today - 2 * DAY, today + 7 * DAY)
    else:  # counting, closed
        close = today - DAY
        while close.day not in LOTTERY_DAYS:
            close -= DAY
        days = (close - 33 * DAY, close - 19 * DAY, close - 14 * DAY, close)
    return tuple(_midnight(day) for day in days)


def _demo_campaigns() -> list[Campaign]:
    query = sa.select(Campaign).where(Campaign.rules_en.contains(DEMO_MARK))
    return list(db.session.scalars(query.order_by(Campaign.id.desc())))


def demo_campaign() -> Campaign | None:
    """The demo campaign (the newest one carrying the demo mark)."""
    campaigns = _demo_campaigns()
    return campaigns[0] if campaigns else None


def demo_state(campaign: Campaign, now: datetime) -> str | None:
    """Which demo phase the campaign shows at ``now``; None when it shows none of them well."""
    from app.voting.models import PrizeDraw  # voting builds on the contest, not the other way

    current = phase(campaign, now)
    finished = (
        campaign.voting_close <= now and lottery_day(campaign) < now.astimezone(BANGKOK).date()
    )
    if current is Phase.SUBMISSIONS and not finalists(campaign):
        return "submissions"
    if current is Phase.VOTING:
        return "voting"
    if current is Phase.CLOSED and finished:
        return "counting"
    drawn = sa.select(PrizeDraw.id).where(
        PrizeDraw.campaign_id == campaign.id, PrizeDraw.seed.is_not(None)
    )
    if current is Phase.ANNOUNCED and finished and db.session.scalar(drawn.limit(1)):
        return "closed"
    return None


def seed_contest(phase: str) -> str:
    """The demo campaign in ``phase``: kept when it is there (or only the results and the draw
    are missing), otherwise built anew."""
    now = utcnow().replace(microsecond=0)
    campaign = demo_campaign()
    if campaign is not None:
        state = demo_state(campaign, now)
        if state == phase or (state, phase) == ("counting", "closed"):
            return f"demo campaign {campaign.id} kept in phase {phase}"
    # The new one first: SQLite gives the largest ids again once their rows are deleted, and
    # the audit log names rows by id (a new draw must not meet the old draw's record).
    campaign = build_demo_campaign(phase, now)
    line = f"demo campaign {campaign.id} built in phase {phase}"
    line += f": {len(finalists(campaign))} finalists"
    for old in _demo_campaigns():
        if old.id != campaign.id:
            remove_demo_campaign(old)
    return line


def remove_demo_campaign(campaign: Campaign) -> None:
    """Delete a demo campaign with every row of it (entries, finalists, votes, results and
    draws); votes first, since they hold on to their finalist."""
    from app.voting.models import Vote

    if DEMO_MARK not in (campaign.rules_en or ""):
        raise ValueError("only the demo campaign is removed")
    db.session.flush()
    db.session.execute(sa.delete(Vote).where(Vote.campaign_id == campaign.id))
    db.session.execute(sa.delete(Campaign).where(Campaign.id == campaign.id))
    db.session.expire_all()


def build_demo_campaign(phase: str, now: datetime) -> Campaign:
    """A new demo campaign, walked through the contest services on its own clock."""
    times = demo_schedule(phase, now)
    campaign = set_schedule(None, *times, now=times[0] - DAY)
    campaign.rules_en = f"{DEFAULT_RULES_EN} {DEMO_MARK}"
    _add_entries(campaign, min(now, times[1]))
    if phase != "submissions":
        names = [n.normalised_name for n in approved_names(campaign)]
        set_shortlist(campaign, names[: campaign.finalists_count], None, now=times[2] - DAY)
    db.session.flush()
    return campaign


def _add_entries(campaign: Campaign, until: datetime) -> None:
    """The demo entries, sent one after another in the proposal window up to ``until`` and
    reviewed a few hours later (the pending ones wait)."""
    users = [accounts.find_user_by_email(email) for _name, email in DEMO_CITIZENS]
    step = (until - campaign.submissions_open) / (len(DEMO_ENTRIES) + 1)
    seqs: dict[str, int] = {}
    for number, (index, name, meaning, status, reason) in enumerate(DEMO_ENTRIES, start=1):
        user = users[index]
        if user is None:
            continue
        key = owner_key(user)
        seqs[key] = seqs.get(key, 0) + 1
        sent = campaign.submissions_open + step * number
        db.session.add(
            Entry(
                campaign_id=campaign.id,
                user_id=user.id,
                owner_key=key,
                seq=seqs[key],
                reference_code=reference_code(campaign),
                submission_token=new_submission_token(),
                proposed_name=clean_name(name),
                normalised_name=normalise_name(name),
                meaning=meaning,
                status=status,
                review_reason=reason,
                created_at=sent,
                updated_at=sent,
                reviewed_at=(
                    None
                    if status == EntryStatus.PENDING.value
                    else min(sent + timedelta(hours=3), until)
                ),
            )
        )
    db.session.flush()
