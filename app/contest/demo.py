"""Demo campaign for ``flask seed-demo --phase P``: schedule, entries and finalists."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.accounts import services as accounts
from app.contest import services as svc
from app.contest.models import Campaign, Entry, EntryStatus
from app.demo import DEMO_CITIZENS
from app.extensions import db
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


def _schedule(phase: str):
    now = utcnow().replace(microsecond=0)
    day = timedelta(days=1)
    if phase == "submissions":
        return now - 3 * day, now + 10 * day, now + 12 * day, now + 20 * day
    if phase == "voting":
        return now - 20 * day, now - 8 * day, now - 2 * day, now + 7 * day
    return now - 40 * day, now - 28 * day, now - 20 * day, now - 1 * day  # closed


def _demo_campaign() -> Campaign | None:
    return db.session.scalar(
        sa.select(Campaign).where(Campaign.rules_en.contains(DEMO_MARK)).order_by(Campaign.id)
    )


def seed_contest(phase: str) -> str:
    """The demo campaign in ``phase`` (moved there if it exists), entries and finalists."""
    campaign = _demo_campaign()
    submissions_open, submissions_close, voting_open, voting_close = _schedule(phase)
    if campaign is None:
        campaign = svc.seed_schedule(
            None, submissions_open, submissions_close, voting_open, voting_close
        )
        campaign.rules_en = f"{svc.DEFAULT_RULES_EN} {DEMO_MARK}"
    else:
        # Move every date at once (a seed: past the rules of change that bind staff).
        svc.seed_schedule(campaign, submissions_open, submissions_close, voting_open, voting_close)
    db.session.flush()
    added = 0
    users = [accounts.find_user_by_email(email) for _name, email in DEMO_CITIZENS]
    for index, name, meaning, status, reason in DEMO_ENTRIES:
        user = users[index]
        if user is None:
            continue
        key = svc.owner_key(user)
        normalised = svc.normalise_name(name)
        exists = db.session.scalar(
            sa.select(Entry.id).where(
                Entry.campaign_id == campaign.id,
                Entry.owner_key == key,
                Entry.normalised_name == normalised,
            )
        )
        if exists:
            continue
        seq = (
            db.session.scalar(
                sa.select(sa.func.max(Entry.seq)).where(
                    Entry.campaign_id == campaign.id, Entry.owner_key == key
                )
            )
            or 0
        ) + 1
        db.session.add(
            Entry(
                campaign_id=campaign.id,
                user_id=user.id,
                owner_key=key,
                seq=seq,
                reference_code=svc.reference_code(campaign),
                submission_token=svc.new_submission_token(),
                proposed_name=svc.clean_name(name),
                normalised_name=normalised,
                meaning=meaning,
                status=status,
                review_reason=reason,
                reviewed_at=utcnow() if status != EntryStatus.PENDING.value else None,
            )
        )
        added += 1
    db.session.flush()
    finalists = svc.finalists(campaign)
    if phase != "submissions" and len(finalists) != campaign.finalists_count:
        names = [n.normalised_name for n in svc.approved_names(campaign)]
        names = names[: campaign.finalists_count]
        if len(names) == campaign.finalists_count:
            # The seeder sets the shortlist as the system, past the lock (voting may be open).
            for finalist in finalists:
                db.session.delete(finalist)
            db.session.flush()
            _force_shortlist(campaign, names)
    count = len(svc.finalists(campaign))
    return f"demo campaign {campaign.id} in phase {phase}: {added} new entries, {count} finalists"


def _force_shortlist(campaign: Campaign, names: list[str]) -> None:
    from app.contest.models import Finalist

    firsts = {n.normalised_name: n.first for n in svc.approved_names(campaign)}
    for position, name in enumerate(names, start=1):
        first = firsts[name]
        db.session.add(
            Finalist(
                campaign_id=campaign.id,
                normalised_name=name,
                display_name=first.proposed_name,
                meaning=first.meaning,
                position=position,
            )
        )
    db.session.flush()
