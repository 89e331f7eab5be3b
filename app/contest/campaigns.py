"""The campaign the site shows, a new campaign's defaults, and its settings (titles, rules
text, prize, entries per person, number of finalists, results and draw-pool settings)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit import services as audit
from app.contest.draw_pool import draw_pool_locked
from app.contest.errors import DrawPoolLocked, ScheduleError, ShortlistLocked
from app.contest.models import (
    DEFAULT_ENTRIES_PER_PERSON,
    DEFAULT_FINALISTS,
    MAX_ENTRIES_PER_PERSON,
    MAX_FINALISTS,
    Campaign,
    DrawPool,
    ResultsVisibility,
)
from app.contest.phases import finalists_saved
from app.contest.shortlist import shortlist_locked
from app.extensions import db
from app.models import utcnow


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
# No numbers here: the rules page states the entry limit and the number of finalists from the
# settings (``entry_limit_rule``), so the text cannot contradict a changed setting.
DEFAULT_RULES_TH = (
    "ผู้ที่ลงทะเบียนและยืนยันอีเมลแล้วเสนอชื่อได้ พร้อมความหมายของชื่อ คณะทำงานจะคัดเลือกชื่อเข้ารอบเพื่อให้ประชาชนโหวต"
)
DEFAULT_RULES_EN = (
    "Registered citizens with a verified e-mail address may propose names, each with its "
    "meaning. Staff shortlist names for the public vote."
)

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


def new_campaign() -> Campaign:
    """A campaign with the default texts and settings, added to the session (no dates yet)."""
    campaign = Campaign(
        title_th=DEFAULT_TITLE_TH,
        title_en=DEFAULT_TITLE_EN,
        rules_th=DEFAULT_RULES_TH,
        rules_en=DEFAULT_RULES_EN,
        prize_th=DEFAULT_PRIZE_TH,
        prize_en=DEFAULT_PRIZE_EN,
        entries_per_person=DEFAULT_ENTRIES_PER_PERSON,
        finalists_count=DEFAULT_FINALISTS,
        results_visibility=ResultsVisibility.AFTER_CLOSE.value,
        draw_pool=DrawPool.ENTRANTS.value,
        archived=False,
    )
    db.session.add(campaign)
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
    _check_settings(campaign, values, entries_per_person, finalists_count)
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


def _check_settings(
    campaign: Campaign, values: dict, entries_per_person: int, finalists_count: int
) -> None:
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
